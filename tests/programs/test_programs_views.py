"""Pages of programs and their charter: lists with htmx, the program page, the forms with
bad input, archiving, the charter page, and flat query budgets."""

import pytest
from django.urls import reverse

from mentorship.tenancy.pagination import PAGE_SIZE
from programs.models import (
    CharterAcknowledgement,
    Cohort,
    Participant,
    Program,
)
from programs.services import blueprints as blueprint_services
from programs.services import cohorts as cohort_services
from programs.services import programs as program_services
from programs.services.intake import participant_charter_acknowledge
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


def test_the_program_list_filters_and_answers_htmx_with_the_results_only(org, as_admin):
    make_program(org, name="Leadership Accelerator", format="one_to_one")
    make_program(org, name="Trainer Onboarding", format="cohort")
    url = reverse("program_list", args=[org.slug])

    response = as_admin.get(
        url, {"format": "cohort"}, headers={**HTMX, "HX-Target": "program-results"}
    )

    body = response.content.decode()
    assert "<html" not in body
    assert "Trainer Onboarding" in body
    assert "Leadership Accelerator" not in body


def test_the_program_lists_page_two_comes_in_place_with_htmx(org, as_admin):
    for number in range(1, PAGE_SIZE + 4):
        make_program(org, name=f"Program {number:03}", format="cohort")
    make_program(org, name="Program 999 one to one", format="one_to_one")
    url = reverse("program_list", args=[org.slug])

    response = as_admin.get(
        url, {"format": "cohort", "page": 2}, headers={**HTMX, "HX-Target": "program-results"}
    )

    body = response.content.decode()
    assert "<html" not in body and 'id="program-results"' not in body  # the partial only
    assert [p.name for p in response.context["page"].object_list] == [
        f"Program {number:03}" for number in range(PAGE_SIZE + 1, PAGE_SIZE + 4)
    ]
    assert "Program 001" not in body and "one to one" not in body
    # Back to page 1: a plain link that htmx follows into the same region, keeping the filter.
    assert 'href="?format=cohort&amp;page=1" hx-get="?format=cohort&amp;page=1"' in body
    assert "hx-target=\"closest [id$='-results'], body\"" in body
    assert 'hx-push-url="true"' in body


def test_archived_programs_are_shown_when_asked(org, admin, as_admin):
    program = make_program(org, name="Old program")
    program_services.program_archive(program=program, by=admin)
    url = reverse("program_list", args=[org.slug])
    assert "Old program" not in as_admin.get(url).content.decode()
    assert "Old program" in as_admin.get(url, {"state": "archived"}).content.decode()


def test_an_empty_program_list_says_what_to_do(org, as_admin):
    body = as_admin.get(reverse("program_list", args=[org.slug])).content.decode()
    assert "Create the first program" in body


def test_the_program_page_shows_everything_about_it(org, admin, cohort, program, as_admin):
    program_services.program_update(
        program=program, indicators=["technique_consistency", "retention"], by=admin
    )
    acknowledged = enrol(cohort)
    enrol(cohort, role=Participant.Role.MENTOR)
    participant_charter_acknowledge(participant=acknowledged)

    response = as_admin.get(reverse("program_detail", args=[org.slug, program.pk]))

    body = response.content.decode()
    assert "Technique consistency" in body and "Retention" in body
    assert "Paired practice" in body  # the blueprint's phases
    assert "Spring trainers" in body
    assert "1 of 2 people taking part has acknowledged version 1" in body
    assert response.context["cohorts"][0].mentee_count == 1


def test_an_admin_creates_a_program_from_the_8_week_blueprint(org, as_admin):
    response = as_admin.post(
        reverse("program_create", args=[org.slug]),
        {
            "name": "New Trainer Onboarding",
            "purpose": "Trainers on their own in 8 weeks.",
            "format": "cohort",
            "blueprint": "builtin:trainer-8-week",
            "cadence_days": 7,
            "micro_touch_cap": 2,
            "mentees_per_mentor": "",
            "indicators": ["technique_consistency", "certification_rate"],
            "code_of_conduct": "Be kind.",
            "certification_threshold": "3.5",
        },
    )

    program = Program.objects.for_org(org).get()
    assert response.status_code == 302
    assert response.url == reverse("program_detail", args=[org.slug, program.pk])
    assert program.mentees_per_mentor == 6
    assert program.blueprint.source_key == "trainer-8-week"
    assert program.indicators == ["certification_rate", "technique_consistency"]


def test_the_program_form_offers_this_organisations_blueprints_and_the_built_ins(
    org, other_org, program, as_admin
):
    theirs = blueprint_services.blueprint_create(
        organization=other_org, name="Their secret", by=None
    )
    response = as_admin.get(reverse("program_create", args=[org.slug]))
    body = response.content.decode()
    assert "8-week trainer rollout" in body
    assert "90-day development plan" in body
    assert "Their secret" not in body

    refused = as_admin.post(
        reverse("program_create", args=[org.slug]),
        {"name": "X", "purpose": "Y", "format": "cohort", "blueprint": str(theirs.pk)},
    )
    assert refused.status_code == 400
    assert not Program.objects.for_org(org).filter(name="X").exists()


def test_a_bad_program_form_shows_the_messages_by_the_fields(org, as_admin):
    response = as_admin.post(
        reverse("program_create", args=[org.slug]),
        {"name": "", "purpose": "Y", "format": "cohort", "cadence_days": 0},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "name" in form.errors and "cadence_days" in form.errors
    assert not Program.objects.for_org(org).exists()


def test_editing_the_charter_asks_for_a_new_acknowledgement(org, program, as_admin):
    data = {**services_form_data(program), "confidentiality": "A new promise."}
    response = as_admin.post(reverse("program_edit", args=[org.slug, program.pk]), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.charter_version == 2
    assert program.blueprint is not None  # kept


def services_form_data(program):
    return {
        "name": program.name,
        "purpose": program.purpose,
        "format": program.format,
        "blueprint": str(program.blueprint_id or ""),
        "cadence_days": program.cadence_days,
        "micro_touch_cap": program.micro_touch_cap,
        "mentees_per_mentor": program.mentees_per_mentor,
        "code_of_conduct": program.code_of_conduct,
        "confidentiality": program.confidentiality,
        "escalation_path": program.escalation_path,
        "indicators": program.indicators,
        "certification_threshold": str(program.certification_threshold),
    }


def test_archiving_with_a_running_cohort_says_why(org, cohort, program, as_admin, admin):
    cohort_services.cohort_transition(cohort=cohort, to=Status.ENROLLING, by=admin)
    response = as_admin.post(reverse("program_archive", args=[org.slug, program.pk]), follow=True)
    assert "Spring trainers" in response.content.decode()
    program.refresh_from_db()
    assert program.archived_at is None


def test_a_member_who_takes_no_part_does_not_find_the_charter(org, program, as_member):
    assert as_member.get(reverse("program_charter", args=[org.slug, program.pk])).status_code == 404


def test_a_participant_is_sent_to_their_own_charter_page(org, program, cohort, member, as_member):
    """The participant's flow is ``participant_charter``; this page is the leaders' reading."""
    participant = enrol(cohort, user=member)
    url = reverse("program_charter", args=[org.slug, program.pk])
    response = as_member.get(url)
    assert response.status_code == 302
    assert response.url == reverse("participant_charter", args=[org.slug, participant.pk])
    assert as_member.post(url, {"accept": "on"}).status_code == 405
    assert not CharterAcknowledgement.objects.for_org(org).exists()


def test_a_leader_reads_the_charter_but_has_nothing_to_acknowledge(org, program, as_leader):
    url = reverse("program_charter", args=[org.slug, program.pk])
    response = as_leader.get(url)
    assert response.status_code == 200
    assert "Be kind and specific." in response.content.decode()
    assert "Acknowledge and continue" not in response.content.decode()
    assert as_leader.post(url, {"accept": "on"}).status_code == 405


def test_a_leader_who_takes_part_is_pointed_to_their_charter_page(
    org, program, cohort, leader, as_leader
):
    participant = enrol(cohort, user=leader)
    url = reverse("program_charter", args=[org.slug, program.pk])
    own = reverse("participant_charter", args=[org.slug, participant.pk])
    assert own in as_leader.get(url).content.decode()
    participant_charter_acknowledge(participant=participant)
    assert "have acknowledged this charter" in as_leader.get(url).content.decode()


def _rounds():
    return iter(range(1000))


def test_the_program_list_query_budget_stays_flat(org, as_admin):
    rounds = _rounds()

    def grow():
        for _ in range(2):
            program = make_program(org, name=f"P{next(rounds)}", blueprint_key="plan-90-day")
            enrol(make_cohort(org, program))

    assert_flat_queries(as_admin, reverse("program_list", args=[org.slug]), grow, n=12)


def test_the_program_page_query_budget_stays_flat(org, program, as_admin):
    def grow():
        for _ in range(2):
            cohort = make_cohort(org, program, facilitator=make_person(org))
            participant = enrol(cohort)
            enrol(cohort, role=Participant.Role.MENTOR)
            participant_charter_acknowledge(participant=participant)

    url = reverse("program_detail", args=[org.slug, program.pk])
    assert_flat_queries(as_admin, url, grow, n=14)


def test_the_program_form_pages_query_budgets_stay_flat(org, program, as_admin):
    def grow():
        for _ in range(2):
            make_program(org, blueprint_key="plan-90-day")
            make_person(org)

    for url in [
        reverse("program_create", args=[org.slug]),
        reverse("program_edit", args=[org.slug, program.pk]),
    ]:
        assert_flat_queries(as_admin, url, grow, n=10)


def test_the_charter_page_query_budget_stays_flat(org, program, cohort, leader, as_leader):
    enrol(cohort, user=leader)

    def grow():
        for _ in range(2):
            enrol(make_cohort(org, program), user=leader)

    url = reverse("program_charter", args=[org.slug, program.pk])
    assert_flat_queries(as_leader, url, grow, n=10)
