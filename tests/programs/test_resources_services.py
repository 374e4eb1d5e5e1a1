"""Services and reads of resources: content, competencies of the organisation, assignments,
what reaches a person, completion and the cohort grid."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.tenancy.models import AuditEvent
from mentorship.tenancy.scoping import OTHER_ORGANIZATION
from programs.forms.learning import ResourceForm
from programs.models import (
    Participant,
    Resource,
    ResourceAssignment,
    ResourceCompletion,
)
from programs.selectors import resources as resource_selectors
from programs.services import resources as resource_services
from tests.factories import UserFactory
from tests.programs.factories import (
    enrol,
    make_competency,
    make_resource,
)
from tests.programs.factories import (
    make_active_cohort as make_cohort,
)

pytestmark = pytest.mark.django_db


def actions(organization):
    return list(AuditEvent.objects.for_org(organization).values_list("action", flat=True))


def test_a_resource_needs_a_body_or_a_link(org, admin):
    with pytest.raises(ValidationError) as error:
        resource_services.resource_create(
            organization=org, title="Empty", kind="module", body="  ", url="", by=admin
        )
    assert "body" in error.value.message_dict
    assert Resource.objects.for_org(org).count() == 0
    linked = resource_services.resource_create(
        organization=org, title="Video", kind="module", url="https://example.org/v", by=admin
    )
    assert linked.pk and "resource.created" in actions(org)


def test_a_competency_of_another_organisation_is_refused_by_the_form_and_the_service(
    org, other_org, admin
):
    mine, theirs = make_competency(org), make_competency(other_org)
    form = ResourceForm(
        {
            "title": "Cueing",
            "kind": "module",
            "body": "Text",
            "minutes": 10,
            "competencies": [mine.pk, theirs.pk],
        },
        organization=org,
    )
    assert not form.is_valid()
    assert "competencies" in form.errors
    with pytest.raises(ValidationError) as error:
        resource_services.resource_create(
            organization=org,
            title="Cueing",
            kind="module",
            body="Text",
            competencies=[theirs],
            by=admin,
        )
    assert error.value.message_dict["competencies"] == [OTHER_ORGANIZATION]
    assert Resource.objects.for_org(org).count() == 0


def test_the_form_puts_the_missing_content_next_to_the_body(org):
    form = ResourceForm({"title": "T", "kind": "module", "minutes": 5}, organization=org)
    assert not form.is_valid()
    assert "body" in form.errors


def test_resource_update_is_audited_with_its_changes(org, admin):
    competency = make_competency(org, name="Cueing")
    resource = make_resource(org, title="Old", minutes=5)
    resource_services.resource_update(
        resource=resource,
        title="New",
        kind="module",
        body=resource.body,
        minutes=5,
        competencies=[competency],
        by=admin,
    )
    event = AuditEvent.objects.for_org(org).get(action="resource.updated")
    assert event.data == {"title": ["Old", "New"], "competencies": [[], ["Cueing"]]}


def test_assigning_twice_changes_the_due_date_instead_of_adding_a_row(org, admin):
    resource, cohort = make_resource(org), make_cohort(org)
    due = timezone.localdate() + timedelta(days=7)
    first = resource_services.resource_assign(resource=resource, cohort=cohort, by=admin)
    second = resource_services.resource_assign(
        resource=resource, cohort=cohort, due_on=due, by=admin
    )
    assert first.pk == second.pk
    assert ResourceAssignment.objects.for_org(org).get().due_on == due


def test_assignment_targets_must_be_of_the_organisation(org, other_org, admin):
    resource = make_resource(org)
    with pytest.raises(ValidationError) as error:
        resource_services.resource_assign(
            resource=resource, cohort=make_cohort(other_org), by=admin
        )
    assert error.value.message_dict["cohort"] == [OTHER_ORGANIZATION]
    with pytest.raises(ValidationError) as error:
        resource_services.resource_assign(resource=resource, user=UserFactory(), by=admin)
    assert "user" in error.value.message_dict
    with pytest.raises(ValidationError):
        resource_services.resource_assign(resource=resource, by=admin)
    assert ResourceAssignment.objects.for_org(org).count() == 0


def test_an_archived_resource_cannot_be_assigned(org, admin, member):
    resource = make_resource(org)
    resource_services.resource_archive(resource=resource, by=admin)
    with pytest.raises(ValidationError):
        resource_services.resource_assign(resource=resource, user=member, by=admin)
    resource_services.resource_restore(resource=resource, by=admin)
    resource_services.resource_assign(resource=resource, user=member, by=admin)
    assert {"resource.archived", "resource.restored", "resource.assigned"} <= set(actions(org))


def test_a_person_sees_what_reaches_them_and_nothing_else(org, admin):
    cohort = make_cohort(org)
    mentee = enrol(cohort)
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    withdrawn = enrol(cohort, status=Participant.Status.WITHDRAWN)
    direct, everyone, for_mentees, for_mentors, archived, unrelated, primer = (
        make_resource(org, title=t)
        for t in ["Direct", "Everyone", "Mentees", "Mentors", "Archived", "Unrelated", "Primer"]
    )
    primer.is_coaching_primer = True
    primer.save()
    soon = timezone.localdate() + timedelta(days=3)
    resource_services.resource_assign(resource=direct, user=mentee.user, due_on=soon, by=admin)
    resource_services.resource_assign(resource=everyone, cohort=cohort, by=admin)
    resource_services.resource_assign(
        resource=for_mentees, cohort=cohort, participant_role="mentee", by=admin
    )
    resource_services.resource_assign(
        resource=for_mentors, cohort=cohort, participant_role="mentor", by=admin
    )
    resource_services.resource_assign(resource=archived, cohort=cohort, by=admin)
    resource_services.resource_archive(resource=archived, by=admin)

    def titles(user):
        return {r.title for r in resource_selectors.resources_for_user(organization=org, user=user)}

    assert titles(mentee.user) == {"Direct", "Everyone", "Mentees"}
    assert titles(mentor.user) == {"Everyone", "Mentors", "Primer"}
    assert titles(withdrawn.user) == set()
    item = resource_selectors.resource_for_user(
        organization=org, user=mentee.user, resource_id=direct.pk
    )
    assert item.due_on == soon and item.direct and item.completed_at is None


def test_marking_done_is_idempotent_and_can_be_taken_back(org, member):
    resource = make_resource(org)
    first = resource_services.resource_mark_done(resource=resource, user=member)
    second = resource_services.resource_mark_done(resource=resource, user=member)
    assert first.pk == second.pk
    assert ResourceCompletion.objects.for_org(org).count() == 1
    resource_services.resource_mark_not_done(resource=resource, user=member)
    assert ResourceCompletion.objects.for_org(org).count() == 0


def test_audience_and_cohort_progress_count_who_has_done_it(org, admin):
    cohort = make_cohort(org)
    mentees = [enrol(cohort) for _ in range(3)]
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    resource = make_resource(org)
    resource_services.resource_assign(
        resource=resource, cohort=cohort, participant_role="mentee", by=admin
    )
    resource_services.resource_assign(resource=resource, user=mentor.user, by=admin)
    resource_services.resource_mark_done(resource=resource, user=mentees[0].user)
    resource_services.resource_mark_done(resource=resource, user=mentor.user)
    audience, others = resource_selectors.resource_audience(resource=resource)
    assert len(audience) == 4 and others == []
    assert sum(1 for row in audience if row.completed_at) == 2
    progress = resource_selectors.cohort_resource_progress(cohort=cohort)
    assert progress.totals == [(resource, 1, 3)]
    cells = {p.user_id: c for p, c in progress.rows}
    assert cells[mentor.user_id] == [None]  # the cohort assignment is for mentees
    assert cells[mentees[0].user_id][0] and cells[mentees[1].user_id] == [False]
