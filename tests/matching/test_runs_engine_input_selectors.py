"""The engine's input (matching.selectors.engine_input): a cohort's people as profiles, in
a constant number of queries, with capacity, past pairings and the settings' weights."""

import pytest

from matching.models import (
    Pairing,
)
from matching.selectors.engine_input import cohort_profiles, weights_for
from matching.selectors.settings import matching_settings
from programs.models import Participant
from tests.matching.factories import (
    add_mentee,
    add_mentor,
    matching_cohort,
)
from tests.utils import max_queries

pytestmark = pytest.mark.django_db


def _errors(exc):
    return " ".join(exc.value.messages)


# --- profiles ------------------------------------------------------------------------------


def test_profiles_are_built_in_a_constant_number_of_queries(org):
    cohort, comps, _, _ = matching_cohort(org, mentors=2, mentees=2)
    with max_queries(8) as small:
        cohort_profiles(cohort)
    for _ in range(3):
        add_mentor(cohort, comps)
        add_mentee(cohort, comps)
    with max_queries(8) as large:
        profiles = cohort_profiles(cohort)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(profiles.mentees) == 5 and len(profiles.mentors) == 5


def test_profiles_use_participant_ids_readiness_and_skip_withdrawn_and_missing_intake(org):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=2)
    mentees[1].status = Participant.Status.WITHDRAWN
    mentees[1].save()
    no_intake = add_mentee(cohort, comps, intake=False)

    profiles = cohort_profiles(cohort)

    assert [m.id for m in profiles.mentees] == [mentees[0].pk]
    assert profiles.mentors[0].id == mentors[0].pk
    assert profiles.mentors[0].readiness == 4.0
    assert profiles.mentors[0].user_id == mentors[0].user_id
    assert profiles.missing_intake == [no_intake]
    assert profiles.competency_names[comps[0].pk] == "Listening"
    # Monday 08:00-12:00 in London (UTC+0 in January) is UTC hours 8..11.
    assert {8, 9, 10, 11} <= set(profiles.mentees[0].availability)


def test_capacity_counts_live_pairings_and_past_pairings_are_remembered(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=2, capacity=3)
    Pairing.objects.create(
        organization=org, cohort=cohort, mentee=mentees[0], mentor=mentors[0], status="active"
    )
    # An earlier cohort where the second mentee had the same mentor (another Participant).
    earlier, _, _, _ = matching_cohort(org, mentors=0, mentees=0, competencies=comps)
    old_mentor = add_mentor(earlier, comps, user=mentors[0].user)
    old_mentee = add_mentee(earlier, comps, user=mentees[1].user)
    Pairing.objects.create(
        organization=org, cohort=earlier, mentee=old_mentee, mentor=old_mentor, status="concluded"
    )

    profiles = cohort_profiles(cohort)

    assert profiles.mentors[0].capacity == 2
    assert profiles.paired_mentee_ids == {mentees[0].pk}
    second = next(m for m in profiles.mentees if m.id == mentees[1].pk)
    assert second.past_mentor_ids == frozenset({mentors[0].pk})


def test_settings_and_weights_have_defaults(org):
    cohort, *_ = matching_cohort(org, mentors=0, mentees=0)
    assert matching_settings(program=cohort.program).priority == "coverage"
    assert weights_for(cohort.program).normalised().competency == pytest.approx(0.4)
