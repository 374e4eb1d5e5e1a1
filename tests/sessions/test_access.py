"""Who sees what of a session (sessions/access.py): negatives first."""

import pytest
from django.http import Http404

from mentorship.tenancy.models import Membership
from sessions.access import access_session_by_id
from tests.sessions.factories import make_session


def _membership(org, user):
    return Membership.objects.for_org(org).get(user=user)


@pytest.mark.django_db
def test_another_pairs_mentor_gets_404(org, pair_cohort, session):
    other_mentor = pair_cohort[2].mentor.user
    with pytest.raises(Http404):
        access_session_by_id(membership=_membership(org, other_mentor), session_id=session.pk)


@pytest.mark.django_db
def test_a_plain_member_of_the_organisation_gets_404(org, member, session):
    with pytest.raises(Http404):
        access_session_by_id(membership=_membership(org, member), session_id=session.pk)


@pytest.mark.django_db
def test_leader_sees_metadata_not_notes(org, leader, session):
    viewer = access_session_by_id(membership=_membership(org, leader), session_id=session.pk).viewer
    assert viewer.side == "staff"
    assert not viewer.sees_notes and not viewer.can_log and not viewer.can_schedule


@pytest.mark.django_db
def test_notes_shared_with_the_team_when_the_charter_says_so(org, admin, pairing):
    program = pairing.cohort.program
    program.notes_shared_with_team = True
    program.save()
    session = make_session(pairing)
    viewer = access_session_by_id(membership=_membership(org, admin), session_id=session.pk).viewer
    assert viewer.sees_notes and not viewer.sees_private_note and not viewer.can_log


@pytest.mark.django_db
def test_the_pair_sees_notes_only_the_mentor_logs(org, session, mentor_user, mentee_user):
    mentor = access_session_by_id(membership=_membership(org, mentor_user), session_id=session.pk)
    mentee = access_session_by_id(membership=_membership(org, mentee_user), session_id=session.pk)
    assert mentor.viewer.can_log and mentor.viewer.sees_private_note
    assert mentee.viewer.sees_notes and not mentee.viewer.can_log
    assert not mentee.viewer.sees_private_note and mentee.viewer.can_write_pre_work
    assert [b.minutes for b in session.blocks.all()] == [5, 10, 10, 5]
