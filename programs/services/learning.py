"""Competencies (P3), resources with assignments and completion (P7), rubrics, assessments
and certification (P8): the writes, and the reads that pages share.

Every write is keyword-only, atomic, validated with ``full_clean()`` and audited. Errors are
``ValidationError({"field": "message"})`` so views can put them next to the field.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from mentorship.tenancy.access import has_role
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import Role, register_audit_actions
from mentorship.tenancy.scoping import set_links

from .. import builtins
from ..models import (
    Assessment,
    AssessmentScore,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    MenteeGoal,
    MentorOffer,
    Participant,
    Resource,
    ResourceAssignment,
    ResourceCompletion,
    Rubric,
    RubricCriterion,
)
from . import people

register_audit_actions(
    {
        "competency.area_created": "Added a competency area",
        "competency.levels_imported": "Imported the level scale",
        "competency.area_updated": "Changed a competency area",
        "competency.area_deleted": "Deleted a competency area",
        "competency.created": "Added a competency",
        "competency.updated": "Changed a competency",
        "competency.deleted": "Deleted a competency",
        "competency.level_created": "Added a competency level",
        "competency.level_updated": "Changed a competency level",
        "competency.level_deleted": "Deleted a competency level",
        "competency.starter_loaded": "Loaded the starter competency taxonomy",
        "competency.imported": "Imported competencies from CSV",
        "resource.created": "Added a resource",
        "resource.updated": "Changed a resource",
        "resource.archived": "Archived a resource",
        "resource.restored": "Restored a resource",
        "resource.assigned": "Assigned a resource",
        "resource.unassigned": "Removed a resource assignment",
        "rubric.created": "Created a rubric",
        "rubric.updated": "Changed a rubric",
        "rubric.deleted": "Deleted a rubric",
        "rubric.example_added": "Added the example rubric",
        "assessment.recorded": "Recorded an assessment",
    }
)

ENROLLED = Participant.ENROLLED_STATUSES


def _words(value):
    """Trim and collapse inner whitespace: names typed in forms and spreadsheets."""
    return " ".join((value or "").split())


def _changes(before, after):
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}


# --- competencies (P3) ----------------------------------------------------------------------


def _check_area_name(organization, name, exclude_pk=None):
    if not name:
        raise ValidationError({"name": "Give the area a name."})
    clash = CompetencyArea.objects.for_org(organization).filter(name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already an area called “{name}”."})


@transaction.atomic
def competency_area_create(*, organization, name, by):
    """Add an area of the taxonomy, after the existing ones."""
    name = _words(name)
    _check_area_name(organization, name)
    last = CompetencyArea.objects.for_org(organization).aggregate(last=Max("order"))["last"]
    area = CompetencyArea(organization=organization, name=name, order=(last or 0) + 1)
    area.full_clean()
    area.save()
    audit_record(organization=organization, actor=by, action="competency.area_created", target=area)
    return area


@transaction.atomic
def competency_area_update(*, area, name, order, by):
    """Rename an area or move it in the page's order."""
    name = _words(name)
    _check_area_name(area.organization, name, exclude_pk=area.pk)
    before = {"name": area.name, "order": area.order}
    area.name, area.order = name, order
    area.full_clean()
    area.save(update_fields=["name", "order"])
    changes = _changes(before, {"name": area.name, "order": area.order})
    if changes:
        audit_record(
            organization=area.organization,
            actor=by,
            action="competency.area_updated",
            target=area,
            data=changes,
        )
    return area


@transaction.atomic
def competency_area_delete(*, area, by):
    """Delete an empty area. One with competencies is refused: they are chosen in intakes."""
    count = area.competencies.count()
    if count:
        raise ValidationError(
            f"“{area.name}” still has {count} competenc{'y' if count == 1 else 'ies'}: "
            "move or delete them first."
        )
    audit_record(
        organization=area.organization, actor=by, action="competency.area_deleted", target=area
    )
    area.delete()


def _check_competency(organization, *, area, name, exclude_pk=None):
    if area is None or area.organization_id != organization.pk:
        raise ValidationError({"area": "Choose an area of this organisation."})
    if not name:
        raise ValidationError({"name": "Give the competency a name."})
    clash = Competency.objects.for_org(organization).filter(name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a competency called “{name}”."})


@transaction.atomic
def competency_create(*, organization, area, name, description="", by):
    """Add a competency to an area. Names are unique in the organisation."""
    name = _words(name)
    _check_competency(organization, area=area, name=name)
    competency = Competency(
        organization=organization, area=area, name=name, description=description.strip()
    )
    competency.full_clean()
    competency.save()
    audit_record(
        organization=organization,
        actor=by,
        action="competency.created",
        target=competency,
        data={"area": area.name},
    )
    return competency


@transaction.atomic
def competency_update(*, competency, area, name, description="", by):
    """Rename a competency, move it to another area, or change its description."""
    organization = competency.organization
    name = _words(name)
    _check_competency(organization, area=area, name=name, exclude_pk=competency.pk)
    before = {
        "name": competency.name,
        "area": competency.area.name,
        "description": competency.description,
    }
    competency.area, competency.name, competency.description = area, name, description.strip()
    competency.full_clean()
    competency.save(update_fields=["area", "name", "description"])
    after = {"name": name, "area": area.name, "description": competency.description}
    changes = _changes(before, after)
    if changes:
        audit_record(
            organization=organization,
            actor=by,
            action="competency.updated",
            target=competency,
            data=changes,
        )
    return competency


def competency_usage(competency):
    """How much depends on a competency: what its delete page warns about."""
    organization = competency.organization
    return {
        "resources": competency.resources.count(),
        "mentee_goals": MenteeGoal.objects.for_org(organization)
        .filter(competency=competency)
        .count(),
        "mentor_offers": MentorOffer.objects.for_org(organization)
        .filter(competency=competency)
        .count(),
    }


@transaction.atomic
def competency_delete(*, competency, by):
    """Delete a competency nobody chose in an intake (resources just lose the tag)."""
    usage = competency_usage(competency)
    chosen = usage["mentee_goals"] + usage["mentor_offers"]
    if chosen:
        raise ValidationError(
            f"{chosen} intake{'s' if chosen != 1 else ''} name “{competency.name}”: "
            "rename it instead, so their answers keep their meaning."
        )
    audit_record(
        organization=competency.organization,
        actor=by,
        action="competency.deleted",
        target=competency,
        data={"area": competency.area.name},
    )
    competency.delete()


def _check_level(organization, value, exclude_pk=None):
    clash = CompetencyLevel.objects.for_org(organization).filter(value=value)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"value": f"Level {value} already exists: choose another number."})


@transaction.atomic
def competency_level_create(*, organization, value, name, description="", by):
    """Add a step of the level scale (1 to 5)."""
    level = CompetencyLevel(
        organization=organization,
        value=value,
        name=_words(name),
        description=description.strip(),
    )
    if value is not None:
        _check_level(organization, value)
    level.full_clean()
    level.save()
    audit_record(
        organization=organization, actor=by, action="competency.level_created", target=level
    )
    return level


@transaction.atomic
def competency_level_update(*, level, value, name, description="", by):
    """Change a step of the level scale."""
    if value is not None:
        _check_level(level.organization, value, exclude_pk=level.pk)
    before = {"value": level.value, "name": level.name, "description": level.description}
    level.value, level.name, level.description = value, _words(name), description.strip()
    level.full_clean()
    level.save(update_fields=["value", "name", "description"])
    changes = _changes(
        before, {"value": level.value, "name": level.name, "description": level.description}
    )
    if changes:
        audit_record(
            organization=level.organization,
            actor=by,
            action="competency.level_updated",
            target=level,
            data=changes,
        )
    return level


@transaction.atomic
def competency_level_delete(*, level, by):
    """Delete a step of the level scale (mentors' offers keep their number)."""
    audit_record(
        organization=level.organization,
        actor=by,
        action="competency.level_deleted",
        target=level,
    )
    level.delete()


@transaction.atomic
def competency_starter_load(*, organization, by):
    """Copy the built-in level scale and competencies into an organisation that has none."""
    if Competency.objects.for_org(organization).exists():
        raise ValidationError(
            "This organisation already has competencies: the starter taxonomy is for a "
            "fresh start. Import a CSV to add many at once."
        )
    levels = 0
    if not CompetencyLevel.objects.for_org(organization).exists():
        for value, name, description in builtins.LEVELS:
            level = CompetencyLevel(
                organization=organization, value=value, name=name, description=description
            )
            level.full_clean()
            levels += 1
            level.save()
    areas = {a.name.casefold(): a for a in CompetencyArea.objects.for_org(organization)}
    last = max((a.order for a in areas.values()), default=0)
    created = []
    for area_name, names in builtins.COMPETENCIES.items():
        area = areas.get(area_name.casefold())
        if area is None:
            last += 1
            area = CompetencyArea(organization=organization, name=area_name, order=last)
            area.full_clean()
            area.save()
        for name in names:
            competency = Competency(organization=organization, area=area, name=name)
            competency.full_clean(exclude=["area", "organization"], validate_constraints=False)
            created.append(competency)
    Competency.objects.bulk_create(created)
    audit_record(
        organization=organization,
        actor=by,
        action="competency.starter_loaded",
        data={"levels": levels, "competencies": len(created)},
    )
    return created


def competency_export_rows(organization):
    """``(area, competency, description)`` of every competency, in the page's order."""
    return (
        Competency.objects.for_org(organization)
        .select_related("area")
        .values_list("area__name", "name", "description")
    )


def competency_level_export_rows(organization):
    """``(value, name, description)`` of every step of the level scale, lowest first."""
    return (
        CompetencyLevel.objects.for_org(organization)
        .order_by("value")
        .values_list("value", "name", "description")
    )


@transaction.atomic
def competency_levels_import(*, organization, rows, by):
    """Apply a level scale parsed by :func:`programs.competency_csv.parse_level_csv`, all
    rows or none: a step whose level exists is renamed and described anew, a new one is
    added; steps not in the file stay. Returns (created, updated) counts."""
    if not rows:
        raise ValidationError({"file": "The file has no levels."})
    existing = {
        level.value: level
        for level in CompetencyLevel.objects.for_org(organization).select_for_update()
    }
    created = updated = 0
    for row in rows:
        level = existing.get(row.value)
        if level is None:
            level = CompetencyLevel(organization=organization, value=row.value)
            created += 1
        elif (level.name, level.description) == (_words(row.name), row.description.strip()):
            continue
        else:
            updated += 1
        level.name, level.description = _words(row.name), row.description.strip()
        level.full_clean(validate_constraints=False)
        level.save()
    audit_record(
        organization=organization,
        actor=by,
        action="competency.levels_imported",
        target=organization,
        data={"created": created, "updated": updated, "rows": len(rows)},
    )
    return created, updated


@dataclass
class ImportSummary:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    areas_created: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.created) + len(self.updated) + self.unchanged


@transaction.atomic
def competency_import(*, organization, rows, by):
    """Apply rows parsed by :func:`programs.competency_csv.parse_competency_csv`.

    All rows or none: the caller passes a file without errors; everything here happens in
    one transaction. A competency whose name exists (compared without case) is updated (area,
    description, spelling); a new area is created after the existing ones.
    """
    if not rows:
        raise ValidationError({"file": "The file has no competencies."})
    areas = {
        a.name.casefold(): a
        for a in CompetencyArea.objects.for_org(organization).select_for_update()
    }
    existing = {
        c.name.casefold(): c
        for c in Competency.objects.for_org(organization).select_related("area")
    }
    last = max((a.order for a in areas.values()), default=0)
    summary = ImportSummary()
    to_create, to_update = [], []
    for row in rows:
        area = areas.get(row.area.casefold())
        if area is None:
            last += 1
            area = CompetencyArea(organization=organization, name=row.area, order=last)
            area.full_clean(validate_constraints=False)
            area.save()
            areas[row.area.casefold()] = area
            summary.areas_created.append(area.name)
        competency = existing.get(row.competency.casefold())
        if competency is None:
            competency = Competency(
                organization=organization,
                area=area,
                name=row.competency,
                description=row.description,
            )
            competency.full_clean(exclude=["area", "organization"], validate_constraints=False)
            to_create.append(competency)
            summary.created.append(row.competency)
        elif (competency.area_id, competency.name, competency.description) != (
            area.pk,
            row.competency,
            row.description,
        ):
            competency.area, competency.name = area, row.competency
            competency.description = row.description
            competency.full_clean(exclude=["area", "organization"], validate_constraints=False)
            to_update.append(competency)
            summary.updated.append(row.competency)
        else:
            summary.unchanged += 1
    Competency.objects.bulk_create(to_create)
    Competency.objects.for_org(organization).bulk_update(to_update, ["area", "name", "description"])
    audit_record(
        organization=organization,
        actor=by,
        action="competency.imported",
        data={
            "created": len(summary.created),
            "updated": len(summary.updated),
            "unchanged": summary.unchanged,
            "areas_created": summary.areas_created,
        },
    )
    return summary


# --- resources (P7) -------------------------------------------------------------------------


def _check_competencies(organization, competencies):
    if any(c.organization_id != organization.pk for c in competencies):
        raise ValidationError({"competencies": "Choose competencies of this organisation."})


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
    _check_competencies(organization, competencies)
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
    _check_competencies(organization, competencies)
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
    changes = _changes(before, after)
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


def assignable_users(organization):
    """People a resource may be assigned to: members, and participants of its cohorts."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            Q(memberships__organization=organization) | Q(participations__organization=organization)
        )
        .distinct()
        .order_by("name", "email")
    )


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
        if cohort.organization_id != organization.pk:
            raise ValidationError({"cohort": "Choose a cohort of this organisation."})
        if participant_role and participant_role not in Participant.Role.values:
            raise ValidationError({"participant_role": "Choose mentors, mentees or facilitators."})
        existing = ResourceAssignment.objects.for_org(organization).filter(
            resource=resource, cohort=cohort, participant_role=participant_role
        )
        target = {"cohort": cohort.name, "for": participant_role or "everyone"}
    else:
        participant_role = ""
        if not assignable_users(organization).filter(pk=user.pk).exists():
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


def assignments_reaching(organization, user):
    """Assignments that reach a person: to them, or to a cohort they are enrolled in (and
    to their role there, when the assignment names one)."""
    return ResourceAssignment.objects.for_org(organization).filter(
        Q(user=user)
        | (
            Q(cohort__participants__user=user)
            & Q(cohort__participants__status__in=ENROLLED)
            & (Q(participant_role="") | Q(participant_role=F("cohort__participants__role")))
        )
    )


def is_enrolled_mentor(organization, user):
    return (
        Participant.objects.for_org(organization)
        .filter(user=user, role=Participant.Role.MENTOR, status__in=ENROLLED)
        .exists()
    )


def resources_for_user(*, organization, user):
    """The resources a person is asked to do, annotated with ``due_on`` (the earliest),
    ``via_cohort`` (a cohort it came through), ``direct`` and ``completed_at``.

    A coaching primer is every enrolled mentor's, assigned or not: it is part of their
    onboarding checklist.
    """
    reaching = assignments_reaching(organization, user).filter(resource=OuterRef("pk"))
    visible = Exists(reaching)
    if is_enrolled_mentor(organization, user):
        visible |= Q(is_coaching_primer=True)
    completion = ResourceCompletion.objects.filter(
        organization=organization, resource=OuterRef("pk"), user=user
    )
    return (
        Resource.objects.for_org(organization)
        .filter(archived_at__isnull=True)
        .filter(visible)
        .annotate(
            due_on=Subquery(
                reaching.filter(due_on__isnull=False).order_by("due_on").values("due_on")[:1]
            ),
            via_cohort=Subquery(
                reaching.filter(cohort__isnull=False)
                .order_by("-assigned_at")
                .values("cohort__name")[:1]
            ),
            direct=Exists(reaching.filter(user=user)),
            completed_at=Subquery(completion.values("completed_at")[:1]),
        )
        .prefetch_related("competencies")
        .order_by(
            F("completed_at").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "title"
        )
    )


def resource_for_user(*, organization, user, resource_id):
    """One of the person's resources, or ``None`` when it is not theirs to see."""
    return resources_for_user(organization=organization, user=user).filter(pk=resource_id).first()


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


@dataclass
class AudienceRow:
    user: object
    via: list
    due_on: object = None
    completed_at: object = None


def resource_audience(resource):
    """Who a resource is assigned to and who has done it: one row per person.

    Five queries whatever the numbers: assignments, participants of the assigned cohorts,
    enrolled mentors (for a coaching primer), completions, and their people.
    """
    organization = resource.organization
    assignments = list(resource.assignments.select_related("cohort", "user"))
    cohort_ids = {a.cohort_id for a in assignments if a.cohort_id}
    participants = (
        Participant.objects.for_org(organization)
        .filter(cohort_id__in=cohort_ids, status__in=ENROLLED)
        .select_related("user", "cohort")
    )
    rows = {}

    def add(user, via, due_on):
        row = rows.setdefault(user.pk, AudienceRow(user=user, via=[]))
        if via not in row.via:
            row.via.append(via)
        if due_on and (row.due_on is None or due_on < row.due_on):
            row.due_on = due_on

    for assignment in assignments:
        if assignment.user_id:
            add(assignment.user, "Assigned directly", assignment.due_on)
    for participant in participants:
        for assignment in assignments:
            if assignment.cohort_id == participant.cohort_id and assignment.participant_role in (
                "",
                participant.role,
            ):
                add(participant.user, participant.cohort.name, assignment.due_on)
    if resource.is_coaching_primer:
        mentors = (
            Participant.objects.for_org(organization)
            .filter(role=Participant.Role.MENTOR, status__in=ENROLLED)
            .select_related("user")
        )
        for mentor in mentors:
            if mentor.user_id not in rows:
                add(mentor.user, "Mentor onboarding", None)
    others = []
    for completion in resource.completions.select_related("user"):
        row = rows.get(completion.user_id)
        if row is None:
            others.append(completion)
        else:
            row.completed_at = completion.completed_at
    ordered = sorted(rows.values(), key=lambda r: (r.completed_at is not None, str(r.user)))
    return ordered, others


@dataclass
class CohortProgress:
    cohort: object
    resources: list
    rows: list  # (participant, [cell]) where cell is None (not theirs), False, or a datetime
    totals: list  # (resource, done, assigned)


def cohort_resource_progress(cohort):
    """Completion of the resources assigned to a cohort, person by person."""
    organization = cohort.organization
    assignments = list(
        cohort.assignments.filter(resource__archived_at__isnull=True)
        .select_related("resource")
        .order_by("resource__title", "participant_role")
    )
    resources, roles = [], {}
    for assignment in assignments:
        if assignment.resource_id not in roles:
            resources.append(assignment.resource)
            roles[assignment.resource_id] = set()
        roles[assignment.resource_id].add(assignment.participant_role)
    participants = list(cohort.participants.filter(status__in=ENROLLED).select_related("user"))
    done = {
        (resource_id, user_id): completed_at
        for resource_id, user_id, completed_at in ResourceCompletion.objects.for_org(organization)
        .filter(
            resource_id__in=[r.pk for r in resources],
            user_id__in=[p.user_id for p in participants],
        )
        .values_list("resource_id", "user_id", "completed_at")
    }
    rows = []
    counts = {r.pk: [0, 0] for r in resources}
    for participant in participants:
        cells = []
        for resource in resources:
            wanted = roles[resource.pk]
            if "" in wanted or participant.role in wanted:
                completed_at = done.get((resource.pk, participant.user_id), False)
                counts[resource.pk][1] += 1
                if completed_at:
                    counts[resource.pk][0] += 1
                cells.append(completed_at)
            else:
                cells.append(None)
        rows.append((participant, cells))
    totals = [(r, counts[r.pk][0], counts[r.pk][1]) for r in resources]
    return CohortProgress(cohort=cohort, resources=resources, rows=rows, totals=totals)


# --- rubrics (P8) ---------------------------------------------------------------------------


def _clean_criteria(criteria):
    cleaned, seen = [], set()
    for position, item in enumerate(criteria, 1):
        name = _words(item.get("name"))
        if not name:
            continue
        if name.casefold() in seen:
            raise ValidationError({"criteria": f"Two criteria are called “{name}”."})
        seen.add(name.casefold())
        order = item.get("order")
        cleaned.append(
            {
                "id": item.get("id"),
                "name": name,
                "description": (item.get("description") or "").strip(),
                "order": position if order is None else order,
            }
        )
    if not cleaned:
        raise ValidationError({"criteria": "Give the rubric at least one criterion."})
    return cleaned


def _rubric_save(*, organization, name, description, scale_max, criteria):
    rubric = Rubric(
        organization=organization,
        name=_words(name),
        description=(description or "").strip(),
        scale_max=scale_max,
    )
    rubric.full_clean()
    rubric.save()
    for item in criteria:
        criterion = RubricCriterion(
            organization=organization,
            rubric=rubric,
            name=item["name"],
            description=item["description"],
            order=item["order"],
        )
        criterion.full_clean()
        criterion.save()
    return rubric


@transaction.atomic
def rubric_create(*, organization, name, description="", scale_max=5, criteria, by):
    """Create a rubric with its criteria (dicts of name, description, order)."""
    criteria = _clean_criteria(criteria)
    rubric = _rubric_save(
        organization=organization,
        name=name,
        description=description,
        scale_max=scale_max,
        criteria=criteria,
    )
    audit_record(
        organization=organization,
        actor=by,
        action="rubric.created",
        target=rubric,
        data={"criteria": [c["name"] for c in criteria], "scale_max": scale_max},
    )
    return rubric


@transaction.atomic
def rubric_update(*, rubric, name, description="", scale_max, criteria, by):
    """Change a rubric and its criteria. ``criteria`` lists those to keep (with their ``id``)
    and new ones (``id`` None); the others are removed, unless assessments scored them.
    The scale cannot shrink below a score already given."""
    organization = rubric.organization
    criteria = _clean_criteria(criteria)
    current = {c.pk: c for c in rubric.criteria.all()}
    kept = {item["id"] for item in criteria if item["id"]}
    unknown = kept - set(current)
    if unknown:
        raise ValidationError({"criteria": "A criterion of another rubric was sent."})
    removed = [current[pk] for pk in set(current) - kept]
    used = AssessmentScore.objects.for_org(organization).filter(assessment__rubric=rubric)
    if removed and used.filter(criterion__in=removed).exists():
        names = ", ".join(sorted(c.name for c in removed))
        raise ValidationError(
            {"criteria": f"{names}: already scored in assessments, so it cannot be removed."}
        )
    highest = used.aggregate(highest=Max("score"))["highest"]
    if highest is not None and scale_max < highest:
        raise ValidationError(
            {"scale_max": f"Assessments already gave scores up to {highest}: keep at least that."}
        )
    before = {"name": rubric.name, "scale_max": rubric.scale_max}
    rubric.name, rubric.description, rubric.scale_max = _words(name), description.strip(), scale_max
    rubric.full_clean()
    rubric.save(update_fields=["name", "description", "scale_max"])
    for criterion in removed:
        criterion.delete()
    for item in criteria:
        criterion = current.get(item["id"]) or RubricCriterion(
            organization=organization, rubric=rubric
        )
        criterion.name, criterion.description = item["name"], item["description"]
        criterion.order = item["order"]
        criterion.full_clean()
        criterion.save()
    data = _changes(before, {"name": rubric.name, "scale_max": rubric.scale_max})
    data["criteria"] = [item["name"] for item in criteria]
    if removed:
        data["removed"] = sorted(c.name for c in removed)
    audit_record(
        organization=organization, actor=by, action="rubric.updated", target=rubric, data=data
    )
    return rubric


@transaction.atomic
def rubric_delete(*, rubric, by):
    """Delete a rubric no assessment and no program uses."""
    if rubric.assessments.exists():
        raise ValidationError("Assessments were scored on this rubric: it stays for the record.")
    programs = [p.name for p in rubric.programs.all()]
    if programs:
        raise ValidationError(
            f"{', '.join(programs)} assess{'es' if len(programs) == 1 else ''} "
            "with this rubric: choose another rubric there first."
        )
    audit_record(organization=rubric.organization, actor=by, action="rubric.deleted", target=rubric)
    rubric.delete()


@transaction.atomic
def rubric_example_add(*, organization, by):
    """Copy the built-in technique-consistency rubric into the organisation."""
    example = builtins.TECHNIQUE_RUBRIC
    if Rubric.objects.for_org(organization).filter(name__iexact=example["name"]).exists():
        raise ValidationError(f"You already have a rubric called “{example['name']}”.")
    rubric = _rubric_save(
        organization=organization,
        name=example["name"],
        description=example["description"],
        scale_max=example["scale_max"],
        criteria=_clean_criteria(
            {"name": name, "description": description, "order": position}
            for position, (name, description) in enumerate(example["criteria"], 1)
        ),
    )
    audit_record(organization=organization, actor=by, action="rubric.example_added", target=rubric)
    return rubric


# --- assessments and certification (P8) -----------------------------------------------------

TWO_PLACES = Decimal("0.01")
THRESHOLD_SCALE = 5  # Program.certification_threshold is out of 5


def certification_threshold(program, rubric):
    """The program's threshold (out of 5) on the rubric's scale: 3.5 of 5 is 7.0 of 10."""
    threshold = Decimal(program.certification_threshold) * rubric.scale_max / THRESHOLD_SCALE
    return threshold.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def assessment_permissions(*, membership, participant):
    """``(can_view, can_record)`` for the signed-in person and a participant's assessments.

    Admins record and read; leaders read; a mentor of the same cohort records and reads;
    the participant reads their own. Nobody records their own.
    """
    user = membership.user
    own = participant.user_id == user.pk
    if has_role(membership, Role.ADMIN):
        return True, not own
    mentor = (
        not own
        and Participant.objects.for_org(participant.organization)
        .filter(
            cohort_id=participant.cohort_id,
            user=user,
            role=Participant.Role.MENTOR,
            status__in=ENROLLED,
        )
        .exists()
    )
    return mentor or own or has_role(membership, Role.LEADER), mentor


@transaction.atomic
def assessment_record(*, participant, rubric, kind, assessed_on, scores, notes="", by):
    """Record a baseline or final assessment: one score (0 to the rubric's maximum) per
    criterion. The average and ``passed`` are computed here; a passing final certifies a
    mentee (status → certified, audit-logged ``participant.certified``)."""
    organization = participant.organization
    if rubric is None or rubric.organization_id != organization.pk:
        raise ValidationError({"rubric": "Choose a rubric of this organisation."})
    if kind not in Assessment.Kind.values:
        raise ValidationError({"kind": "Choose baseline or final."})
    if participant.status == Participant.Status.WITHDRAWN:
        raise ValidationError("This participant has withdrawn: they cannot be assessed.")
    if by is not None and participant.user_id == by.pk:
        raise ValidationError("Nobody assesses themself: ask a mentor or an admin.")
    if assessed_on is None:
        raise ValidationError({"assessed_on": "Give the date of the assessment."})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The assessment cannot be dated in the future."})
    criteria = list(rubric.criteria.all())
    if not criteria:
        raise ValidationError({"rubric": "This rubric has no criteria yet."})
    errors = {}
    values = []
    for criterion in criteria:
        score = scores.get(criterion.pk)
        key = f"score_{criterion.pk}"
        if score is None or score == "":
            errors[key] = f"Score {criterion.name}."
            continue
        try:
            score = int(score)
        except (TypeError, ValueError):
            errors[key] = f"Score {criterion.name} with a whole number."
            continue
        if not 0 <= score <= rubric.scale_max:
            errors[key] = f"Score {criterion.name} from 0 to {rubric.scale_max}."
            continue
        values.append((criterion, score))
    unknown = set(scores) - {c.pk for c in criteria}
    if unknown:
        errors["rubric"] = "A score names a criterion of another rubric."
    if errors:
        raise ValidationError(errors)
    average = (Decimal(sum(score for _, score in values)) / len(values)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )
    passed = average >= certification_threshold(participant.cohort.program, rubric)
    assessment = Assessment(
        organization=organization,
        participant=participant,
        rubric=rubric,
        kind=kind,
        assessed_by=by,
        assessed_on=assessed_on,
        notes=(notes or "").strip(),
        average=average,
        passed=passed,
    )
    assessment.full_clean()
    assessment.save()
    AssessmentScore.objects.bulk_create(
        AssessmentScore(
            organization=organization, assessment=assessment, criterion=criterion, score=score
        )
        for criterion, score in values
    )
    audit_record(
        organization=organization,
        actor=by,
        action="assessment.recorded",
        target=participant.user,
        data={
            "kind": kind,
            "rubric": rubric.name,
            "average": str(average),
            "passed": passed,
            "cohort": participant.cohort.name,
        },
    )
    if certifies(assessment, participant):
        # One way to certify, shared with the admin's manual certification (people area).
        people.participant_certify(
            participant=participant,
            by=by,
            note=f"Passed the final assessment: {average} of {rubric.scale_max}.",
        )
    return assessment


def certifies(assessment, participant):
    """A passing final certifies a mentee who is not certified yet (mentors and facilitators
    are assessed for the record only)."""
    return (
        assessment.kind == Assessment.Kind.FINAL
        and assessment.passed
        and participant.role == Participant.Role.MENTEE
        and participant.status in (Participant.Status.ACTIVE, Participant.Status.COMPLETED)
    )


def participant_assessments(participant):
    """A participant's assessments, newest first, with their scores and rubric criteria."""
    return list(
        participant.assessments.select_related("rubric", "assessed_by").prefetch_related(
            "scores__criterion", "rubric__criteria"
        )
    )


@dataclass
class ProgressRow:
    criterion: object
    baseline: int | None
    final: int | None

    @property
    def change(self):
        if self.baseline is None or self.final is None:
            return None
        return self.final - self.baseline


@dataclass
class Progress:
    rubric: object
    baseline: object
    final: object
    rows: list


def assessment_progress(assessments):
    """Baseline against final per criterion: the latest of each kind, on the rubric of the
    latest final (or of the baseline when there is no final yet). ``None`` when empty."""
    baseline = next((a for a in assessments if a.kind == Assessment.Kind.BASELINE), None)
    final = next((a for a in assessments if a.kind == Assessment.Kind.FINAL), None)
    anchor = final or baseline
    if anchor is None:
        return None
    if baseline is not None and final is not None and baseline.rubric_id != final.rubric_id:
        baseline = next(
            (
                a
                for a in assessments
                if a.kind == Assessment.Kind.BASELINE and a.rubric_id == final.rubric_id
            ),
            None,
        )

    def by_criterion(assessment):
        if assessment is None:
            return {}
        return {s.criterion_id: s.score for s in assessment.scores.all()}

    base_scores, final_scores = by_criterion(baseline), by_criterion(final)
    rows = [
        ProgressRow(c, base_scores.get(c.pk), final_scores.get(c.pk))
        for c in anchor.rubric.criteria.all()
    ]
    return Progress(rubric=anchor.rubric, baseline=baseline, final=final, rows=rows)
