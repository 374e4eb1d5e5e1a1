"""Where a nudge's e-mail goes (B6), at the service level: the channel a person chose for its
category, required kinds, quiet hours (same day, overnight, across the daylight-saving
changes of Europe/London and America/New_York: the e-mail waits until the end of the quiet
hours in local wall time), the daily cap, the digest at each person's hour in their zone,
once a day. Whatever the route, the inbox row exists, and the same key twice is one nudge
and one e-mail. Runs on SQLite and PostgreSQL."""

from datetime import UTC, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from mentorship.accounts.models import Profile
from mentorship.notifications import policy, services
from mentorship.notifications.emails import NudgeKind, nudge_send
from mentorship.notifications.models import (
    CHOOSABLE_CATEGORIES,
    Category,
    Channel,
    Message,
    Nudge,
)
from mentorship.notifications.services import DIGEST_KIND, digests_build, preference_of
from mentorship.tenancy.models import Role
from tests.factories import MembershipFactory, UserFactory

from .nudge_kinds import TEST_KINDS, send, test_kinds  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("test_kinds")

LONDON, NEW_YORK, TOKYO = "Europe/London", "America/New_York", "Asia/Tokyo"


def person(org, zone=LONDON, email=None, **preferences):
    user = MembershipFactory(
        organization=org, role=Role.MEMBER, user=UserFactory(**({"email": email} if email else {}))
    ).user
    Profile.objects.create(organization=org, user=user, time_zone=zone)
    if preferences:
        preference = preference_of(organization=org, user=user)
        for name, value in preferences.items():
            setattr(preference, name, value)
        preference.full_clean()
        preference.save()
    return user


def at(zone, *args):
    """An aware instant: the wall time ``args`` in ``zone``."""
    return datetime(*args, tzinfo=ZoneInfo(zone))


def messages(org, user):
    return Message.objects.for_org(org).filter(recipient=user).exclude(kind=DIGEST_KIND)


# --- channels --------------------------------------------------------------------------------


def test_each_category_follows_the_channel_the_person_chose(org):
    mia = person(
        org,
        channels={
            Category.SESSIONS: Channel.NOW,
            Category.PLANS: Channel.DIGEST,
            Category.MATCHING: Channel.INBOX,
            Category.PROGRAM: Channel.NOW,
        },
    )
    now = at(LONDON, 2026, 6, 10, 12, 0)
    routed = {
        category: send(org, mia, category, n=i, now=now)[0]
        for i, category in enumerate(
            [Category.SESSIONS, Category.PLANS, Category.MATCHING, Category.PROGRAM]
        )
    }

    assert {c: (n.email, n.message_id is not None) for c, n in routed.items()} == {
        Category.SESSIONS: (Nudge.Email.NOW, True),
        Category.PLANS: (Nudge.Email.DIGEST, False),
        Category.MATCHING: (Nudge.Email.NONE, False),
        Category.PROGRAM: (Nudge.Email.NOW, True),
    }
    assert sorted(messages(org, mia).values_list("category", flat=True)) == ["program", "sessions"]
    # Every nudge is an inbox item, whatever became of its e-mail.
    inbox = Nudge.objects.for_org(org).filter(recipient=mia)
    assert inbox.count() == 4
    assert set(inbox.values_list("title", flat=True)) == {
        "sessions_ping 0",
        "plans_ping 1",
        "matching_ping 2",
        "program_ping 3",
    }
    sessions = routed[Category.SESSIONS]
    assert (sessions.detail, sessions.link) == ("A line of detail.", "/o/acme/things/0/")


def test_a_switchable_email_is_marked_unsubscribable_and_a_required_one_not(org):
    mia = person(org)
    now = at(LONDON, 2026, 6, 10, 12, 0)
    optional, _ = send(org, mia, Category.SESSIONS, n=1, now=now)
    required, _ = send(org, mia, Category.ACCOUNT, n=2, now=now)
    assert optional.message.unsubscribable is True
    assert required.message.unsubscribable is False
    assert (optional.message.subject, optional.message.body) == (
        "sessions_ping 1",
        "The body of 1.",
    )


def test_a_required_kind_ignores_the_channel_and_the_cap(org):
    mia = person(org, channels={c.value: Channel.INBOX for c in CHOOSABLE_CATEGORIES})
    now = at(LONDON, 2026, 6, 10, 12, 0)
    with mock.patch.object(policy, "_daily_cap", lambda **kwargs: 1):
        for n in range(3):
            assert send(org, mia, Category.ACCOUNT, n=n, now=now)[0].email == Nudge.Email.NOW
        assert send(org, mia, Category.SESSIONS, n=9, now=now)[0].email == Nudge.Email.NONE
    assert messages(org, mia).count() == 3


def test_a_required_kind_still_keeps_to_quiet_hours(org):
    mia = person(org, quiet_from=time(22), quiet_until=time(7), quiet_until_next_day=True)
    nudge, _ = send(org, mia, Category.ACCOUNT, now=at(LONDON, 2026, 6, 10, 23, 0))
    assert nudge.email == Nudge.Email.QUIET
    assert nudge.message.not_before == at(LONDON, 2026, 6, 11, 7, 0)


def test_an_address_without_an_account_is_emailed_at_once(org):
    nudge, created = nudge_send(
        TEST_KINDS[Category.ACCOUNT],
        organization=org,
        subject_key="invitation:1",
        context={"n": 1},
        recipient_email="New.Comer@Example.org",
    )
    assert created
    # No account, no inbox: the e-mail is the nudge, stored under the same unique key.
    message = nudge
    assert isinstance(message, Message)
    assert (message.recipient, message.recipient_email, message.not_before) == (
        None,
        "new.comer@example.org",
        None,
    )
    assert not Nudge.objects.for_org(org).exists()


def test_an_undeclared_kind_is_refused(org):
    mia = person(org)
    with pytest.raises(ValueError, match="not declared"):
        nudge_send(
            NudgeKind("tests.nowhere", "never declared", "sessions"),
            organization=org,
            subject_key="thing:1",
            context={},
            user=mia,
        )
    assert not Nudge.objects.for_org(org).exists()


# --- quiet hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        ((2026, 6, 10, 12, 59), (2026, 6, 10, 12, 59)),  # before: at once
        ((2026, 6, 10, 13, 0), (2026, 6, 10, 14, 30)),  # from the start
        ((2026, 6, 10, 14, 29), (2026, 6, 10, 14, 30)),
        ((2026, 6, 10, 14, 30), (2026, 6, 10, 14, 30)),  # the end is not quiet
    ],
    ids=["before", "start", "inside", "end"],
)
def test_quiet_hours_within_a_day(org, wall, expected):
    mia = person(org, quiet_from=time(13), quiet_until=time(14, 30))
    now = at(LONDON, *wall)
    nudge, _ = send(org, mia, now=now)
    quiet = at(LONDON, *expected) != now
    assert nudge.email == (Nudge.Email.QUIET if quiet else Nudge.Email.NOW)
    assert nudge.message.not_before == (at(LONDON, *expected) if quiet else None)
    assert nudge.message.send_on == at(LONDON, *expected).date()


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        ((2026, 6, 10, 21, 59), None),
        ((2026, 6, 10, 22, 0), (2026, 6, 11, 7, 0)),
        ((2026, 6, 10, 23, 45), (2026, 6, 11, 7, 0)),
        ((2026, 6, 11, 0, 15), (2026, 6, 11, 7, 0)),
        ((2026, 6, 11, 6, 59), (2026, 6, 11, 7, 0)),
        ((2026, 6, 11, 7, 0), None),
    ],
    ids=["evening", "start", "before-midnight", "after-midnight", "dawn", "end"],
)
def test_quiet_hours_overnight(org, wall, expected):
    mia = person(
        org, zone=TOKYO, quiet_from=time(22), quiet_until=time(7), quiet_until_next_day=True
    )
    nudge, _ = send(org, mia, now=at(TOKYO, *wall))
    if expected is None:
        assert (nudge.email, nudge.message.not_before) == (Nudge.Email.NOW, None)
    else:
        assert nudge.email == Nudge.Email.QUIET
        assert nudge.message.not_before == at(TOKYO, *expected)
        assert nudge.message.send_on == at(TOKYO, *expected).date()


@pytest.mark.parametrize(
    ("zone", "sent_utc", "end_utc"),
    [
        # London, clocks back on 25 October 2026: 23:30 BST → 07:00 GMT is 07:00 UTC
        # (8 h 30 later; adding the 7 h 30 of a normal night would wake them at 06:00).
        (LONDON, (2026, 10, 24, 22, 30), (2026, 10, 25, 7, 0)),
        # London, clocks forward on 29 March 2026: 23:30 GMT → 07:00 BST is 06:00 UTC.
        (LONDON, (2026, 3, 28, 23, 30), (2026, 3, 29, 6, 0)),
        # New York, clocks back on 1 November 2026: 23:30 EDT → 07:00 EST is 12:00 UTC.
        (NEW_YORK, (2026, 11, 1, 3, 30), (2026, 11, 1, 12, 0)),
        # New York, clocks forward on 8 March 2026: 23:30 EST → 07:00 EDT is 11:00 UTC.
        (NEW_YORK, (2026, 3, 8, 4, 30), (2026, 3, 8, 11, 0)),
    ],
    ids=["london-autumn", "london-spring", "new-york-autumn", "new-york-spring"],
)
def test_quiet_hours_end_at_the_local_wall_time_across_a_daylight_saving_change(
    org, zone, sent_utc, end_utc
):
    mia = person(
        org, zone=zone, quiet_from=time(22), quiet_until=time(7), quiet_until_next_day=True
    )
    nudge, _ = send(org, mia, now=datetime(*sent_utc, tzinfo=UTC))
    not_before = nudge.message.not_before
    assert not_before == datetime(*end_utc, tzinfo=UTC)
    local = not_before.astimezone(ZoneInfo(zone))
    assert (local.hour, local.minute) == (7, 0)
    assert nudge.message.send_on == local.date()


def test_quiet_hours_ending_in_the_skipped_hour_end_when_the_clock_passes_it(org):
    # 29 March 2026 in London has no 01:30 (01:00 GMT is 02:00 BST): the e-mail goes at
    # 02:30 BST, the first wall time after the end, never before it.
    mia = person(org, quiet_from=time(23), quiet_until=time(1, 30), quiet_until_next_day=True)
    nudge, _ = send(org, mia, now=datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    assert nudge.message.not_before == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


# --- the daily cap ---------------------------------------------------------------------------


def test_the_fourth_email_of_a_day_waits_for_the_digest_and_required_ones_still_go(org):
    mia = person(org)
    now = at(LONDON, 2026, 6, 10, 9, 0)
    routed = [send(org, mia, n=n, now=now + timedelta(minutes=n))[0] for n in range(5)]
    assert [n.email for n in routed] == [Nudge.Email.NOW] * 3 + [Nudge.Email.CAPPED] * 2
    assert [n.message_id is not None for n in routed] == [True, True, True, False, False]
    required, _ = send(org, mia, Category.ACCOUNT, n=9, now=now)
    assert required.email == Nudge.Email.NOW
    assert messages(org, mia).count() == 4

    # The capped ones are in that evening's digest.
    assert digests_build(organization=org, now=at(LONDON, 2026, 6, 10, 17, 0)) == 1
    digest = Message.objects.for_org(org).get(kind=DIGEST_KIND)
    assert "sessions_ping 3" in digest.body and "sessions_ping 4" in digest.body
    assert "sessions_ping 0" not in digest.body
    capped = Nudge.objects.for_org(org).filter(pk__in=[routed[3].pk, routed[4].pk])
    assert {n.message_id for n in capped} == {digest.pk}


def test_the_cap_counts_the_persons_own_day(org):
    # 23:30 in Tokyo is 14:30 UTC: the next three are a new Tokyo day, not London's.
    mia = person(org, zone=TOKYO)
    evening = at(TOKYO, 2026, 6, 10, 23, 0)
    for n in range(3):
        send(org, mia, n=n, now=evening)
    assert send(org, mia, n=3, now=evening)[0].email == Nudge.Email.CAPPED
    assert send(org, mia, n=4, now=at(TOKYO, 2026, 6, 11, 0, 30))[0].email == Nudge.Email.NOW


def test_emails_held_by_quiet_hours_count_on_the_day_they_are_sent(org):
    mia = person(org, quiet_from=time(22), quiet_until=time(7), quiet_until_next_day=True)
    for n in range(3):
        nudge, _ = send(org, mia, n=n, now=at(LONDON, 2026, 6, 10, 23, 0))
        assert nudge.message.send_on == at(LONDON, 2026, 6, 11, 7).date()
    assert send(org, mia, n=3, now=at(LONDON, 2026, 6, 11, 9, 0))[0].email == Nudge.Email.CAPPED


def test_the_cap_is_the_one_the_platform_sets_for_the_person(org):
    mia = person(org)
    seen = []

    def cap(*, organization, user):
        seen.append((organization, user))
        return 1

    now = at(LONDON, 2026, 6, 10, 9, 0)
    with mock.patch.object(policy, "_daily_cap", cap):
        assert send(org, mia, n=1, now=now)[0].email == Nudge.Email.NOW
        assert send(org, mia, n=2, now=now)[0].email == Nudge.Email.CAPPED
    assert seen[0] == (org, mia)


def test_the_default_cap_is_three():
    assert policy.DEFAULT_DAILY_CAP == 3


# --- the digest ------------------------------------------------------------------------------


def test_the_digest_goes_at_each_persons_hour_in_their_zone(org):
    people = {
        zone: person(org, zone=zone, channels={Category.SESSIONS: Channel.DIGEST})
        for zone in (LONDON, NEW_YORK, TOKYO)
    }
    for n, user in enumerate(people.values()):
        send(org, user, n=n, now=datetime(2026, 6, 10, 2, 0, tzinfo=UTC))

    def digested():
        return {
            zone: list(
                Message.objects.for_org(org)
                .filter(kind=DIGEST_KIND, recipient=user)
                .values_list("period", flat=True)
            )
            for zone, user in people.items()
        }

    # 16:30 UTC: 17:30 in London (BST), 12:30 in New York, 01:30 the next day in Tokyo.
    assert digests_build(organization=org, now=datetime(2026, 6, 10, 16, 30, tzinfo=UTC)) == 1
    assert digested() == {LONDON: ["2026-06-10"], NEW_YORK: [], TOKYO: []}
    # 22:00 UTC: 18:00 in New York; 07:00 in Tokyo.
    assert digests_build(organization=org, now=datetime(2026, 6, 10, 22, 0, tzinfo=UTC)) == 1
    # 08:00 UTC the next day: 17:00 in Tokyo.
    assert digests_build(organization=org, now=datetime(2026, 6, 11, 8, 0, tzinfo=UTC)) == 1
    assert digested() == {LONDON: ["2026-06-10"], NEW_YORK: ["2026-06-10"], TOKYO: ["2026-06-11"]}
    for user in people.values():
        [nudge] = Nudge.objects.for_org(org).filter(recipient=user)
        assert nudge.message.kind == DIGEST_KIND
        assert nudge.message.subject_key == f"user:{user.pk}"


def test_a_digest_hour_of_the_persons_own_choice(org):
    mia = person(org, zone=NEW_YORK, digest_hour=7, channels={Category.PLANS: Channel.DIGEST})
    send(org, mia, Category.PLANS, now=at(NEW_YORK, 2026, 6, 10, 5, 0))
    assert digests_build(organization=org, now=at(NEW_YORK, 2026, 6, 10, 6, 59)) == 0
    assert digests_build(organization=org, now=at(NEW_YORK, 2026, 6, 10, 7, 0)) == 1


def test_one_digest_a_day_and_later_nudges_wait_for_the_next(org):
    mia = person(org, channels={Category.SESSIONS: Channel.DIGEST})
    send(org, mia, n=1, now=at(LONDON, 2026, 6, 10, 9, 0))
    evening = at(LONDON, 2026, 6, 10, 17, 5)
    assert digests_build(organization=org, now=evening) == 1
    assert digests_build(organization=org, now=evening + timedelta(minutes=1)) == 0

    late, _ = send(org, mia, n=2, now=at(LONDON, 2026, 6, 10, 20, 0))
    assert digests_build(organization=org, now=at(LONDON, 2026, 6, 10, 21, 0)) == 0
    late.refresh_from_db()
    assert late.message is None
    assert digests_build(organization=org, now=at(LONDON, 2026, 6, 11, 16, 59)) == 0
    assert digests_build(organization=org, now=at(LONDON, 2026, 6, 11, 17, 0)) == 1

    digests = Message.objects.for_org(org).filter(kind=DIGEST_KIND).order_by("period")
    assert [d.period for d in digests] == ["2026-06-10", "2026-06-11"]
    assert "sessions_ping 1" in digests[0].body and "sessions_ping 2" not in digests[0].body
    assert "sessions_ping 2" in digests[1].body and "sessions_ping 1" not in digests[1].body
    assert all(d.unsubscribable for d in digests)  # its one-click link stops the digest
    assert all(d.send_on.isoformat() == d.period for d in digests)


def test_no_digest_without_waiting_nudges(org):
    mia = person(org)
    send(org, mia, now=at(LONDON, 2026, 6, 10, 9, 0))  # e-mailed at once
    assert digests_build(organization=org, now=at(LONDON, 2026, 6, 10, 18, 0)) == 0


def test_a_digest_hour_inside_quiet_hours_waits_for_their_end(org):
    mia = person(
        org,
        digest_hour=17,
        quiet_from=time(16),
        quiet_until=time(19),
        channels={Category.SESSIONS: Channel.DIGEST},
    )
    send(org, mia, now=at(LONDON, 2026, 6, 10, 9, 0))
    assert digests_build(organization=org, now=at(LONDON, 2026, 6, 10, 17, 0)) == 1
    digest = Message.objects.for_org(org).get(kind=DIGEST_KIND)
    assert digest.not_before == at(LONDON, 2026, 6, 10, 19, 0)


def test_digests_are_per_organisation(org, other_org):
    mia = person(org, channels={Category.SESSIONS: Channel.DIGEST})
    MembershipFactory(organization=other_org, user=mia)
    send(org, mia, now=at(LONDON, 2026, 6, 10, 9, 0))
    assert digests_build(organization=other_org, now=at(LONDON, 2026, 6, 10, 23, 0)) == 0
    assert not Message.objects.for_org(other_org).exists()
    assert digests_build(organization=org, now=at(LONDON, 2026, 6, 10, 23, 0)) == 1


# --- once ------------------------------------------------------------------------------------


def test_the_same_key_twice_is_one_nudge_and_one_email(org, django_capture_on_commit_callbacks):
    mia = person(org)
    now = at(LONDON, 2026, 6, 10, 9, 0)
    with mock.patch("mentorship.notifications.tasks.deliver_due.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            first, created = send(org, mia, n=1, period="2026-06-10", now=now)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            again, created_again = send(org, mia, n=1, period="2026-06-10", now=now)
    assert (created, created_again, again) == (True, False, first)
    assert callbacks == []
    delay.assert_called_once_with(org.pk)
    assert Nudge.objects.for_org(org).count() == 1
    assert messages(org, mia).count() == 1
    # Another period is another occasion.
    assert send(org, mia, n=1, period="2026-06-11", now=now)[1] is True
    assert Nudge.objects.for_org(org).count() == 2


def test_a_racing_duplicate_returns_the_stored_nudge(org):
    mia = person(org)
    first, _ = send(org, mia)
    with mock.patch("mentorship.notifications.models.NudgeQuerySet.first", return_value=None):
        again, created = send(org, mia)
    assert (again, created) == (first, False)
    assert Nudge.objects.for_org(org).count() == 1
    assert messages(org, mia).count() == 1


def test_the_same_key_in_another_organisation_is_another_nudge(org, other_org):
    mia = person(org)
    MembershipFactory(organization=other_org, user=mia)
    send(org, mia)
    assert send(other_org, mia)[1] is True


def test_a_broker_outage_does_not_break_the_write(org, django_capture_on_commit_callbacks):
    mia = person(org)
    down = mock.patch(
        "mentorship.notifications.tasks.deliver_due.delay", side_effect=OSError("redis down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        nudge, created = send(org, mia)
    assert created
    assert nudge.message.status == Message.Status.PENDING  # the delivery sweep sends it


def test_a_sweep_that_stores_many_queues_one_delivery(org, django_capture_on_commit_callbacks):
    mia = person(org)
    delay = mock.patch("mentorship.notifications.tasks.deliver_due.delay")
    capture = django_capture_on_commit_callbacks(execute=True)
    with delay as delay, capture, services.kicks_deferred():  # the block ends first
        for n in range(3):
            send(org, mia, n=n)
    delay.assert_called_once_with(org.pk)


# --- preferences refuse bad input ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quiet_from": time(14), "quiet_until": time(9)}, "quiet_until"),
        (
            {"quiet_from": time(22), "quiet_until": time(23), "quiet_until_next_day": True},
            "quiet_until",
        ),
        ({"quiet_from": time(22)}, "quiet_until"),
        ({"digest_hour": 24}, "digest_hour"),
        ({"checkin_hour": -1}, "checkin_hour"),
        ({"channels": {"account": "inbox"}}, "channels"),
        ({"channels": {"sessions": "pigeon"}}, "channels"),
    ],
    ids=[
        "ends-before-start",
        "overnight-too-long",
        "one-end",
        "hour-24",
        "hour-negative",
        "account-off",
        "unknown-channel",
    ],
)
def test_bad_preferences_are_refused(org, changes, field):
    mia = person(org)
    preference = preference_of(organization=org, user=mia)
    for name, value in changes.items():
        setattr(preference, name, value)
    with pytest.raises(ValidationError) as error:
        preference.full_clean()
    assert field in error.value.message_dict


def test_the_account_category_always_arrives_by_email(org):
    mia = person(org)
    preference = preference_of(organization=org, user=mia)
    preference.channels = {"account": "inbox"}  # stored by hand, past clean()
    preference.save()
    assert preference.channel(Category.ACCOUNT) == Channel.NOW
    assert send(org, mia, Category.ACCOUNT)[0].email == Nudge.Email.NOW


def test_a_transaction_that_stores_many_queues_one_delivery_per_organisation(
    org, other_org, django_capture_on_commit_callbacks
):
    mia = person(org)
    MembershipFactory(organization=other_org, user=mia)
    delay = mock.patch("mentorship.notifications.tasks.deliver_due.delay")
    with delay as delay, django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(3):
            send(org, mia, n=n)
        send(other_org, mia, n=1)
    assert len(callbacks) == 4  # one a store, the first of each organisation queues
    assert sorted(c.args for c in delay.call_args_list) == sorted([(org.pk,), (other_org.pk,)])


@pytest.mark.parametrize(
    ("day", "too_early_utc", "on_time_utc"),
    [
        ((2026, 10, 24), (2026, 10, 24, 15, 59), (2026, 10, 24, 16, 0)),  # BST: 17:00 is 16:00 UTC
        ((2026, 10, 26), (2026, 10, 26, 16, 59), (2026, 10, 26, 17, 0)),  # GMT: 17:00 is 17:00 UTC
    ],
    ids=["before-the-change", "after-the-change"],
)
def test_the_digest_keeps_its_local_hour_across_the_daylight_saving_change(
    org, day, too_early_utc, on_time_utc
):
    mia = person(org, channels={Category.SESSIONS: Channel.DIGEST})
    send(org, mia, now=at(LONDON, *day, 9, 0))
    assert digests_build(organization=org, now=datetime(*too_early_utc, tzinfo=UTC)) == 0
    assert digests_build(organization=org, now=datetime(*on_time_utc, tzinfo=UTC)) == 1


def test_a_person_without_a_zone_of_their_own_has_the_organisations(other_org):
    # other_org is in New York: 23:00 there is 04:00 UTC, inside 22:00-07:00 quiet hours.
    sam = MembershipFactory(organization=other_org, role=Role.MEMBER).user
    preference = preference_of(organization=other_org, user=sam)
    preference.quiet_from, preference.quiet_until = time(22), time(7)
    preference.quiet_until_next_day = True
    preference.save()
    nudge, _ = send(other_org, sam, now=at(NEW_YORK, 2026, 6, 10, 23, 0))
    assert nudge.message.not_before == at(NEW_YORK, 2026, 6, 11, 7, 0)
