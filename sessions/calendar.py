"""iCalendar objects of sessions (S2), built with the ``icalendar`` package.

Pure but for what it is handed: a session (with its ``mentor`` and ``mentee`` loaded), the
method, the zone of the person it is for. Nothing here reads the database or sends.

* :func:`invitation`: one session as METHOD:REQUEST (confirmed, rescheduled) or
  METHOD:CANCEL (cancelled), for one recipient, in their zone: the stable UID
  (``session.uid``), SEQUENCE (``session.sequence``, raised on every move and on
  cancellation), DTSTAMP, ORGANIZER (the mentor, the session's host) and ATTENDEEs,
  DTSTART/DTEND with the TZID of the recipient's zone and its VTIMEZONE.
* :func:`feed`: a person's sessions as METHOD:PUBLISH (the personal calendar feed that
  calendar applications subscribe to): titles, times, location, status; never notes,
  pre-work or anything else written in a session.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress

PRODID = "-//Mentorship platform//Sessions//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"
ICS_CONTENT_TYPE = "text/calendar"


def uid_of(session):
    return f"session-{session.uid}@mentorship"


def _address(user, *, role=None, partstat=None):
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = str(user)
    if role:
        address.params["ROLE"] = role
    if partstat:
        address.params["PARTSTAT"] = partstat
    return address


def _people(session):
    return [person for person in (session.mentor, session.mentee) if person is not None]


def _status(session, method):
    if method == CANCEL or session.status == session.Status.CANCELLED:
        return "CANCELLED"
    if session.status == session.Status.PROPOSED:
        return "TENTATIVE"
    return "CONFIRMED"


def session_event(session, *, zone, method, stamp=None, description="", summary=None):
    """The VEVENT of one session, its times in ``zone``. A published (feed) event names no
    one's address: it is read without signing in."""
    start = session.starts_at.astimezone(zone)
    confirmed = session.status in (session.Status.CONFIRMED, session.Status.COMPLETED)
    attendees = [
        _address(
            person,
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED" if confirmed or method == PUBLISH else "NEEDS-ACTION",
        )
        for person in _people(session)
    ]
    event = Event.new(
        uid=uid_of(session),
        sequence=session.sequence,
        stamp=stamp or timezone.now(),
        start=start,
        end=start + timedelta(minutes=session.minutes),
        summary=summary or session.title,
        location=session.location or None,
        description=description or None,
        status=_status(session, method),
        organizer=_address(session.mentor)
        if session.mentor is not None and method != PUBLISH
        else None,
        attendees=attendees if method != PUBLISH else None,
    )
    return event


def _calendar(method, events, *, name=None):
    calendar = Calendar.new(prodid=PRODID, method=method, name=name, subcomponents=events)
    # The zones the events name, as VTIMEZONE components (from a year before the first event
    # to two years after the last one, so every change of offset they cross is there).
    starts = [event.start for event in events if isinstance(event.start, datetime)]
    if starts:
        first = min(starts).date() - timedelta(days=366)
        last = max(starts).date() + timedelta(days=2 * 366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar


def invitation(session, *, zone, method=REQUEST, stamp=None, description=""):
    """A one-event calendar for one recipient: METHOD:REQUEST or METHOD:CANCEL."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"An invitation is a REQUEST or a CANCEL, not {method!r}")
    event = session_event(session, zone=zone, method=method, stamp=stamp, description=description)
    return _calendar(method, [event])


def invitation_attachment(session, *, zone, method=REQUEST, description=""):
    """The invitation as an outbox attachment (``{"filename", "content_type", "content"}``)."""
    calendar = invitation(session, zone=zone, method=method, description=description)
    return {
        "filename": "invite.ics" if method == REQUEST else "cancel.ics",
        "content_type": f"{ICS_CONTENT_TYPE}; method={method}",
        "content": calendar.to_ical().decode(),
    }


def _feed_summary(session, owner):
    if owner is None or session.is_group:
        return session.title
    partner = session.mentee if owner.pk == session.mentor_id else session.mentor
    return f"{session.title} with {partner}" if partner is not None else session.title


def feed(sessions, *, zone, name, owner=None, stamp=None):
    """A personal feed: METHOD:PUBLISH with one event per session, times in ``zone``; each
    titled with the session and, for ``owner``, the partner's name."""
    stamp = stamp or timezone.now()
    events = [
        session_event(
            session,
            zone=zone,
            method=PUBLISH,
            stamp=stamp,
            summary=_feed_summary(session, owner),
        )
        for session in sessions
    ]
    calendar = _calendar(PUBLISH, events, name=name)
    if not events:
        # A calendar holds at least one component (RFC 5545): the person's zone.
        today = timezone.now().date()
        calendar.add_component(
            Timezone.from_tzinfo(zone, first_date=today, last_date=today + timedelta(days=366))
        )
    return calendar
