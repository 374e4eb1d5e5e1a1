"""The nudges journey (issue 11), through the pages as people use them: a mentor proposes a
session and the mentee's bell counts it; the mentee opens the inbox, follows the item, marks
everything read; sets their preferences (quiet hours that end before they start are refused
next to the field, then saved overnight); stops session e-mails with the one-click link of an
e-mail, signed out; checks in a habit from the reminder's signed link, once. The admin reads
the outbox. Every page shown passes ``check_page`` (axe-core, no overflow, 1280 and 390 px)."""

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.tenancy.models import Role
from tests.e2e.conftest import check_page
from tests.e2e.people import field, named, sign_in
from tests.matching.factories import cohort_with_people, make_person, pair
from tests.sessions.factories import builtin

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

HABIT = "Say the three cues out loud before the first client."


def path_of(url):
    parts = urlparse(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_inbox_preferences_unsubscribe_checkin_and_the_outbox(
    live_server, new_context, transactional_db, mailoutbox, settings
):
    from mentorship.notifications import policy
    from mentorship.notifications.models import Channel, Nudge, NudgePreference
    from mentorship.notifications.sweeps import run_all
    from mentorship.tenancy.models import Organization
    from sessions.models import HabitCheckIn, MicroHabit
    from sessions.services.scheduling import session_propose

    settings.SITE_URL = live_server.url
    org = Organization.objects.create(name="Nudge Org", slug="nudges", time_zone="UTC")
    admin = make_person(org, Role.ADMIN, name="Ada Admin", email="ada@nudges.example")
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    mentor = named(mentors[0].user, "Maya Mentor")
    mentee = named(mentees[0].user, "Tess Trainee")
    pairing = pair(mentees[0], mentors[0], days_ago=10)
    base = live_server.url
    home = f"{base}/o/{org.slug}"
    problems = []

    def snap(page, name):
        try:
            check_page(page, name)
        except AssertionError as error:
            problems.append(f"{name}: {error}")

    # The mentor proposes a session: the mentee is nudged (inbox and e-mail).
    starts = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    session_propose(
        pairing=pairing, template=builtin(org), starts_at=starts, location="Studio 2", by=mentor
    )
    nudge = Nudge.objects.for_org(org).get(recipient=mentee)
    assert [m.to for m in mailoutbox] == [[mentee.email]]

    # The mentee's bell counts it; the inbox lists it and links to the session.
    page = new_context()
    sign_in(page, base, mentee)
    page.goto(f"{home}/")
    bell = page.locator("#nudge-bell")
    expect(bell).to_contain_text("Inbox, 1 unread")
    bell.click()
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    item = page.locator(".inbox-list li").first
    expect(item).to_contain_text(nudge.title)
    snap(page, "nudges-inbox")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#nudge-bell")).to_contain_text("nothing unread")
    nudge.refresh_from_db()
    assert nudge.read_at is not None
    page.goto(f"{home}/me/inbox/?show=unread")
    expect(page.get_by_role("heading", name="Nothing unread")).to_be_visible()

    # Preferences: quiet hours that end before they start are refused next to the field.
    page.goto(f"{home}/me/notifications/")
    expect(page.get_by_role("heading", name="Notification preferences")).to_be_visible()
    snap(page, "nudges-preferences")
    page.get_by_role("group", name="Plan and habits").get_by_label("In the daily digest").check()
    field(page, "Quiet hours from").fill("22:00")
    field(page, "Quiet hours until").fill("07:00")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Quiet hours end before they start")).to_be_visible()
    preference = NudgePreference.objects.for_org(org).get(user=mentee)
    assert preference.quiet_from is None  # nothing changed
    snap(page, "nudges-preferences-error")
    page.get_by_label(re.compile("until the next day", re.I)).check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text(re.compile("preferences are saved", re.I))).to_be_visible()
    preference.refresh_from_db()
    assert (preference.quiet_from.hour, preference.quiet_until.hour) == (22, 7)
    assert preference.quiet_until_next_day
    assert preference.channel("plans") == Channel.DIGEST

    # The e-mail's one-click link, signed out: session e-mails stop, the inbox stays.
    email = mailoutbox[0]
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stranger = new_context()
    stranger.goto(f"{base}{path_of(link)}")
    expect(stranger.get_by_role("heading", level=1)).to_contain_text("Stop e-mails about sessions")
    snap(stranger, "nudges-unsubscribe")
    stranger.get_by_role("button", name="Stop these e-mails").click()
    expect(stranger.get_by_role("heading", level=1)).to_contain_text("no more e-mails")
    preference.refresh_from_db()
    assert preference.channel("sessions") == Channel.INBOX
    stranger.goto(f"{base}{path_of(link)}")
    stranger.get_by_role("button", name="Stop these e-mails").click()
    expect(stranger.get_by_role("heading", level=1)).to_contain_text("already stopped")

    # A habit's check-in reminder at the mentee's hour carries a link that works once.
    preference.channels = {**preference.channels, "plans": Channel.NOW.value}
    preference.quiet_from = preference.quiet_until = None
    preference.quiet_until_next_day = False
    preference.save()
    zone = policy.zone_of(organization=org, user=mentee)
    today = timezone.now().astimezone(zone).date()
    habit = MicroHabit.objects.create(
        organization=org,
        pairing=pairing,
        mentee=mentee,
        text=HABIT,
        starts_on=today - timedelta(days=3),
        created_by=mentor,
    )
    at_checkin = datetime.combine(today, time(preference.checkin_hour, 5), tzinfo=zone)
    run_all(organization=org, now=at_checkin, only={"sessions.habit_checkins"})
    reminder = next(m for m in mailoutbox if HABIT in m.body)
    checkin = re.search(r"https?://\S+/nudges/checkin/\S+/", reminder.body).group(0)
    stranger.goto(f"{base}{path_of(checkin)}")
    expect(stranger.get_by_role("heading", level=1)).to_contain_text(HABIT)
    snap(stranger, "nudges-checkin")
    stranger.get_by_role("button", name="Done").click()
    expect(stranger.get_by_role("heading", name="Checked in")).to_be_visible()
    assert HabitCheckIn.objects.for_org(org).get(habit=habit, day=today).state == "done"
    stranger.goto(f"{base}{path_of(checkin)}")
    expect(stranger.get_by_text(re.compile("link was used", re.I))).to_be_visible()

    # The admin's outbox: who was sent what and when, no bodies of private content.
    admin_page = new_context()
    sign_in(admin_page, base, admin)
    admin_page.goto(f"{home}/outbox/")
    expect(admin_page.get_by_role("heading", name="Outbox", level=1)).to_be_visible()
    expect(admin_page.locator("main")).to_contain_text(mentee.email)
    assert "Studio 2" not in admin_page.content()
    snap(admin_page, "nudges-outbox")

    assert not problems, "\n".join(problems)
