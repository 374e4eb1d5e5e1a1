"""Blueprints (P2): an organisation's program templates, their phases and activities, and
copies of the built-in ones. Every change re-dates the milestones of the cohorts that follow
the blueprint (:func:`programs.services.cohorts.cohort_generate_milestones`).

Writes are keyword-only, atomic, validated with ``full_clean()`` and audited.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.core.models import changes_between, model_update
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from .. import builtins
from ..models import Blueprint, BlueprintActivity, BlueprintPhase
from ..selectors.blueprints import blueprint_cohorts
from .cohorts import cohort_generate_milestones

register_audit_actions(
    {
        "blueprint.created": "Created a blueprint",
        "blueprint.updated": "Changed a blueprint",
        "blueprint.deleted": "Deleted a blueprint",
        "blueprint.phase_added": "Added a phase to a blueprint",
        "blueprint.phase_updated": "Changed a blueprint's phase",
        "blueprint.phase_deleted": "Removed a phase from a blueprint",
        "blueprint.activity_added": "Added an activity to a blueprint",
        "blueprint.activity_updated": "Changed a blueprint's activity",
        "blueprint.activity_deleted": "Removed an activity from a blueprint",
    }
)


def _blueprint_changed(blueprint):
    for cohort in blueprint_cohorts(blueprint=blueprint):
        cohort_generate_milestones(cohort=cohort)


def _free_name(organization, name):
    """``name``, or "name (2)", "name (3)"…: a second copy is told apart from the first."""
    taken = set(
        Blueprint.objects.for_org(organization)
        .filter(name__startswith=name)
        .values_list("name", flat=True)
    )
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def _builtin_shape(data):
    """A built-in blueprint's phases and activities as comparable tuples."""
    return [
        (name, start_week, end_week, [tuple(activity) for activity in activities])
        for name, start_week, end_week, activities in data["phases"]
    ]


def _blueprint_shape(blueprint):
    return [
        (
            phase.name,
            phase.start_week,
            phase.end_week,
            [(a.kind, a.title, a.due_week) for a in phase.activities.all()],
        )
        for phase in blueprint.phases.all()
    ]


def blueprint_for_builtin(*, organization, key, by):
    """The organisation's copy of a built-in blueprint for a program: an earlier copy that
    nobody edited (same phases and activities as the built-in) is shared, so creating
    programs from the same built-in does not pile up "(2)", "(3)" copies; else a new copy."""
    if key not in builtins.BLUEPRINTS:
        raise ValidationError({"blueprint": "Choose one of the built-in blueprints."})
    wanted = _builtin_shape(builtins.BLUEPRINTS[key])
    copies = (
        Blueprint.objects.for_org(organization)
        .filter(source_key=key)
        .prefetch_related("phases__activities")
        .order_by("pk")
    )
    for blueprint in copies:
        if _blueprint_shape(blueprint) == wanted:
            return blueprint
    return blueprint_create_from_builtin(organization=organization, key=key, by=by)


@transaction.atomic
def blueprint_create_from_builtin(*, organization, key, by):
    """Copy a built-in blueprint (``builtins.BLUEPRINTS[key]``) into the organisation as
    its own Blueprint, phases and activities, to edit freely."""
    if key not in builtins.BLUEPRINTS:
        raise ValidationError({"blueprint": "Choose one of the built-in blueprints."})
    data = builtins.BLUEPRINTS[key]
    blueprint = Blueprint(
        organization=organization,
        name=_free_name(organization, data["name"]),
        description=data["description"],
        source_key=key,
    )
    blueprint.full_clean()
    blueprint.save()
    for phase_order, (name, start_week, end_week, activities) in enumerate(data["phases"]):
        phase = BlueprintPhase(
            organization=organization,
            blueprint=blueprint,
            name=name,
            start_week=start_week,
            end_week=end_week,
            order=phase_order,
        )
        phase.full_clean()
        phase.save()
        BlueprintActivity.objects.bulk_create(
            BlueprintActivity(
                organization=organization,
                phase=phase,
                kind=kind,
                title=title,
                due_week=due_week,
                order=order,
            )
            for order, (kind, title, due_week) in enumerate(activities)
        )
    audit_record(
        organization=organization,
        actor=by,
        action="blueprint.created",
        target=blueprint,
        data={"from": key},
    )
    return blueprint


@transaction.atomic
def blueprint_create(*, organization, name, by, description=""):
    """An empty blueprint to fill with phases."""
    blueprint = Blueprint(
        organization=organization, name=(name or "").strip(), description=description.strip()
    )
    blueprint.full_clean()
    blueprint.save()
    audit_record(organization=organization, actor=by, action="blueprint.created", target=blueprint)
    return blueprint


@transaction.atomic
def blueprint_update(*, blueprint, name, description, by):
    """Rename a blueprint or change its description."""
    changes = model_update(
        blueprint, {"name": (name or "").strip(), "description": (description or "").strip()}
    )
    if changes:
        audit_record(
            organization=blueprint.organization,
            actor=by,
            action="blueprint.updated",
            target=blueprint,
            data=changes,
        )
    return blueprint


@transaction.atomic
def blueprint_delete(*, blueprint, by):
    """Delete a blueprint no program follows."""
    used_by = list(blueprint.programs.values_list("name", flat=True))
    if used_by:
        raise ValidationError(
            f"{blueprint.name} is the blueprint of {', '.join(used_by)}: choose another "
            f"blueprint for {'that program' if len(used_by) == 1 else 'those programs'} first."
        )
    audit_record(
        organization=blueprint.organization,
        actor=by,
        action="blueprint.deleted",
        target=blueprint,
    )
    blueprint.delete()


def _check_phase_weeks(phase):
    """Activities keep their due week inside their phase's weeks."""
    if phase.pk is None:
        return
    outside = [
        activity.title
        for activity in phase.activities.all()
        if activity.due_week and not phase.start_week <= activity.due_week <= phase.end_week
    ]
    if outside:
        raise ValidationError(
            {
                "end_week": f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} due "
                f"outside weeks {phase.start_week}–{phase.end_week}: change "
                f"{'its' if len(outside) == 1 else 'their'} due week first."
            }
        )


@transaction.atomic
def blueprint_phase_create(*, blueprint, name, start_week, end_week, by):
    """Add a phase (weeks ``start_week`` to ``end_week``) to a blueprint."""
    last = blueprint.phases.order_by("-order").values_list("order", flat=True).first()
    phase = BlueprintPhase(
        organization=blueprint.organization,
        blueprint=blueprint,
        name=(name or "").strip(),
        start_week=start_week,
        end_week=end_week,
        order=0 if last is None else last + 1,
    )
    phase.full_clean()
    phase.save()
    audit_record(
        organization=blueprint.organization,
        actor=by,
        action="blueprint.phase_added",
        target=blueprint,
        data={"phase": phase.name, "weeks": [phase.start_week, phase.end_week]},
    )
    _blueprint_changed(blueprint)
    return phase


@transaction.atomic
def blueprint_phase_update(*, phase, name, start_week, end_week, by):
    """Rename a phase or move its weeks (its activities' due weeks must stay inside)."""
    before = {"name": phase.name, "start_week": phase.start_week, "end_week": phase.end_week}
    phase.name = (name or "").strip()
    phase.start_week = start_week
    phase.end_week = end_week
    phase.full_clean()
    _check_phase_weeks(phase)
    changes = changes_between(
        before, {"name": phase.name, "start_week": start_week, "end_week": end_week}
    )
    if changes:
        phase.save(update_fields=["name", "start_week", "end_week"])
        audit_record(
            organization=phase.organization,
            actor=by,
            action="blueprint.phase_updated",
            target=phase.blueprint,
            data={"phase": phase.name, **changes},
        )
        _blueprint_changed(phase.blueprint)
    return phase


@transaction.atomic
def blueprint_phase_delete(*, phase, by):
    """Remove a phase and its activities from the blueprint."""
    blueprint = phase.blueprint
    audit_record(
        organization=phase.organization,
        actor=by,
        action="blueprint.phase_deleted",
        target=blueprint,
        data={"phase": phase.name},
    )
    phase.delete()
    _blueprint_changed(blueprint)


def _check_due_week(phase, due_week):
    if due_week and not phase.start_week <= due_week <= phase.end_week:
        raise ValidationError(
            {
                "due_week": f"Choose a week of the phase: {phase.start_week} to "
                f"{phase.end_week}, or leave it empty for the phase's last week."
            }
        )


@transaction.atomic
def blueprint_activity_create(*, phase, kind, title, by, due_week=None):
    """Add an activity to a phase, due in ``due_week`` (the phase's end when empty)."""
    _check_due_week(phase, due_week)
    last = phase.activities.order_by("-order").values_list("order", flat=True).first()
    activity = BlueprintActivity(
        organization=phase.organization,
        phase=phase,
        kind=kind,
        title=(title or "").strip(),
        due_week=due_week or None,
        order=0 if last is None else last + 1,
    )
    activity.full_clean()
    activity.save()
    audit_record(
        organization=phase.organization,
        actor=by,
        action="blueprint.activity_added",
        target=phase.blueprint,
        data={"phase": phase.name, "activity": activity.title},
    )
    _blueprint_changed(phase.blueprint)
    return activity


@transaction.atomic
def blueprint_activity_update(*, activity, kind, title, by, due_week=None):
    """Change an activity's kind, title or due week."""
    phase = activity.phase
    _check_due_week(phase, due_week)
    changes = model_update(
        activity, {"kind": kind, "title": (title or "").strip(), "due_week": due_week or None}
    )
    if changes:
        audit_record(
            organization=activity.organization,
            actor=by,
            action="blueprint.activity_updated",
            target=phase.blueprint,
            data={"activity": activity.title, **changes},
        )
        _blueprint_changed(phase.blueprint)
    return activity


@transaction.atomic
def blueprint_activity_delete(*, activity, by):
    """Remove an activity from its phase."""
    blueprint = activity.phase.blueprint
    audit_record(
        organization=activity.organization,
        actor=by,
        action="blueprint.activity_deleted",
        target=blueprint,
        data={"phase": activity.phase.name, "activity": activity.title},
    )
    activity.delete()
    _blueprint_changed(blueprint)
