"""Match runs (M1-M4, M10): settings, exclusions, running the optimiser over a cohort,
the admin's review (approve, reject, lock, swap, pair by hand), publishing pairings, and
the mentor's acceptance.

Public API (keyword-only, ``by`` is the acting user):

* ``matching_settings_update(*, program, by, **fields)``
* ``exclusion_create(*, organization, mentee, mentor, by, reason="")``,
  ``exclusion_delete(*, exclusion, by)``
* ``matchrun_problems(cohort)`` -> ``RunCheck`` (blocking problems and warnings, before running)
* ``matchrun_start(*, cohort, by, inline_limit=None)`` -> MatchRun (solved inline or queued)
* ``matchrun_execute(*, run)`` -> MatchRun (idempotent: a finished run is not re-solved)
* ``proposal_set_status(*, proposal, status, by)`` (approved, rejected, locked, proposed)
* ``proposal_swap(*, proposal, other, by)``, ``proposal_assign(*, proposal, mentor, by)``
* ``matchrun_publish(*, run, by, site_url="")`` (idempotent)
* ``pairing_accept(*, pairing, by)``, ``pairing_decline(*, pairing, by, reason="")``
* ``my_mentoring(*, organization, user)`` -> (as_mentor, as_mentee) lists of pairings
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.notifications.services import enqueue_on_commit
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import Membership, register_audit_actions
from programs.models import Participant

from ..engine.optimiser import solve
from ..engine.scoring import (
    ALL_WEIGHTS_ZERO,
    LABELS,
    Weights,
    constraint_violation,
    score_pair,
)
from ..models import WEIGHT_FIELDS, Exclusion, MatchingSettings, MatchRun, Pairing, Proposal
from ..profiles import (
    CohortProfiles,
    cohort_profiles,
    exclusion_pairs,
    rules_of,
    settings_for,
    weights_of,
)
from . import care
from .notify import pairing_offered_notify

register_audit_actions(
    {
        "matching.settings_updated": "Changed a program's matching settings",
        "exclusion.created": "Excluded a pair from matching",
        "exclusion.deleted": "Removed a matching exclusion",
        "matchrun.started": "Ran matching for a cohort",
        "matchrun.published": "Published a match run's pairings",
        "proposal.reviewed": "Reviewed a proposed pair",
        "proposal.swapped": "Swapped two mentees' mentors",
        "proposal.assigned": "Paired a mentee with a mentor by hand",
    }
)

# Cohorts with more mentees than this are matched by a background task.
DEFAULT_INLINE_LIMIT = 200
KEPT_STATUSES = [Proposal.Status.LOCKED, Proposal.Status.MANUAL]
PUBLISHABLE_STATUSES = [
    Proposal.Status.PROPOSED,
    Proposal.Status.APPROVED,
    Proposal.Status.LOCKED,
    Proposal.Status.MANUAL,
]
SETTINGS_FIELDS = [f"weight_{name}" for name in WEIGHT_FIELDS] + [
    "priority",
    "readiness_threshold",
    "max_timezone_gap_hours",
    "accept_within_days",
    "idle_warn_days",
    "idle_conclude_days",
    "calibration_day",
]
HISTOGRAM_BINS = 10


def inline_limit():
    return getattr(settings, "MATCHING_INLINE_MENTEES", DEFAULT_INLINE_LIMIT)


def _name(person):
    return person.name or person.email


# --- settings ------------------------------------------------------------------------------


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


@transaction.atomic
def matching_settings_update(*, program, by, **fields):
    """Change a program's matching settings (X8). All weights zero is refused."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown matching settings: {', '.join(sorted(unknown))}")
    current = settings_for(program)
    before = {key: _plain(getattr(current, key)) for key in SETTINGS_FIELDS}
    for key, value in fields.items():
        setattr(current, key, value)
    current.full_clean()
    after = {key: _plain(getattr(current, key)) for key in SETTINGS_FIELDS}
    changes = {k: [before[k], after[k]] for k in SETTINGS_FIELDS if before[k] != after[k]}
    if not changes:
        return current
    current.save()
    audit_record(
        organization=program.organization,
        actor=by,
        action="matching.settings_updated",
        target=program,
        data=changes,
    )
    return current


# --- exclusions ----------------------------------------------------------------------------


@transaction.atomic
def exclusion_create(*, organization, mentee, mentor, by, reason=""):
    """'Never pair these two' (M2). Symmetric: the pair is refused either way round."""
    if mentee is None or mentor is None:
        raise ValidationError("Choose two people.")
    if mentee.pk == mentor.pk:
        raise ValidationError(
            {
                "mentor": "Choose two different people: a person is never "
                "paired with themself anyway."
            }
        )
    members = set(
        Membership.objects.for_org(organization)
        .filter(user_id__in=[mentee.pk, mentor.pk])
        .values_list("user_id", flat=True)
    )
    for key, person in (("mentee", mentee), ("mentor", mentor)):
        if person.pk not in members:
            raise ValidationError({key: f"{_name(person)} is not a member of {organization}."})
    existing = (
        Exclusion.objects.for_org(organization)
        .filter(mentee__in=[mentee, mentor], mentor__in=[mentee, mentor])
        .first()
    )
    if existing is not None:
        raise ValidationError(
            f"{_name(mentee)} and {_name(mentor)} are already excluded from being paired."
        )
    exclusion = Exclusion(
        organization=organization,
        mentee=mentee,
        mentor=mentor,
        reason=(reason or "").strip(),
        created_by=by,
    )
    exclusion.full_clean()
    exclusion.save()
    audit_record(
        organization=organization,
        actor=by,
        action="exclusion.created",
        target=None,
        data={"mentee": _name(mentee), "mentor": _name(mentor), "reason": exclusion.reason},
    )
    return exclusion


@transaction.atomic
def exclusion_delete(*, exclusion, by):
    data = {"mentee": _name(exclusion.mentee), "mentor": _name(exclusion.mentor)}
    exclusion.delete()
    audit_record(
        organization=exclusion.organization,
        actor=by,
        action="exclusion.deleted",
        data=data,
    )


# --- before a run --------------------------------------------------------------------------


@dataclass
class RunCheck:
    """What stands in the way of a run (problems) and what it will skip (warnings)."""

    problems: list[str] = field(default_factory=list)
    skipped: list[Participant] = field(default_factory=list)
    # Mentees whom the admin's exclusions keep from every mentor of the cohort.
    excluded_from_all: list[Participant] = field(default_factory=list)
    mentees_to_match: int = 0
    mentors: int = 0
    places: int = 0
    already_paired: int = 0

    @property
    def ok(self):
        return not self.problems


def _check(cohort, profiles: CohortProfiles, current: MatchingSettings) -> RunCheck:
    check = RunCheck(skipped=list(profiles.missing_intake))
    to_match = [m for m in profiles.mentees if m.id not in profiles.paired_mentee_ids]
    check.mentees_to_match = len(to_match)
    check.already_paired = len(profiles.paired_mentee_ids)
    check.mentors = len(profiles.mentors)
    check.places = sum(m.capacity for m in profiles.mentors)
    if all(getattr(current, f"weight_{n}") in (0, None) for n in WEIGHT_FIELDS):
        check.problems.append(
            f"{ALL_WEIGHTS_ZERO} in the program's matching settings so mentors can be ranked."
        )
    active = profiles.participants.values()
    has_mentors = any(p.role == Participant.Role.MENTOR for p in active)
    has_mentees = any(p.role == Participant.Role.MENTEE for p in active)
    if not has_mentees:
        check.problems.append("The cohort has no active mentees: enrol mentees first.")
    elif not profiles.mentees:
        check.problems.append("No mentee has finished their intake yet.")
    elif not to_match:
        check.problems.append("Every mentee already has a published mentor.")
    if not has_mentors:
        check.problems.append("The cohort has no active mentors: enrol mentors first.")
    elif not profiles.mentors:
        check.problems.append("No mentor has finished their intake yet.")
    elif check.places <= 0:
        check.problems.append(
            "Every mentor is at zero capacity (or already full): raise a mentor's capacity "
            "in their intake first."
        )
    if profiles.mentors and to_match:
        mentor_ids = {m.id for m in profiles.mentors}
        ruled_out = Counter(
            mentee_id
            for mentee_id, mentor_id in exclusion_pairs(cohort.organization, profiles)
            if mentor_id in mentor_ids
        )
        check.excluded_from_all = [
            profiles.participants[m.id] for m in to_match if ruled_out[m.id] >= len(mentor_ids)
        ]
    return check


def matchrun_problems(cohort) -> RunCheck:
    """Check a cohort before running matching: the page shows this before the button."""
    return _check(cohort, cohort_profiles(cohort), settings_for(cohort.program))


def _snapshot(current: MatchingSettings) -> dict:
    return {
        "weights": {n: float(getattr(current, f"weight_{n}")) for n in WEIGHT_FIELDS},
        "priority": current.priority,
        **rules_of(current),
        "accept_within_days": current.accept_within_days,
    }


def _snapshot_weights(run) -> Weights:
    return Weights(**run.settings_snapshot["weights"])


def _snapshot_rules(run) -> dict:
    """The run's hard rules as it was started (older runs have no time-zone limit)."""
    snapshot = run.settings_snapshot
    return {
        "readiness_threshold": snapshot.get("readiness_threshold", 0.0),
        "max_timezone_gap_hours": snapshot.get("max_timezone_gap_hours"),
    }


def _kept_pairs(cohort) -> dict[int, int]:
    """Locked and hand-made pairs of the cohort's latest run in review: a re-run keeps them."""
    latest = (
        MatchRun.objects.for_org(cohort.organization)
        .filter(cohort=cohort, status=MatchRun.Status.REVIEW)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None:
        return {}
    return dict(
        latest.proposals.filter(status__in=KEPT_STATUSES, mentor__isnull=False).values_list(
            "mentee_id", "mentor_id"
        )
    )


@transaction.atomic
def matchrun_start(*, cohort, by, inline=None):
    """Run matching for a cohort (M4): check, snapshot the settings, then solve inline or
    queue a task (cohorts of more than ``inline_limit()`` mentees). Bad input raises a
    ValidationError listing every problem, and nothing is stored."""
    organization = cohort.organization
    current = settings_for(cohort.program)
    profiles = cohort_profiles(cohort)
    check = _check(cohort, profiles, current)
    if check.problems:
        raise ValidationError(check.problems)
    kept = _kept_pairs(cohort)
    run = MatchRun(
        organization=organization,
        cohort=cohort,
        status=MatchRun.Status.QUEUED,
        settings_snapshot={**_snapshot(current), "kept": [[e, r] for e, r in kept.items()]},
        created_by=by,
        progress_note="Waiting for a worker",
    )
    run.full_clean()
    run.save()
    # Earlier runs in review are superseded (kept, for the record, as discarded).
    MatchRun.objects.for_org(organization).filter(
        cohort=cohort, status=MatchRun.Status.REVIEW
    ).exclude(pk=run.pk).update(status=MatchRun.Status.DISCARDED)
    audit_record(
        organization=organization,
        actor=by,
        action="matchrun.started",
        target=run,
        data={
            "cohort": cohort.name,
            "mentees": check.mentees_to_match,
            "mentors": check.mentors,
            "skipped": [_name(p.user) for p in check.skipped],
        },
    )
    if inline is None:
        inline = check.mentees_to_match <= inline_limit()
    if inline:
        return _execute(run, profiles=profiles)
    from ..tasks.runs import run_matching

    enqueue_on_commit(run_matching, organization.pk, run.pk)
    return run


def _lock_run(run):
    return (
        MatchRun.objects.filter(organization_id=run.organization_id, pk=run.pk)
        .select_for_update()
        .select_related("cohort", "cohort__program", "organization")
        .get()
    )


def matchrun_execute(*, run):
    """Solve a queued run (the task's body). A finished run is returned as is.

    Three steps, so the page can show progress while a large cohort is solved: mark the run
    running; read the intakes, score and solve (outside any transaction, each stage written
    to ``progress``); store the proposals under the run's row lock. A second delivery of the
    same task may solve again, but only one stores: the other finds the run in review."""
    busy = (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)
    with transaction.atomic():
        locked = _lock_run(run)
        if locked.status not in busy:
            return locked
        locked.status = MatchRun.Status.RUNNING
        locked.progress = 10
        locked.progress_note = "Reading intakes"
        locked.save(update_fields=["status", "progress", "progress_note"])

    def progress(percent, note):
        MatchRun.objects.filter(
            organization_id=run.organization_id, pk=run.pk, status=MatchRun.Status.RUNNING
        ).update(progress=percent, progress_note=note[:120])

    try:
        plan = _solve_run(locked, progress=progress)
        with transaction.atomic():
            locked = _lock_run(run)
            if locked.status not in busy:
                return locked
            return _store_run(locked, plan)
    except Exception as exc:
        MatchRun.objects.filter(
            organization_id=run.organization_id, pk=run.pk, status__in=busy
        ).update(
            status=MatchRun.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            progress_note="Failed",
        )
        raise


def _histogram(scores):
    bins = [0] * HISTOGRAM_BINS
    for s in scores:
        bins[min(int(s * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)] += 1
    return bins


@dataclass
class _Plan:
    """A solved run, before it is stored."""

    profiles: CohortProfiles
    mentees: list
    weights: Weights
    locked: dict
    dropped: list
    result: object


def _execute(run, profiles: CohortProfiles | None = None):
    """Solve and store a run in one go (small cohorts, inside the admin's request)."""
    return _store_run(run, _solve_run(run, profiles=profiles))


def _solve_run(run, profiles: CohortProfiles | None = None, progress=None) -> _Plan:
    """Read the cohort, keep the locks that still hold and solve; no write but progress."""
    progress = progress or (lambda percent, note: None)
    cohort = run.cohort
    profiles = profiles or cohort_profiles(cohort)
    snapshot = run.settings_snapshot
    weights = _snapshot_weights(run)
    exclusions = exclusion_pairs(cohort.organization, profiles)
    mentees = [m for m in profiles.mentees if m.id not in profiles.paired_mentee_ids]
    mentee_by_id = {m.id: m for m in mentees}
    mentor_by_id = {m.id: m for m in profiles.mentors}
    rules = _snapshot_rules(run)
    # Kept pairs that still hold (both still here, no rule broken, room left).
    locked, dropped = {}, []
    room = Counter({m.id: m.capacity for m in profiles.mentors})
    for mentee_id, mentor_id in snapshot.get("kept", []):
        e, r = mentee_by_id.get(mentee_id), mentor_by_id.get(mentor_id)
        if e is None or r is None:
            why = "one of them is no longer active in the cohort, or already paired"
        elif room[mentor_id] <= 0:
            why = "the mentor has no place left"
        else:
            why = constraint_violation(e, r, exclusions=exclusions, **rules)
        if why:
            names = [
                _name(profiles.participants[pk].user) if pk in profiles.participants else "?"
                for pk in (mentee_id, mentor_id)
            ]
            dropped.append({"mentee": names[0], "mentor": names[1], "why": why})
            continue
        locked[mentee_id] = mentor_id
        room[mentor_id] -= 1
    progress(30, f"Scoring and solving: {len(mentees)} mentees, {len(profiles.mentors)} mentors")
    result = solve(
        mentees,
        profiles.mentors,
        weights=weights,
        priority=snapshot["priority"],
        exclusions=exclusions,
        **rules,
        locked=locked,
    )
    progress(90, f"Saving {len(mentees)} proposals")
    return _Plan(profiles, mentees, weights, locked, dropped, result)


def _store_run(run, plan: _Plan):
    """Write a solved run's proposals and figures: the run is then ready for review."""
    profiles, mentees, weights = plan.profiles, plan.mentees, plan.weights
    locked, dropped, result = plan.locked, plan.dropped, plan.result
    mentor_by_id = {m.id: m for m in profiles.mentors}
    proposals = []
    for e in mentees:
        mentor_id = result.assignments.get(e.id)
        if mentor_id is None:
            proposals.append(
                Proposal(
                    organization_id=run.organization_id,
                    run=run,
                    mentee_id=e.id,
                    status=Proposal.Status.UNMATCHED,
                    reason=result.unmatched.get(e.id, "")[:300],
                )
            )
            continue
        score = score_pair(e, mentor_by_id[mentor_id], weights, profiles.competency_names)
        status = Proposal.Status.LOCKED if e.id in locked else Proposal.Status.PROPOSED
        proposals.append(
            Proposal(
                organization_id=run.organization_id,
                run=run,
                mentee_id=e.id,
                mentor_id=mentor_id,
                status=status,
                score=score.total,
                components=score.stored(),
            )
        )
    Proposal.objects.bulk_create(proposals)
    fits = list(result.scores.values())
    run.status = MatchRun.Status.REVIEW
    run.progress = 100
    run.progress_note = "Ready for review"
    run.match_rate = result.match_rate
    run.mean_fit = result.mean_fit
    run.min_fit = result.min_fit
    run.finished_at = timezone.now()
    run.stats = {
        "mentees": len(mentees),
        "mentors": len(profiles.mentors),
        "places": sum(m.capacity for m in profiles.mentors),
        "matched": len(result.assignments),
        "unmatched": len(result.unmatched),
        "locked": len(locked),
        "dropped_locks": dropped,
        "already_paired": len(profiles.paired_mentee_ids),
        "skipped": [
            {"id": p.pk, "name": _name(p.user), "role": p.role} for p in profiles.missing_intake
        ],
        "histogram": _histogram(fits),
        "optimal": result.optimal,
        "solve_s": round(float(result.stats.get("solve_s", 0.0)), 4),
    }
    run.save()
    return run


# --- review --------------------------------------------------------------------------------


def _check_reviewable(run):
    if run.status != MatchRun.Status.REVIEW:
        raise ValidationError(
            f"This run is {run.get_status_display().lower()}: only a run in review can change."
        )


REVIEW_STATUSES = {
    Proposal.Status.APPROVED,
    Proposal.Status.REJECTED,
    Proposal.Status.LOCKED,
    Proposal.Status.PROPOSED,
}


@transaction.atomic
def proposal_set_status(*, proposal, status, by):
    """Approve, reject, lock or reset one proposed pair."""
    _check_reviewable(proposal.run)
    if status not in REVIEW_STATUSES:
        raise ValidationError({"status": f"{status!r} is not a review decision."})
    if proposal.mentor_id is None:
        raise ValidationError("This mentee has no mentor proposed: pair them by hand instead.")
    if proposal.status == status:
        return proposal
    before = proposal.status
    proposal.status = status
    proposal.full_clean()
    proposal.save(update_fields=["status"])
    audit_record(
        organization=proposal.organization,
        actor=by,
        action="proposal.reviewed",
        target=proposal.run,
        data={"mentee": _name(proposal.mentee.user), "from": before, "to": status},
    )
    return proposal


def _rule_problem(run, profiles, exclusions, mentee_id, mentor_id):
    """Why mentee_id may not have mentor_id, in words, or None."""
    e = next((m for m in profiles.mentees if m.id == mentee_id), None)
    r = next((m for m in profiles.mentors if m.id == mentor_id), None)
    if e is None:
        return "The mentee is no longer active in the cohort, or has no intake."
    if r is None:
        return "The mentor is no longer active in the cohort, or has no intake."
    # Capacity is counted by the caller against the run's other pairs; here only the rules.
    return constraint_violation(
        e,
        replace(r, capacity=max(r.capacity, 1)),
        exclusions=exclusions,
        **_snapshot_rules(run),
    )


def _capacity_problem(run, profiles, mentor_id, *, excluding):
    taken = (
        run.proposals.filter(mentor_id=mentor_id)
        .exclude(status__in=[Proposal.Status.REJECTED, Proposal.Status.UNMATCHED])
        .exclude(pk__in=excluding)
        .count()
    )
    places = profiles.mentor_capacity.get(mentor_id, 0) - profiles.mentor_load.get(mentor_id, 0)
    if taken >= places:
        mentor = profiles.participants[mentor_id].user
        return (
            f"{_name(mentor)} is at capacity ({max(places, 0)} place{'s' if places != 1 else ''})."
        )
    return None


def _rescore(run, profiles, proposal, mentor_id):
    e = next(m for m in profiles.mentees if m.id == proposal.mentee_id)
    r = next(m for m in profiles.mentors if m.id == mentor_id)
    score = score_pair(e, r, _snapshot_weights(run), profiles.competency_names)
    proposal.mentor_id = mentor_id
    proposal.score = score.total
    proposal.components = score.stored()
    proposal.reason = ""
    proposal.status = Proposal.Status.MANUAL


@transaction.atomic
def proposal_swap(*, proposal, other, by):
    """Swap the mentors of two mentees of the same run. Refused, saying which, if either new
    pair breaks a rule."""
    run = proposal.run
    _check_reviewable(run)
    if other.run_id != run.pk:
        raise ValidationError({"other": "Choose a pair of the same run."})
    if proposal.pk == other.pk:
        raise ValidationError({"other": "Choose another mentee."})
    if proposal.mentor_id is None or other.mentor_id is None:
        raise ValidationError({"other": "Both mentees need a mentor to swap: pair by hand."})
    if proposal.mentor_id == other.mentor_id:
        raise ValidationError({"other": "They already have the same mentor."})
    profiles = cohort_profiles(run.cohort)
    exclusions = exclusion_pairs(run.organization, profiles)
    a, b = proposal.mentor_id, other.mentor_id
    for p, new in ((proposal, b), (other, a)):
        problem = _rule_problem(run, profiles, exclusions, p.mentee_id, new)
        if problem:
            mentee = profiles.participants.get(p.mentee_id)
            mentor = profiles.participants.get(new)
            who = f"{_name(mentee.user)} with {_name(mentor.user)}" if mentee and mentor else ""
            raise ValidationError({"other": f"Cannot swap: {who}: {problem}"})
    _rescore(run, profiles, proposal, b)
    _rescore(run, profiles, other, a)
    for p in (proposal, other):
        p.full_clean()
        p.save(update_fields=["mentor", "score", "components", "reason", "status"])
    audit_record(
        organization=run.organization,
        actor=by,
        action="proposal.swapped",
        target=run,
        data={
            "mentees": [_name(proposal.mentee.user), _name(other.mentee.user)],
        },
    )
    return proposal, other


@transaction.atomic
def proposal_assign(*, proposal, mentor, by):
    """Pair a mentee with a mentor by hand: rules and capacity enforced, score shown."""
    run = proposal.run
    _check_reviewable(run)
    if mentor is None:
        raise ValidationError({"mentor": "Choose a mentor."})
    if mentor.cohort_id != run.cohort_id or mentor.role != Participant.Role.MENTOR:
        raise ValidationError({"mentor": "Choose a mentor of this cohort."})
    profiles = cohort_profiles(run.cohort)
    exclusions = exclusion_pairs(run.organization, profiles)
    problem = _rule_problem(run, profiles, exclusions, proposal.mentee_id, mentor.pk)
    if problem is None and proposal.mentor_id != mentor.pk:
        problem = _capacity_problem(run, profiles, mentor.pk, excluding=[proposal.pk])
    if problem:
        raise ValidationError({"mentor": problem})
    _rescore(run, profiles, proposal, mentor.pk)
    proposal.full_clean()
    proposal.save(update_fields=["mentor", "score", "components", "reason", "status"])
    audit_record(
        organization=run.organization,
        actor=by,
        action="proposal.assigned",
        target=run,
        data={"mentee": _name(proposal.mentee.user), "mentor": _name(mentor.user)},
    )
    return proposal


# --- publish -------------------------------------------------------------------------------


@transaction.atomic
def matchrun_publish(*, run, by, site_url=""):
    """Publish a run: pending pairings for every approved, locked or hand-made pair (a
    proposed pair counts as approved unless rejected), all or nothing, then e-mail both
    sides once each, on commit. Publishing twice creates nothing new."""
    organization = run.organization
    locked = (
        MatchRun.objects.for_org(organization)
        .select_for_update()
        .select_related("cohort", "cohort__program")
        .get(pk=run.pk)
    )
    if locked.status == MatchRun.Status.PUBLISHED:
        return locked, []
    _check_reviewable(locked)
    proposals = list(
        locked.proposals.filter(status__in=PUBLISHABLE_STATUSES, mentor__isnull=False)
        .select_related("mentee__user", "mentor__user")
        .order_by("pk")
    )
    if not proposals:
        raise ValidationError(
            "Nothing to publish: every pair is rejected or unmatched. Approve or pair someone "
            "by hand first."
        )
    already = set(
        Pairing.objects.for_org(organization)
        .live()
        .filter(kind=Pairing.Kind.CORE, mentee_id__in=[p.mentee_id for p in proposals])
        .values_list("mentee_id", flat=True)
    )
    if already:
        names = ", ".join(sorted(_name(p.mentee.user) for p in proposals if p.mentee_id in already))
        raise ValidationError(f"Already paired since this run: {names}. Run matching again.")
    problems = _publish_problems(locked, proposals)
    if problems:
        raise ValidationError(
            [*problems, "Nothing was published: change these pairs or run matching again."]
        )
    current = settings_for(locked.cohort.program)
    now = timezone.now()
    accept_by = now + timedelta(days=current.accept_within_days)
    pairings = []
    for p in proposals:
        pairing = Pairing(
            organization=organization,
            cohort=locked.cohort,
            mentee=p.mentee,
            mentor=p.mentor,
            kind=Pairing.Kind.CORE,
            status=Pairing.Status.PENDING,
            run=locked,
            score=p.score,
            components=p.components,
            accept_by=accept_by,
        )
        pairing.full_clean(validate_constraints=False)
        pairing.save()
        pairings.append(pairing)
    # A proposed pair was published as approved: record it so.
    locked.proposals.filter(status=Proposal.Status.PROPOSED).update(status=Proposal.Status.APPROVED)
    locked.status = MatchRun.Status.PUBLISHED
    locked.published_by = by
    locked.published_at = now
    locked.save(update_fields=["status", "published_by", "published_at"])
    for pairing in pairings:
        pairing_offered_notify(pairing=pairing, site_url=site_url)
    audit_record(
        organization=organization,
        actor=by,
        action="matchrun.published",
        target=locked,
        data={"cohort": locked.cohort.name, "pairings": len(pairings)},
    )
    return locked, pairings


def _publish_problems(run, proposals):
    """The hard rules (M2) checked again at publishing, against the cohort as it is now:
    people withdrawn, intakes reopened, exclusions added and mentors filled since the run.
    One sentence per broken pair; empty when all may be published."""
    profiles = cohort_profiles(run.cohort)
    exclusions = exclusion_pairs(run.organization, profiles)
    problems = []
    for p in proposals:
        problem = _rule_problem(run, profiles, exclusions, p.mentee_id, p.mentor_id)
        if problem:
            problems.append(f"{_name(p.mentee.user)} with {_name(p.mentor.user)}: {problem}")
    taken = Counter(p.mentor_id for p in proposals)
    for mentor_id, count in sorted(taken.items()):
        places = profiles.mentor_capacity.get(mentor_id, 0) - profiles.mentor_load.get(mentor_id, 0)
        if mentor_id in profiles.mentor_capacity and count > places:
            mentor = profiles.participants[mentor_id].user
            problems.append(
                f"{_name(mentor)} would have {count} new mentees but has "
                f"{max(places, 0)} place{'s' if places != 1 else ''} left."
            )
    return problems


def publishable_count(run):
    return run.proposals.filter(status__in=PUBLISHABLE_STATUSES, mentor__isnull=False).count()


# --- the mentor's answer -------------------------------------------------------------------


def _check_own(pairing, by):
    if pairing.mentor.user_id != by.pk:
        raise ValidationError("Only the mentor of this pairing can answer it.")


@transaction.atomic
def pairing_accept(*, pairing, by):
    """The mentor accepts a new pairing: it becomes active (M9's clock starts)."""
    _check_own(pairing, by)
    if pairing.status == Pairing.Status.ACTIVE:
        return pairing
    if pairing.status != Pairing.Status.PENDING:
        raise ValidationError(
            f"This pairing is {pairing.get_status_display().lower()}: it cannot be accepted."
        )
    now = timezone.now()
    pairing.status = Pairing.Status.ACTIVE
    pairing.accepted_at = now
    pairing.last_activity_at = now
    pairing.save(update_fields=["status", "accepted_at", "last_activity_at"])
    return pairing


@transaction.atomic
def pairing_decline(*, pairing, by, reason=""):
    """The mentor declines a new pairing: it ends, and the mentee is offered the next best
    mentor with capacity (M9); with nobody left, the admin sees it on the calibration page."""
    _check_own(pairing, by)
    if pairing.status == Pairing.Status.DECLINED:
        return pairing
    if pairing.status != Pairing.Status.PENDING:
        raise ValidationError(
            f"This pairing is {pairing.get_status_display().lower()}: it cannot be declined."
        )
    pairing.status = Pairing.Status.DECLINED
    pairing.ended_at = timezone.now()
    pairing.end_reason = (reason or "Declined by the mentor")[:200]
    pairing.save(update_fields=["status", "ended_at", "end_reason"])
    care.offer_next_mentor(pairing=pairing, why="Declined", now=pairing.ended_at)
    return pairing


def my_mentoring(*, organization, user):
    """(pairings where I mentor, pairings where I am mentored), live and recent first."""
    base = Pairing.objects.for_org(organization).select_related(
        "mentor__user", "mentee__user", "cohort__program", "topic"
    )
    shown = [Pairing.Status.PENDING, Pairing.Status.ACTIVE]
    as_mentor = list(base.filter(mentor__user=user, status__in=shown).order_by("status", "-id"))
    as_mentee = list(base.filter(mentee__user=user, status__in=shown).order_by("status", "-id"))
    return as_mentor, as_mentee


__all__ = [
    "LABELS",
    "RunCheck",
    "exclusion_create",
    "exclusion_delete",
    "matching_settings_update",
    "matchrun_execute",
    "matchrun_problems",
    "matchrun_publish",
    "matchrun_start",
    "my_mentoring",
    "pairing_accept",
    "pairing_decline",
    "proposal_assign",
    "proposal_set_status",
    "proposal_swap",
    "weights_of",
]
