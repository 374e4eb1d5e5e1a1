"""Pages of the learning area: who may use them (refusals first), what they do, htmx
partials, and query budgets that stay flat as rows grow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.models import (
    Assessment,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    Participant,
    Resource,
    ResourceAssignment,
    ResourceCompletion,
    Rubric,
)
from programs.services import assessments as assessment_services
from programs.services import competencies as competency_services
from programs.services import resources as resource_services
from tests.programs.factories import (
    enrol,
    make_area,
    make_competency,
    make_resource,
    make_rubric,
    scores_for,
)
from tests.programs.factories import (
    make_active_cohort as make_cohort,
)
from tests.programs.factories import (
    make_program_without_charter as make_program,
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


ADMIN_PAGES = [
    ("competency_import", []),
    ("competency_create", []),
    ("competency_edit", ["competency_id"]),
    ("competency_delete", ["competency_id"]),
    ("competency_area_create", []),
    ("competency_area_edit", ["competencyarea_id"]),
    ("competency_area_delete", ["competencyarea_id"]),
    ("competency_level_create", []),
    ("competency_level_edit", ["competencylevel_id"]),
    ("competency_level_delete", ["competencylevel_id"]),
    ("resource_create", []),
    ("resource_edit", ["resource_id"]),
    ("rubric_create", []),
    ("rubric_edit", ["rubric_id"]),
    ("rubric_delete", ["rubric_id"]),
]
ADMIN_POSTS = [
    ("competency_starter", []),
    ("resource_assign", ["resource_id"]),
    ("resource_archive", ["resource_id"]),
    ("resource_restore", ["resource_id"]),
    ("resource_unassign", ["resourceassignment_id"]),
    ("rubric_example", []),
]
LEADER_PAGES = [
    ("competency_list", []),
    ("competency_export", []),
    ("resource_list", []),
    ("resource_detail", ["resource_id"]),
    ("resource_completion", []),
    ("rubric_list", []),
    ("rubric_detail", ["rubric_id"]),
]
MEMBER_PAGES = [("my_resources", [])]
EVERY = (
    ADMIN_PAGES
    + ADMIN_POSTS
    + LEADER_PAGES
    + MEMBER_PAGES
    + [
        ("my_resource_detail", ["resource_id"]),
        ("my_resource_done", ["resource_id"]),
        ("participant_assessments", ["participant_id"]),
        ("assessment_create", ["participant_id"]),
    ]
)


def url_of(org, name, keys, things):
    return reverse(name, kwargs={"org_slug": org.slug, **{k: things[k] for k in keys}})


def _ids(entries):
    return [name for name, _ in entries]


# --- refusals first -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "keys"), EVERY, ids=_ids(EVERY))
def test_a_stranger_gets_404_everywhere(org, things, as_stranger, name, keys):
    url = url_of(org, name, keys, things)
    assert as_stranger.get(url).status_code == 404
    assert as_stranger.post(url).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(org, things):
    response = Client().get(reverse("resource_list", args=[org.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("name", "keys"), ADMIN_PAGES + LEADER_PAGES, ids=_ids(ADMIN_PAGES + LEADER_PAGES)
)
def test_a_member_cannot_use_admin_or_leader_pages(org, things, as_member, name, keys):
    assert as_member.get(url_of(org, name, keys, things)).status_code == 403


@pytest.mark.parametrize(("name", "keys"), ADMIN_POSTS, ids=_ids(ADMIN_POSTS))
def test_a_member_cannot_post_admin_actions(org, things, as_member, name, keys):
    assert as_member.post(url_of(org, name, keys, things)).status_code == 403


@pytest.mark.parametrize(
    ("name", "keys"), ADMIN_PAGES + ADMIN_POSTS, ids=_ids(ADMIN_PAGES + ADMIN_POSTS)
)
def test_a_leader_reads_but_does_not_write(org, things, as_leader, name, keys):
    url = url_of(org, name, keys, things)
    assert as_leader.post(url).status_code == 403
    if (name, keys) in ADMIN_PAGES:
        assert as_leader.get(url).status_code == 403


@pytest.mark.parametrize(("name", "keys"), LEADER_PAGES, ids=_ids(LEADER_PAGES))
def test_a_leader_reads_configuration_without_write_buttons(org, things, as_leader, name, keys):
    response = as_leader.get(url_of(org, name, keys, things))
    assert response.status_code == 200
    if name != "competency_export":
        content = response.content.decode()
        for write in ("competency_create", "resource_create", "rubric_create", "resource_assign"):
            args = [org.slug] + ([things["resource_id"]] if write == "resource_assign" else [])
            assert reverse(write, args=args) not in content


@pytest.mark.parametrize(
    ("name", "keys"),
    ADMIN_PAGES + LEADER_PAGES + MEMBER_PAGES,
    ids=_ids(ADMIN_PAGES + LEADER_PAGES + MEMBER_PAGES),
)
def test_an_admin_opens_every_page(org, things, as_admin, name, keys):
    assert as_admin.get(url_of(org, name, keys, things)).status_code == 200


def test_another_organisations_objects_are_not_found(org, other_org, admin, as_admin):
    theirs = make_resource(other_org)
    their_participant = enrol(make_cohort(other_org))
    assert as_admin.get(reverse("resource_detail", args=[org.slug, theirs.pk])).status_code == 404
    assert as_admin.post(reverse("resource_archive", args=[org.slug, theirs.pk])).status_code == 404
    url = reverse("participant_assessments", args=[org.slug, their_participant.pk])
    assert as_admin.get(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.archived_at is None


def test_a_member_cannot_see_resources_that_are_not_theirs(org, as_member):
    resource = make_resource(org)
    assert (
        as_member.get(reverse("my_resource_detail", args=[org.slug, resource.pk])).status_code
        == 404
    )
    done_url = reverse("my_resource_done", args=[org.slug, resource.pk])
    assert as_member.post(done_url).status_code == 404
    assert ResourceCompletion.objects.for_org(org).count() == 0


def test_a_leader_is_sent_from_my_resource_to_the_librarys_page(org, as_leader):
    resource = make_resource(org)
    response = as_leader.get(reverse("my_resource_detail", args=[org.slug, resource.pk]))
    assert response.status_code == 302
    assert response.url == reverse("resource_detail", args=[org.slug, resource.pk])


def test_a_member_cannot_see_other_peoples_assessments(org, member, as_member):
    cohort = make_cohort(org)
    someone = enrol(cohort)
    enrol(cohort, user=member)  # a fellow mentee is not an assessor
    url = reverse("participant_assessments", args=[org.slug, someone.pk])
    assert as_member.get(url).status_code == 404
    new = reverse("assessment_create", args=[org.slug, someone.pk])
    assert as_member.get(new).status_code == 404
    assert as_member.post(new).status_code == 404


def test_a_participant_reads_their_own_assessments_but_does_not_record(org, member, as_member):
    own = enrol(make_cohort(org), user=member)
    assert (
        as_member.get(reverse("participant_assessments", args=[org.slug, own.pk])).status_code
        == 200
    )
    new = reverse("assessment_create", args=[org.slug, own.pk])
    assert as_member.get(new).status_code == 403
    assert as_member.post(new).status_code == 403


def test_a_leader_reads_assessments_but_does_not_record(org, things, as_leader):
    participant_id = things["participant_id"]
    url = reverse("participant_assessments", args=[org.slug, participant_id])
    assert as_leader.get(url).status_code == 200
    new = reverse("assessment_create", args=[org.slug, participant_id])
    assert as_leader.get(new).status_code == 403


# --- competencies ---------------------------------------------------------------------------


def test_the_empty_taxonomy_offers_the_starter_and_loads_it(org, as_admin):
    url = reverse("competency_list", args=[org.slug])
    assert "Load the starter taxonomy" in as_admin.get(url).content.decode()
    response = as_admin.post(reverse("competency_starter", args=[org.slug]), follow=True)
    assert response.status_code == 200
    assert Competency.objects.for_org(org).count() > 10
    assert "Load the starter taxonomy" not in response.content.decode()


def test_adding_a_duplicate_competency_shows_the_error_on_the_name(org, as_admin):
    area = make_area(org)
    make_competency(org, "Cueing", area=area)
    response = as_admin.post(
        reverse("competency_create", args=[org.slug]), {"name": "cueing", "area": area.pk}
    )
    assert response.status_code == 200
    assert "There is already a competency called" in response.content.decode()
    assert Competency.objects.for_org(org).count() == 1


def test_an_area_of_another_organisation_is_not_a_choice(org, other_org, as_admin):
    theirs = make_area(other_org, "Secret area")
    url = reverse("competency_create", args=[org.slug])
    assert "Secret area" not in as_admin.get(url).content.decode()
    response = as_admin.post(url, {"name": "Sneaky", "area": theirs.pk})
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert Competency.objects.for_org(org).count() == 0


def test_export_is_the_taxonomy_as_csv(org, as_leader):
    make_competency(org, "Cueing", area=make_area(org, "Coaching craft"), description="Short")
    response = as_leader.get(reverse("competency_export", args=[org.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == (
        "area,competency,description\r\nCoaching craft,Cueing,Short\r\n"
    )


def _upload(text):
    return SimpleUploadedFile("competencies.csv", text.encode(), content_type="text/csv")


def test_importing_a_good_file(org, as_admin):
    text = "area,competency,description\nLeadership,Delegation,Hand it over\nLeadership,Feedback,\n"
    response = as_admin.post(
        reverse("competency_import", args=[org.slug]), {"file": _upload(text)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("competency_list", args=[org.slug])
    assert "Imported 2 competencies: 2 new" in response.content.decode()
    assert set(Competency.objects.for_org(org).values_list("name", flat=True)) == {
        "Delegation",
        "Feedback",
    }


def test_importing_a_bad_file_lists_every_bad_line_and_saves_nothing(org, as_admin):
    text = "area,competency,description\nLeadership,Delegation,\nLeadership,,\nOps,delegation,\n"
    response = as_admin.post(reverse("competency_import", args=[org.slug]), {"file": _upload(text)})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "Line 3" in content and "Line 4" in content
    assert Competency.objects.for_org(org).count() == 0
    assert CompetencyArea.objects.for_org(org).count() == 0


def test_importing_a_wrong_header_is_refused(org, as_admin):
    response = as_admin.post(
        reverse("competency_import", args=[org.slug]), {"file": _upload("name,area\nA,B\n")}
    )
    assert response.status_code == 400
    assert "Line 1" in response.content.decode()


def test_the_level_scale_exports_and_imports_as_its_own_csv(org, admin, as_admin, as_leader):
    competency_services.competency_level_create(organization=org, value=1, name="Aware", by=admin)
    export = as_leader.get(reverse("competency_level_export", args=[org.slug]))
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode() == "level,name,description\r\n1,Aware,\r\n"

    text = "level,name,description\n1,Aware,Knows the idea\n2,Practising,With help\n"
    response = as_admin.post(
        reverse("competency_import", args=[org.slug]), {"file": _upload(text)}, follow=True
    )
    assert "Imported the level scale: 1 new, 1 changed." in response.content.decode()
    assert list(CompetencyLevel.objects.for_org(org).values_list("value", "name")) == [
        (1, "Aware"),
        (2, "Practising"),
    ]


def test_a_bad_level_scale_lists_every_bad_line_and_saves_nothing(org, as_admin):
    text = "level,name,description\n1,Aware,\n6,Guru,\n1,Again,\nx,,\n"
    response = as_admin.post(reverse("competency_import", args=[org.slug]), {"file": _upload(text)})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "not a whole number from 1 to 5" in content and "Level 1 is already on line 2" in content
    assert "Line 5" in content
    assert not CompetencyLevel.objects.for_org(org).exists()


def test_a_member_or_leader_cannot_import_a_level_scale(org, as_member, as_leader):
    text = "level,name,description\n1,Aware,\n"
    url = reverse("competency_import", args=[org.slug])
    assert as_member.post(url, {"file": _upload(text)}).status_code == 403
    assert as_leader.post(url, {"file": _upload(text)}).status_code == 403
    assert as_member.get(reverse("competency_level_export", args=[org.slug])).status_code == 403
    assert not CompetencyLevel.objects.for_org(org).exists()


def test_deleting_an_area_with_competencies_is_refused_with_a_message(org, as_admin):
    competency = make_competency(org)
    url = reverse("competency_area_delete", args=[org.slug, competency.area_id])
    response = as_admin.post(url)
    assert response.status_code == 400
    assert CompetencyArea.objects.for_org(org).count() == 1


def test_levels_are_added_edited_and_deleted(org, as_admin):
    as_admin.post(
        reverse("competency_level_create", args=[org.slug]), {"value": 1, "name": "Aware"}
    )
    level = CompetencyLevel.objects.for_org(org).get()
    as_admin.post(
        reverse("competency_level_edit", args=[org.slug, level.pk]),
        {"value": 2, "name": "Practising"},
    )
    level.refresh_from_db()
    assert (level.value, level.name) == (2, "Practising")
    as_admin.post(reverse("competency_level_delete", args=[org.slug, level.pk]))
    assert CompetencyLevel.objects.for_org(org).count() == 0


# --- resources ------------------------------------------------------------------------------


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


# --- my resources ---------------------------------------------------------------------------


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


# --- rubrics --------------------------------------------------------------------------------


def test_adding_the_example_rubric(org, as_admin):
    url = reverse("rubric_list", args=[org.slug])
    assert "Add the technique-consistency example" in as_admin.get(url).content.decode()
    response = as_admin.post(reverse("rubric_example", args=[org.slug]))
    rubric = Rubric.objects.for_org(org).get()
    assert response.url == reverse("rubric_detail", args=[org.slug, rubric.pk])
    assert rubric.criteria.count() == 5
    assert "Add the technique-consistency example" not in as_admin.get(url).content.decode()


def _formset(rows, initial=0):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(initial),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{index}-{key}"] = value
    return data


def test_creating_and_editing_a_rubric_with_its_criteria(org, as_admin):
    response = as_admin.post(
        reverse("rubric_create", args=[org.slug]),
        {
            "name": "Readiness",
            "scale_max": 4,
            **_formset([{"name": "Aptitude", "order": "1"}, {"name": "Time"}, {"name": ""}]),
        },
    )
    rubric = Rubric.objects.for_org(org).get()
    assert response.url == reverse("rubric_detail", args=[org.slug, rubric.pk])
    aptitude, time = rubric.criteria.all()
    as_admin.post(
        reverse("rubric_edit", args=[org.slug, rubric.pk]),
        {
            "name": "Readiness",
            "scale_max": 5,
            **_formset(
                [
                    {"id": aptitude.pk, "name": "Coaching aptitude", "order": "1"},
                    {"id": time.pk, "name": "Time", "order": "2", "DELETE": "on"},
                    {"name": "Credibility", "order": "3"},
                ],
                initial=2,
            ),
        },
    )
    assert [c.name for c in rubric.criteria.all()] == ["Coaching aptitude", "Credibility"]


def test_a_rubric_without_criteria_is_refused(org, as_admin):
    response = as_admin.post(
        reverse("rubric_create", args=[org.slug]),
        {"name": "Empty", "scale_max": 5, **_formset([{"name": ""}])},
    )
    assert response.status_code == 200
    assert "at least one criterion" in response.content.decode()
    assert Rubric.objects.for_org(org).count() == 0


# --- assessments ----------------------------------------------------------------------------


@pytest.fixture
def trainee(org):
    rubric = make_rubric(org, criteria=("Cueing", "Demonstration"))
    program = make_program(org, rubric=rubric, certification_threshold=Decimal("3.5"))
    cohort = make_cohort(org, program=program)
    return enrol(cohort)


def test_a_mentor_of_the_cohort_records_a_passing_final_that_certifies(org, member, trainee):
    enrol(trainee.cohort, user=member, role=Participant.Role.MENTOR)
    client = Client()
    client.force_login(member)
    rubric = trainee.cohort.program.rubric
    cueing, demonstration = rubric.criteria.all()
    url = reverse("assessment_create", args=[org.slug, trainee.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "final",
            "assessed_on": timezone.localdate().isoformat(),
            f"score_{cueing.pk}": "4",
            f"score_{demonstration.pk}": "4",
            "notes": "Ready.",
        },
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.status == Participant.Status.CERTIFIED
    page = client.get(reverse("participant_assessments", args=[org.slug, trainee.pk]))
    assert "Certified" in page.content.decode()


def test_a_score_out_of_range_is_shown_on_its_field(org, as_admin, trainee):
    rubric = trainee.cohort.program.rubric
    cueing, demonstration = rubric.criteria.all()
    response = as_admin.post(
        reverse("assessment_create", args=[org.slug, trainee.pk]),
        {
            "kind": "final",
            "assessed_on": timezone.localdate().isoformat(),
            f"score_{cueing.pk}": "9",
            f"score_{demonstration.pk}": "4",
        },
    )
    assert response.status_code == 400
    assert f"score_{cueing.pk}" in response.context["form"].errors
    assert Assessment.objects.for_org(org).count() == 0


def test_without_a_program_rubric_the_assessor_chooses_one_of_this_organisation(
    org, other_org, as_admin
):
    participant = enrol(make_cohort(org))
    mine, theirs = make_rubric(org, name="Mine"), make_rubric(other_org, name="Theirs")
    url = reverse("assessment_create", args=[org.slug, participant.pk])
    chooser = as_admin.get(url)
    assert chooser.context["form"] is None
    assert "Mine" in chooser.content.decode() and "Theirs" not in chooser.content.decode()
    assert as_admin.get(url, {"rubric": theirs.pk}).context["form"] is None
    form_page = as_admin.get(url, {"rubric": mine.pk})
    assert form_page.context["rubric"] == mine
    first, second = mine.criteria.all()
    as_admin.post(
        url + f"?rubric={mine.pk}",
        {
            "rubric": mine.pk,
            "kind": "baseline",
            "assessed_on": timezone.localdate().isoformat(),
            f"score_{first.pk}": "2",
            f"score_{second.pk}": "3",
        },
    )
    assert Assessment.objects.for_org(org).get().rubric == mine


def test_the_progress_shows_baseline_against_final(org, admin, as_admin, trainee):
    rubric = trainee.cohort.program.rubric
    today = timezone.localdate()
    assessment_services.assessment_record(
        participant=trainee,
        rubric=rubric,
        kind="baseline",
        assessed_on=today - timedelta(days=40),
        scores=scores_for(rubric, 1, 2),
        by=admin,
    )
    assessment_services.assessment_record(
        participant=trainee,
        rubric=rubric,
        kind="final",
        assessed_on=today,
        scores=scores_for(rubric, 3, 2),
        by=admin,
    )
    response = as_admin.get(reverse("participant_assessments", args=[org.slug, trainee.pk]))
    rows = response.context["progress"].rows
    assert [(r.baseline, r.final) for r in rows] == [(1, 3), (2, 2)]
    assert "+2" in response.content.decode()


# --- query budgets --------------------------------------------------------------------------


def test_competency_list_query_budget(org, as_leader):
    def grow():
        for _ in range(2):
            area = make_area(org)
            for _ in range(3):
                make_resource(org, competencies=[make_competency(org, area=area)])
        value = CompetencyLevel.objects.for_org(org).count() + 1
        CompetencyLevel.objects.create(organization=org, value=value, name=f"Level {value}")

    make_competency(org)
    assert_flat_queries(as_leader, reverse("competency_list", args=[org.slug]), grow, n=12)


def test_competency_export_query_budget(org, as_leader):
    make_competency(org)
    assert_flat_queries(
        as_leader,
        reverse("competency_export", args=[org.slug]),
        lambda: [make_competency(org) for _ in range(3)],
        n=8,
    )


def test_level_scale_export_query_budget(org, as_leader):
    CompetencyLevel.objects.create(organization=org, value=1, name="Aware")
    values = iter(range(2, 6))

    def grow():
        value = next(values)
        CompetencyLevel.objects.create(organization=org, value=value, name=f"Step {value}")

    assert_flat_queries(as_leader, reverse("competency_level_export", args=[org.slug]), grow, n=8)


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


def test_rubric_list_query_budget(org, as_admin):
    def grow():
        for _ in range(3):
            make_program(org, rubric=make_rubric(org, criteria=("A", "B", "C")))

    make_rubric(org)
    assert_flat_queries(as_admin, reverse("rubric_list", args=[org.slug]), grow, n=10)


def test_rubric_detail_query_budget(org, admin, as_admin):
    rubric = make_rubric(org)
    program = make_program(org, rubric=rubric)
    cohort = make_cohort(org, program=program)

    def grow():
        for _ in range(3):
            assessment_services.assessment_record(
                participant=enrol(cohort),
                rubric=rubric,
                kind="baseline",
                assessed_on=timezone.localdate(),
                scores=scores_for(rubric, 2, 3),
                by=admin,
            )
        make_program(org, rubric=rubric)

    assert_flat_queries(as_admin, reverse("rubric_detail", args=[org.slug, rubric.pk]), grow, n=12)


def test_participant_assessments_query_budget(org, admin, as_admin, trainee):
    rubric = trainee.cohort.program.rubric

    def grow():
        for kind in ("baseline", "final", "baseline"):
            assessment_services.assessment_record(
                participant=trainee,
                rubric=rubric,
                kind=kind,
                assessed_on=timezone.localdate(),
                scores=scores_for(rubric, 2, 3),
                by=admin,
            )

    url = reverse("participant_assessments", args=[org.slug, trainee.pk])
    assert_flat_queries(as_admin, url, grow, n=14)


def test_assessment_form_query_budget(org, as_admin, trainee):
    rubric = trainee.cohort.program.rubric

    def grow():
        from programs.models import RubricCriterion

        for index in range(3):
            RubricCriterion.objects.create(
                organization=org, rubric=rubric, name=f"Extra {index}", order=10 + index
            )

    url = reverse("assessment_create", args=[org.slug, trainee.pk])
    assert_flat_queries(as_admin, url, grow, n=12)
