"""Programs (P1), blueprints (P2) and cohorts with their lifecycle and milestones (P4).

Writes are keyword-only ``entity_action(*, ..., by)`` functions: atomic, validated with
``full_clean()`` and recorded in the audit log. They raise ``ValidationError`` naming the
field a form shows the message beside. The few reads that pages and services share (what
stands in the way of a lifecycle step, who acknowledged a charter) live here too, so a page
shows the same reasons the service refuses with.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import Membership, register_audit_actions

from .. import builtins
from ..models import (
    Blueprint,
    BlueprintActivity,
    BlueprintPhase,
    CharterAcknowledgement,
    Cohort,
    Milestone,
    Participant,
    Program,
)

register_audit_actions(
    {
        "program.created": "Created a program",
        "program.updated": "Changed a program",
        "program.archived": "Archived a program",
        "program.unarchived": "Restored an archived program",
        "blueprint.created": "Created a blueprint",
        "blueprint.updated": "Changed a blueprint",
        "blueprint.deleted": "Deleted a blueprint",
        "blueprint.phase_added": "Added a phase to a blueprint",
        "blueprint.phase_updated": "Changed a blueprint's phase",
        "blueprint.phase_deleted": "Removed a phase from a blueprint",
        "blueprint.activity_added": "Added an activity to a blueprint",
        "blueprint.activity_updated": "Changed a blueprint's activity",
        "blueprint.activity_deleted": "Removed an activity from a blueprint",
        "cohort.created": "Created a cohort",
        "cohort.updated": "Changed a cohort",
        "cohort.status_changed": "Moved a cohort to another stage",
    }
)

# Mentees per mentor a new program starts with when the admin leaves the ratio empty.
# A cohort is run by one mentor (or facilitator) for a small group: 1:6, as the seeds say.
RATIO_DEFAULTS = {
    Program.Format.ONE_TO_ONE: 1,
    Program.Format.MICRO: 3,
    Program.Format.COHORT: 6,
    Program.Format.NETWORK: 3,
}
CHARTER_FIELDS = ("code_of_conduct", "confidentiality", "escalation_path")
PROGRAM_FIELDS = (
    "name",
    "purpose",
    *CHARTER_FIELDS,
    "format",
    "cadence_days",
    "micro_touch_cap",
    "mentees_per_mentor",
    "indicators",
    "blueprint",
    "rubric",
    "certification_threshold",
)
COHORT_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "capacity",
    "meeting_day",
    "meeting_time",
    "facilitator",
)
# Statuses whose cohorts are under way: a program with one of them is not archived.
RUNNING_STATUSES = (Cohort.Status.ENROLLING, Cohort.Status.MATCHING, Cohort.Status.ACTIVE)


def _audit_value(value):
    """A value as the audit log stores it: plain JSON; dates, times, numbers and objects
    as text."""
    if value is None or isinstance(value, bool | int | str | list):
        return value
    return str(value)


def _changes(before, after):
    return {
        key: [_audit_value(before[key]), _audit_value(after[key])]
        for key in after
        if before[key] != after[key]
    }


def _check_same_org(organization, **objects):
    """Objects chosen for a program or cohort must be the organisation's own."""
    for field, obj in objects.items():
        if obj is not None and obj.organization_id != organization.pk:
            raise ValidationError({field: "Choose one of your organisation's own."})


# --- programs ------------------------------------------------------------------------------


def program_default_ratio(program_format):
    """Mentees per mentor a program of this format starts with."""
    return RATIO_DEFAULTS.get(program_format, 1)


def _clean_indicators(indicators):
    codes = list(dict.fromkeys(indicators or []))
    unknown = [code for code in codes if code not in Program.INDICATORS]
    if unknown:
        raise ValidationError({"indicators": f"Unknown indicators: {', '.join(unknown)}."})
    # Keep the catalogue's order, so every page lists them the same way.
    return [code for code in Program.INDICATORS if code in codes]


def _resolve_blueprint(*, organization, blueprint, blueprint_key, by):
    if blueprint_key:
        return blueprint_create_from_builtin(organization=organization, key=blueprint_key, by=by)
    return blueprint


@transaction.atomic
def program_create(
    *,
    organization,
    name,
    purpose,
    by,
    format=Program.Format.ONE_TO_ONE,
    code_of_conduct="",
    confidentiality="",
    escalation_path="",
    cadence_days=14,
    micro_touch_cap=2,
    mentees_per_mentor=None,
    indicators=(),
    blueprint=None,
    blueprint_key="",
    rubric=None,
    certification_threshold=None,
):
    """Create a program. ``mentees_per_mentor=None`` takes the format's default (cohort 1:6);
    ``blueprint_key`` names a built-in blueprint to copy into the organisation for it."""
    _check_same_org(organization, blueprint=blueprint, rubric=rubric)
    program = Program(
        organization=organization,
        name=(name or "").strip(),
        purpose=(purpose or "").strip(),
        code_of_conduct=(code_of_conduct or "").strip(),
        confidentiality=(confidentiality or "").strip(),
        escalation_path=(escalation_path or "").strip(),
        format=format,
        cadence_days=cadence_days,
        micro_touch_cap=micro_touch_cap,
        mentees_per_mentor=mentees_per_mentor or program_default_ratio(format),
        indicators=_clean_indicators(indicators),
        rubric=rubric,
    )
    if certification_threshold is not None:
        program.certification_threshold = certification_threshold
    program.full_clean(exclude=["blueprint"])
    program.blueprint = _resolve_blueprint(
        organization=organization, blueprint=blueprint, blueprint_key=blueprint_key, by=by
    )
    program.save()
    audit_record(
        organization=organization,
        actor=by,
        action="program.created",
        target=program,
        data={"format": program.format, "blueprint": _audit_value(program.blueprint)},
    )
    return program


@transaction.atomic
def program_update(*, program, by, blueprint_key="", **fields):
    """Change a program's settings. Changing any charter text starts a new charter version
    (participants acknowledge it again); a new blueprint re-dates its cohorts' milestones.
    ``mentees_per_mentor=None`` takes the format's default."""
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise TypeError(f"program_update() got unknown fields: {', '.join(sorted(unknown))}")
    organization = program.organization
    _check_same_org(organization, blueprint=fields.get("blueprint"), rubric=fields.get("rubric"))
    if "indicators" in fields:
        fields["indicators"] = _clean_indicators(fields["indicators"])
    for key in ("name", "purpose", *CHARTER_FIELDS):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    if "mentees_per_mentor" in fields and not fields["mentees_per_mentor"]:
        fields["mentees_per_mentor"] = program_default_ratio(fields.get("format", program.format))
    if blueprint_key:
        fields["blueprint"] = None  # resolved after validation, so a refusal copies nothing
    before = {key: getattr(program, key) for key in PROGRAM_FIELDS}
    for key, value in fields.items():
        setattr(program, key, value)
    program.full_clean(exclude=["blueprint"])
    if blueprint_key:
        program.blueprint = _resolve_blueprint(
            organization=organization, blueprint=None, blueprint_key=blueprint_key, by=by
        )
    after = {key: getattr(program, key) for key in PROGRAM_FIELDS}
    changes = _changes(before, after)
    if not changes:
        return program
    if any(key in changes for key in CHARTER_FIELDS):
        program.charter_version += 1
        changes["charter_version"] = [program.charter_version - 1, program.charter_version]
    program.save()
    audit_record(
        organization=organization,
        actor=by,
        action="program.updated",
        target=program,
        data=changes,
    )
    if "blueprint" in changes:
        _regenerate_program_milestones(program)
    return program


@transaction.atomic
def program_archive(*, program, by):
    """Archive a program: it is no longer offered. Refused while a cohort of it runs."""
    if program.archived_at is not None:
        return program
    running = list(
        program.cohorts.filter(status__in=RUNNING_STATUSES).values_list("name", flat=True)
    )
    if running:
        raise ValidationError(
            f"{program.name} still has cohorts under way ({', '.join(running)}): complete "
            f"them or move them back to draft before archiving the program."
        )
    program.archived_at = timezone.now()
    program.save(update_fields=["archived_at"])
    audit_record(
        organization=program.organization, actor=by, action="program.archived", target=program
    )
    return program


@transaction.atomic
def program_unarchive(*, program, by):
    """Offer an archived program again."""
    if program.archived_at is None:
        return program
    program.archived_at = None
    program.save(update_fields=["archived_at"])
    audit_record(
        organization=program.organization, actor=by, action="program.unarchived", target=program
    )
    return program


# --- the charter ---------------------------------------------------------------------------


def current_charter_acknowledgements(organization):
    """The acknowledgements that count: of the current version of their program's charter.
    The one definition the reads below share (a changed charter asks again)."""
    return CharterAcknowledgement.objects.for_org(organization).filter(
        charter_version=F("program__charter_version")
    )


def charter_acknowledged(*, program, user):
    """Has ``user`` acknowledged the current version of ``program``'s charter? A program
    without a charter has nothing to acknowledge: True.

    The one read of the charter rule: the participant's charter page, the intake gate and
    "My programs" all ask it (lists through :func:`participant_charter_done`, which reads
    the same rule from :func:`charter_acknowledged_subquery`)."""
    if not program.has_charter:
        return True
    return (
        current_charter_acknowledgements(program.organization)
        .filter(program=program, user=user)
        .exists()
    )


def charter_acknowledged_subquery(organization):
    """:func:`charter_acknowledged` as a subquery on Participant rows, for lists that must
    not query per row.
    It does not know whether the program has a charter: :func:`participant_charter_done`
    adds that."""
    return Exists(
        current_charter_acknowledgements(organization).filter(
            program_id=OuterRef("cohort__program_id"), user_id=OuterRef("user_id")
        )
    )


def participant_charter_done(participant):
    """:func:`charter_acknowledged` for a participation: read from the ``charter_done``
    annotation when the row has it (lists), asked otherwise (one page, one person)."""
    program = participant.cohort.program
    if not program.has_charter:
        return True
    annotated = getattr(participant, "charter_done", None)
    if annotated is not None:
        return annotated
    return charter_acknowledged(program=program, user=participant.user)


def charter_participants(program):
    """The people taking part in the program's cohorts (one row per participation, not
    withdrawn), each annotated ``acknowledged`` for the current charter version."""
    organization = program.organization
    return (
        Participant.objects.for_org(organization)
        .filter(cohort__program=program, status__in=Participant.ENROLLED_STATUSES)
        .select_related("user", "cohort")
        .annotate(acknowledged=charter_acknowledged_subquery(organization))
        .order_by("user__name", "user__email", "-cohort__starts_on")
    )


def charter_participation(*, program, user):
    """The person's participation in the program: their most recent, not withdrawn, in one
    of the program's cohorts; None if they take no part. A participant acknowledges the
    charter through it (``people.participant_charter_acknowledge``, the one write)."""
    return (
        Participant.objects.for_org(program.organization)
        .filter(cohort__program=program, user=user, status__in=Participant.ENROLLED_STATUSES)
        .select_related("cohort", "cohort__program", "user")
        .order_by("-cohort__starts_on", "-pk")
        .first()
    )


# --- blueprints ----------------------------------------------------------------------------


def blueprint_cohorts(blueprint):
    """Cohorts whose milestones follow ``blueprint`` and are not history yet."""
    return (
        Cohort.objects.for_org(blueprint.organization)
        .filter(program__blueprint=blueprint)
        .exclude(status=Cohort.Status.COMPLETED)
        .select_related("program__blueprint")
    )


def _blueprint_changed(blueprint):
    for cohort in blueprint_cohorts(blueprint):
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
    before = {"name": blueprint.name, "description": blueprint.description}
    blueprint.name = (name or "").strip()
    blueprint.description = (description or "").strip()
    blueprint.full_clean()
    changes = _changes(before, {"name": blueprint.name, "description": blueprint.description})
    if changes:
        blueprint.save(update_fields=["name", "description"])
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
    changes = _changes(before, {"name": phase.name, "start_week": start_week, "end_week": end_week})
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
    before = {"kind": activity.kind, "title": activity.title, "due_week": activity.due_week}
    activity.kind = kind
    activity.title = (title or "").strip()
    activity.due_week = due_week or None
    activity.full_clean()
    after = {"kind": activity.kind, "title": activity.title, "due_week": activity.due_week}
    changes = _changes(before, after)
    if changes:
        activity.save(update_fields=["kind", "title", "due_week"])
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


# --- cohorts -------------------------------------------------------------------------------


def facilitator_choices(organization):
    """People who may facilitate a cohort of the organisation: its members, nobody else."""
    return (
        get_user_model()
        .objects.filter(memberships__organization=organization)
        .order_by("name", "email")
    )


def _check_facilitator(organization, facilitator):
    if facilitator is None:
        return
    if not Membership.objects.for_org(organization).filter(user=facilitator).exists():
        raise ValidationError(
            {"facilitator": f"Choose a member of {organization.name} as the facilitator."}
        )


def _check_slot(cohort):
    if (cohort.meeting_day is None) != (cohort.meeting_time is None):
        field = "meeting_time" if cohort.meeting_time is None else "meeting_day"
        raise ValidationError(
            {field: "Give both the day and the time of the weekly meeting, or neither."}
        )


def enrolled_seat_count(cohort):
    """Mentors and mentees enrolled in the cohort: what its capacity must hold."""
    return (
        cohort.participants.filter(status__in=Participant.ENROLLED_STATUSES)
        .exclude(role=Participant.Role.FACILITATOR)
        .count()
    )


def _check_capacity(cohort):
    if cohort.pk is None:
        return
    enrolled = enrolled_seat_count(cohort)
    if cohort.capacity is not None and cohort.capacity < enrolled:
        people = "1 mentor or mentee is" if enrolled == 1 else f"{enrolled} mentors and mentees are"
        raise ValidationError(
            {
                "capacity": f"{people} already enrolled: the capacity cannot be below "
                f"{enrolled}. Withdraw someone first to lower it."
            }
        )


def _default_end(program, starts_on):
    """The blueprint's length from ``starts_on``, or None without a blueprint."""
    weeks = program.blueprint.duration_weeks if program.blueprint_id else 0
    if not (starts_on and weeks):
        return None
    return starts_on + timedelta(days=7 * weeks - 1)


@transaction.atomic
def cohort_create(
    *,
    program,
    name,
    starts_on,
    by,
    ends_on=None,
    capacity=24,
    meeting_day=None,
    meeting_time=None,
    facilitator=None,
):
    """Create a cohort of a program, in draft, with its milestones dated from
    ``starts_on``. Without ``ends_on`` it runs for the length of the program's blueprint."""
    organization = program.organization
    _check_facilitator(organization, facilitator)
    if program.archived_at is not None:
        raise ValidationError(
            {"program": f"{program.name} is archived: restore it before adding a cohort."}
        )
    if ends_on is None:
        ends_on = _default_end(program, starts_on)
        if ends_on is None and starts_on:
            raise ValidationError(
                {"ends_on": "Choose the last day (the program has no blueprint to count from)."}
            )
    cohort = Cohort(
        organization=organization,
        program=program,
        name=(name or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity if capacity is not None else 24,
        meeting_day=meeting_day,
        meeting_time=meeting_time,
        facilitator=facilitator,
    )
    cohort.full_clean()
    _check_slot(cohort)
    cohort.save()
    audit_record(
        organization=organization,
        actor=by,
        action="cohort.created",
        target=cohort,
        data={"program": program.name, "starts_on": str(starts_on), "ends_on": str(ends_on)},
    )
    cohort_generate_milestones(cohort=cohort)
    _enrol_facilitator(cohort, by=by)
    return cohort


def _enrol_facilitator(cohort, *, by):
    """The cohort's facilitator takes part in it as a facilitator participant, so its
    counts, lists and the facilitator's own pages agree with ``Cohort.facilitator``. Someone
    already taking part (in any role) keeps their place: the admin decides on a change."""
    if cohort.facilitator_id is None:
        return None
    from . import people  # the people area imports from here: import when called

    current = cohort.participants.filter(user_id=cohort.facilitator_id).first()
    if current is not None and current.status != Participant.Status.WITHDRAWN:
        return current
    return people._enrol(
        cohort=cohort, user=cohort.facilitator, role=Participant.Role.FACILITATOR, by=by
    )


@transaction.atomic
def cohort_update(*, cohort, by, **fields):
    """Change a cohort's dates, capacity, weekly slot or facilitator. Its capacity cannot go
    below the mentors and mentees enrolled; new dates re-date its milestones."""
    unknown = set(fields) - set(COHORT_FIELDS)
    if unknown:
        raise TypeError(f"cohort_update() got unknown fields: {', '.join(sorted(unknown))}")
    organization = cohort.organization
    if "facilitator" in fields:
        _check_facilitator(organization, fields["facilitator"])
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    if "ends_on" in fields and fields["ends_on"] is None:
        fields["ends_on"] = _default_end(cohort.program, fields.get("starts_on", cohort.starts_on))
        if fields["ends_on"] is None:
            raise ValidationError({"ends_on": "Choose the cohort's last day."})
    before = {key: getattr(cohort, key) for key in COHORT_FIELDS}
    for key, value in fields.items():
        setattr(cohort, key, value)
    cohort.full_clean()
    _check_slot(cohort)
    _check_capacity(cohort)
    after = {key: getattr(cohort, key) for key in COHORT_FIELDS}
    changes = _changes(before, after)
    if not changes:
        return cohort
    cohort.save()
    audit_record(
        organization=organization,
        actor=by,
        action="cohort.updated",
        target=cohort,
        data=changes,
    )
    if "starts_on" in changes or "ends_on" in changes:
        cohort_generate_milestones(cohort=cohort)
    if "facilitator" in changes:
        _enrol_facilitator(cohort, by=by)
    return cohort


def cohort_counts(cohort):
    """Enrolled mentors, mentees and facilitators of the cohort, in one query."""
    enrolled = Q(status__in=Participant.ENROLLED_STATUSES)
    return cohort.participants.aggregate(
        mentors=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTOR)),
        mentees=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTEE)),
        facilitators=Count("pk", filter=enrolled & Q(role=Participant.Role.FACILITATOR)),
        withdrawn=Count("pk", filter=Q(status=Participant.Status.WITHDRAWN)),
    )


def cohort_transition_problems(*, cohort, to, counts=None):
    """What stands in the way of moving ``cohort`` to status ``to``, in words (empty: the
    step may be taken). ``counts`` (from :func:`cohort_counts`) saves a query when known."""
    Status = Cohort.Status
    if to not in Status.values:
        return [f"{to!r} is not a stage of a cohort."]
    if to not in cohort.next_statuses:
        label = Status(to).label.lower()
        if cohort.next_statuses:
            allowed = " or ".join(Status(s).label.lower() for s in cohort.next_statuses)
            return [
                f"A cohort that is {cohort.get_status_display().lower()} moves to {allowed}, "
                f"not to {label}."
            ]
        return [f"A {cohort.get_status_display().lower()} cohort does not change stage."]
    problems = []
    if to == Status.ENROLLING:
        if not (cohort.starts_on and cohort.ends_on):
            problems.append("Set the cohort's first and last day first.")
        if cohort.program.archived_at is not None:
            problems.append(f"{cohort.program.name} is archived: restore the program first.")
    if to in (Status.MATCHING, Status.ACTIVE):
        counts = counts if counts is not None else cohort_counts(cohort)
        if not counts["mentees"]:
            problems.append("Enrol at least one mentee first.")
        if not counts["mentors"]:
            problems.append("Enrol at least one mentor first.")
    if to == Status.ACTIVE and not cohort.pairings.live().exists():
        problems.append("Publish the cohort's matching first: no mentee has a mentor yet.")
    return problems


@transaction.atomic
def cohort_transition(*, cohort, to, by):
    """Move a cohort along its lifecycle (draft → enrolling → matching → active →
    completed, and the back-steps of ``Cohort.TRANSITIONS``), if its preconditions hold."""
    # Lock the row: two admins pressing two buttons must not both pass the checks.
    locked = (
        Cohort.objects.for_org(cohort.organization)
        .select_for_update()
        .select_related("program")
        .get(pk=cohort.pk)
    )
    problems = cohort_transition_problems(cohort=locked, to=to)
    if problems:
        raise ValidationError(problems)
    _cohort_move(locked, to, by)
    cohort.status = locked.status
    return cohort


def _cohort_move(cohort, to, by):
    """Write the new status and its audit event (the checks are the caller's)."""
    before = cohort.status
    cohort.status = to
    cohort.save(update_fields=["status"])
    audit_record(
        organization=cohort.organization,
        actor=by,
        action="cohort.status_changed",
        target=cohort,
        data={"from": before, "to": to},
    )


# --- milestones ----------------------------------------------------------------------------


def milestone_due(starts_on, week):
    """The last day of week ``week`` (1-based) of a cohort that starts on ``starts_on``."""
    return starts_on + timedelta(days=7 * week - 1)


def planned_milestones(blueprint, starts_on):
    """The milestones ``blueprint`` gives a cohort starting on ``starts_on``: a list of dicts
    with phase_name, kind, title, due_on and order, in blueprint order. Pure: reads the
    phases and activities already loaded (prefetch them)."""
    planned = []
    for phase in blueprint.phases.all():
        for activity in phase.activities.all():
            week = activity.due_week or phase.end_week
            planned.append(
                {
                    "phase_name": phase.name,
                    "kind": activity.kind,
                    "title": activity.title,
                    "due_on": milestone_due(starts_on, week),
                    "order": len(planned),
                }
            )
    return planned


@transaction.atomic
def cohort_generate_milestones(*, cohort):
    """Turn the program's blueprint into the cohort's dated milestones, idempotently: a
    milestone that is still planned keeps its row (its date follows the cohort's start),
    new ones are added, those the blueprint no longer has are removed."""
    organization = cohort.organization
    blueprint = (
        Blueprint.objects.for_org(organization)
        .prefetch_related("phases__activities")
        .filter(pk=cohort.program.blueprint_id)
        .first()
    )
    planned = planned_milestones(blueprint, cohort.starts_on) if blueprint else []
    existing = {}
    for milestone in Milestone.objects.for_org(organization).filter(cohort=cohort):
        key = (milestone.phase_name, milestone.kind, milestone.title)
        existing.setdefault(key, []).append(milestone)
    create, update = [], []
    for row in planned:
        same = existing.get((row["phase_name"], row["kind"], row["title"]))
        if not same:
            create.append(Milestone(organization=organization, cohort=cohort, **row))
            continue
        milestone = same.pop(0)
        if (milestone.due_on, milestone.order) != (row["due_on"], row["order"]):
            milestone.due_on, milestone.order = row["due_on"], row["order"]
            update.append(milestone)
    stale = [m.pk for rows in existing.values() for m in rows]
    if stale:
        Milestone.objects.for_org(organization).filter(pk__in=stale).delete()
    if update:
        Milestone.objects.for_org(organization).bulk_update(update, ["due_on", "order"])
    if create:
        Milestone.objects.bulk_create(create)
    return list(Milestone.objects.for_org(organization).filter(cohort=cohort))


def _regenerate_program_milestones(program):
    cohorts = (
        Cohort.objects.for_org(program.organization)
        .filter(program=program)
        .exclude(status=Cohort.Status.COMPLETED)
    )
    for cohort in cohorts:
        cohort.program = program
        cohort_generate_milestones(cohort=cohort)
