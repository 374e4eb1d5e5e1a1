"""The review of a run: swap and pair by hand, checked against the run's rules."""

import pytest
from django.core.exceptions import ValidationError

from matching.models import (
    Proposal,
)
from matching.services.review import proposal_assign, proposal_set_status, proposal_swap
from matching.services.run import matchrun_start
from tests.matching.factories import (
    add_mentee,
    matching_cohort,
)

pytestmark = pytest.mark.django_db


def _errors(exc):
    return " ".join(exc.value.messages)


# --- review --------------------------------------------------------------------------------


def test_a_swap_that_breaks_a_rule_is_refused_saying_which(org, admin):
    cohort, comps, mentors, _ = matching_cohort(org, mentors=2, mentees=0, capacity=1)
    a = add_mentee(cohort, comps)
    b = add_mentee(cohort, comps, manager=mentors[0].user)
    run = matchrun_start(cohort=cohort, by=admin)
    pa, pb = run.proposals.get(mentee=a), run.proposals.get(mentee=b)
    assert pb.mentor_id == mentors[1].pk

    with pytest.raises(ValidationError) as error:
        proposal_swap(proposal=pa, other=pb, by=admin)
    assert "manager" in _errors(error)


def test_a_swap_exchanges_mentors_and_rescores(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=2, capacity=1)
    run = matchrun_start(cohort=cohort, by=admin)
    pa, pb = run.proposals.order_by("mentee_id")
    before = (pa.mentor_id, pb.mentor_id)
    proposal_swap(proposal=pa, other=pb, by=admin)
    pa.refresh_from_db()
    pb.refresh_from_db()
    assert (pb.mentor_id, pa.mentor_id) == before
    assert pa.status == Proposal.Status.MANUAL and pa.score is not None


def test_pair_by_hand_enforces_capacity_and_shows_the_score(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=2, capacity=1)
    run = matchrun_start(cohort=cohort, by=admin)
    unmatched = run.proposals.get(status=Proposal.Status.UNMATCHED)
    with pytest.raises(ValidationError) as error:
        proposal_assign(proposal=unmatched, mentor=mentors[0], by=admin)
    assert "at capacity" in _errors(error)
    matched = run.proposals.get(mentor__isnull=False)
    proposal_set_status(proposal=matched, status="rejected", by=admin)
    proposal_assign(proposal=unmatched, mentor=mentors[0], by=admin)
    unmatched.refresh_from_db()
    assert unmatched.status == Proposal.Status.MANUAL and unmatched.score > 0
