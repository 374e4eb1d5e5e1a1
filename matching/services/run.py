"""Running the optimiser over a cohort (M3, M4, M10): start a run (checked, settings
snapshot taken, solved inline for a small cohort or queued for the worker) and execute it
(idempotent: a finished run is not solved again). The hard rules are in :mod:`.rules`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mentorship.notifications.services import enqueue_on_commit
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..engine.optimiser import solve
from ..engine.scoring import Weights, score_pair
from ..models import WEIGHT_FIELDS, MatchingSettings, MatchRun, Proposal
from ..selectors.engine_input import CohortProfiles, cohort_profiles, exclusion_pairs, rules_of
from ..selectors.settings import matching_settings
from .rules import name_of as _name
from .rules import pair_rule_problem, rejected_pairs, run_check, snapshot_rules, snapshot_weights

register_audit_actions({"matchrun.started": "Ran matching for a cohort"})

# Cohorts with more mentees than this are matched by a background task.
DEFAULT_INLINE_LIMIT = 200
# A re-run keeps the locked and hand-made pairs of the run it supersedes.
KEPT_STATUSES = [Proposal.Status.LOCKED, Proposal.Status.MANUAL]
HISTOGRAM_BINS = 10


def inline_limit():
    return getattr(settings, "MATCHING_INLINE_MENTEES", DEFAULT_INLINE_LIMIT)


def _snapshot(current: MatchingSettings) -> dict:
    return {
        "weights": {n: float(getattr(current, f"weight_{n}")) for n in WEIGHT_FIELDS},
        "priority": current.priority,
        **rules_of(current),
        "accept_within_days": current.accept_within_days,
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


def _next_number(cohort):
    """The next run's number within the cohort, the cohort's row locked so that two admins
    starting a run at once do not get the same one."""
    Cohort = type(cohort)
    Cohort.objects.for_org(cohort.organization_id).select_for_update().filter(pk=cohort.pk).first()
    last = (
        MatchRun.objects.for_org(cohort.organization_id)
        .filter(cohort=cohort)
        .aggregate(last=Max("number"))["last"]
    )
    return (last or 0) + 1


@transaction.atomic
def matchrun_start(*, cohort, by, inline=None):
    """Run matching for a cohort (M4): check, snapshot the settings, then solve inline or
    queue a task (cohorts of more than ``inline_limit()`` mentees). Bad input raises a
    ValidationError listing every problem, and nothing is stored."""
    organization = cohort.organization
    current = matching_settings(program=cohort.program)
    profiles = cohort_profiles(cohort)
    check = run_check(cohort, profiles, current)
    if check.problems:
        raise ValidationError(check.problems)
    kept = _kept_pairs(cohort)
    run = MatchRun(
        organization=organization,
        cohort=cohort,
        number=_next_number(cohort),
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


def fit_histogram(scores):
    """How many of ``scores`` (fits in [0, 1]) fall in each tenth."""
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
    weights = snapshot_weights(run)
    # The admin's exclusions, and the pairs rejected in an earlier review of the cohort.
    exclusions = exclusion_pairs(cohort.organization, profiles) | rejected_pairs(cohort)
    mentees = [m for m in profiles.mentees if m.id not in profiles.paired_mentee_ids]
    mentee_by_id = {m.id: m for m in mentees}
    mentor_by_id = {m.id: m for m in profiles.mentors}
    rules = snapshot_rules(run)
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
            why = pair_rule_problem(run, e, r, exclusions)
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
        "histogram": fit_histogram(fits),
        "optimal": result.optimal,
        "solve_s": round(float(result.stats.get("solve_s", 0.0)), 4),
    }
    run.save()
    return run
