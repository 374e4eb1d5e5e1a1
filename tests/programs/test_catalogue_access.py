"""Who reaches the pages of programs, cohorts and blueprints: a stranger gets 404, a member
403 on the configuration pages, a leader 403 on every write; another organisation's objects
are not found. Nothing changes on a refusal."""

import pytest
from django.urls import reverse

from mentorship.tenancy.models import AuditEvent
from programs.models import (
    Blueprint,
    BlueprintActivity,
    BlueprintPhase,
    Cohort,
    Milestone,
    Program,
)
from programs.services import cohorts as cohort_services
from tests.programs.factories import (
    MONDAY,
    make_program,
)
from tests.programs.factories import (
    make_draft_cohort as make_cohort,
)

pytestmark = pytest.mark.django_db


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


# the cohort's facilitator reads cohort_detail (a 404 for other members, below)
MEMBER_403 = [p for p in LEADER_PAGES + ADMIN_PAGES if p[0] != "cohort_detail"]


@pytest.mark.parametrize(("name", "kwargs"), MEMBER_403)
def test_a_member_gets_403_on_every_configuration_page(name, kwargs, org, ids, as_member):
    assert as_member.get(_url(name, org, ids, kwargs)).status_code == 403


def test_a_member_who_does_not_facilitate_gets_404_on_the_cohorts_detail_page(org, ids, as_member):
    """The cohort's own facilitator reads it (tests/programs/test_facilitator_access.py);
    any other member gets 404, as for a cohort that does not exist."""
    assert as_member.get(_url("cohort_detail", org, ids, ["cohort_id"])).status_code == 404


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
