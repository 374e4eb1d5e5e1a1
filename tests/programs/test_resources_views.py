"""Pages of resources: the library with htmx, the forms, assigning and archiving, the
completion grid, "My resources", and query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import (
    CompetencyLevel,
    Participant,
    Resource,
    ResourceAssignment,
    ResourceCompletion,
)
from programs.services import resources as resource_services
from tests.programs.factories import (
    enrol,
    make_area,
    make_competency,
    make_resource,
    make_rubric,
)
from tests.programs.factories import (
    make_active_cohort as make_cohort,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


HTMX = {"HX-Request": "true"}


@pytest.fixture
def things(org, admin):
    """One of everything the pages take an id of."""
    area = make_area(org, "Coaching craft")
    competency = make_competency(org, "Cueing", area=area)
    level = CompetencyLevel.objects.create(organization=org, value=1, name="Aware")
    resource = make_resource(org, competencies=[competency])
    cohort = make_cohort(org)
    assignment = resource_services.resource_assign(resource=resource, cohort=cohort, by=admin)
    rubric = make_rubric(org)
    participant = enrol(cohort)
    return {
        "competency_id": competency.pk,
        "competencyarea_id": area.pk,
        "competencylevel_id": level.pk,
        "resource_id": resource.pk,
        "resourceassignment_id": assignment.pk,
        "rubric_id": rubric.pk,
        "participant_id": participant.pk,
    }


def test_creating_a_resource_without_content_keeps_the_form_and_saves_nothing(org, as_admin):
    response = as_admin.post(
        reverse("resource_create", args=[org.slug]),
        {"title": "Empty", "kind": "module", "minutes": 5},
    )
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert Resource.objects.for_org(org).count() == 0


def test_creating_a_resource_with_another_organisations_competency_is_refused(
    org, other_org, as_admin
):
    theirs = make_competency(other_org, "Their secret")
    url = reverse("resource_create", args=[org.slug])
    assert "Their secret" not in as_admin.get(url).content.decode()
    response = as_admin.post(
        url,
        {"title": "T", "kind": "module", "minutes": 5, "body": "B", "competencies": [theirs.pk]},
    )
    assert "competencies" in response.context["form"].errors
    assert Resource.objects.for_org(org).count() == 0


def test_creating_and_editing_a_resource(org, as_admin):
    competency = make_competency(org)
    response = as_admin.post(
        reverse("resource_create", args=[org.slug]),
        {
            "title": "Cueing in three words",
            "kind": "module",
            "minutes": 12,
            "url": "https://example.org/cueing",
            "competencies": [competency.pk],
        },
    )
    resource = Resource.objects.for_org(org).get()
    assert response.url == reverse("resource_detail", args=[org.slug, resource.pk])
    assert list(resource.competencies.all()) == [competency]
    as_admin.post(
        reverse("resource_edit", args=[org.slug, resource.pk]),
        {"title": "Cueing", "kind": "scenario", "minutes": 10, "body": "Try it"},
    )
    resource.refresh_from_db()
    assert (resource.title, resource.kind, resource.competencies.count()) == (
        "Cueing",
        "scenario",
        0,
    )


def test_the_list_filters_and_answers_htmx_with_the_results_only(org, as_leader):
    cueing = make_competency(org, "Cueing")
    make_resource(org, title="Cue cards", kind="module", competencies=[cueing])
    make_resource(org, title="Retention case", kind="case_study")
    url = reverse("resource_list", args=[org.slug])
    page = as_leader.get(url).content.decode()
    assert "<html" in page and "Cue cards" in page and "Retention case" in page
    partial = as_leader.get(
        url, {"competency": cueing.pk}, headers={**HTMX, "HX-Target": "resource-results"}
    ).content.decode()
    assert "<html" not in partial and "Cue cards" in partial and "Retention case" not in partial
    assert "Retention case" in as_leader.get(url, {"q": "retention"}).content.decode()
    assert "Cue cards" not in as_leader.get(url, {"kind": "case_study"}).content.decode()


def test_archived_resources_leave_the_list_unless_asked_for(org, admin, as_leader):
    resource = make_resource(org, title="Old module")
    resource_services.resource_archive(resource=resource, by=admin)
    url = reverse("resource_list", args=[org.slug])
    assert "Old module" not in as_leader.get(url).content.decode()
    assert "Old module" in as_leader.get(url, {"state": "archived"}).content.decode()


def test_assigning_from_the_detail_page(org, member, as_admin):
    resource = make_resource(org)
    cohort = make_cohort(org)
    url = reverse("resource_assign", args=[org.slug, resource.pk])
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = as_admin.post(
        url, {"target": "cohort", "cohort": cohort.pk, "participant_role": "mentee", "due_on": due}
    )
    assert response.status_code == 302
    response = as_admin.post(url, {"target": "person", "user": member.pk})
    assert response.status_code == 302
    assignments = ResourceAssignment.objects.for_org(org)
    assert {(a.cohort_id, a.user_id, a.participant_role) for a in assignments} == {
        (cohort.pk, None, "mentee"),
        (None, member.pk, ""),
    }


def test_assigning_to_someone_of_another_organisation_is_refused(org, stranger, as_admin):
    resource = make_resource(org)
    url = reverse("resource_assign", args=[org.slug, resource.pk])
    response = as_admin.post(url, {"target": "person", "user": stranger.pk})
    assert response.status_code == 400
    assert "user" in response.context["assign_form"].errors
    response = as_admin.post(url, {"target": "cohort"})
    assert "cohort" in response.context["assign_form"].errors
    assert ResourceAssignment.objects.for_org(org).count() == 0


def test_unassigning_and_archiving(org, admin, as_admin, things):
    assignment_id = things["resourceassignment_id"]
    as_admin.post(reverse("resource_unassign", args=[org.slug, assignment_id]))
    assert not ResourceAssignment.objects.for_org(org).filter(pk=assignment_id).exists()
    resource_id = things["resource_id"]
    as_admin.post(reverse("resource_archive", args=[org.slug, resource_id]))
    assert Resource.objects.for_org(org).get(pk=resource_id).archived_at is not None
    as_admin.post(reverse("resource_restore", args=[org.slug, resource_id]))
    assert Resource.objects.for_org(org).get(pk=resource_id).archived_at is None


def test_the_detail_page_shows_who_has_done_it(org, admin, as_leader):
    cohort = make_cohort(org)
    done, waiting = enrol(cohort), enrol(cohort)
    resource = make_resource(org)
    resource_services.resource_assign(resource=resource, cohort=cohort, by=admin)
    resource_services.resource_mark_done(resource=resource, user=done.user)
    response = as_leader.get(reverse("resource_detail", args=[org.slug, resource.pk]))
    assert response.context["done_count"] == 1
    assert len(response.context["audience"]) == 2
    assert "1 of 2 done" in response.content.decode()
    assert waiting.user.email in response.content.decode()


def test_completion_by_cohort(org, admin, as_leader):
    cohort = make_cohort(org, name="Spring")
    mentee = enrol(cohort)
    resource = make_resource(org, title="Cue cards")
    resource_services.resource_assign(resource=resource, cohort=cohort, by=admin)
    resource_services.resource_mark_done(resource=resource, user=mentee.user)
    url = reverse("resource_completion", args=[org.slug])
    response = as_leader.get(url, {"cohort": cohort.pk})
    assert response.context["progress"].totals == [(resource, 1, 1)]
    partial = as_leader.get(
        url, {"cohort": cohort.pk}, headers={**HTMX, "HX-Target": "completion-results"}
    )
    assert b"<html" not in partial.content and b"Cue cards" in partial.content


def test_completion_of_another_organisations_cohort_is_not_shown(org, other_org, as_leader):
    theirs = make_cohort(other_org, name="Their cohort")
    response = as_leader.get(reverse("resource_completion", args=[org.slug]), {"cohort": theirs.pk})
    assert response.status_code == 200
    assert response.context["cohort"] is None
    assert b"Their cohort" not in response.content


@pytest.fixture
def my_item(org, admin, member):
    cohort = make_cohort(org)
    enrol(cohort, user=member)
    resource = make_resource(org, title="Cue cards")
    resource_services.resource_assign(
        resource=resource,
        cohort=cohort,
        due_on=timezone.localdate() + timedelta(days=2),
        by=admin,
    )
    return resource


def test_my_resources_lists_what_reaches_me(org, as_member, my_item):
    response = as_member.get(reverse("my_resources", args=[org.slug]))
    assert [r.pk for r in response.context["open_items"]] == [my_item.pk]
    assert "Cue cards" in response.content.decode()
    detail = as_member.get(reverse("my_resource_detail", args=[org.slug, my_item.pk]))
    assert detail.status_code == 200 and b"Read this" in detail.content


def test_marking_done_without_javascript_redirects_and_is_idempotent(
    org, member, as_member, my_item
):
    url = reverse("my_resource_done", args=[org.slug, my_item.pk])
    assert as_member.get(url).status_code == 405
    for _ in range(2):
        response = as_member.post(url, {"done": "1"})
        assert response.status_code == 302
        assert response.url == reverse("my_resources", args=[org.slug])
    assert ResourceCompletion.objects.for_org(org).filter(user=member).count() == 1
    response = as_member.post(url, {"done": "0", "from": "detail"})
    assert response.url == reverse("my_resource_detail", args=[org.slug, my_item.pk])
    assert ResourceCompletion.objects.for_org(org).count() == 0


def test_marking_done_with_htmx_swaps_the_row(org, as_member, my_item):
    url = reverse("my_resource_done", args=[org.slug, my_item.pk])
    response = as_member.post(url, {"done": "1"}, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith(f'<tr id="my-resource-{my_item.pk}"')
    assert "Done" in content and "Undo" in content and "<html" not in content


def test_an_empty_list_says_so(org, as_member):
    response = as_member.get(reverse("my_resources", args=[org.slug]))
    assert "Nothing assigned to you yet" in response.content.decode()


def test_resource_list_query_budget(org, admin, as_leader):
    cohort = make_cohort(org)

    def grow():
        for _ in range(3):
            resource = make_resource(org, competencies=[make_competency(org)])
            resource_services.resource_assign(resource=resource, cohort=cohort, by=admin)
            resource_services.resource_mark_done(resource=resource, user=admin)

    make_resource(org)
    url = reverse("resource_list", args=[org.slug])
    assert_flat_queries(as_leader, url, grow, n=12)
    assert_flat_queries(
        as_leader, url, grow, n=12, headers={**HTMX, "HX-Target": "resource-results"}
    )


def test_resource_detail_query_budget(org, admin, as_admin):
    resource = make_resource(org, competencies=[make_competency(org)])

    def grow():
        cohort = make_cohort(org)
        for _ in range(3):
            participant = enrol(cohort)
            resource_services.resource_mark_done(resource=resource, user=participant.user)
            resource_services.resource_assign(resource=resource, user=participant.user, by=admin)
        resource_services.resource_assign(resource=resource, cohort=cohort, by=admin)
        resource.competencies.add(make_competency(org), through_defaults={"organization": org})

    resource.is_coaching_primer = True
    resource.save()
    enrol(make_cohort(org), role=Participant.Role.MENTOR)
    url = reverse("resource_detail", args=[org.slug, resource.pk])
    assert_flat_queries(as_admin, url, grow, n=20)


def test_resource_completion_query_budget(org, admin, as_leader):
    cohort = make_cohort(org)
    enrol(cohort)

    def grow():
        for _ in range(3):
            participant = enrol(cohort)
            resource = make_resource(org)
            resource_services.resource_assign(resource=resource, cohort=cohort, by=admin)
            resource_services.resource_mark_done(resource=resource, user=participant.user)

    url = reverse("resource_completion", args=[org.slug])
    assert_flat_queries(as_leader, url + f"?cohort={cohort.pk}", grow, n=12)


def test_my_resources_query_budget(org, admin, member, as_member):
    cohort = make_cohort(org)
    enrol(cohort, user=member, role=Participant.Role.MENTOR)

    def grow():
        for index in range(3):
            resource = make_resource(
                org, competencies=[make_competency(org)], is_coaching_primer=index == 0
            )
            resource_services.resource_assign(
                resource=resource,
                cohort=cohort,
                due_on=timezone.localdate() + timedelta(days=index),
                by=admin,
            )
            if index:
                resource_services.resource_mark_done(resource=resource, user=member)
        resource_services.resource_assign(resource=make_resource(org), user=member, by=admin)

    assert_flat_queries(as_member, reverse("my_resources", args=[org.slug]), grow, n=10)


def test_my_resource_detail_query_budget(org, as_member, my_item):
    assert_flat_queries(
        as_member,
        reverse("my_resource_detail", args=[org.slug, my_item.pk]),
        lambda: my_item.competencies.add(
            make_competency(org), make_competency(org), through_defaults={"organization": org}
        ),
        n=10,
    )


def test_the_resource_form_pages_query_budgets_stay_flat(org, as_admin):
    resource = make_resource(org, competencies=[make_competency(org)])

    def grow():
        area = make_area(org)
        for _ in range(3):
            make_competency(org, area=area)

    url = reverse("resource_create", args=[org.slug])
    assert_flat_queries(as_admin, url, grow, n=7)
    url = reverse("resource_edit", args=[org.slug, resource.pk])
    assert_flat_queries(as_admin, url, grow, n=9)
