"""Pages of enrolment: the participants list (htmx, pagination, query budget), a row's
status in place, adding and inviting."""

import pytest
from django.urls import reverse

from mentorship.accounts.models import Invitation
from mentorship.tenancy.pagination import PAGE_SIZE
from programs.models import (
    Participant,
    PendingEnrolment,
)
from programs.services import enrolment
from programs.services import intake as intake_services
from tests.programs.factories import (
    acknowledged,
    enrol,
    make_cohort,
    make_competencies,
    make_person,
    score,
)
from tests.programs.pages import HTMX
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


# --- the participants list ---------------------------------------------------------------


def test_the_list_shows_people_with_intake_readiness_and_checklist(org, cohort, as_admin, mentor):
    score(mentor, (5, 4, 3))
    intake_services.participant_charter_acknowledge(participant=mentor)

    response = as_admin.get(reverse("cohort_participants", args=[org.slug, cohort.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert mentor.user.email in body
    assert "4</strong>" in body  # readiness score
    assert 'Charter<span class="sr-only">: acknowledged' in body
    assert 'Intake<span class="sr-only">: not finished' in body
    assert response.context["summary"]["mentors"] == 1


def test_the_list_filters_and_answers_htmx_with_the_results_only(
    org, cohort, as_admin, mentee, mentor
):
    url = reverse("cohort_participants", args=[org.slug, cohort.pk])

    response = as_admin.get(
        url, {"role": "mentor"}, headers={**HTMX, "HX-Target": "participant-results"}
    )

    body = response.content.decode()
    assert "<html" not in body
    assert mentor.user.email in body
    assert mentee.user.email not in body


def test_the_lists_page_two_comes_in_place_with_htmx(org, cohort, as_admin, mentor):
    for number in range(1, PAGE_SIZE + 3):
        enrol(cohort, user=make_person(org, name=f"Mentee {number:02}"))
    url = reverse("cohort_participants", args=[org.slug, cohort.pk])

    response = as_admin.get(
        url, {"role": "mentee", "page": 2}, headers={**HTMX, "HX-Target": "participant-results"}
    )

    body = response.content.decode()
    assert "<html" not in body and 'id="participant-results"' not in body  # the partial only
    assert [p.user.name for p in response.context["page"].object_list] == [
        f"Mentee {number:02}" for number in range(PAGE_SIZE + 1, PAGE_SIZE + 3)
    ]
    assert "Mentee 01<" not in body and mentor.user.email not in body
    assert 'href="?role=mentee&amp;page=1" hx-get="?role=mentee&amp;page=1"' in body
    assert "hx-target=\"closest [id$='-results'], body\"" in body
    assert 'hx-push-url="true"' in body


def test_an_empty_cohort_says_what_to_do(org, as_admin):
    empty = make_cohort(org)
    response = as_admin.get(reverse("cohort_participants", args=[org.slug, empty.pk]))
    assert "No one in this cohort yet" in response.content.decode()


def test_the_list_query_budget_stays_flat(org, admin, cohort, as_admin, mentor):
    competencies = make_competencies(org, "Cueing", "Regressions")
    rounds = iter(range(100))

    def grow():
        round_ = next(rounds)
        for _ in range(3):
            person = enrol(cohort, role=Participant.Role.MENTOR)
            score(person)
            intake_services.participant_charter_acknowledge(participant=person)
            intake_services.mentor_intake_save(
                participant=acknowledged(person),
                competencies={competencies[0]: 4},
                capacity=2,
                availability=["mon-am"],
                time_zone="Europe/London",
            )
            enrol(cohort, manager=make_person(org))
        enrolment.participant_invite(
            cohort=cohort, email=f"new{round_}@example.org", role="mentee", by=admin, site_url="x"
        )

    url = reverse("cohort_participants", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, url, grow=grow, n=16)


def test_a_row_changes_status_in_place_with_htmx(org, as_admin, mentee):
    url = reverse("participant_status", args=[org.slug, mentee.pk])

    response = as_admin.post(
        url, {"action": "complete"}, headers={**HTMX, "HX-Target": f"participant-{mentee.pk}"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="participant-{mentee.pk}" class="row-saved"')
    assert "Completed" in body
    mentee.refresh_from_db()
    assert mentee.status == "completed"


def test_a_refused_status_change_says_why_in_the_row(org, as_admin, mentor):
    response = as_admin.post(
        reverse("participant_status", args=[org.slug, mentor.pk]),
        {"action": "certify"},
        headers={**HTMX, "HX-Target": f"participant-{mentor.pk}"},
    )
    assert "Only mentees are certified." in response.content.decode()


def test_withdraw_without_javascript_redirects_with_a_message(org, cohort, as_admin, mentee):
    response = as_admin.post(
        reverse("participant_status", args=[org.slug, mentee.pk]), {"action": "withdraw"}
    )
    assert response.status_code == 302
    assert response.url == reverse("cohort_participants", args=[org.slug, cohort.pk])
    mentee.refresh_from_db()
    assert mentee.status == "withdrawn"


# --- adding and inviting -----------------------------------------------------------------


def test_the_add_page_offers_only_this_organisations_members_not_yet_in(
    org, other_org, cohort, as_admin, mentee
):
    newcomer = make_person(org, name="Nina Newcomer")
    outsider = make_person(other_org, name="Otto Outsider")

    response = as_admin.get(reverse("cohort_participant_add", args=[org.slug, cohort.pk]))

    choices = list(response.context["add_form"].fields["people"].queryset)
    assert newcomer in choices
    assert outsider not in choices
    assert mentee.user not in choices


def test_adding_members_enrols_them(org, cohort, as_admin):
    people = [make_person(org), make_person(org)]
    response = as_admin.post(
        reverse("cohort_participant_add", args=[org.slug, cohort.pk]),
        {"people": [p.pk for p in people], "role": "mentor"},
    )
    assert response.status_code == 302
    assert set(cohort.participants.values_list("user_id", flat=True)) == {p.pk for p in people}


def test_a_person_of_another_organisation_cannot_be_posted(org, other_org, cohort, as_admin):
    outsider = make_person(other_org)
    response = as_admin.post(
        reverse("cohort_participant_add", args=[org.slug, cohort.pk]),
        {"people": [outsider.pk], "role": "mentee"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not cohort.participants.exists()


def test_a_full_cohort_says_so_next_to_the_form(org, as_admin):
    full = make_cohort(org, capacity=1)
    enrol(full)
    response = as_admin.post(
        reverse("cohort_participant_add", args=[org.slug, full.pk]),
        {"people": [make_person(org).pk], "role": "mentee"},
    )
    assert response.status_code == 400
    assert "is at capacity: it takes 1 mentors and mentees" in response.content.decode()


def test_inviting_by_email_creates_a_pending_enrolment(org, cohort, as_admin):
    response = as_admin.post(
        reverse("cohort_participant_invite", args=[org.slug, cohort.pk]),
        {"email": "fresh@example.org", "name": "Fresh Face", "role": "mentee"},
        follow=True,
    )
    assert "Invitation sent to fresh@example.org" in response.content.decode()
    pending = PendingEnrolment.objects.for_org(org).get()
    assert (pending.cohort, pending.invitation.name) == (cohort, "Fresh Face")


def test_inviting_a_bad_address_says_so_next_to_the_field(org, cohort, as_admin):
    response = as_admin.post(
        reverse("cohort_participant_invite", args=[org.slug, cohort.pk]),
        {"email": "not-an-address", "role": "mentee"},
    )
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert not Invitation.objects.for_org(org).exists()


def test_the_add_page_query_budget_stays_flat(org, cohort, as_admin, mentee):
    def grow():
        enrol(cohort)
        make_person(org)
        make_person(org)

    url = reverse("cohort_participant_add", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, url, grow=grow, n=12)


def test_the_invite_address_sends_a_get_to_the_add_page_within_its_budget(org, cohort, as_admin):
    url = reverse("cohort_participant_invite", args=[org.slug, cohort.pk])
    assert as_admin.get(url).url == reverse("cohort_participant_add", args=[org.slug, cohort.pk])
    assert_flat_queries(
        as_admin,
        url,
        grow=lambda: (enrol(cohort), enrol(cohort)),
        n=4,
        expected_status=302,
    )
