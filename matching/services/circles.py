"""Cohort circles (M8): a cohort in the group format split into small circles, each led by
one mentor, by the same fit scores and hard rules as one-to-one matching."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions
from mentorship.tenancy.scoping import set_links
from programs.models import Participant

from ..engine.circles import split_circles
from ..engine.scoring import constraint_violation, score_pair
from ..models import Circle
from ..selectors.engine_input import cohort_profiles, exclusion_pairs, rules_of, weights_of
from ..selectors.settings import matching_settings

register_audit_actions({"matching.circles_split": "Split a cohort into circles"})


def _name(participant):
    return participant.user.name or participant.user.email


def _with_capacity(mentor):
    # Circles are group settings: capacity for one-to-one pairings does not apply.
    return replace(mentor, capacity=max(mentor.capacity, 1))


@transaction.atomic
def cohort_circles_split(*, cohort, by):
    """Replace the cohort's circles with a fresh split (M8); returns (circles, unplaced)."""
    profiles = cohort_profiles(cohort)
    matching = matching_settings(program=cohort.program)
    weights = weights_of(matching)
    exclusions = exclusion_pairs(cohort.organization, profiles)
    mentors = list(profiles.mentors)
    fit, forbidden = {}, set()
    for mentee in profiles.mentees:
        for mentor in mentors:
            rule = constraint_violation(
                mentee,
                _with_capacity(mentor),
                exclusions=exclusions,
                **rules_of(matching),
            )
            if rule:
                forbidden.add((mentee.id, mentor.id))
            else:
                fit[(mentee.id, mentor.id)] = score_pair(mentee, mentor, weights).total
    plan = split_circles(
        [m.id for m in profiles.mentees], [m.id for m in mentors], fit, forbidden=forbidden
    )
    Circle.objects.for_org(cohort.organization).filter(cohort=cohort).delete()
    circles = []
    for number, (mentor_id, members) in enumerate(plan.circles.items(), start=1):
        if not members:
            continue
        mentor = profiles.participants[mentor_id]
        circle = Circle(
            organization=cohort.organization,
            cohort=cohort,
            mentor=mentor,
            name=f"Circle {number}: {_name(mentor)}",
        )
        circle.full_clean()
        circle.save()
        set_links(
            circle.mentees,
            [profiles.participants[e] for e in members],
            organization=cohort.organization,
            field="mentees",
        )
        circles.append(circle)
    unplaced = {profiles.participants[e]: why for e, why in plan.unplaced.items()}
    for person in profiles.missing_intake:
        if person.role == Participant.Role.MENTEE:
            unplaced[person] = "No completed intake"
    audit_record(
        organization=cohort.organization,
        actor=by,
        action="matching.circles_split",
        target=cohort,
        data={"circles": len(circles), "unplaced": len(unplaced)},
    )
    return circles, unplaced
