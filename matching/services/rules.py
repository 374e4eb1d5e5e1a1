"""The hard rules (M2) a pair must pass, checked the same way wherever a pair is made:
before a run (what stands in the way), on a swap or a pair made by hand, in the hints of the
proposal form, and again at publishing. Reads only: nothing here writes.

The engine's :func:`~matching.engine.scoring.constraint_violation` decides; the run's
settings snapshot gives the rules (readiness threshold, furthest time-zone gap) as they
were when the run started.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from django.db.models import prefetch_related_objects

from programs.models import Participant

from ..engine.scoring import ALL_WEIGHTS_ZERO, Weights, constraint_violation
from ..models import WEIGHT_FIELDS, MatchingSettings, Proposal, RejectedPair
from ..selectors.engine_input import CohortProfiles, cohort_profiles, exclusion_pairs
from ..selectors.settings import matching_settings

# Proposals that do not hold a mentor's place.
FREE_STATUSES = [Proposal.Status.REJECTED, Proposal.Status.UNMATCHED]
# Proposals that become pairings when the run is published (a proposed pair counts as
# approved unless rejected).
PUBLISHABLE_STATUSES = [
    Proposal.Status.PROPOSED,
    Proposal.Status.APPROVED,
    Proposal.Status.LOCKED,
    Proposal.Status.MANUAL,
]


def name_of(person):
    return person.name or person.email


def places_text(places):
    return f"{max(places, 0)} place{'s' if places != 1 else ''}"


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


def run_check(cohort, profiles: CohortProfiles, current: MatchingSettings) -> RunCheck:
    """Check a cohort's profiles against its settings before a run."""
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


def rejected_pairs(cohort) -> set[tuple[int, int]]:
    """The pairs the admin rejected in a review of this cohort and has not lifted, as
    (mentee participant pk, mentor participant pk): a run never proposes them."""
    return set(
        RejectedPair.objects.for_org(cohort.organization_id)
        .filter(cohort=cohort)
        .values_list("mentee_id", "mentor_id")
    )


def matchrun_problems(cohort, settings=None) -> RunCheck:
    """Check a cohort before running matching: the page shows this before the button.
    ``settings``: the program's matching settings, when the caller has read them already."""
    settings = settings or matching_settings(program=cohort.program)
    # The check counts people and reads exclusions: profiles without the scoring details,
    # and the person read only for those the page names.
    check = run_check(cohort, cohort_profiles(cohort, detail=False), settings)
    prefetch_related_objects([*check.skipped, *check.excluded_from_all], "user")
    return check


def snapshot_weights(run) -> Weights:
    return Weights(**run.settings_snapshot["weights"])


def snapshot_rules(run) -> dict:
    """The run's hard rules as it was started (older runs have no time-zone limit)."""
    snapshot = run.settings_snapshot
    return {
        "readiness_threshold": snapshot.get("readiness_threshold", 0.0),
        "max_timezone_gap_hours": snapshot.get("max_timezone_gap_hours"),
    }


def pair_rule_problem(run, mentee, mentor, exclusions):
    """Why the ``mentee`` profile may not have the ``mentor`` profile under the run's rules,
    in words, or None. Capacity is not a rule here: the caller counts it against the run's
    other pairs."""
    return constraint_violation(
        mentee,
        replace(mentor, capacity=max(mentor.capacity, 1)),
        exclusions=exclusions,
        **snapshot_rules(run),
    )


def rule_problem(run, profiles, exclusions, mentee_id, mentor_id):
    """Why mentee_id may not have mentor_id, in words, or None."""
    e = profiles.mentee(mentee_id)
    r = profiles.mentor(mentor_id)
    if e is None:
        return "The mentee is no longer active in the cohort, or has no intake."
    if r is None:
        return "The mentor is no longer active in the cohort, or has no intake."
    return pair_rule_problem(run, e, r, exclusions)


def mentor_places_left(profiles, mentor_id):
    """Places a mentor has for new pairs: their intake's capacity minus live pairings."""
    return profiles.mentor_capacity.get(mentor_id, 0) - profiles.mentor_load.get(mentor_id, 0)


def capacity_problem(run, profiles, mentor_id, *, excluding):
    taken = (
        run.proposals.filter(mentor_id=mentor_id)
        .exclude(status__in=FREE_STATUSES)
        .exclude(pk__in=excluding)
        .count()
    )
    places = mentor_places_left(profiles, mentor_id)
    if taken >= places:
        mentor = profiles.participants[mentor_id].user
        return f"{name_of(mentor)} is at capacity ({places_text(places)})."
    return None


def publish_problems(run, proposals):
    """The hard rules (M2) checked again at publishing, against the cohort as it is now:
    people withdrawn, intakes reopened, exclusions added and mentors filled since the run.
    One sentence per broken pair; empty when all may be published."""
    profiles = cohort_profiles(run.cohort)
    exclusions = exclusion_pairs(run.organization, profiles)
    problems = []
    for p in proposals:
        problem = rule_problem(run, profiles, exclusions, p.mentee_id, p.mentor_id)
        if problem:
            problems.append(f"{name_of(p.mentee.user)} with {name_of(p.mentor.user)}: {problem}")
    taken = Counter(p.mentor_id for p in proposals)
    for mentor_id, count in sorted(taken.items()):
        places = mentor_places_left(profiles, mentor_id)
        if mentor_id in profiles.mentor_capacity and count > places:
            mentor = profiles.participants[mentor_id].user
            problems.append(
                f"{name_of(mentor)} would have {count} new mentees but has "
                f"{places_text(places)} left."
            )
    return problems
