"""Pages of the catalogue area: refusals first (a stranger gets 404, a member 403 on the
configuration pages, a leader 403 on every write), then what each page does, htmx partials,
bad input through the forms, and flat query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentorship.tenancy.models import AuditEvent
from mentorship.tenancy.pagination import PAGE_SIZE
from programs.models import (
    Blueprint,
    BlueprintActivity,
    BlueprintPhase,
    CharterAcknowledgement,
    Cohort,
    Milestone,
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


@pytest.fixture
def ids(program, cohort):
    blueprint = program.blueprint
    phase = blueprint.phases.first()
    return {
        "program_id": program.pk,
        "cohort_id": cohort.pk,
        "blueprint_id": blueprint.pk,
        "blueprintphase_id": phase.pk,
        "blueprintactivity_id": phase.activities.first().pk,
    }


def _url(name, org, ids, kwargs=()):
    return reverse(name, kwargs={"org_slug": org.slug, **{k: ids[k] for k in kwargs}})


LEADER_PAGES = [
    ("program_list", []),
    ("program_detail", ["program_id"]),
    ("cohort_list", []),
    ("cohort_detail", ["cohort_id"]),
]
ADMIN_PAGES = [
    ("program_create", []),
    ("program_edit", ["program_id"]),
    ("cohort_create", []),
    ("cohort_edit", ["cohort_id"]),
    ("blueprint_list", []),
    ("blueprint_create", []),
    ("blueprint_detail", ["blueprint_id"]),
    ("blueprint_edit", ["blueprint_id"]),
    ("blueprint_delete", ["blueprint_id"]),
    ("blueprint_phase_edit", ["blueprintphase_id"]),
    ("blueprint_phase_delete", ["blueprintphase_id"]),
    ("blueprint_activity_edit", ["blueprintactivity_id"]),
    ("blueprint_activity_delete", ["blueprintactivity_id"]),
]
ADMIN_POSTS = [(name, kwargs) for name, kwargs in ADMIN_PAGES if name != "blueprint_list"] + [
    ("program_archive", ["program_id"]),
    ("program_unarchive", ["program_id"]),
    ("cohort_transition", ["cohort_id"]),
    ("blueprint_phase_create", ["blueprint_id"]),
    ("blueprint_activity_create", ["blueprintphase_id"]),
]
ALL = LEADER_PAGES + ADMIN_PAGES + ADMIN_POSTS + [("program_charter", ["program_id"])]
WRITE_DATA = {
    "name": "Changed",
    "purpose": "Changed",
    "to": "enrolling",
    "builtin": "plan-90-day",
    "start_week": 1,
    "end_week": 9,
    "kind": "module",
    "title": "Changed",
    "format": "cohort",
    "cadence_days": 7,
    "micro_touch_cap": 2,
    "certification_threshold": "3.5",
    "starts_on": "2027-01-04",
    "ends_on": "2027-02-28",
    "capacity": 12,
}


def _fingerprint(org):
    models = [Program, Cohort, Blueprint, BlueprintPhase, BlueprintActivity, Milestone]
    rows = [list(m.objects.for_org(org).order_by("pk").values_list()) for m in models]
    return rows, AuditEvent.objects.for_org(org).count()


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), ALL, ids=lambda v: v if isinstance(v, str) else "")
def test_a_stranger_gets_404_everywhere(name, kwargs, org, ids, as_stranger):
    url = _url(name, org, ids, kwargs)
    before = _fingerprint(org)
    assert as_stranger.get(url).status_code == 404
    assert as_stranger.post(url, WRITE_DATA).status_code == 404
    assert _fingerprint(org) == before


def test_anonymous_people_are_sent_to_sign_in(org, ids, client):
    response = client.get(_url("program_list", org, ids))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(("name", "kwargs"), LEADER_PAGES + ADMIN_PAGES)
def test_a_member_gets_403_on_every_configuration_page(name, kwargs, org, ids, as_member):
    assert as_member.get(_url(name, org, ids, kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_POSTS)
def test_a_member_cannot_write(name, kwargs, org, ids, as_member):
    before = _fingerprint(org)
    assert as_member.post(_url(name, org, ids, kwargs), WRITE_DATA).status_code == 403
    assert _fingerprint(org) == before


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_a_leader_gets_403_on_admin_pages(name, kwargs, org, ids, as_leader):
    assert as_leader.get(_url(name, org, ids, kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_POSTS)
def test_a_leader_reads_but_does_not_write(name, kwargs, org, ids, as_leader):
    before = _fingerprint(org)
    assert as_leader.post(_url(name, org, ids, kwargs), WRITE_DATA).status_code == 403
    assert _fingerprint(org) == before


@pytest.mark.parametrize(("name", "kwargs"), LEADER_PAGES)
def test_a_leader_reads_without_write_buttons(name, kwargs, org, ids, as_leader):
    response = as_leader.get(_url(name, org, ids, kwargs))
    assert response.status_code == 200
    body = response.content.decode()
    for words in ["New program", "New cohort", ">Edit<", ">Archive<", "Open enrolment"]:
        assert words not in body


@pytest.mark.parametrize(("name", "kwargs"), LEADER_PAGES + ADMIN_PAGES)
def test_an_admin_reaches_every_page(name, kwargs, org, ids, as_admin):
    assert as_admin.get(_url(name, org, ids, kwargs)).status_code == 200


def test_another_organisations_objects_are_not_found_in_ones_own(org, other_org, as_admin):
    theirs = make_cohort(other_org, make_program(other_org, blueprint_key="plan-90-day"))
    blueprint = theirs.program.blueprint
    for url in [
        reverse("program_detail", args=[org.slug, theirs.program_id]),
        reverse("cohort_detail", args=[org.slug, theirs.pk]),
        reverse("blueprint_detail", args=[org.slug, blueprint.pk]),
        reverse("blueprint_phase_edit", args=[org.slug, blueprint.phases.first().pk]),
    ]:
        assert as_admin.get(url).status_code == 404
        assert as_admin.post(url, WRITE_DATA).status_code == 404
    assert theirs.program.name != "Changed"


# --- programs ------------------------------------------------------------------------------


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


# --- the charter page ----------------------------------------------------------------------


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


# --- cohorts -------------------------------------------------------------------------------


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


# --- blueprints ----------------------------------------------------------------------------


def test_an_admin_starts_a_blueprint_from_a_built_in(org, as_admin):
    response = as_admin.post(
        reverse("blueprint_create", args=[org.slug]), {"builtin": "plan-90-day"}
    )
    blueprint = Blueprint.objects.for_org(org).get()
    assert response.url == reverse("blueprint_detail", args=[org.slug, blueprint.pk])
    assert blueprint.phases.count() == 3


def test_an_admin_starts_a_blueprint_from_scratch(org, as_admin):
    url = reverse("blueprint_create", args=[org.slug])
    assert as_admin.post(url, {"name": ""}).status_code == 400
    as_admin.post(url, {"name": "Shadowing month", "description": "Four weeks."})
    assert Blueprint.objects.for_org(org).get().name == "Shadowing month"


def test_phases_are_added_in_place_with_htmx(org, ids, as_admin):
    url = _url("blueprint_phase_create", org, ids, ["blueprint_id"])
    headers = {**HTMX, "HX-Target": "blueprint-phases"}

    response = as_admin.post(
        url, {"name": "Follow-up", "start_week": 9, "end_week": 10}, headers=headers
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "Follow-up" in body
    refused = as_admin.post(url, {"name": "Odd", "start_week": 5, "end_week": 4}, headers=headers)
    assert refused.status_code == 200  # htmx swaps 2xx only: the errors travel in the partial
    assert "cannot end before it starts" in refused.content.decode()
    assert not BlueprintPhase.objects.for_org(org).filter(name="Odd").exists()


def test_phases_are_added_without_javascript(org, ids, as_admin):
    url = _url("blueprint_phase_create", org, ids, ["blueprint_id"])
    response = as_admin.post(url, {"name": "Follow-up", "start_week": 9, "end_week": 10})
    assert response.status_code == 302
    refused = as_admin.post(url, {"name": "", "start_week": 9, "end_week": 10})
    assert refused.status_code == 400
    assert "<html" in refused.content.decode()


def test_an_activity_is_edited_in_place(org, ids, cohort, as_admin):
    url = _url("blueprint_activity_edit", org, ids, ["blueprintactivity_id"])
    headers = {**HTMX, "HX-Target": "blueprint-phases"}

    form = as_admin.get(url, headers=headers)
    assert 'name="title"' in form.content.decode() and "<html" not in form.content.decode()

    outside = as_admin.post(
        url, {"kind": "assessment", "title": "Late", "due_week": 6}, headers=headers
    )
    assert "Choose a week of the phase: 1 to 2" in outside.content.decode()

    saved = as_admin.post(
        url, {"kind": "assessment", "title": "Baseline video", "due_week": 2}, headers=headers
    )
    assert "Baseline video" in saved.content.decode()
    milestone = cohort.milestones.get(title="Baseline video")
    assert milestone.due_on == cohort.starts_on + timedelta(days=13)


def test_an_activity_is_added_and_deleted(org, ids, as_admin):
    add = _url("blueprint_activity_create", org, ids, ["blueprintphase_id"])
    as_admin.post(add, {"kind": "module", "title": "Read the primer", "due_week": ""})
    activity = BlueprintActivity.objects.for_org(org).get(title="Read the primer")
    confirm = as_admin.get(reverse("blueprint_activity_delete", args=[org.slug, activity.pk]))
    assert confirm.status_code == 200
    as_admin.post(reverse("blueprint_activity_delete", args=[org.slug, activity.pk]))
    assert not BlueprintActivity.objects.for_org(org).filter(pk=activity.pk).exists()


def test_a_blueprint_in_use_is_not_deleted(org, ids, as_admin):
    response = as_admin.post(_url("blueprint_delete", org, ids, ["blueprint_id"]))
    assert response.status_code == 400
    assert "New Trainer Onboarding" in response.content.decode()


# --- query budgets -------------------------------------------------------------------------


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
    assert_flat_queries(as_admin, url, grow, n=12)


def test_the_blueprint_pages_query_budgets_stay_flat(org, admin, program, as_admin):
    blueprint = program.blueprint
    rounds = _rounds()

    def grow_list():
        for _ in range(2):
            blueprint_services.blueprint_create_from_builtin(
                organization=org, key="plan-90-day", by=admin
            )

    def grow_detail():
        for _ in range(2):
            week = 10 + 2 * next(rounds)
            phase = blueprint_services.blueprint_phase_create(
                blueprint=blueprint, name=f"W{week}", start_week=week, end_week=week + 1, by=admin
            )
            for title in ("One", "Two"):
                blueprint_services.blueprint_activity_create(
                    phase=phase, kind="module", title=title, by=admin
                )

    assert_flat_queries(as_admin, reverse("blueprint_list", args=[org.slug]), grow_list, n=10)
    url = reverse("blueprint_detail", args=[org.slug, blueprint.pk])
    assert_flat_queries(as_admin, url, grow_detail, n=12)


def test_the_form_pages_query_budgets_stay_flat(org, program, cohort, as_admin):
    def grow():
        for _ in range(2):
            make_program(org, blueprint_key="plan-90-day")
            make_person(org)

    for url in [
        reverse("program_create", args=[org.slug]),
        reverse("program_edit", args=[org.slug, program.pk]),
        reverse("cohort_create", args=[org.slug]),
        reverse("cohort_edit", args=[org.slug, cohort.pk]),
    ]:
        assert_flat_queries(as_admin, url, grow, n=10)


def test_the_charter_page_query_budget_stays_flat(org, program, cohort, leader, as_leader):
    enrol(cohort, user=leader)

    def grow():
        for _ in range(2):
            enrol(make_cohort(org, program), user=leader)

    url = reverse("program_charter", args=[org.slug, program.pk])
    assert_flat_queries(as_leader, url, grow, n=10)
