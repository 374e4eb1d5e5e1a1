"""matching.access: the same 404 for a missing row, another organisation's row and a row
this member may not reach."""

import pytest
from django.http import Http404

from matching.access import (
    access_exclusion_by_id,
    access_match_run_by_id,
    access_pairing_by_id,
    access_proposal_by_id,
)
from matching.models import Exclusion, MatchRun, Proposal
from mentorship.tenancy.models import Membership, Role

from .factories import PairingFactory, make_cohort, make_person

pytestmark = pytest.mark.django_db


def _membership(org, user):
    return Membership.objects.for_org(org).get(user=user)


def test_pairing_staff_reach_and_own_sides(org, other_org, admin, leader, member):
    pairing = PairingFactory(mentee__cohort=make_cohort(org))
    admin_m, leader_m, member_m = (_membership(org, u) for u in (admin, leader, member))
    assert access_pairing_by_id(membership=admin_m, pairing_id=pairing.pk) == pairing
    assert access_pairing_by_id(membership=leader_m, pairing_id=pairing.pk) == pairing
    with pytest.raises(Http404):
        access_pairing_by_id(membership=member_m, pairing_id=pairing.pk)
    mentor_m = _membership(org, pairing.mentor.user)
    mentee_m = _membership(org, pairing.mentee.user)
    for side in ("either", "mentor"):
        assert access_pairing_by_id(membership=mentor_m, pairing_id=pairing.pk, side=side)
    with pytest.raises(Http404):
        access_pairing_by_id(membership=mentor_m, pairing_id=pairing.pk, side="mentee")
    assert access_pairing_by_id(membership=mentee_m, pairing_id=pairing.pk, side="mentee")
    with pytest.raises(Http404):
        access_pairing_by_id(membership=mentee_m, pairing_id=pairing.pk, side="mentor")
    # An admin who is on neither side does not reach it as "their own".
    with pytest.raises(Http404):
        access_pairing_by_id(membership=admin_m, pairing_id=pairing.pk, side="either")
    # Another organisation's admin, and a missing id: the same 404.
    elsewhere = _membership(other_org, make_person(other_org, Role.ADMIN))
    with pytest.raises(Http404):
        access_pairing_by_id(membership=elsewhere, pairing_id=pairing.pk)
    with pytest.raises(Http404):
        access_pairing_by_id(membership=admin_m, pairing_id=pairing.pk + 1000)


def test_runs_proposals_exclusions(org, other_org, admin, leader, member):
    cohort = make_cohort(org)
    run = MatchRun.objects.create(organization=org, cohort=cohort)
    pairing = PairingFactory(mentee__cohort=cohort)
    proposal = Proposal.objects.create(organization=org, run=run, mentee=pairing.mentee)
    exclusion = Exclusion.objects.create(
        organization=org, mentee=pairing.mentee.user, mentor=pairing.mentor.user
    )
    admin_m, leader_m, member_m = (_membership(org, u) for u in (admin, leader, member))
    elsewhere = _membership(other_org, make_person(other_org, Role.ADMIN))
    assert access_match_run_by_id(membership=leader_m, match_run_id=run.pk) == run
    assert access_proposal_by_id(membership=leader_m, proposal_id=proposal.pk) == proposal
    assert access_exclusion_by_id(membership=admin_m, exclusion_id=exclusion.pk) == exclusion
    refused = [
        lambda m: access_match_run_by_id(membership=m, match_run_id=run.pk),
        lambda m: access_proposal_by_id(membership=m, proposal_id=proposal.pk),
    ]
    for get in refused:
        for membership in (member_m, elsewhere):
            with pytest.raises(Http404):
                get(membership)
    for membership in (leader_m, member_m, elsewhere):
        with pytest.raises(Http404):
            access_exclusion_by_id(membership=membership, exclusion_id=exclusion.pk)
