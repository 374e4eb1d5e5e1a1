"""Which mentors could take a mentee now: the next best mentor after a decline or an expiry,
the re-pair choices on the Calibration page, the topic mentors a mentee may get.

A read: the engine's score with the program's hard rules applied, for the cohort's mentors
with capacity left. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from programs.models import Participant

from ..engine.scoring import constraint_violation, score_pair
from ..models import Pairing
from .engine_input import cohort_profiles, exclusion_pairs, rules_of, weights_of
from .settings import matching_settings


@dataclass
class Candidate:
    mentor: Participant
    score: float
    components: list = field(default_factory=list)
    capacity: int = 0


def mentor_candidates(*, mentee, exclude_mentor_ids=(), limit=3, profiles=None):
    """The best mentors with capacity for ``mentee`` (a Participant) in its cohort, by the
    engine's score, hard constraints applied; each with its explained components.
    ``limit=0`` returns every one."""
    cohort = mentee.cohort
    profiles = profiles or cohort_profiles(cohort)
    matching = matching_settings(program=cohort.program)
    weights = weights_of(matching)
    mentee_profile = profiles.mentee(mentee.pk)
    if mentee_profile is None:
        return []
    exclusions = exclusion_pairs(mentee.organization, profiles)
    excluded = set(exclude_mentor_ids)
    found = []
    for mentor in profiles.mentors:
        if mentor.id in excluded or mentor.capacity <= 0:
            continue
        if constraint_violation(
            mentee_profile,
            mentor,
            exclusions=exclusions,
            **rules_of(matching),
        ):
            continue
        score = score_pair(mentee_profile, mentor, weights, profiles.competency_names)
        found.append(
            Candidate(
                mentor=profiles.participants[mentor.id],
                score=score.total,
                components=score.stored(),
                capacity=mentor.capacity,
            )
        )
    found.sort(key=lambda c: (-c.score, c.mentor.pk))
    return found[:limit] if limit else found


def past_mentor_ids(*, pairing):
    """Every mentor the pairing's mentee has had in its cohort (this pairing's included)."""
    return set(
        Pairing.objects.filter(
            organization_id=pairing.organization_id,
            cohort_id=pairing.cohort_id,
            mentee_id=pairing.mentee_id,
        ).values_list("mentor_id", flat=True)
    )


def repair_candidates(*, pairing, limit=3):
    """Mentors with capacity for a re-pair: not the pairing's mentor, nor one who already
    works with the mentee (a core or topic pairing that is live)."""
    busy = set(
        Pairing.objects.for_org(pairing.organization)
        .live()
        .filter(mentee_id=pairing.mentee_id)
        .values_list("mentor_id", flat=True)
    )
    return mentor_candidates(
        mentee=pairing.mentee, exclude_mentor_ids=busy | {pairing.mentor_id}, limit=limit
    )
