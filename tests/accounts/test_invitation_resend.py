"""The invitation resend sweep (issue 11): an open invitation is sent again after its
program's ``invitation_resend_days`` since it was last sent, at most
``invitation_max_resends`` times, with a link that keeps working (and the first link too)."""

import re
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from mentorship.accounts.models import Invitation
from mentorship.accounts.reminders import invitation_resend_sweep, invitations_due
from mentorship.accounts.selectors import invitation_by_token
from mentorship.accounts.services import invitation_accept, invitation_create, invitation_resend
from mentorship.notifications.models import Message
from mentorship.notifications.sweeps import SWEEPS, run_all
from programs.services.enrolment import participant_invite
from programs.services.reminder_settings import program_reminders_update
from tests.factories import UserFactory
from tests.programs.factories import make_cohort

pytestmark = pytest.mark.django_db

REMINDER = "accounts.invitation_reminder"
TOKEN = re.compile(r"/invitations/([^/\s]+)/")


@pytest.fixture
def start():
    return timezone.now()


@contextmanager
def at(moment):
    """The clock says ``moment`` (rows written meanwhile are stamped with it)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def _sweep(org, moment):
    with at(moment):
        return invitation_resend_sweep(organization=org, now=moment)


def _periods(org, invitation):
    return sorted(
        Message.objects.for_org(org)
        .filter(kind=REMINDER, subject_key=f"invitation:{invitation.pk}")
        .values_list("period", flat=True)
    )


def _tokens(org, invitation):
    bodies = (
        Message.objects.for_org(org)
        .filter(subject_key=f"invitation:{invitation.pk}")
        .order_by("pk")
        .values_list("body", flat=True)
    )
    return [TOKEN.search(body).group(1) for body in bodies]


@pytest.fixture
def invitation(org, admin, start):
    with at(start):
        return invitation_create(
            organization=org, email="new@acme.example", role="member", by=admin
        )


def test_the_sweep_is_registered():
    assert "accounts.invitation_resend" in SWEEPS


def test_an_organisation_invitation_is_resent_after_three_days_twice_at_most(
    org, invitation, start
):
    sent_on = [day for day in range(1, 13) if _sweep(org, start + timedelta(days=day))]
    assert sent_on == [3, 6]
    assert _periods(org, invitation) == ["resend-1", "resend-2"]


def test_two_runs_at_the_same_time_make_one_nudge(org, invitation, start):
    moment = start + timedelta(days=3)
    assert _sweep(org, moment) == 1
    assert _sweep(org, moment) == 0
    assert _periods(org, invitation) == ["resend-1"]
    assert Message.objects.for_org(org).filter(kind=REMINDER).count() == 1


def test_the_first_link_and_the_reminders_link_both_still_work(org, invitation, start):
    _sweep(org, start + timedelta(days=3))
    first, reminder = _tokens(org, invitation)
    invitation.refresh_from_db()
    nonce = invitation.nonce

    with at(start + timedelta(days=4)):
        assert invitation_by_token(token=first).pk == invitation.pk
        assert invitation_by_token(token=reminder).pk == invitation.pk
        person = UserFactory(email="new@acme.example")
        invitation_accept(token=first, user=person)
    invitation.refresh_from_db()
    assert invitation.nonce == nonce  # the sweep did not rotate it
    assert invitation.accepted_at is not None
    # Accepted: nothing more.
    assert _sweep(org, start + timedelta(days=7)) == 0


def test_the_reminder_keeps_the_expiry_and_says_it(org, invitation, start):
    expires_at = invitation.expires_at
    _sweep(org, start + timedelta(days=3))
    invitation.refresh_from_db()
    assert invitation.expires_at == expires_at
    message = Message.objects.for_org(org).get(kind=REMINDER)
    assert message.subject.startswith("Reminder: you are invited to")
    assert f"expires on {expires_at:%-d %B %Y}" in message.body


def test_the_cohorts_program_settings_are_respected(org, admin, start):
    cohort = make_cohort(org)
    program_reminders_update(
        program=cohort.program, by=admin, invitation_resend_days=5, invitation_max_resends=1
    )
    with at(start):
        pending = participant_invite(
            cohort=cohort, email="mentee@acme.example", role="mentee", by=admin
        )
    sent_on = [day for day in range(1, 14) if _sweep(org, start + timedelta(days=day))]
    assert sent_on == [5]
    assert _periods(org, pending.invitation) == ["resend-1"]


@pytest.mark.parametrize("setting", [{"invitation_resend_days": 0}, {"invitation_max_resends": 0}])
def test_switched_off_sends_nothing(org, admin, start, setting):
    cohort = make_cohort(org)
    program_reminders_update(program=cohort.program, by=admin, **setting)
    with at(start):
        participant_invite(cohort=cohort, email="mentee@acme.example", role="mentee", by=admin)
    assert not [day for day in range(1, 14) if _sweep(org, start + timedelta(days=day))]
    assert not Message.objects.for_org(org).filter(kind=REMINDER).exists()


def test_an_admins_resend_restarts_the_clock_and_the_reminder_carries_the_new_link(
    org, admin, invitation, start
):
    with at(start + timedelta(days=2)):
        invitation_resend(invitation=invitation, by=admin)
    assert _sweep(org, start + timedelta(days=3)) == 0
    assert _sweep(org, start + timedelta(days=5)) == 1
    _first, fresh, reminder = _tokens(org, invitation)
    with at(start + timedelta(days=5)):
        assert invitation_by_token(token=reminder).pk == invitation.pk
        assert invitation_by_token(token=fresh).pk == invitation.pk


def test_revoked_expired_and_accepted_invitations_are_not_resent(org, admin, start):
    from tests.factories import InvitationFactory

    with at(start):
        InvitationFactory(organization=org, revoked=True)
        InvitationFactory(organization=org, accepted=True)
        InvitationFactory(organization=org, expires_at=start + timedelta(days=2))
    assert not [day for day in range(1, 8) if _sweep(org, start + timedelta(days=day))]


def test_another_organisations_invitations_are_untouched(org, other_org, stranger, start):
    with at(start):
        theirs = invitation_create(
            organization=other_org, email="x@beta.example", role="member", by=stranger
        )
    moment = start + timedelta(days=3)
    with at(moment):
        assert run_all(organization=org, now=moment, only={"accounts.invitation_resend"}) == {
            "accounts.invitation_resend": 0
        }
    assert _periods(other_org, theirs) == []
    with at(moment):
        run_all(organization=other_org, now=moment, only={"accounts.invitation_resend"})
    assert _periods(other_org, theirs) == ["resend-1"]
    assert not Message.objects.for_org(org).filter(kind=REMINDER).exists()


def test_one_query_when_no_invitation_is_open(org, start, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert invitations_due(organization=org, now=start) == []


def test_the_due_read_is_two_queries_however_many_are_open(
    org, admin, start, django_assert_num_queries
):
    with at(start):
        for n in range(4):
            invitation_create(organization=org, email=f"p{n}@acme.example", role="member", by=admin)
        cohort = make_cohort(org)
        participant_invite(cohort=cohort, email="m@acme.example", role="mentee", by=admin)
    with django_assert_num_queries(2):
        due = invitations_due(organization=org, now=start + timedelta(days=3))
    assert len(due) == 5
    assert Invitation.objects.for_org(org).count() == 5


def test_a_reminder_of_an_invitation_revoked_meanwhile_is_not_sent(org, admin, invitation, start):
    from mentorship.accounts.services import invitation_remind, invitation_revoke

    moment = start + timedelta(days=3)
    with at(moment):
        [(due, number)] = invitations_due(organization=org, now=moment)
        invitation_revoke(invitation=invitation, by=admin)  # after the sweep's read
        assert invitation_remind(invitation=due, number=number, now=moment) == (None, False)
    assert _periods(org, invitation) == []
