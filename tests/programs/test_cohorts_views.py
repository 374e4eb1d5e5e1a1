"""Pages of cohorts: the list with htmx, the form with bad input on its fields, the cohort
page with its seats and next step, the lifecycle, and flat query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse

from programs.models import (
    Cohort,
    Milestone,
    Participant,
)
from programs.services import cohorts as cohort_services
from programs.services import enrolment
from tests.programs.factories import (
    MONDAY,
    enrol,
    make_person,
    make_program,
)
from tests.programs.factories import (
    make_draft_cohort as make_cohort,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


HTMX = {"HX-Request": "true"}


Status = Cohort.Status


@pytest.fixture
def program(org):
    return make_program(org, name="New Trainer Onboarding", blueprint_key="trainer-8-week")


@pytest.fixture
def cohort(org, program, admin):
    return cohort_services.cohort_create(
        program=program, name="Spring trainers", starts_on=MONDAY, capacity=12, by=admin
    )


def test_the_cohort_list_filters_by_program_and_stage_with_htmx(org, program, cohort, as_admin):
    other = make_cohort(org, make_program(org, name="Leaders"), name="Leaders Q1")
    make_cohort(org, program, name="Summer trainers", status=Status.COMPLETED)
    url = reverse("cohort_list", args=[org.slug])

    response = as_admin.get(
        url,
        {"program": program.pk, "status": "draft"},
        headers={**HTMX, "HX-Target": "cohort-results"},
    )

    body = response.content.decode()
    assert "<html" not in body
    assert "Spring trainers" in body
    assert "Summer trainers" not in body and other.name not in body


def test_an_empty_cohort_list_says_what_to_do(org, as_admin):
    body = as_admin.get(reverse("cohort_list", args=[org.slug])).content.decode()
    assert "Create a cohort" in body


def test_an_admin_creates_a_cohort_with_its_milestones(org, program, member, as_admin):
    response = as_admin.post(
        reverse("cohort_create", args=[org.slug]),
        {
            "program": program.pk,
            "name": "Autumn trainers",
            "starts_on": "2027-01-04",
            "ends_on": "",
            "capacity": 18,
            "meeting_day": "1",
            "meeting_time": "07:30",
            "facilitator": member.pk,
        },
    )
    cohort = Cohort.objects.for_org(org).get(name="Autumn trainers")
    assert response.status_code == 302
    assert cohort.ends_on.isoformat() == "2027-02-28"
    assert cohort.facilitator == member
    assert cohort.milestones.count() == 7


def test_the_cohort_form_preselects_the_program(org, program, as_admin):
    response = as_admin.get(reverse("cohort_create", args=[org.slug]), {"program": program.pk})
    assert response.context["form"]["program"].value() == program.pk


def test_reversed_dates_are_refused_on_the_field(org, program, as_admin):
    response = as_admin.post(
        reverse("cohort_create", args=[org.slug]),
        {
            "program": program.pk,
            "name": "Backwards",
            "starts_on": "2027-03-01",
            "ends_on": "2027-02-01",
            "capacity": 10,
        },
    )
    assert response.status_code == 400
    assert "cannot end before it starts" in " ".join(response.context["form"].errors["ends_on"])
    assert not Cohort.objects.for_org(org).filter(name="Backwards").exists()


def test_a_facilitator_from_another_organisation_is_refused_on_the_field(
    org, program, as_admin, stranger
):
    response = as_admin.post(
        reverse("cohort_create", args=[org.slug]),
        {
            "program": program.pk,
            "name": "Poached",
            "starts_on": "2027-01-04",
            "ends_on": "2027-02-28",
            "capacity": 10,
            "facilitator": stranger.pk,
        },
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["facilitator"])
    assert "Choose a member of Acme Mentoring" in errors
    assert stranger.email not in response.content.decode()
    assert not Cohort.objects.for_org(org).filter(name="Poached").exists()


def test_capacity_below_the_enrolled_count_is_refused_on_the_field(org, cohort, as_admin):
    for _ in range(3):
        enrol(cohort)
    response = as_admin.post(
        reverse("cohort_edit", args=[org.slug, cohort.pk]),
        {
            "name": cohort.name,
            "starts_on": cohort.starts_on.isoformat(),
            "ends_on": cohort.ends_on.isoformat(),
            "capacity": 2,
        },
    )
    assert response.status_code == 400
    assert (
        "3 seats are taken (3 enrolled, 0 invited): the capacity cannot be below 3."
        in response.content.decode()
    )
    cohort.refresh_from_db()
    assert cohort.capacity == 12


def test_new_dates_re_date_the_milestones(org, cohort, as_admin):
    start = cohort.starts_on + timedelta(weeks=2)
    response = as_admin.post(
        reverse("cohort_edit", args=[org.slug, cohort.pk]),
        {
            "name": cohort.name,
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(weeks=8)).isoformat(),
            "capacity": 12,
        },
    )
    assert response.status_code == 302
    assert cohort.milestones.first().due_on == start + timedelta(days=6)


def test_the_cohort_page_shows_people_milestones_and_the_next_step(org, cohort, as_admin):
    enrol(cohort)
    enrol(cohort, role=Participant.Role.MENTOR)
    response = as_admin.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))
    body = response.content.decode()
    assert "Baseline assessment: technique consistency" in body
    assert reverse("cohort_participants", args=[org.slug, cohort.pk]) in body
    assert reverse("cohort_import", args=[org.slug, cohort.pk]) in body
    assert "Open enrolment" in body
    assert response.context["counts"]["mentees"] == 1


def test_a_blocked_step_says_what_is_missing(org, admin, cohort, as_admin):
    cohort_services.cohort_transition(cohort=cohort, to=Status.ENROLLING, by=admin)
    body = as_admin.get(reverse("cohort_detail", args=[org.slug, cohort.pk])).content.decode()
    assert "Enrol at least one mentee first." in body
    assert "disabled" in body


def test_an_admin_moves_a_cohort_along_its_lifecycle(org, cohort, as_admin):
    url = reverse("cohort_transition", args=[org.slug, cohort.pk])
    response = as_admin.post(url, {"to": "enrolling"})
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.status == Status.ENROLLING

    refused = as_admin.post(url, {"to": "matching"}, follow=True)
    body = refused.content.decode()
    assert "stays enrolling" in body and "Enrol at least one mentee first." in body
    cohort.refresh_from_db()
    assert cohort.status == Status.ENROLLING
    assert as_admin.get(url).status_code == 405


def _rounds():
    return iter(range(1000))


def test_the_cohort_list_query_budget_stays_flat(org, program, as_admin):
    def grow():
        for _ in range(2):
            enrol(make_cohort(org, program, facilitator=make_person(org)))

    assert_flat_queries(as_admin, reverse("cohort_list", args=[org.slug]), grow, n=12)


def test_the_cohort_page_query_budget_stays_flat(org, admin, cohort, as_admin):
    rounds = _rounds()

    def grow():
        for _ in range(2):
            enrol(cohort)
            enrol(cohort, role=Participant.Role.MENTOR)
            Milestone.objects.create(
                organization=org,
                cohort=cohort,
                phase_name=f"Extra {next(rounds)}",
                kind="checkin",
                title="Extra check-in",
                due_on=cohort.ends_on,
            )
            cohort_services.cohort_update(cohort=cohort, capacity=cohort.capacity + 1, by=admin)

    url = reverse("cohort_detail", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, url, grow, n=13)


def test_the_cohort_form_pages_query_budgets_stay_flat(org, cohort, as_admin):
    def grow():
        for _ in range(2):
            make_program(org, blueprint_key="plan-90-day")
            make_person(org)

    for url in [
        reverse("cohort_create", args=[org.slug]),
        reverse("cohort_edit", args=[org.slug, cohort.pk]),
    ]:
        assert_flat_queries(as_admin, url, grow, n=10)


def test_the_cohort_page_counts_open_invitations_as_taken_seats(org, admin, cohort, as_admin):
    enrol(cohort)
    enrolment.participant_invite(
        cohort=cohort, email="invited@example.org", role=Participant.Role.MENTEE, by=admin
    )
    response = as_admin.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))
    assert response.context["seated"] == 2
    assert response.context["seats_left"] == cohort.capacity - 2
    assert "1 kept for open invitation." in response.content.decode()
