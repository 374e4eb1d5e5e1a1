"""Resources (P7): the library, assignments to cohorts and people, and completion.

Every write is keyword-only, atomic, validated with ``full_clean()`` and audited; a resource's
competencies are set with :func:`mentorship.tenancy.scoping.set_links` (which refuses
another organisation's) and an assignment's cohort is checked by ``full_clean()``. What a
person is asked to do, and who did what, are read in :mod:`programs.selectors.resources`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.core.models import changes_between
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions
from mentorship.tenancy.scoping import set_links

from ..models import Participant, Resource, ResourceAssignment, ResourceCompletion
from ..selectors.resources import assignable_users

register_audit_actions(
    {
        "resource.created": "Added a resource",
        "resource.updated": "Changed a resource",
        "resource.archived": "Archived a resource",
        "resource.restored": "Restored a resource",
        "resource.assigned": "Assigned a resource",
        "resource.unassigned": "Removed a resource assignment",
    }
)


def _words(value):
    """Trim and collapse inner whitespace: names typed in forms and spreadsheets."""
    return " ".join((value or "").split())


def _fill_resource(resource, *, title, kind, body, url, minutes, is_coaching_primer):
    resource.title = _words(title)
    resource.kind = kind
    resource.body = (body or "").strip()
    resource.url = (url or "").strip()
    resource.minutes = minutes
    resource.is_coaching_primer = bool(is_coaching_primer)
    if not resource.body and not resource.url:
        raise ValidationError({"body": "Write the resource here, or give a link to it (or both)."})
    resource.full_clean()


@transaction.atomic
def resource_create(
    *,
    organization,
    title,
    kind,
    body="",
    url="",
    minutes=10,
    competencies=(),
    is_coaching_primer=False,
    by,
):
    """Add a resource to the library: a body, a link, or both; tagged by competency."""
    competencies = list(competencies)
    resource = Resource(organization=organization)
    _fill_resource(
        resource,
        title=title,
        kind=kind,
        body=body,
        url=url,
        minutes=minutes,
        is_coaching_primer=is_coaching_primer,
    )
    resource.save()
    set_links(resource.competencies, competencies, organization=organization, field="competencies")
    audit_record(
        organization=organization,
        actor=by,
        action="resource.created",
        target=resource,
        data={"kind": resource.kind},
    )
    return resource


@transaction.atomic
def resource_update(
    *,
    resource,
    title,
    kind,
    body="",
    url="",
    minutes=10,
    competencies=(),
    is_coaching_primer=False,
    by,
):
    """Change a resource. People who marked it done keep their completion."""
    organization = resource.organization
    competencies = list(competencies)
    fields = ["title", "kind", "body", "url", "minutes", "is_coaching_primer"]
    before = {name: getattr(resource, name) for name in fields}
    before["competencies"] = sorted(c.name for c in resource.competencies.all())
    _fill_resource(
        resource,
        title=title,
        kind=kind,
        body=body,
        url=url,
        minutes=minutes,
        is_coaching_primer=is_coaching_primer,
    )
    resource.save(update_fields=fields)
    set_links(resource.competencies, competencies, organization=organization, field="competencies")
    after = {name: getattr(resource, name) for name in fields}
    after["competencies"] = sorted(c.name for c in competencies)
    changes = changes_between(before, after)
    for long_text in ("body",):
        if long_text in changes:
            changes[long_text] = "changed"
    if changes:
        audit_record(
            organization=organization,
            actor=by,
            action="resource.updated",
            target=resource,
            data=changes,
        )
    return resource


@transaction.atomic
def resource_archive(*, resource, by):
    """Take a resource out of the library and of people's lists; its history stays."""
    if resource.archived_at is None:
        resource.archived_at = timezone.now()
        resource.save(update_fields=["archived_at"])
        audit_record(
            organization=resource.organization,
            actor=by,
            action="resource.archived",
            target=resource,
        )
    return resource


@transaction.atomic
def resource_restore(*, resource, by):
    """Bring an archived resource back."""
    if resource.archived_at is not None:
        resource.archived_at = None
        resource.save(update_fields=["archived_at"])
        audit_record(
            organization=resource.organization,
            actor=by,
            action="resource.restored",
            target=resource,
        )
    return resource


@transaction.atomic
def resource_assign(*, resource, by, cohort=None, user=None, participant_role="", due_on=None):
    """Assign a resource to a cohort (optionally to one role in it) or to one person.

    Assigning again to the same cohort and role, or the same person, changes the due date of
    the existing assignment: the second click does not make a second row.
    """
    organization = resource.organization
    if resource.archived_at is not None:
        raise ValidationError("This resource is archived: restore it before assigning it.")
    if (cohort is None) == (user is None):
        raise ValidationError({"cohort": "Choose a cohort or a person, not both."})
    if cohort is not None:
        if participant_role and participant_role not in Participant.Role.values:
            raise ValidationError({"participant_role": "Choose mentors, mentees or facilitators."})
        existing = ResourceAssignment.objects.for_org(organization).filter(
            resource=resource, cohort=cohort, participant_role=participant_role
        )
        target = {"cohort": cohort.name, "for": participant_role or "everyone"}
    else:
        participant_role = ""
        if not assignable_users(organization=organization).filter(pk=user.pk).exists():
            raise ValidationError({"user": "Choose a person of this organisation."})
        existing = ResourceAssignment.objects.for_org(organization).filter(
            resource=resource, user=user
        )
        target = {"person": user.email}
    assignment = existing.select_for_update().first()
    if assignment is not None:
        if assignment.due_on != due_on:
            assignment.due_on = due_on
            assignment.save(update_fields=["due_on"])
        return assignment
    assignment = ResourceAssignment(
        organization=organization,
        resource=resource,
        cohort=cohort,
        user=user,
        participant_role=participant_role,
        due_on=due_on,
        assigned_by=by,
    )
    assignment.full_clean()
    assignment.save()
    audit_record(
        organization=organization,
        actor=by,
        action="resource.assigned",
        target=resource,
        data={**target, "due_on": due_on.isoformat() if due_on else None},
    )
    return assignment


@transaction.atomic
def resource_unassign(*, assignment, by):
    """Remove an assignment. Completions stay: what was done was done."""
    resource = assignment.resource
    target = (
        {"cohort": assignment.cohort.name}
        if assignment.cohort_id
        else {"person": assignment.user.email}
    )
    audit_record(
        organization=assignment.organization,
        actor=by,
        action="resource.unassigned",
        target=resource,
        data=target,
    )
    assignment.delete()


@transaction.atomic
def resource_mark_done(*, resource, user):
    """Record that a person did a resource. Idempotent: the second click changes nothing."""
    completion, _ = ResourceCompletion.objects.for_org(resource.organization).get_or_create(
        organization=resource.organization, resource=resource, user=user
    )
    return completion


@transaction.atomic
def resource_mark_not_done(*, resource, user):
    """Take back a completion (a mis-click)."""
    ResourceCompletion.objects.for_org(resource.organization).filter(
        resource=resource, user=user
    ).delete()
