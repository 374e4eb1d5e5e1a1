"""Cohorts (P4): create and change them, move them along their lifecycle, and date their
milestones from the program's blueprint.

Writes are keyword-only, atomic, validated with ``full_clean()`` (which refuses another
organisation's program) and audited. :func:`cohort_transition_problems` is the one list of
what stands in the way of a lifecycle step: the cohort page shows the same reasons the
service refuses with.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.core.models import changes_between
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..models import Blueprint, Cohort, Milestone, Participant
from ..selectors.cohorts import cohort_seats, intake_unfinished
from ..selectors.programs import cohort_counts
from ..signals import cohort_completed
from . import enrolment

register_audit_actions(
    {
        "cohort.created": "Created a cohort",
        "cohort.updated": "Changed a cohort",
        "cohort.status_changed": "Moved a cohort to another stage",
    }
)

COHORT_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "capacity",
    "meeting_day",
    "meeting_time",
    "facilitator",
    "variant",
    "cadence_days",
)


def _check_facilitator(organization, facilitator):
    if facilitator is None:
        return
    if not get_user_model().objects.members_of(organization).filter(pk=facilitator.pk).exists():
        raise ValidationError(
            {"facilitator": f"Choose a member of {organization.name} as the facilitator."}
        )


def _check_slot(cohort):
    if (cohort.meeting_day is None) != (cohort.meeting_time is None):
        field = "meeting_time" if cohort.meeting_time is None else "meeting_day"
        raise ValidationError(
            {field: "Give both the day and the time of the weekly meeting, or neither."}
        )


def _check_capacity(cohort):
    """The capacity holds every seat taken: mentors and mentees enrolled plus the open
    invitations into the cohort (the one count, :func:`programs.selectors.cohorts.cohort_seats`)."""
    if cohort.pk is None or cohort.capacity is None:
        return
    seats = cohort_seats(cohort=cohort)
    if cohort.capacity < seats.taken:
        taken = "1 seat is" if seats.taken == 1 else f"{seats.taken} seats are"
        raise ValidationError(
            {
                "capacity": f"{taken} taken ({seats.enrolled} enrolled, {seats.invited} "
                f"invited): the capacity cannot be below {seats.taken}."
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
    variant="",
    cadence_days=None,
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
        variant=(variant or "").strip(),
        cadence_days=cadence_days,
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
    current = cohort.participants.filter(user_id=cohort.facilitator_id).first()
    if current is not None and current.status != Participant.Status.WITHDRAWN:
        return current
    return enrolment._enrol(
        cohort=cohort, user=cohort.facilitator, role=Participant.Role.FACILITATOR, by=by
    )


@transaction.atomic
def cohort_update(*, cohort, by, **fields):
    """Change a cohort's dates, capacity, weekly slot or facilitator. Its capacity cannot go
    below the seats taken (enrolled plus invited); new dates re-date its milestones."""
    unknown = set(fields) - set(COHORT_FIELDS)
    if unknown:
        raise TypeError(f"cohort_update() got unknown fields: {', '.join(sorted(unknown))}")
    organization = cohort.organization
    if "facilitator" in fields:
        _check_facilitator(organization, fields["facilitator"])
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    if "variant" in fields:
        fields["variant"] = (fields["variant"] or "").strip()
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
    changes = changes_between(before, {key: getattr(cohort, key) for key in COHORT_FIELDS})
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
        counts = counts if counts is not None else cohort_counts(cohort=cohort)
        if not counts["mentees"]:
            problems.append("Enrol at least one mentee first.")
        if not counts["mentors"]:
            problems.append("Enrol at least one mentor first.")
    if to == Status.MATCHING and counts["mentees"] and counts["mentors"]:
        problems.extend(_intake_problems(cohort))
    if to == Status.ACTIVE and not cohort.pairings.live().exists():
        problems.append("Publish the cohort's matching first: no mentee has a mentor yet.")
    return problems


def _intake_problems(cohort, shown=5):
    """Matching needs a mentee and a mentor who finished their intake; the words name who
    has yet to finish (the first ``shown`` of them)."""
    problems, state = [], intake_unfinished(cohort=cohort)
    for role, noun in ((Participant.Role.MENTEE, "mentee"), (Participant.Role.MENTOR, "mentor")):
        finished, waiting = state[role]
        if finished:
            continue
        names = ", ".join(waiting[:shown])
        if len(waiting) > shown:
            names += f" and {len(waiting) - shown} more"
        problems.append(
            f"No {noun} has finished their intake yet"
            + (f" (still to finish: {names})." if names else ".")
        )
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
    if to == Cohort.Status.COMPLETED:
        _cohort_close_out(locked, by)
    cohort.status = locked.status
    return cohort


def _cohort_close_out(cohort, by):
    """A completed cohort is over for its people: its pairings end with the reason (pending
    offers are withdrawn) and every active participant is completed, each audited."""
    cohort_completed.send(sender=Cohort, cohort=cohort, by=by)
    active = cohort.participants.filter(status=Participant.Status.ACTIVE).select_related(
        "user", "cohort"
    )
    for participant in active.order_by("pk"):
        enrolment.participant_complete(participant=participant, by=by)


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
