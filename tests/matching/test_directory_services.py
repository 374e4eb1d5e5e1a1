"""Services of the mentor directory: offerings within their rules, one open request per
offering and person, answers within the days, expiry told once, one credit per delivery."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.filters.directory import OfferingFilter
from matching.models import Offering, OfferingRequest, TimeCredit
from matching.selectors import directory as selectors
from matching.services import directory as services
from matching.tasks.directory import (
    expire_offering_requests,
    expire_organization_offering_requests,
)
from mentorship.notifications.models import Message
from programs.models import MenteeIntake, MentorIntake, MentorOffer, Participant
from tests.matching.factories import complete_directory_session
from tests.programs.factories import (
    enrol,
    make_cohort,
    make_competencies,
    make_person,
)

pytestmark = pytest.mark.django_db

PREWORK = "I tried box squats; the knees still cave at depth. I want one cue that works."


@pytest.fixture
def mentor(org):
    return make_person(org, name="Grace Mwangi", email="grace@acme.example", department="Coaching")


@pytest.fixture
def mentee(org):
    return make_person(org, name="Aisha Rahman", email="aisha@acme.example")


@pytest.fixture
def offering(org, mentor):
    return services.offering_create(
        organization=org, topic="Cueing a squat regression", minutes=20, by=mentor
    )


def _messages(org, kind):
    return Message.objects.for_org(org).filter(kind=kind)


# --- offerings ------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, 10, 14, 46, 90])
def test_an_offering_outside_15_to_45_minutes_is_refused_on_the_field(org, mentor, minutes):
    with pytest.raises(ValidationError) as error:
        services.offering_create(organization=org, topic="Cues", minutes=minutes, by=mentor)
    assert "15 to 45 minutes" in error.value.message_dict["minutes"][0]
    assert not Offering.objects.for_org(org).exists()


def test_an_offering_takes_only_this_organisations_competencies(org, other_org, mentor):
    (foreign,) = make_competencies(other_org, "Cueing")
    with pytest.raises(ValidationError) as error:
        services.offering_create(organization=org, topic="Cues", competencies=[foreign], by=mentor)
    assert "competencies" in error.value.message_dict
    assert not Offering.objects.for_org(org).exists()  # refused: nothing written


def test_an_edit_with_another_orgs_competency_changes_nothing(org, other_org, offering):
    (foreign,) = make_competencies(other_org, "Cueing")
    with pytest.raises(ValidationError) as error:
        services.offering_update(
            offering=offering,
            topic="Renamed",
            competencies=[foreign],
            minutes=40,
            respond_within_days=2,
            by=offering.mentor,
        )
    assert "competencies" in error.value.message_dict
    offering.refresh_from_db()
    assert offering.topic != "Renamed" and offering.minutes != 40


def test_a_topic_and_days_are_required_and_a_stranger_cannot_publish(org, mentor, stranger):
    with pytest.raises(ValidationError) as error:
        services.offering_create(organization=org, topic="  ", respond_within_days=0, by=mentor)
    assert {"topic", "respond_within_days"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        services.offering_create(organization=org, topic="Cues", by=stranger)


def test_only_the_mentor_edits_or_pauses(org, offering, mentee):
    with pytest.raises(ValidationError):
        services.offering_update(
            offering=offering, topic="Mine", minutes=20, respond_within_days=3, by=mentee
        )
    with pytest.raises(ValidationError):
        services.offering_set_active(offering=offering, active=False, by=mentee)
    services.offering_set_active(offering=offering, active=False, by=offering.mentor)
    offering.refresh_from_db()
    assert offering.active is False


# --- requests -------------------------------------------------------------------------


def test_a_request_e_mails_the_mentor_once(
    org, offering, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    assert request.status == OfferingRequest.Status.REQUESTED
    assert request.respond_by > timezone.now() + timedelta(days=2, hours=23)
    message = _messages(org, services.KIND_NEW).get()
    assert message.subject_key == f"offering_request:{request.pk}"
    assert message.recipient_email == "grace@acme.example"
    assert [m.to for m in mail.outbox] == [["grace@acme.example"]]
    assert PREWORK in mail.outbox[0].body


def test_one_open_request_per_offering_and_person(org, offering, mentee):
    first = services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    with pytest.raises(ValidationError, match="already have an open request"):
        services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    services.offering_request_answer(request=first, accept=True, by=offering.mentor)
    with pytest.raises(ValidationError, match="already have an open request"):
        services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    complete_directory_session(first)
    # Once delivered (its session completed), the person may ask again.
    services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    assert OfferingRequest.objects.for_org(org).filter(mentee=mentee).count() == 2


def test_bad_requests_are_refused(org, offering, mentee, stranger):
    with pytest.raises(ValidationError, match="your own offering"):
        services.offering_request_create(offering=offering, message=PREWORK, by=offering.mentor)
    with pytest.raises(ValidationError) as error:
        services.offering_request_create(offering=offering, message="help", by=mentee)
    assert "message" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.offering_request_create(offering=offering, message=PREWORK, by=stranger)
    services.offering_set_active(offering=offering, active=False, by=offering.mentor)
    with pytest.raises(ValidationError, match="paused"):
        services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    assert not OfferingRequest.objects.for_org(org).exists()


def test_the_answer_is_the_mentors_within_the_days_and_told_once(
    org, offering, mentee, django_capture_on_commit_callbacks
):
    request = services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    with pytest.raises(ValidationError, match="Only the mentor"):
        services.offering_request_answer(request=request, accept=True, by=mentee)
    late = request.respond_by + timedelta(minutes=1)
    with pytest.raises(ValidationError, match="time to answer has passed"):
        services.offering_request_answer(request=request, accept=True, by=offering.mentor, now=late)
    with django_capture_on_commit_callbacks(execute=True):
        services.offering_request_answer(request=request, accept=False, by=offering.mentor)
    with pytest.raises(ValidationError, match="already declined"):
        services.offering_request_answer(request=request, accept=True, by=offering.mentor)
    request.refresh_from_db()
    assert request.status == OfferingRequest.Status.DECLINED and request.responded_at
    assert _messages(org, services.KIND_ANSWER).count() == 1
    assert mail.outbox[-1].to == ["aisha@acme.example"]
    assert "/directory/" in mail.outbox[-1].body


def test_the_credit_is_earned_once_when_the_requests_session_is_completed(org, offering, mentee):
    request = services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    with pytest.raises(ValidationError, match="accepted"):
        services.offering_request_deliver(request=request, by=offering.mentor)
    services.offering_request_answer(request=request, accept=True, by=offering.mentor)
    with pytest.raises(ValidationError, match="Only the mentor"):
        services.offering_request_deliver(request=request, by=mentee)
    # Accepted is not delivered: the session is still to take place.
    with pytest.raises(ValidationError, match="when the session is completed"):
        services.offering_request_deliver(request=request, by=offering.mentor)
    assert not TimeCredit.objects.for_org(org).exists()
    request = complete_directory_session(request)
    assert request.status == OfferingRequest.Status.DELIVERED
    credit = TimeCredit.objects.for_org(org).get()
    with pytest.raises(ValidationError):
        services.offering_request_deliver(request=request, by=offering.mentor)
    assert (credit.minutes, credit.mentor) == (20, offering.mentor)
    summary = selectors.mentor_credit_summary(organization=org, mentor=offering.mentor)
    assert summary == {"minutes": 20, "sessions": 1}


def test_a_request_accepted_before_sessions_existed_is_still_marked_delivered(
    org, offering, mentee
):
    request = services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    services.offering_request_answer(request=request, accept=True, by=offering.mentor)
    request.session.delete()  # as a request accepted before the acceptance made a session
    request.refresh_from_db()
    credit = services.offering_request_deliver(request=request, by=offering.mentor)
    assert credit.minutes == 20


def test_expiry_is_idempotent_tells_the_mentee_once_and_keeps_to_its_organisation(
    org, other_org, offering, mentee, django_capture_on_commit_callbacks
):
    past = timezone.now() - timedelta(days=10)
    due = services.offering_request_create(offering=offering, message=PREWORK, by=mentee, now=past)
    other_mentor = make_person(other_org)
    other_mentee = make_person(other_org)
    elsewhere = services.offering_request_create(
        offering=services.offering_create(organization=other_org, topic="X", by=other_mentor),
        message=PREWORK,
        by=other_mentee,
        now=past,
    )
    fresh_mentee = make_person(org)
    fresh = services.offering_request_create(offering=offering, message=PREWORK, by=fresh_mentee)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.offering_requests_expire(organization=org) == 1
        assert services.offering_requests_expire(organization=org) == 0

    due.refresh_from_db(), fresh.refresh_from_db(), elsewhere.refresh_from_db()
    assert due.status == OfferingRequest.Status.EXPIRED
    assert fresh.status == elsewhere.status == OfferingRequest.Status.REQUESTED
    assert _messages(org, services.KIND_EXPIRED).count() == 1
    # The organisation's delivery sends every e-mail due (the requests' own, stored before
    # the captured block, too): the expiry's is one of them, to the mentee, once.
    expired = [m for m in mail.outbox if m.subject.startswith("No answer yet")]
    assert [m.to for m in expired] == [["aisha@acme.example"]]
    assert "choose another mentor" in expired[0].body.lower()


def test_the_hourly_sweep_queues_one_task_per_organisation_with_due_requests(
    org, other_org, offering, mentee, monkeypatch
):
    past = timezone.now() - timedelta(days=10)
    services.offering_request_create(offering=offering, message=PREWORK, by=mentee, now=past)
    assert expire_offering_requests.name == "matching.expire_offering_requests"
    queued = []
    monkeypatch.setattr(expire_organization_offering_requests, "delay", queued.append)
    assert expire_offering_requests() == {"queued": 1}
    assert queued == [org.pk]  # other_org has nothing due: no task for it


def test_the_organisation_task_runs_twice_harmlessly(org, offering, mentee):
    past = timezone.now() - timedelta(days=10)
    services.offering_request_create(offering=offering, message=PREWORK, by=mentee, now=past)
    expire_offering_requests.delay()  # eager: queues and runs the organisation's task
    second = expire_organization_offering_requests.apply(args=[org.pk]).get()
    assert second == {org.pk: 0}
    assert _messages(org, services.KIND_EXPIRED).count() == 1
    assert services.KIND_EXPIRED == "matching.offering_request_expired"


# --- the directory's reading and filter -----------------------------------------------


def _mentor_with_intake(org, cohort, competency, *, slots, level=4, time_zone="Europe/London"):
    participant = enrol(cohort, role=Participant.Role.MENTOR)
    intake = MentorIntake.objects.create(
        organization=org, participant=participant, availability=slots, time_zone=time_zone
    )
    MentorOffer.objects.create(organization=org, intake=intake, competency=competency, level=level)
    return participant.user


def test_the_directory_shows_active_offerings_of_members_with_levels_and_credits(
    org, offering, mentee
):
    paused = services.offering_create(organization=org, topic="Paused", by=make_person(org))
    services.offering_set_active(offering=paused, active=False, by=paused.mentor)
    request = services.offering_request_create(offering=offering, message=PREWORK, by=mentee)
    services.offering_request_answer(request=request, accept=True, by=offering.mentor)
    complete_directory_session(request)
    rows = list(selectors.offerings_for_directory(organization=org, user=mentee))
    assert [o.topic for o in rows] == ["Cueing a squat regression"]
    assert rows[0].credit_minutes == 20 and rows[0].department == "Coaching"


def test_filter_by_competency_length_search_and_availability(org):
    cueing, feedback = make_competencies(org, "Cueing", "Giving feedback")
    cohort = make_cohort(org)
    morning = _mentor_with_intake(org, cohort, cueing, slots=["mon-am", "tue-am"])
    evening = _mentor_with_intake(org, cohort, feedback, slots=["fri-eve"])
    # Names of their own: two random names may share a first name (the search would match both).
    for person, name in ((morning, "Maya Morningside"), (evening, "Evelyn Eventide")):
        person.name = name
        person.save(update_fields=["name"])
    a = services.offering_create(
        organization=org, topic="Squat cues", competencies=[cueing], minutes=20, by=morning
    )
    b = services.offering_create(
        organization=org, topic="Clip review", competencies=[feedback], minutes=40, by=evening
    )
    me = enrol(cohort, role=Participant.Role.MENTEE)
    MenteeIntake.objects.create(
        organization=org, participant=me, goals="x", availability=["mon-am"], time_zone="UTC"
    )
    base = selectors.offerings_for_directory(organization=org, user=me.user)

    def topics(**params):
        f = OfferingFilter(params, queryset=base, organization=org, user=me.user)
        return sorted(o.topic for o in f.qs)

    assert topics() == ["Clip review", "Squat cues"]
    assert topics(competency=str(cueing.pk)) == ["Squat cues"]
    assert topics(length="short") == ["Squat cues"]
    assert topics(length="long") == ["Clip review"]
    assert topics(q="feedback") == ["Clip review"]  # a competency's name matches
    assert topics(q=evening.name.split()[0]) == ["Clip review"]
    assert topics(available="true") == ["Squat cues"]
    assert {a.pk, b.pk} == set(base.values_list("pk", flat=True))
    levels = selectors.mentor_levels(organization=org, mentor_ids=[morning.pk])
    assert levels == {(morning.pk, cueing.pk): 4}


def test_availability_is_ignored_without_an_intake(org, offering, mentee):
    base = selectors.offerings_for_directory(organization=org, user=mentee)
    f = OfferingFilter({"available": "true"}, queryset=base, organization=org, user=mentee)
    assert list(f.qs) == [offering]
    assert f.form.fields["available"].disabled
