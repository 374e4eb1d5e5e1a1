"""Pages of the mentor directory: refusals first (a stranger gets 404, someone else's offering
or request 404), then what each page does, htmx partials and flat query budgets."""

import pytest
from django.urls import reverse

from matching.models import Offering, OfferingRequest, TimeCredit
from matching.services import directory as services
from tests.matching.factories import complete_directory_session
from tests.programs.factories import (
    client_for,
    make_competencies,
    make_person,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PREWORK = "I tried box squats; the knees still cave at depth. I want one cue that works."


@pytest.fixture
def mentor(org):
    return make_person(org, name="Grace Mwangi", department="Coaching")


@pytest.fixture
def offering(org, mentor):
    return services.offering_create(
        organization=org, topic="Cueing a squat regression", minutes=20, by=mentor
    )


@pytest.fixture
def as_mentor(mentor):
    return client_for(mentor)


@pytest.fixture
def request_row(offering, member):
    return services.offering_request_create(offering=offering, message=PREWORK, by=member)


def url(name, org, *args):
    return reverse(name, args=[org.slug, *args])


PAGES = [
    ("directory", False),
    ("my_offerings", False),
    ("my_offering_create", False),
    ("offering_requests_incoming", False),
    ("my_offering_requests", False),
    ("directory_offering", True),
    ("directory_offering_request", True),
    ("my_offering_edit", True),
]


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize("name,takes_offering", PAGES)
def test_a_stranger_gets_404_everywhere(as_stranger, org, offering, name, takes_offering):
    args = [offering.pk] if takes_offering else []
    assert as_stranger.get(url(name, org, *args)).status_code == 404
    assert as_stranger.post(url(name, org, *args)).status_code == 404


def test_a_stranger_cannot_post_to_a_request(as_stranger, org, request_row):
    for name in ["offering_request_answer", "offering_request_deliver"]:
        response = as_stranger.post(url(name, org, request_row.pk), {"decision": "accept"})
        assert response.status_code == 404
    request_row.refresh_from_db()
    assert request_row.status == OfferingRequest.Status.REQUESTED


def test_a_member_cannot_edit_or_pause_another_persons_offering(as_member, org, offering):
    edit = reverse("my_offering_edit", args=[org.slug, offering.pk])
    assert as_member.get(edit).status_code == 404
    data = {"topic": "Mine now", "minutes": 20, "respond_within_days": 3}
    assert as_member.post(edit, data).status_code == 404
    assert (
        as_member.post(reverse("my_offering_toggle", args=[org.slug, offering.pk])).status_code
        == 404
    )
    offering.refresh_from_db()
    assert (offering.topic, offering.active) == ("Cueing a squat regression", True)


def test_a_member_cannot_answer_or_deliver_another_mentors_request(
    org, offering, request_row, as_admin
):
    # The admin is no exception: a request is the mentor's to answer.
    answer = reverse("offering_request_answer", args=[org.slug, request_row.pk])
    assert as_admin.post(answer, {"decision": "accept"}).status_code == 404
    assert (
        as_admin.post(
            reverse("offering_request_deliver", args=[org.slug, request_row.pk])
        ).status_code
        == 404
    )
    request_row.refresh_from_db()
    assert request_row.status == OfferingRequest.Status.REQUESTED


def test_the_mentee_cannot_answer_their_own_request(as_member, org, request_row):
    answer = reverse("offering_request_answer", args=[org.slug, request_row.pk])
    assert as_member.post(answer, {"decision": "accept"}).status_code == 404


def test_a_paused_offering_is_not_found_except_by_its_mentor(
    as_member, as_mentor, org, offering, mentor
):
    services.offering_set_active(offering=offering, active=False, by=mentor)
    assert (
        as_member.get(reverse("directory_offering", args=[org.slug, offering.pk])).status_code
        == 404
    )
    assert (
        as_member.get(
            reverse("directory_offering_request", args=[org.slug, offering.pk])
        ).status_code
        == 404
    )
    assert (
        as_mentor.get(reverse("directory_offering", args=[org.slug, offering.pk])).status_code
        == 200
    )


def test_actions_are_post_only(as_mentor, org, offering, request_row):
    assert (
        as_mentor.get(
            reverse("offering_request_answer", args=[org.slug, request_row.pk])
        ).status_code
        == 405
    )
    assert (
        as_mentor.get(reverse("my_offering_toggle", args=[org.slug, offering.pk])).status_code
        == 405
    )


# --- offerings ------------------------------------------------------------------------


def test_any_member_publishes_an_offering_with_this_orgs_competencies(as_member, org, member):
    (cueing,) = make_competencies(org, "Cueing")
    response = as_member.post(
        reverse("my_offering_create", args=[org.slug]),
        {
            "topic": "Remote review of one clip",
            "competencies": [cueing.pk],
            "minutes": 20,
            "respond_within_days": 2,
        },
    )
    assert response.status_code == 302
    offering = Offering.objects.for_org(org).get()
    assert offering.mentor == member and list(offering.competencies.all()) == [cueing]


def test_a_length_outside_15_to_45_is_shown_on_the_field(as_member, org):
    response = as_member.post(
        reverse("my_offering_create", args=[org.slug]),
        {"topic": "Long", "minutes": 60, "respond_within_days": 3},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["minutes"] == [
        "A micro-session lasts 15 to 45 minutes. Longer topics belong in a mentoring pairing."
    ]
    assert not Offering.objects.for_org(org).exists()


def test_another_orgs_competency_is_not_a_choice(as_member, org, other_org):
    (foreign,) = make_competencies(other_org, "Foreign")
    response = as_member.post(
        reverse("my_offering_create", args=[org.slug]),
        {"topic": "X", "competencies": [foreign.pk], "minutes": 20, "respond_within_days": 3},
    )
    assert response.status_code == 400 and "competencies" in response.context["form"].errors


def test_the_mentor_edits_and_pauses_their_offering(as_mentor, org, offering):
    response = as_mentor.post(
        reverse("my_offering_edit", args=[org.slug, offering.pk]),
        {"topic": "Squat cues", "minutes": 25, "respond_within_days": 4},
    )
    assert response.status_code == 302
    as_mentor.post(reverse("my_offering_toggle", args=[org.slug, offering.pk]))
    offering.refresh_from_db()
    assert (offering.topic, offering.minutes, offering.active) == ("Squat cues", 25, False)


# --- requests -------------------------------------------------------------------------


def test_a_member_requests_with_pre_work_once(as_member, org, offering):
    target = reverse("directory_offering_request", args=[org.slug, offering.pk])
    assert as_member.post(target, {"message": PREWORK}).status_code == 302
    again = as_member.post(target, {"message": PREWORK})
    assert again.status_code == 400
    assert b"already have an open request" in again.content
    assert OfferingRequest.objects.for_org(org).count() == 1


def test_the_mentor_cannot_request_their_own_offering(as_mentor, org, offering):
    response = as_mentor.get(reverse("directory_offering_request", args=[org.slug, offering.pk]))
    assert b"This is your own offering" in response.content
    as_mentor.post(
        reverse("directory_offering_request", args=[org.slug, offering.pk]), {"message": PREWORK}
    )
    assert not OfferingRequest.objects.for_org(org).exists()


def test_accept_by_htmx_swaps_the_row(as_mentor, org, request_row):
    response = as_mentor.post(
        reverse("offering_request_answer", args=[org.slug, request_row.pk]),
        {"decision": "accept"},
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="request-{request_row.pk}"')
    # The accepted request became a micro session: the row leads to it.
    assert "Open the session" in body and "<html" not in body
    request_row.refresh_from_db()
    assert request_row.status == OfferingRequest.Status.ACCEPTED


def test_decline_without_js_redirects_with_a_message(as_mentor, org, request_row):
    response = as_mentor.post(
        reverse("offering_request_answer", args=[org.slug, request_row.pk]),
        {"decision": "decline"},
        follow=True,
    )
    assert b"You declined" in response.content
    request_row.refresh_from_db()
    assert request_row.status == OfferingRequest.Status.DECLINED


def test_a_bad_decision_is_shown_in_the_row(as_mentor, org, request_row):
    response = as_mentor.post(
        reverse("offering_request_answer", args=[org.slug, request_row.pk]),
        {"decision": "maybe"},
        headers=HTMX,
    )
    assert b"Choose accept or decline" in response.content


def test_the_minutes_are_banked_once_when_the_session_is_completed(
    as_mentor, org, request_row, mentor
):
    services.offering_request_answer(request=request_row, accept=True, by=mentor)
    deliver = reverse("offering_request_deliver", args=[org.slug, request_row.pk])
    early = as_mentor.post(deliver, headers=HTMX)
    assert b"when the session is completed" in early.content
    assert not TimeCredit.objects.for_org(org).exists()
    complete_directory_session(request_row)
    incoming = as_mentor.get(reverse("offering_requests_incoming", args=[org.slug]))
    assert b"+20 min banked" in incoming.content
    again = as_mentor.post(deliver, headers=HTMX)
    assert b"Only an accepted request" in again.content
    assert TimeCredit.objects.for_org(org).filter(mentor=mentor).count() == 1
    page = as_mentor.get(reverse("directory_offering", args=[org.slug, request_row.offering_id]))
    assert page.context["profile"]["credits"] == {"minutes": 20, "sessions": 1}


def test_my_requests_shows_the_status_and_the_way_back(as_member, org, request_row, mentor):
    services.offering_request_answer(request=request_row, accept=False, by=mentor)
    response = as_member.get(reverse("my_offering_requests", args=[org.slug]))
    assert b"Declined" in response.content and b"Choose another mentor" in response.content


# --- lists: htmx partials, empty states, query budgets ---------------------------------


def test_the_directory_filters_in_place_with_htmx(as_member, org, offering):
    headers = {**HTMX, "HX-Target": "directory-results"}
    response = as_member.get(reverse("directory", args=[org.slug]), {"q": "squat"}, headers=headers)
    body = response.content.decode()
    assert "Cueing a squat regression" in body and "<html" not in body
    empty = as_member.get(
        reverse("directory", args=[org.slug]), {"q": "nothing like it"}, headers=headers
    )
    assert b"No offerings match" in empty.content


def test_empty_states(as_member, org):
    assert (
        b"Nobody has offered a session yet"
        in as_member.get(reverse("directory", args=[org.slug])).content
    )
    assert (
        b"You offer nothing yet" in as_member.get(reverse("my_offerings", args=[org.slug])).content
    )
    assert (
        b"No requests"
        in as_member.get(reverse("offering_requests_incoming", args=[org.slug])).content
    )
    assert b"No requests" in as_member.get(reverse("my_offering_requests", args=[org.slug])).content


def test_the_sidebar_has_the_participate_links(as_member, org):
    body = as_member.get(reverse("directory", args=[org.slug])).content.decode()
    for label in ["Mentor directory", "My offerings", "My requests"]:
        assert label in body


def _grow_offerings(org, competencies):
    def grow():
        for _ in range(2):
            person = make_person(org, department="Coaching")
            offering = services.offering_create(
                organization=org, topic="Topic", competencies=competencies, by=person
            )
            requester = make_person(org)
            request = services.offering_request_create(
                offering=offering, message=PREWORK, by=requester
            )
            services.offering_request_answer(request=request, accept=True, by=person)
            complete_directory_session(request)

    return grow


def test_directory_query_budget(as_member, org):
    competencies = make_competencies(org, "Cueing", "Feedback")
    assert_flat_queries(
        as_member,
        reverse("directory", args=[org.slug]),
        grow=_grow_offerings(org, competencies),
        n=14,
    )


def test_directory_htmx_query_budget(as_member, org):
    competencies = make_competencies(org, "Cueing", "Feedback")
    assert_flat_queries(
        as_member,
        reverse("directory", args=[org.slug]),
        grow=_grow_offerings(org, competencies),
        headers={**HTMX, "HX-Target": "directory-results"},
        n=14,
    )


def test_my_offerings_query_budget(as_mentor, org, mentor):
    competencies = make_competencies(org, "Cueing", "Feedback")

    def grow():
        for _ in range(2):
            offering = services.offering_create(
                organization=org, topic="T", competencies=competencies, by=mentor
            )
            services.offering_request_create(
                offering=offering, message=PREWORK, by=make_person(org)
            )

    assert_flat_queries(as_mentor, reverse("my_offerings", args=[org.slug]), grow=grow, n=14)


def test_incoming_and_my_requests_query_budgets(as_mentor, as_member, org, mentor, member):
    offering = services.offering_create(organization=org, topic="T", by=mentor)

    def grow_incoming():
        for _ in range(2):
            request = services.offering_request_create(
                offering=offering, message=PREWORK, by=make_person(org)
            )
            services.offering_request_answer(request=request, accept=True, by=mentor)
            complete_directory_session(request)

    assert_flat_queries(
        as_mentor, reverse("offering_requests_incoming", args=[org.slug]), grow_incoming, n=12
    )

    def grow_mine():
        for _ in range(2):
            other = services.offering_create(organization=org, topic="U", by=make_person(org))
            services.offering_request_create(offering=other, message=PREWORK, by=member)

    assert_flat_queries(
        as_member, reverse("my_offering_requests", args=[org.slug]), grow_mine, n=12
    )


def test_offering_page_query_budget(as_member, org, offering, mentor):
    competencies = make_competencies(org, "Cueing", "Feedback")

    def grow():
        for _ in range(2):
            services.offering_create(
                organization=org, topic="More", competencies=competencies, by=mentor
            )

    assert_flat_queries(
        as_member, reverse("directory_offering", args=[org.slug, offering.pk]), grow, n=16
    )


def test_an_overdue_request_offers_no_buttons(as_mentor, org, offering, member):
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.now() - timedelta(days=10)
    services.offering_request_create(offering=offering, message=PREWORK, by=member, now=past)
    body = as_mentor.get(reverse("offering_requests_incoming", args=[org.slug])).content.decode()
    assert "The time to answer has passed" in body and 'value="accept"' not in body


def test_request_form_query_budget(as_member, org, offering, mentor):
    names = iter(f"Competency {n}" for n in range(100))

    def grow():
        services.offering_update(
            offering=offering,
            topic=offering.topic,
            competencies=list(offering.competencies.all())
            + make_competencies(org, next(names), next(names)),
            minutes=offering.minutes,
            respond_within_days=offering.respond_within_days,
            by=mentor,
        )

    assert_flat_queries(
        as_member, reverse("directory_offering_request", args=[org.slug, offering.pk]), grow, n=12
    )


def test_offering_create_form_query_budget(as_member, org):
    names = iter(f"Competency {n}" for n in range(100))

    def grow():
        make_competencies(org, next(names), next(names))

    assert_flat_queries(as_member, reverse("my_offering_create", args=[org.slug]), grow, n=12)


def test_offering_edit_form_query_budget(as_mentor, org, offering, mentor):
    names = iter(f"Competency {n}" for n in range(100))

    def grow():
        services.offering_update(
            offering=offering,
            topic=offering.topic,
            competencies=list(offering.competencies.all())
            + make_competencies(org, next(names), next(names)),
            minutes=offering.minutes,
            respond_within_days=offering.respond_within_days,
            by=mentor,
        )

    assert_flat_queries(
        as_mentor, reverse("my_offering_edit", args=[org.slug, offering.pk]), grow, n=12
    )
