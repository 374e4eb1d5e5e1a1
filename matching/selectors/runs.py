"""The reads of the matching runs area's pages: a program's settings page, the exclusions,
a cohort's matching page, a run's review and the proposal form's hints. Keyword-only, each
taking the organisation or an object reached through it; nothing here writes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Q

from ..engine.matrix import PairScorer
from ..engine.scoring import score_pair
from ..models import Exclusion, MatchRun, Pairing, Proposal, RejectedPair
from ..services.rules import (
    FREE_STATUSES,
    PUBLISHABLE_STATUSES,
    pair_rule_problem,
    rejected_pairs,
    snapshot_rules,
    snapshot_weights,
)
from ..services.run import fit_histogram
from .engine_input import cohort_profiles, exclusion_pairs

# Fits closer than this are the same figure on the page (two decimals are shown).
SAME_FIT = 0.005


def program_recent_cohorts(*, program, limit=10):
    return list(program.cohorts.order_by("-starts_on")[:limit])


def exclusions_of(*, organization):
    """The organisation's exclusions, newest first, with both people."""
    return (
        Exclusion.objects.for_org(organization)
        .select_related("mentee", "mentor", "created_by")
        .order_by("-created_at", "-id")
    )


def cohort_runs(*, cohort):
    """A cohort's match runs, newest first (the model's order)."""
    return (
        MatchRun.objects.for_org(cohort.organization_id)
        .filter(cohort=cohort)
        .select_related("created_by", "published_by")
    )


def cohort_rejections(*, cohort):
    """The pairs rejected in a review of the cohort that later runs keep out, newest first."""
    return list(
        RejectedPair.objects.for_org(cohort.organization_id)
        .filter(cohort=cohort)
        .select_related("mentee__user", "mentor__user", "created_by")
    )


def cohort_live_pairings(*, cohort):
    """A cohort's pending and active pairings, by mentee name."""
    return list(
        Pairing.objects.for_org(cohort.organization_id)
        .filter(cohort=cohort)
        .live()
        .select_related("mentor__user", "mentee__user")
        .order_by("mentee__user__name")
    )


def run_pairs(*, run):
    """A run's proposed pairs (a mentor proposed), best fit first, with both people: a
    queryset, for the run page to show a page at a time."""
    return (
        run.proposals.filter(mentor__isnull=False)
        .select_related("mentee__user", "mentor__user")
        .order_by("-score", "id")
    )


def run_unmatched(*, run):
    """A run's mentees with no mentor proposed, by name, with the reason."""
    return list(
        run.proposals.filter(mentor__isnull=True)
        .select_related("mentee__user")
        .order_by("mentee__user__name", "id")
    )


@dataclass
class RunFigures:
    """A run's figures as its pairs now stand (after swaps, rejections and pairs made by
    hand): what the page shows, beside the optimiser's (``run.min_fit`` and friends)."""

    mentees: int = 0
    matched: int = 0
    mean_fit: float | None = None
    min_fit: float | None = None
    histogram: list = field(default_factory=list)
    # The optimiser's figures, for the page to show beside.
    optimiser_mean: float | None = None
    optimiser_min: float | None = None
    # The fits of the pairs each mentor holds, by mentor id.
    held: dict = field(default_factory=dict)

    @property
    def match_rate(self):
        return self.matched / self.mentees if self.mentees else 0.0

    @property
    def changed(self):
        """True when the pairs no longer have the optimiser's figures."""
        return any(
            (a is None) != (b is None) or (a is not None and abs(a - b) >= SAME_FIT)
            for a, b in ((self.mean_fit, self.optimiser_mean), (self.min_fit, self.optimiser_min))
        )

    @property
    def protected(self):
        """True when the worst-off mentee fits as well as the optimiser left them."""
        if self.min_fit is None or self.optimiser_min is None:
            return False
        return self.min_fit > self.optimiser_min - SAME_FIT


def run_figures(*, run):
    """The run's match rate, mean and lowest fit and histogram of the pairs that would be
    published now (rejected and unmatched mentees left out). One query."""
    held = {}
    for score, mentor_id in run.proposals.filter(status__in=PUBLISHABLE_STATUSES).values_list(
        "score", "mentor_id"
    ):
        if mentor_id is not None and score is not None:
            held.setdefault(mentor_id, []).append(score)
    scores = [score for fits in held.values() for score in fits]
    return RunFigures(
        held=held,
        mentees=(run.stats or {}).get("mentees", 0),
        matched=len(scores),
        mean_fit=sum(scores) / len(scores) if scores else None,
        min_fit=min(scores) if scores else None,
        histogram=fit_histogram(scores),
        optimiser_mean=run.mean_fit,
        optimiser_min=run.min_fit,
    )


def review_counts(*, run):
    """(pairs to publish, pairs still "proposed") of a run, in one query."""
    counts = run.proposals.aggregate(
        publishable=Count("pk", filter=Q(status__in=PUBLISHABLE_STATUSES, mentor__isnull=False)),
        proposed=Count("pk", filter=Q(status=Proposal.Status.PROPOSED)),
    )
    return counts["publishable"], counts["proposed"]


def publishable_count(*, run):
    return review_counts(run=run)[0]


def proposal_mentor_notes(*, proposal):
    """Per mentor of the cohort, for the form that pairs ``proposal``'s mentee by hand: the
    fit and places left, or the rule it breaks. The rules are the run's, checked exactly as
    the service checks them on save (:func:`matching.services.rules.pair_rule_problem`), so
    a mentor the service would refuse is never shown as allowed."""
    run = proposal.run
    profiles = cohort_profiles(run.cohort)
    mentees, mentors = profiles.by_id()
    mentee = mentees.get(proposal.mentee_id)
    if mentee is None:
        return {}
    exclusions = exclusion_pairs(run.organization, profiles)
    taken = Counter(
        run.proposals.exclude(status__in=FREE_STATUSES)
        .exclude(pk=proposal.pk)
        .values_list("mentor_id", flat=True)
    )
    weights = snapshot_weights(run)
    notes = {}
    for mentor_id, mentor in mentors.items():
        rule = pair_rule_problem(run, mentee, mentor, exclusions)
        if rule:
            notes[mentor_id] = f"not allowed ({rule})"
            continue
        places = mentor.capacity - taken.get(mentor_id, 0)
        fit = score_pair(mentee, mentor, weights, profiles.competency_names).total
        left = f"{places} place{'s' if places != 1 else ''} left" if places > 0 else "full"
        notes[mentor_id] = f"fit {fit:.2f}, {left}"
    return notes


def proposal_swap_notes(*, proposal):
    """Per other pair of the run that ``proposal`` could swap mentors with, what the swap
    would make of both mentees' fits, or the rule it breaks: the words of the swap
    control, checked as the service checks them on save (:func:`pair_rule_problem`)."""
    run = proposal.run
    if proposal.mentor_id is None:
        return {}
    profiles = cohort_profiles(run.cohort)
    mentees, mentors = profiles.by_id()
    exclusions = exclusion_pairs(run.organization, profiles)
    weights = snapshot_weights(run)
    me = mentees.get(proposal.mentee_id)
    my_mentor = mentors.get(proposal.mentor_id)
    others = (
        run.proposals.filter(mentor__isnull=False)
        .exclude(pk=proposal.pk)
        .exclude(mentor_id=proposal.mentor_id)
        .exclude(status=Proposal.Status.REJECTED)
        .select_related("mentee__user")
    )
    notes = {}
    for other in others:
        them, their_mentor = mentees.get(other.mentee_id), mentors.get(other.mentor_id)
        if None in (me, my_mentor, them, their_mentor):
            notes[other.pk] = "not allowed (no longer active in the cohort, or no intake)"
            continue
        rule = pair_rule_problem(run, me, their_mentor, exclusions) or pair_rule_problem(
            run, them, my_mentor, exclusions
        )
        if rule:
            notes[other.pk] = f"not allowed ({rule})"
            continue
        mine = score_pair(me, their_mentor, weights, profiles.competency_names).total
        theirs = score_pair(them, my_mentor, weights, profiles.competency_names).total
        notes[other.pk] = (
            f"{_first_name(proposal.mentee.user)}'s fit {proposal.score or 0:.2f} → {mine:.2f}, "
            f"{_first_name(other.mentee.user)}'s {other.score or 0:.2f} → {theirs:.2f}"
        )
    return notes


def _first_name(user):
    name = user.name or user.email
    return name.split()[0] if user.name else name


def best_fit_notes(*, run, proposals, held=None):
    """Per proposal of ``proposals`` (the page's) whose mentee has a better-fitting mentor
    the run's rules allow, why they did not get that mentor, in one sentence: the mentor is
    full (with mentees who fit them better, or who would lose more than this mentee gains),
    has a place left now (after a change in review), or the pair was made by hand.
    ``held``: the fits each mentor holds (``RunFigures.held``), when the caller has them."""
    rows = [p for p in proposals if p.mentor_id and p.score is not None]
    if not rows:
        return {}
    profiles = cohort_profiles(run.cohort)
    mentees, mentors = profiles.by_id()
    exclusions = exclusion_pairs(run.organization_id, profiles) | rejected_pairs(run.cohort)
    weights = snapshot_weights(run)
    if held is None:
        held = run_figures(run=run).held
    page_mentees = [mentees[p.mentee_id] for p in rows if p.mentee_id in mentees]
    mentor_list = list(mentors.values())
    if not page_mentees or not mentor_list:
        return {}
    # Every page mentee against every mentor in one block, the run's hard rules applied.
    scorer = PairScorer(
        page_mentees, mentor_list, weights, exclusions=exclusions, **snapshot_rules(run)
    )
    fits, allowed = scorer.block(0, len(page_mentees))
    kept = {mentee_id for mentee_id, _ in (run.settings_snapshot or {}).get("kept", [])}
    notes = {}
    for p in rows:
        if p.mentee_id not in mentees:
            continue
        i = scorer.mentee_index[p.mentee_id]
        better = allowed[i] & (fits[i] > p.score + SAME_FIT)
        if p.mentor_id in scorer.mentor_index:
            better[scorer.mentor_index[p.mentor_id]] = False
        if not better.any():
            continue
        best = mentor_list[int(np.argmax(np.where(better, fits[i], -np.inf)))]
        mentee = mentees[p.mentee_id]
        if pair_rule_problem(run, mentee, best, exclusions):
            continue
        best_fit = score_pair(mentee, best, weights, profiles.competency_names).total
        who = _first_name(p.mentee.user)
        their = _first_name(profiles.participants[best.id].user)
        lead = f"{who}'s best fit, {their} ({best_fit:.2f}),"
        others = held.get(best.id, [])
        if p.status == Proposal.Status.MANUAL:
            notes[p.pk] = f"{lead} was not chosen: this pair was made by hand."
        elif p.mentee_id in kept:
            notes[p.pk] = f"{lead} was not chosen: this pair was locked in the run before."
        elif len(others) < best.capacity:
            notes[p.pk] = (
                f"{lead} has a place left now, after the changes in review: use Change to "
                f"pair {who} with {their}."
            )
        elif all(o > best_fit + SAME_FIT for o in others):
            notes[p.pk] = (
                f"{lead} is full with mentees who fit {their} better; the whole cohort's fit "
                "is higher this way."
            )
        elif all(o > best_fit - SAME_FIT for o in others):
            notes[p.pk] = (
                f"{lead} is full with mentees who fit {their} at least as well; the whole "
                "cohort's fit is higher this way."
            )
        else:
            notes[p.pk] = (
                f"{lead} is full: {their}'s mentees would lose more fit elsewhere than {who} "
                "would gain; the whole cohort's fit is higher this way."
            )
    return notes
