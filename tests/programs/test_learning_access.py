"""Who reaches the pages of competencies, resources, rubrics and assessments: a stranger
gets 404, a member 403 on the configuration pages, a leader 403 on every write; a person's
own resources and assessments are theirs alone."""

import pytest
from django.test import Client
from django.urls import reverse

from programs.models import (
    CompetencyLevel,
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

pytestmark = pytest.mark.django_db


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
    assert as_member.get(new).status_code == 404
    assert as_member.post(new).status_code == 404


def test_a_leader_reads_assessments_but_does_not_record(org, things, as_leader):
    participant_id = things["participant_id"]
    url = reverse("participant_assessments", args=[org.slug, participant_id])
    assert as_leader.get(url).status_code == 200
    new = reverse("assessment_create", args=[org.slug, participant_id])
    assert as_leader.get(new).status_code == 404
