"""Pages of blueprints: from a built-in or from scratch, phases and activities edited in
place with htmx or without JavaScript, and flat query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse

from programs.models import (
    Blueprint,
    BlueprintActivity,
    BlueprintPhase,
)
from programs.services import blueprints as blueprint_services
from programs.services import cohorts as cohort_services
from tests.programs.factories import (
    MONDAY,
    make_program,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


HTMX = {"HX-Request": "true"}


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


def _rounds():
    return iter(range(1000))


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


def _grow_phases(blueprint, admin):
    """A ``grow`` that adds two phases of two activities each to ``blueprint``."""
    rounds = _rounds()

    def grow():
        for _ in range(2):
            week = 10 + 2 * next(rounds)
            phase = blueprint_services.blueprint_phase_create(
                blueprint=blueprint, name=f"W{week}", start_week=week, end_week=week + 1, by=admin
            )
            for title in ("One", "Two"):
                blueprint_services.blueprint_activity_create(
                    phase=phase, kind="module", title=title, by=admin
                )

    return grow


def test_the_blueprint_create_page_query_budget_stays_flat(org, admin, as_admin):
    def grow():
        for _ in range(2):
            blueprint_services.blueprint_create_from_builtin(
                organization=org, key="plan-90-day", by=admin
            )

    url = reverse("blueprint_create", args=[org.slug])
    assert_flat_queries(as_admin, url, grow, n=6)


def test_the_blueprint_edit_and_delete_pages_query_budgets_stay_flat(org, admin, program, as_admin):
    blueprint = program.blueprint

    def grow():
        _grow_phases(blueprint, admin)()
        for _ in range(2):
            make_program(org, blueprint=blueprint)

    url = reverse("blueprint_edit", args=[org.slug, blueprint.pk])
    assert_flat_queries(as_admin, url, grow, n=7)
    url = reverse("blueprint_delete", args=[org.slug, blueprint.pk])
    assert_flat_queries(as_admin, url, grow, n=7)


def test_the_phase_pages_query_budgets_stay_flat(org, admin, ids, program, as_admin):
    grow = _grow_phases(program.blueprint, admin)
    url = reverse("blueprint_phase_edit", args=[org.slug, ids["blueprintphase_id"]])
    assert_flat_queries(as_admin, url, grow, n=12)
    url = reverse("blueprint_phase_delete", args=[org.slug, ids["blueprintphase_id"]])
    assert_flat_queries(as_admin, url, grow, n=7)


def test_the_activity_pages_query_budgets_stay_flat(org, admin, ids, program, as_admin):
    grow = _grow_phases(program.blueprint, admin)
    url = reverse("blueprint_activity_edit", args=[org.slug, ids["blueprintactivity_id"]])
    assert_flat_queries(as_admin, url, grow, n=12)
    url = reverse("blueprint_activity_delete", args=[org.slug, ids["blueprintactivity_id"]])
    assert_flat_queries(as_admin, url, grow, n=7)
