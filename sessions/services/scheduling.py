"""Scheduling a pair's sessions (S2) and the mentee's pre-work (S3).

The life of a time: one side proposes (``session_propose``) → the other side confirms
(``session_confirm``) or proposes another time (``session_counter_propose``, which the first
side then confirms). Either side may move a session (``session_reschedule``, with a reason):
the move is a new proposal, so the session is proposed again and the *other* side confirms
the new time (one person never moves a meeting in the other's calendar for good without
them). Either side may cancel with a reason (``session_cancel``; late when less than a day
before the start); after the start either side may mark who did not come
(``session_no_show``).

``sequence`` is the version of the session in calendars: it rises on every change of time
and on cancellation (RFC 5546), and each e-mail's outbox key is (kind, session, recipient,
``seq<sequence>``), so a retried request sends nothing twice. Calendar invitations
(``sessions/calendar.py``) go out when the session is in people's calendars: on confirmation
(REQUEST), when a confirmed session is moved (REQUEST, new SEQUENCE), when a session that
was confirmed is cancelled (CANCEL).

Refused, with the words a person can act on: a time in the past, an overlap with either
person's other live session, the program's weekly micro-touch cap (the mentee's Monday to
Sunday in the mentee's zone; group sessions do not count), a pairing that is not active,
someone outside the pair. Every write is one transaction with its e-mails (outbox rows).
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone

from matching.models import Pairing
from mentorship.core.urls import absolute_url

from .. import calendar as ical
from ..emails import (
    SESSION_CANCELLED,
    SESSION_CONFIRMED,
    SESSION_PROPOSED,
    SESSION_RESCHEDULED,
    nudge_send,
)
from ..models import CalendarFeed, Session
from ..selectors.people import zones_of
from ..selectors.templates import PAIR_KINDS, program_templates
from .blocks import copy_template_blocks

LATE_CANCEL = timedelta(hours=24)


# --- the rules, each written once (the forms' hints call them too) --------------------------


def schedulable_templates(*, program):
    """The templates a pair of ``program`` may schedule from (one-to-one and micro): the
    program's choice (``selectors/templates.py::program_templates``)."""
    return program_templates(program=program, kinds=PAIR_KINDS)


def _time_text(moment, zone):
    return timezone.localtime(moment, zone).strftime("%H:%M")


def _day_text(moment, zone):
    local = timezone.localtime(moment, zone)
    return f"{local.day} {local:%B}"


def _name(user, by):
    return "You" if user.pk == by.pk else (user.name or user.email)


def check_future(starts_at, *, now=None):
    if starts_at <= (now or timezone.now()):
        raise ValidationError({"starts_at": "Choose a time in the future."})


def check_overlap(*, organization, people, starts_at, minutes, by, zone, exclude=None):
    """Refuse a time that overlaps one of ``people``'s other live sessions, naming it."""
    ends_at = starts_at + timedelta(minutes=minutes)
    for person in people:
        clashes = (
            Session.objects.for_org(organization)
            .of_user(person)
            .live()
            .filter(starts_at__lt=ends_at, starts_at__gte=starts_at - timedelta(hours=12))
            .exclude(pk=getattr(exclude, "pk", None))
            .order_by("starts_at")
        )
        for other in clashes:
            if other.ends_at > starts_at:
                has = "have" if person.pk == by.pk else "has"
                raise ValidationError(
                    {
                        "starts_at": (
                            f"{_name(person, by)} {has} \u201c{other.title}\u201d "
                            f"{_time_text(other.starts_at, zone)}\u2013"
                            f"{_time_text(other.ends_at, zone)} that day."
                        )
                    }
                )


def mentee_week(starts_at, zone):
    """(start, end) of the mentee's week (Monday 00:00 to the next Monday) holding
    ``starts_at``, in ``zone``, as aware datetimes."""
    local = timezone.localtime(starts_at, zone)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, time.min, tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone)
    return start, end


def check_cap(*, organization, program, mentee, kind, starts_at, zone, exclude=None):
    """The program's weekly micro-touch cap (P1) for one-to-one and micro sessions."""
    if kind not in PAIR_KINDS or mentee is None:
        return
    start, end = mentee_week(starts_at, zone)
    taken = (
        Session.objects.for_org(organization)
        .counting_for_cap()
        .filter(mentee=mentee, starts_at__gte=start, starts_at__lt=end)
        .exclude(pk=getattr(exclude, "pk", None))
        .count()
    )
    cap = program.micro_touch_cap
    if taken >= cap:
        raise ValidationError(
            {
                "starts_at": (
                    f"{mentee.name or mentee.email} already has {taken} "
                    f"session{'s' if taken != 1 else ''} in the week of "
                    f"{start.day} {start:%B}, the program\u2019s limit."
                )
            }
        )


def _pair_people(pairing):
    return pairing.mentor.user, pairing.mentee.user


def _check_pairing(pairing, by):
    mentor, mentee = _pair_people(pairing)
    if by.pk not in (mentor.pk, mentee.pk):
        raise ValidationError("Only the pair's mentor and mentee schedule its sessions.")
    if pairing.status != Pairing.Status.ACTIVE:
        raise ValidationError(
            "This pairing has ended: no new sessions."
            if pairing.status == Pairing.Status.CONCLUDED
            else "This pairing is not active yet: no sessions until the mentor accepts."
        )


def _check_time(
    *, session_or_none, organization, mentor, mentee, program, kind, starts_at, minutes, by
):
    """Future, no overlap for either person, the weekly cap of ``program`` (none without
    one: a directory session of no cohort)."""
    zones = zones_of(organization=organization, user_ids=[by.pk, mentee.pk])
    check_future(starts_at)
    check_overlap(
        organization=organization,
        people=[by, mentee if by.pk == mentor.pk else mentor],
        starts_at=starts_at,
        minutes=minutes,
        by=by,
        zone=zones[by.pk],
        exclude=session_or_none,
    )
    if program is not None:
        check_cap(
            organization=organization,
            program=program,
            mentee=mentee,
            kind=kind,
            starts_at=starts_at,
            zone=zones[mentee.pk],
            exclude=session_or_none,
        )


def _check_minutes(template, minutes):
    low, high = template.length_range()
    minutes = minutes or template.minutes
    if not low <= minutes <= high:
        raise ValidationError(
            {"minutes": f"{template.name} lasts {low} to {high} minutes."}
            if low != high
            else {"minutes": f"{template.name} lasts {low} minutes."}
        )
    return minutes


# --- the session's side of things -------------------------------------------------------------


def _locked(session):
    """The session's row, locked for the change (two clicks serialise; the second finds the
    first's result)."""
    return (
        Session.objects.for_org(session.organization)
        .select_for_update(of=("self",))
        .select_related("pairing__mentor__user", "pairing__mentee__user", "pairing__cohort")
        .select_related("pairing__cohort__program", "mentor", "mentee", "proposed_by")
        .select_related("cohort__program", "template")
        .get(pk=session.pk)
    )


def _check_side(session, by):
    if session.kind not in PAIR_KINDS:
        raise ValidationError("A group session is scheduled by its cohort's facilitator.")
    if session.mentor_id is None or session.mentee_id is None:
        raise ValidationError("This session has no mentor and mentee to schedule it.")
    if by.pk not in (session.mentor_id, session.mentee_id):
        raise ValidationError("Only the session's mentor and mentee schedule it.")


def _check_live(session, doing):
    if session.status not in Session.LIVE_STATUSES:
        raise ValidationError(
            f"This session is {session.get_status_display().lower()}: it cannot be {doing}."
        )


def _other(session, user):
    return session.mentee if user.pk == session.mentor_id else session.mentor


# --- e-mails ------------------------------------------------------------------------------


def _context(session, recipient, zone, **extra):
    local = timezone.localtime(session.starts_at, zone)
    return {
        "session": session,
        "recipient": recipient,
        "other": _other(session, recipient),
        "when": f"{local:%A} {local.day} {local:%B %Y, %H:%M}",
        "ends": timezone.localtime(session.ends_at, zone).strftime("%H:%M"),
        "zone_name": str(zone),
        "link": session_link(session),
        **extra,
    }


def _send(kind, session, recipients, *, method=None, **extra):
    """One e-mail of ``kind`` to each recipient (with the invitation of ``method`` in their
    zone), once per version of the session."""
    zones = zones_of(organization=session.organization, user_ids=[r.pk for r in recipients])
    for recipient in recipients:
        zone = zones[recipient.pk]
        attachments = []
        if method is not None:
            attachments = [
                ical.invitation_attachment(
                    session, zone=zone, method=method, description=session_link(session)
                )
            ]
        nudge_send(
            kind,
            organization=session.organization,
            subject_key=f"session:{session.pk}",
            user=recipient,
            context=_context(session, recipient, zone, **extra),
            period=f"seq{session.sequence}",
            attachments=attachments,
        )


def session_link(session):
    """The session's page (the pairing's sessions until the session page is there)."""
    try:
        return absolute_url("session_detail", session.organization.slug, session.pk)
    except NoReverseMatch:
        return absolute_url("pairing_sessions", session.organization.slug, session.pairing_id)


# --- the services -----------------------------------------------------------------------------


@transaction.atomic
def session_propose(*, pairing, template, starts_at, minutes=None, location="", by):
    """Either side of an active pairing proposes a session from one of the program's
    templates; the other side is told, to confirm or propose another time."""
    pairing = (
        Pairing.objects.for_org(pairing.organization)
        .select_for_update(of=("self",))
        .select_related("mentor__user", "mentee__user", "cohort__program")
        .get(pk=pairing.pk)
    )
    _check_pairing(pairing, by)
    organization = pairing.organization
    offered = {t.pk for t in schedulable_templates(program=pairing.cohort.program)}
    if template.pk not in offered or template.organization_id != organization.id:
        raise ValidationError({"template": "Choose one of the program's session templates."})
    minutes = _check_minutes(template, minutes)
    mentor, mentee = _pair_people(pairing)
    _check_time(
        session_or_none=None,
        organization=organization,
        mentor=mentor,
        mentee=mentee,
        program=pairing.cohort.program,
        kind=template.kind,
        starts_at=starts_at,
        minutes=minutes,
        by=by,
    )
    session = Session(
        organization=organization,
        kind=template.kind,
        pairing=pairing,
        cohort=pairing.cohort,
        mentor=mentor,
        mentee=mentee,
        template=template,
        template_name=template.name,
        title=template.name,
        starts_at=starts_at,
        minutes=minutes,
        location=(location or "").strip(),
        status=Session.Status.PROPOSED,
        proposed_by=by,
    )
    session.full_clean()
    session.save()
    copy_template_blocks(session=session, template=template, minutes=minutes)
    _send(SESSION_PROPOSED, session, [_other(session, by)], by=by)
    return session


def _check_pairing_active(session):
    """A pair's session while the pairing lasts (a directory session has no pairing)."""
    if session.pairing_id is not None and session.pairing.status != Pairing.Status.ACTIVE:
        raise ValidationError("This pairing has ended: its sessions are not scheduled any more.")


def _move(session, *, starts_at, minutes, location, by):
    _check_pairing_active(session)
    minutes = minutes or session.minutes
    if session.template is not None:
        minutes = _check_minutes(session.template, minutes)
    _check_time(
        session_or_none=session,
        organization=session.organization,
        mentor=session.mentor,
        mentee=session.mentee,
        program=session.cohort.program if session.cohort_id else None,
        kind=session.kind,
        starts_at=starts_at,
        minutes=minutes,
        by=by,
    )
    if minutes != session.minutes and session.template is not None:
        session.blocks.all().delete()
        copy_template_blocks(session=session, template=session.template, minutes=minutes)
    session.starts_at = starts_at
    session.minutes = minutes
    if location is not None:
        session.location = location.strip()
    session.status = Session.Status.PROPOSED
    session.proposed_by = by
    session.sequence += 1


@transaction.atomic
def session_confirm(*, session, by):
    """The side that did not propose the time confirms it: both get the invitation."""
    session = _locked(session)
    _check_side(session, by)
    if session.status == Session.Status.CONFIRMED:
        raise ValidationError("This session is already confirmed.")
    _check_live(session, "confirmed")
    if session.proposed_by_id == by.pk:
        raise ValidationError(
            f"You proposed this time: {_other(session, by)} confirms it (or proposes another)."
        )
    _check_pairing_active(session)
    check_future(session.starts_at)
    session.status = Session.Status.CONFIRMED
    session.confirmed_at = timezone.now()
    session.confirmed_by = by
    session.full_clean()
    session.save()
    _send(SESSION_CONFIRMED, session, [session.mentor, session.mentee], method=ical.REQUEST)
    return session


@transaction.atomic
def session_counter_propose(*, session, starts_at, minutes=None, location=None, by):
    """The side that was asked proposes another time instead of confirming; the first side
    then confirms it (or proposes again)."""
    session = _locked(session)
    _check_side(session, by)
    if session.status != Session.Status.PROPOSED:
        raise ValidationError("Only a proposed session gets another time: reschedule it.")
    if session.proposed_by_id == by.pk:
        raise ValidationError("You proposed this time: move it with Reschedule.")
    _move(session, starts_at=starts_at, minutes=minutes, location=location, by=by)
    session.full_clean()
    session.save()
    _send(SESSION_PROPOSED, session, [_other(session, by)], by=by, counter=True)
    return session


@transaction.atomic
def session_reschedule(*, session, starts_at, reason, minutes=None, location=None, by):
    """Either side moves a live session, with a reason. The move is a proposal: the session
    is proposed again and the other side confirms the new time. A session that was in
    people's calendars (confirmed) sends both the updated invitation at once (SEQUENCE
    raised), so the old time leaves their calendars."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the session moves."})
    session = _locked(session)
    _check_side(session, by)
    _check_live(session, "moved")
    was_confirmed = session.status == Session.Status.CONFIRMED
    _move(session, starts_at=starts_at, minutes=minutes, location=location, by=by)
    session.reschedule_count += 1
    session.reschedule_reason = reason[:300]
    session.full_clean()
    session.save()
    if was_confirmed:
        _send(
            SESSION_RESCHEDULED,
            session,
            [session.mentor, session.mentee],
            method=ical.REQUEST,
            by=by,
            reason=reason,
        )
    else:
        _send(SESSION_PROPOSED, session, [_other(session, by)], by=by, reason=reason)
    return session


@transaction.atomic
def session_cancel(*, session, reason, by):
    """Either side cancels a live session with a reason; late when less than a day before
    its start. The other side is told; a session that was confirmed leaves both calendars
    (METHOD:CANCEL)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the session is cancelled."})
    session = _locked(session)
    _check_side(session, by)
    _check_live(session, "cancelled")
    now = timezone.now()
    was_in_calendars = session.confirmed_at is not None
    session.status = Session.Status.CANCELLED
    session.cancelled_at = now
    session.cancelled_by = by
    session.cancel_reason = reason[:300]
    session.cancelled_late = session.starts_at - now < LATE_CANCEL
    session.sequence += 1
    session.full_clean()
    session.save()
    if was_in_calendars:
        _send(
            SESSION_CANCELLED,
            session,
            [session.mentor, session.mentee],
            method=ical.CANCEL,
            by=by,
            reason=reason,
        )
    else:
        _send(SESSION_CANCELLED, session, [_other(session, by)], by=by, reason=reason)
    return session


@transaction.atomic
def session_no_show(*, session, absent, by):
    """After the start of a confirmed session, either side names who did not come."""
    session = _locked(session)
    _check_side(session, by)
    if session.status != Session.Status.CONFIRMED:
        raise ValidationError(
            f"This session is {session.get_status_display().lower()}: only a confirmed "
            f"session can be marked as a no-show."
        )
    if timezone.now() < session.starts_at:
        raise ValidationError("A no-show can be marked once the session has started.")
    if getattr(absent, "pk", None) not in (session.mentor_id, session.mentee_id):
        raise ValidationError({"absent": "Choose the mentor or the mentee."})
    session.status = Session.Status.NO_SHOW
    session.no_show_of = absent
    session.no_show_marked_by = by
    session.full_clean()
    session.save()
    return session


def pre_work_save(*, session, text, by):
    """The mentee writes the pre-work (context notes) before a live session; when it was
    written is recorded (cleared with the text)."""
    with transaction.atomic():
        session = _locked(session)
        if by.pk != session.mentee_id:
            raise ValidationError("Only the mentee writes the pre-work.")
        _check_live(session, "prepared")
        text = (text or "").strip()
        if len(text) > 4000:
            raise ValidationError({"pre_work": "Keep the pre-work under 4,000 characters."})
        if text == session.pre_work:
            return session
        session.pre_work = text
        session.pre_work_at = timezone.now() if text else None
        session.save(update_fields=["pre_work", "pre_work_at", "updated_at"])
    return session


# --- calendar feeds -------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, organization, user):
    """The person's live feed of ``organization``: the one they have, else a new one."""
    feed = (
        CalendarFeed.objects.for_org(organization)
        .select_for_update(of=("self",))
        .filter(user=user, revoked_at__isnull=True)
        .first()
    )
    if feed is not None:
        return feed
    feed = CalendarFeed(organization=organization, user=user)
    feed.full_clean()
    feed.save()
    return feed


@transaction.atomic
def calendar_feed_revoke(*, organization, user):
    """Revoke the person's live feed (its address answers 404 from now on) and give them a
    new one with a new secret."""
    CalendarFeed.objects.for_org(organization).filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return calendar_feed_create(organization=organization, user=user)
