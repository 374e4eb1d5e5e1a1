"""The calendars a session makes (S2), parsed back with ``icalendar`` and, independently,
with ``vobject``: REQUEST / CANCEL / PUBLISH, the stable UID, SEQUENCE, DTSTAMP, ORGANIZER
and ATTENDEEs, and the times in the recipient's zone across a daylight-saving change."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from sessions import calendar as ical
from sessions.models import Session
from tests.sessions.factories import make_session

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def both_parsers(text):
    """(icalendar's event, vobject's event), each from its own parse of ``text``."""
    parsed = Calendar.from_ical(text)
    [event] = parsed.events
    other = vobject.readOne(text)
    return parsed, event, other, other.vevent


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (datetime(2027, 3, 27, 9, 0), timedelta(0)),
        (datetime(2027, 3, 29, 9, 0), timedelta(hours=1)),
    ],
    ids=["before-the-change", "after-the-change"],
)
def test_times_carry_the_recipients_zone_across_daylight_saving(pairing, day, offset):
    """9:00 in London on the Saturday before the clocks go forward (28 March 2027) is 9:00
    GMT; on the Monday after, 9:00 BST (08:00 UTC). Both parsers read the same instant."""
    starts_at = day.replace(tzinfo=LONDON)
    session = make_session(pairing, starts_at=starts_at, minutes=30)
    text = ical.invitation(session, zone=LONDON).to_ical().decode()
    assert "DTSTART;TZID=Europe/London:" + day.strftime("%Y%m%dT%H%M%S") in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/London" in text

    _, event, _, vevent = both_parsers(text)
    assert event.start == starts_at
    assert event.start.utcoffset() == offset
    assert event.end - event.start == timedelta(minutes=30)
    assert vevent.dtstart.value == starts_at
    assert vevent.dtstart.value.utcoffset() == offset
    assert vevent.dtend.value == starts_at + timedelta(minutes=30)


def test_each_recipient_gets_their_own_zone_for_the_same_instant(pairing):
    starts_at = datetime(2027, 3, 29, 9, 0, tzinfo=LONDON)
    session = make_session(pairing, starts_at=starts_at)
    london = ical.invitation(session, zone=LONDON).to_ical().decode()
    new_york = ical.invitation(session, zone=NEW_YORK).to_ical().decode()
    assert "DTSTART;TZID=America/New_York:20270329T040000" in new_york  # EDT since 14 March
    _, ny_event, _, ny_vevent = both_parsers(new_york)
    _, lon_event, _, _ = both_parsers(london)
    assert ny_event.start == lon_event.start == starts_at
    assert ny_vevent.dtstart.value == starts_at


def test_a_request_names_the_session_its_version_and_its_people(pairing, mentor_user):
    session = make_session(pairing, location="Studio 2", sequence=3)
    text = ical.invitation(session, zone=LONDON).to_ical().decode()
    parsed, event, other, vevent = both_parsers(text)
    assert parsed["METHOD"] == "REQUEST" and other.method.value == "REQUEST"
    uid = f"session-{session.uid}@mentorship"
    assert str(event["UID"]) == uid and vevent.uid.value == uid
    assert int(event["SEQUENCE"]) == 3 and int(vevent.sequence.value) == 3
    assert event.stamp is not None and vevent.dtstamp.value.tzinfo is not None
    assert str(event["LOCATION"]) == "Studio 2" and vevent.location.value == "Studio 2"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == f"mailto:{mentor_user.email}"
    assert vevent.organizer.value == f"mailto:{mentor_user.email}"
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == sorted(
        f"mailto:{u.email}" for u in (pairing.mentor.user, pairing.mentee.user)
    )
    assert sorted(a.value for a in vevent.attendee_list) == attendees


def test_a_proposed_session_is_tentative_and_needs_action(pairing):
    session = make_session(pairing, status=Session.Status.PROPOSED)
    text = ical.invitation(session, zone=LONDON).to_ical().decode()
    _, event, _, vevent = both_parsers(text)
    assert str(event["STATUS"]) == "TENTATIVE" and vevent.status.value == "TENTATIVE"
    assert all(a.params["PARTSTAT"] == "NEEDS-ACTION" for a in event["ATTENDEE"])


def test_the_uid_is_stable_and_the_sequence_rises(pairing):
    session = make_session(pairing)
    first = Calendar.from_ical(ical.invitation(session, zone=LONDON).to_ical()).events[0]
    session.sequence += 1
    session.starts_at += timedelta(days=1)
    second = Calendar.from_ical(ical.invitation(session, zone=LONDON).to_ical()).events[0]
    assert str(first["UID"]) == str(second["UID"])
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 1


def test_a_cancel_is_method_cancel_with_the_same_uid(pairing):
    session = make_session(pairing, status=Session.Status.CANCELLED, sequence=2)
    text = ical.invitation(session, zone=LONDON, method=ical.CANCEL).to_ical().decode()
    parsed, event, other, vevent = both_parsers(text)
    assert parsed["METHOD"] == "CANCEL" and other.method.value == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED" and vevent.status.value == "CANCELLED"
    assert vevent.uid.value == f"session-{session.uid}@mentorship"
    assert int(vevent.sequence.value) == 2


def test_only_request_and_cancel_are_invitations(pairing):
    with pytest.raises(ValueError):
        ical.invitation(make_session(pairing), zone=LONDON, method=ical.PUBLISH)


def test_an_attachment_is_the_invitation_with_its_method(pairing):
    attachment = ical.invitation_attachment(make_session(pairing), zone=LONDON)
    assert attachment["filename"] == "invite.ics"
    assert attachment["content_type"] == "text/calendar; method=REQUEST"
    assert vobject.readOne(attachment["content"]).method.value == "REQUEST"


def test_a_feed_publishes_its_sessions_without_addresses_or_notes(pairing, mentor_user):
    one = make_session(pairing, pre_work="SECRET PRE-WORK", private_note="SECRET NOTE")
    one.blocks.update(notes="SECRET BLOCK")
    two = make_session(pairing, starts_in=timedelta(days=9))
    text = ical.feed([one, two], zone=LONDON, name="My sessions", owner=mentor_user)
    text = text.to_ical().decode()
    assert "SECRET" not in text
    assert "mailto:" not in text
    parsed = Calendar.from_ical(text)
    assert parsed["METHOD"] == "PUBLISH"
    assert len(parsed.events) == 2
    other = vobject.readOne(text)
    assert other.method.value == "PUBLISH"
    assert len(other.vevent_list) == 2
    assert "ATTENDEE" not in text
    assert {str(e["SUMMARY"]) for e in parsed.events} == {
        f"On-the-floor session with {pairing.mentee.user}"
    }


def test_an_empty_feed_is_still_a_calendar_both_parsers_read():
    text = ical.feed([], zone=LONDON, name="My sessions").to_ical().decode()
    assert Calendar.from_ical(text).events == []
    assert vobject.readOne(text).method.value == "PUBLISH"
