"""Pages of calibration, rematch, responsiveness, circles and topic mentors: negative
permissions first, then behaviour and query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import CalibrationCheck, Circle, Pairing, RematchRequest, UnresponsiveReport
from matching.services import calibration, rematch, responsiveness, topic_mentors
from tests.matching.factories import (
    client_for,
    cohort_with_people,
    pair,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org, admin):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=3, mentees=3)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    return cohort, mentors, mentees, comps, pairing


def _url(name, org, *args):
    return reverse(name, args=[org.slug, *args])


# --- negative permissions ------------------------------------------------------------------


def test_stranger_gets_404_everywhere(org, as_stranger, setup):
    cohort, _, _, _, pairing = setup
    for name, args in [
        ("calibration", ()),
        ("pairing_repair", (pairing.pk,)),
        ("cohort_circles", (cohort.pk,)),
        ("cohort_topic_mentors", (cohort.pk,)),
        ("my_mentoring", ()),
        ("pairing_calibration", (pairing.pk,)),
        ("pairing_rematch", (pairing.pk,)),
    ]:
        assert as_stranger.get(_url(name, org, *args)).status_code == 404, name


def test_member_gets_403_on_admin_pages(org, as_member, setup):
    cohort, _, _, _, pairing = setup
    for name, args in [
        ("calibration", ()),
        ("pairing_repair", (pairing.pk,)),
        ("cohort_circles", (cohort.pk,)),
        ("cohort_topic_mentors", (cohort.pk,)),
    ]:
        assert as_member.get(_url(name, org, *args)).status_code == 403, name


def test_leader_reads_circles_and_topics_but_not_calibration_nor_writes(org, as_leader, setup):
    cohort, mentors, mentees, comps, pairing = setup
    # Rematch requests are for admins only: the calibration page is closed to leaders.
    assert as_leader.get(_url("calibration", org)).status_code == 403
    assert as_leader.get(_url("cohort_circles", org, cohort.pk)).status_code == 200
    assert as_leader.post(_url("cohort_circles", org, cohort.pk)).status_code == 403
    assert as_leader.get(_url("cohort_topic_mentors", org, cohort.pk)).status_code == 200
    data = {"mentee": mentees[1].pk, "mentor": mentors[1].pk, "topic": comps[0].pk}
    assert as_leader.post(_url("cohort_topic_mentors", org, cohort.pk), data).status_code == 403
    assert not Circle.objects.for_org(org).exists()
    assert not Pairing.objects.for_org(org).filter(kind="topic").exists()


def test_pair_pages_are_only_for_the_two_people(org, as_member, as_admin, setup):
    _, _, _, _, pairing = setup
    for client in (as_member, as_admin):
        for name in ("pairing_calibration", "pairing_rematch"):
            assert client.get(_url(name, org, pairing.pk)).status_code == 404
        assert client.post(_url("pairing_report", org, pairing.pk)).status_code == 404
    assert not UnresponsiveReport.objects.for_org(org).exists()


# --- behaviour ------------------------------------------------------------------------------


def test_mentee_answers_low_and_the_admin_sees_the_flag(org, as_admin, setup):
    _, _, mentees, _, pairing = setup
    mentee = client_for(mentees[0].user)
    url = _url("pairing_calibration", org, pairing.pk)
    assert mentee.get(url).status_code == 200
    response = mentee.post(url, {"answer": "2", "comment": "We never meet."})
    assert response.status_code == 302
    check = CalibrationCheck.objects.for_org(org).get(pairing=pairing)
    assert check.flagged and check.mentee_answer == 2
    page = as_admin.get(_url("calibration", org))
    assert "We never meet." in page.content.decode()


def test_calibration_answer_needs_a_value(org, setup):
    _, mentors, _, _, pairing = setup
    response = client_for(mentors[0].user).post(_url("pairing_calibration", org, pairing.pk), {})
    assert response.status_code == 400


def test_rematch_is_confidential(org, as_admin, setup):
    _, mentors, mentees, _, pairing = setup
    mentee = client_for(mentees[0].user)
    mentee.post(_url("pairing_rematch", org, pairing.pk), {"reason": "Secret reason"})
    assert RematchRequest.objects.for_org(org).count() == 1
    partner = client_for(mentors[0].user)
    for name in ("my_mentoring", "pairing_calibration", "pairing_rematch"):
        args = () if name == "my_mentoring" else (pairing.pk,)
        body = partner.get(_url(name, org, *args)).content.decode()
        assert "Secret reason" not in body and "asks for another partner" not in body
    assert "Secret reason" in as_admin.get(_url("calibration", org)).content.decode()


def test_report_unresponsive_partner(org, as_admin, setup):
    _, mentors, _, _, pairing = setup
    response = client_for(mentors[0].user).post(
        _url("pairing_report", org, pairing.pk), {"note": "No answer twice."}
    )
    assert response.status_code == 302
    report = UnresponsiveReport.objects.for_org(org).get()
    assert "No answer twice." in as_admin.get(_url("calibration", org)).content.decode()
    as_admin.post(_url("unresponsive_report_resolve", org, report.pk))
    report.refresh_from_db()
    assert report.resolved_at is not None


def test_repair_in_two_clicks(org, as_admin, setup):
    _, mentors, mentees, _, pairing = setup
    calibration.calibration_answer(pairing=pairing, answer=1, by=mentees[0].user)
    url = _url("pairing_repair", org, pairing.pk)
    first = as_admin.get(url, headers={"HX-Request": "true"})
    assert first.status_code == 200
    body = first.content.decode()
    assert "Pair with" in body and "<html" not in body
    second = as_admin.post(url, {"mentor": mentors[1].pk})
    assert second.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.CONCLUDED
    assert Pairing.objects.for_org(org).live().get(mentee=mentees[0]).mentor == mentors[1]


def test_repair_with_a_mentor_of_another_org_is_404(org, other_org, as_admin, setup):
    _, _, _, _, pairing = setup
    _, other_mentors, _, _ = cohort_with_people(other_org, mentors=1, mentees=1)
    response = as_admin.post(
        _url("pairing_repair", org, pairing.pk), {"mentor": other_mentors[0].pk}
    )
    assert response.status_code == 404


def test_circles_page_splits(org, as_admin, setup):
    cohort = setup[0]
    response = as_admin.post(_url("cohort_circles", org, cohort.pk))
    assert response.status_code == 302
    page = as_admin.get(_url("cohort_circles", org, cohort.pk)).content.decode()
    assert "Circle 1" in page


def test_topic_mentor_page_adds_and_ends(org, as_admin, setup):
    cohort, mentors, mentees, comps, pairing = setup
    data = {"mentee": mentees[0].pk, "mentor": mentors[1].pk, "topic": comps[1].pk}
    assert as_admin.post(_url("cohort_topic_mentors", org, cohort.pk), data).status_code == 302
    topic = Pairing.objects.for_org(org).get(kind="topic")
    assert as_admin.post(_url("topic_mentor_end", org, topic.pk)).status_code == 302
    topic.refresh_from_db()
    assert topic.status == Pairing.Status.CONCLUDED
    # the same mentor twice is refused next to the field
    data = {"mentee": mentees[0].pk, "mentor": mentors[0].pk, "topic": comps[2].pk}
    response = as_admin.post(_url("cohort_topic_mentors", org, cohort.pk), data)
    assert response.status_code == 400


def test_mentee_sees_core_and_topic_mentors(org, admin, setup):
    _, mentors, mentees, comps, _ = setup
    topic = topic_mentors.topic_mentor_add(
        mentee=mentees[0], mentor=mentors[2], topic=comps[2], by=admin
    )
    Pairing.objects.for_org(org).filter(pk=topic.pk).update(status=Pairing.Status.ACTIVE)
    body = client_for(mentees[0].user).get(_url("my_mentoring", org)).content.decode()
    assert mentors[0].user.name in body and mentors[2].user.name in body
    assert f"Topic mentor: {comps[2].name}" in body
    assert body.count("How is it going?") == 2 and body.count("Ask for a rematch") == 2


# --- query budgets --------------------------------------------------------------------------


def test_calibration_query_budget(org, as_admin, setup):
    cohort, mentors, mentees, _, _ = setup

    def grow():
        for _ in range(2):
            _, ms, es, _ = cohort_with_people(org, mentors=1, mentees=1)
            p = pair(es[0], ms[0])
            calibration.calibration_answer(pairing=p, answer=1, by=es[0].user)
            rematch.rematch_request(pairing=p, reason="x", by=es[0].user)
            responsiveness.unresponsive_report(pairing=p, note="y", by=ms[0].user)

    assert_flat_queries(as_admin, _url("calibration", org), grow, n=14)


def test_repair_query_budget(org, as_admin, setup):
    cohort, mentors, mentees, comps, pairing = setup
    from tests.programs.factories import enrol

    def grow():
        for _ in range(2):
            enrol(cohort, role="mentor")

    assert_flat_queries(as_admin, _url("pairing_repair", org, pairing.pk), grow, n=25)


def test_circles_query_budget(org, as_admin, setup):
    cohort, mentors, mentees, comps, pairing = setup

    def grow():
        for i in range(2):
            circle = Circle.objects.create(
                organization=org,
                cohort=cohort,
                mentor=mentors[i],
                name=f"C{Circle.objects.for_org(org).count()}",
            )
            circle.mentees.set(mentees, through_defaults={"organization": org})

    assert_flat_queries(as_admin, _url("cohort_circles", org, cohort.pk), grow, n=12)


def test_topic_mentors_query_budget(org, as_admin, setup):
    cohort, mentors, mentees, comps, pairing = setup
    from tests.programs.factories import enrol

    def grow():
        for _ in range(2):
            pair(enrol(cohort, role="mentee"), mentors[1])

    assert_flat_queries(as_admin, _url("cohort_topic_mentors", org, cohort.pk), grow, n=14)


def test_my_mentoring_with_care_actions_query_budget(org, setup):
    cohort, mentors, mentees, comps, pairing = setup
    client = client_for(mentors[0].user)
    from tests.programs.factories import enrol

    def grow():
        for _ in range(2):
            pair(enrol(cohort, role="mentee"), mentors[0])

    assert_flat_queries(client, _url("my_mentoring", org), grow, n=10)


def test_pair_pages_query_budget(org, setup):
    cohort, mentors, mentees, comps, pairing = setup
    client = client_for(mentees[0].user)

    def grow():
        calibration.calibration_answer(pairing=pairing, answer=3, by=mentees[0].user)

    for name in ("pairing_calibration", "pairing_rematch"):
        assert_flat_queries(client, _url(name, org, pairing.pk), grow, n=10)


def test_either_side_says_the_pair_met_and_the_idle_clock_restarts(org, setup):
    _, mentors, mentees, _, pairing = setup
    Pairing.objects.for_org(org).filter(pk=pairing.pk).update(
        last_activity_at=timezone.now() - timedelta(days=20)
    )
    url = _url("pairing_met", org, pairing.pk)
    # Nobody else: a colleague who is not in the pair gets 404, and GET is refused.
    assert client_for(mentors[1].user).post(url).status_code == 404
    assert client_for(mentees[0].user).get(url).status_code == 405

    response = client_for(mentees[0].user).post(url, follow=True)

    assert b"Noted: you met" in response.content
    pairing.refresh_from_db()
    assert pairing.last_activity_at > timezone.now() - timedelta(minutes=1)
    assert b"We met" in response.content


def test_a_pending_pair_cannot_say_it_met(org, setup):
    _, mentors, mentees, _, pairing = setup
    Pairing.objects.for_org(org).filter(pk=pairing.pk).update(status=Pairing.Status.PENDING)
    response = client_for(mentors[0].user).post(_url("pairing_met", org, pairing.pk), follow=True)
    assert b"only an active pair meets" in response.content


def test_admin_marks_a_rematch_request_handled_without_re_pairing(
    org, as_admin, as_leader, as_member, setup
):
    _, mentors, mentees, _, pairing = setup
    client_for(mentees[0].user).post(
        _url("pairing_rematch", org, pairing.pk), {"reason": "Shifts never overlap"}
    )
    request_row = RematchRequest.objects.for_org(org).get()
    url = _url("rematch_request_resolve", org, request_row.pk)
    assert as_member.post(url).status_code == 403
    assert as_leader.post(url).status_code == 403
    assert as_admin.get(url).status_code == 405
    request_row.refresh_from_db()
    assert request_row.resolved_at is None

    response = as_admin.post(url, follow=True)

    assert b"Rematch request marked as handled" in response.content
    assert b"Shifts never overlap" not in response.content
    request_row.refresh_from_db()
    assert request_row.resolved_at is not None
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE
