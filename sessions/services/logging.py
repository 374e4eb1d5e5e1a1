"""Logging a session (S4): notes per block, signals, the three corrections, the micro-habit,
action items, the one-value outputs, the mentor's private note, completing; and logging a
session after the fact ("we met yesterday").

Who logs: the session's mentor (or, for a group session, who runs it: see
``access.runs_session``). What can be logged: a confirmed session of an active pairing that
is not completed yet. A cancelled or no-show session, one that is only proposed, a completed
one and a session of a pairing that has ended are refused with a sentence that says so.

Completing checks the outputs the blocks ask for (``sessions.outputs``); what is missing is
listed, and the mentor may still complete with a reason: the session then keeps the missing
codes and is flagged for the data-quality audit. Completing restarts the pairing's idle clock
and sends ``sessions.signals.session_completed`` (session=, by=) inside the transaction, so the
follow-up and the time-bank credit are written with the completion or not at all.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from matching.models import Pairing
from mentorship.core.models import model_update

from ..access import runs_session
from ..models import (
    ActionItem,
    Correction,
    MicroHabit,
    Session,
    SessionBlock,
    SessionKind,
    SignalValue,
)
from ..outputs import CORRECTIONS_ASKED, missing_outputs
from ..signals import session_completed
from .blocks import copy_template_blocks

NOTES_MAX_LENGTH = 20_000


class NotesConflict(ValidationError):
    """A save of a block's notes that names an older version than the stored one: both texts
    travel with the refusal (``yours`` and ``stored``), so the page shows them side by side."""

    def __init__(self, *, stored, yours, your_version):
        self.stored = stored  # the SessionBlock as saved (notes, version, saved_by, saved_at)
        self.yours = yours
        self.your_version = your_version
        super().__init__(
            {
                "notes": (
                    f"\u201c{stored.title}\u201d was saved elsewhere meanwhile (version "
                    f"{stored.version}; yours was based on version {your_version}): nothing "
                    "was overwritten. Both texts are shown: keep one."
                )
            }
        )


# ------------------------------------------------------------------ the checks


def check_loggable(session):
    """Refuse a session that cannot be logged (its status, or its pairing has ended)."""
    if session.status == Session.Status.COMPLETED:
        raise ValidationError("This session is completed: its log is closed.")
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session was cancelled: it cannot be logged.")
    if session.status == Session.Status.NO_SHOW:
        raise ValidationError("This session was a no-show: it cannot be logged.")
    if session.status == Session.Status.PROPOSED:
        raise ValidationError(
            "This session is not confirmed yet: it can be logged once its time is confirmed."
        )
    pairing = session.pairing
    if pairing is not None and pairing.status != Pairing.Status.ACTIVE:
        raise ValidationError(
            f"This pairing is {pairing.get_status_display().lower()}: its sessions can no "
            "longer be logged."
        )


def _check(session, by):
    if not runs_session(session=session, user=by):
        raise ValidationError("Only the session's mentor (or who runs a group session) logs it.")
    check_loggable(session)


def _day_of(session):
    return timezone.localdate(session.starts_at, session.organization.zoneinfo)


# ------------------------------------------------------------------ running the session


def session_start(*, session, by, now=None):
    """The mentor starts the session: ``started_at`` is recorded once (the timer walks the
    blocks from it). Starting again changes nothing."""
    _check(session, by)
    if session.started_at is None:
        session.started_at = now or timezone.now()
        session.save(update_fields=["started_at", "updated_at"])
    return session


def block_notes_save(*, block, notes, version, by, now=None):
    """Save a block's notes if ``version`` is the stored one (one conditional UPDATE); raise
    :class:`NotesConflict` with both texts when another save came first."""
    session = block.session
    _check(session, by)
    notes = notes or ""
    if len(notes) > NOTES_MAX_LENGTH:
        raise ValidationError(
            {"notes": f"Notes are at most {NOTES_MAX_LENGTH:,} characters ({len(notes):,} now)."}
        )
    if version == block.version and notes == block.notes:
        return block  # nothing changed: no write, no new version
    now = now or timezone.now()
    saved = (
        SessionBlock.objects.for_org(session.organization)
        .filter(pk=block.pk, version=version)
        .update(notes=notes, version=F("version") + 1, saved_at=now, saved_by=by)
    )
    if not saved:
        stored = (
            SessionBlock.objects.for_org(session.organization)
            .select_related("saved_by")
            .get(pk=block.pk)
        )
        raise NotesConflict(stored=stored, yours=notes, your_version=version)
    block.notes, block.version, block.saved_at, block.saved_by = notes, version + 1, now, by
    return block


def signal_record(*, session, signal_type, value, by, subject=None):
    """Record (or change) one signal of the session; an empty value removes it. A value out
    of its type's range is refused with the range in the message."""
    _check(session, by)
    program_id = session.cohort.program_id if session.cohort_id else None
    if signal_type.program_id != program_id or signal_type.archived_at is not None:
        raise ValidationError(
            {"value": f"{signal_type.name} is not one of this program's signals."}
        )
    subject = subject or session.mentee
    if subject is None:
        raise ValidationError({"value": "Say whom the signal is about."})
    existing = SignalValue.objects.for_org(session.organization).filter(
        session=session, signal_type=signal_type, subject=subject
    )
    if value in (None, ""):
        existing.delete()
        return None
    try:
        number = signal_type.check_value(value)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from error
    row = existing.first() or SignalValue(
        organization=session.organization,
        session=session,
        signal_type=signal_type,
        subject=subject,
    )
    row.value = number
    row.recorded_by = by
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def corrections_save(*, session, texts, by):
    """The session's actionable corrections, one line each (up to three): a blank line
    removes that correction. Returns the corrections kept."""
    _check(session, by)
    texts = [(text or "").strip() for text in texts]
    if len(texts) > CORRECTIONS_ASKED:
        raise ValidationError(f"At most {CORRECTIONS_ASKED} corrections.")
    rows = []
    for position, text in enumerate(texts, 1):
        if not text:
            continue
        row = Correction(
            organization=session.organization, session=session, position=position, text=text
        )
        try:
            row.full_clean(exclude=["session"], validate_unique=False)
        except ValidationError as error:
            raise ValidationError({f"correction_{position}": error.messages}) from error
        rows.append(row)
    Correction.objects.for_org(session.organization).filter(session=session).delete()
    return Correction.objects.bulk_create(rows)


@transaction.atomic
def habit_save(*, session, text, cadence, times_per_week=None, by):
    """The session's micro-habit for the mentee (text and cadence: daily, weekdays, or N
    times a week): set, changed, or removed with an empty text."""
    _check(session, by)
    if session.mentee_id is None:
        raise ValidationError({"text": "A micro-habit is set for a mentee's session."})
    habit = MicroHabit.objects.for_org(session.organization).filter(session=session).first()
    text = (text or "").strip()
    if not text:
        if habit is not None:
            habit.delete()
        return None
    if habit is None:
        habit = MicroHabit(
            organization=session.organization,
            session=session,
            pairing=session.pairing,
            mentee=session.mentee,
            starts_on=_day_of(session),
            created_by=by,
        )
    habit.text = text
    habit.cadence = cadence
    habit.times_per_week = times_per_week if cadence == MicroHabit.Cadence.PER_WEEK else None
    habit.full_clean()
    habit.save()
    return habit


def action_add(*, session, text, owner, due_on, by):
    """An action item agreed in the session, owned by the mentor or the mentee, due on a
    day on or after the session's."""
    _check(session, by)
    people = {session.mentor_id, session.mentee_id} - {None}
    if owner is None or owner.pk not in people:
        raise ValidationError({"owner": "The owner is the session's mentor or mentee."})
    if due_on is None:
        raise ValidationError({"due_on": "Give the action a due date."})
    day = _day_of(session)
    if due_on < day:
        raise ValidationError(
            {"due_on": f"The due date is on or after the session's day ({day:%-d %B})."}
        )
    action = ActionItem(
        organization=session.organization,
        session=session,
        pairing=session.pairing,
        text=(text or "").strip(),
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    action.full_clean()
    action.save()
    return action


def action_remove(*, action, by):
    """Take back an action added in this session (while the session is being logged)."""
    session = action.session
    if session is None:
        raise ValidationError("This action belongs to no session being logged.")
    _check(session, by)
    action.delete()


def check_clip_url(url):
    """A clip link is an http(s) address; anything else (javascript:, ftp:, data:) is
    refused."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError({"clip_url": "A clip link is an http:// or https:// address."})
    return url


OUTCOME_FIELDS = ("micro_outcome", "cue", "practice_target", "follow_up_on", "clip_url")


def outcomes_save(*, session, by, **data):
    """The one-value outputs: micro-outcome, cue to refine, practice target and follow-up
    date, clip link."""
    _check(session, by)
    unknown = set(data) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"outcomes_save got unknown fields: {', '.join(sorted(unknown))}")
    if "clip_url" in data:
        data["clip_url"] = check_clip_url(data["clip_url"])
    for name in ("micro_outcome", "cue", "practice_target"):
        if name in data:
            data[name] = (data[name] or "").strip()
    follow_up = data.get("follow_up_on")
    if follow_up is not None and follow_up < _day_of(session):
        raise ValidationError(
            {"follow_up_on": "The follow-up date is on or after the session's day."}
        )
    model_update(session, data, fields=OUTCOME_FIELDS)
    return session


def private_note_save(*, session, text, by):
    """The mentor's own note: nobody else ever sees it."""
    if session.mentor_id != by.pk:
        raise ValidationError("Only the session's mentor keeps a private note.")
    check_loggable(session)
    model_update(session, {"private_note": (text or "").strip()}, fields=["private_note"])
    return session


# ------------------------------------------------------------------ completing


@transaction.atomic
def session_complete(*, session, by, reason="", now=None):
    """Complete the session. What its blocks ask for and it lacks is listed in the refusal;
    with a ``reason`` it completes anyway, keeping the missing codes and flagged for the
    audit. A second completion is refused. Restarts the pairing's idle clock and sends
    ``session_completed``."""
    from ..selectors.logging import session_outputs_data

    now = now or timezone.now()
    # Lock the row: two completions at once are one completion and one refusal.
    session = (
        Session.objects.for_org(session.organization)
        .select_for_update(of=("self",))
        .select_related("pairing", "cohort", "mentor", "mentee")
        .get(pk=session.pk)
    )
    if session.status == Session.Status.COMPLETED:
        raise ValidationError("This session is already completed.")
    _check(session, by)
    if session.starts_at > now and session.started_at is None:
        raise ValidationError("This session has not begun: start it, or complete it after.")
    missing = missing_outputs(session_outputs_data(session=session))
    reason = (reason or "").strip()
    if missing and not reason:
        raise ValidationError(
            {
                "reason": "Still missing: "
                + "; ".join(m.text for m in missing)
                + ". Add them, or say why you complete the session without them."
            }
        )
    session.status = Session.Status.COMPLETED
    session.completed_at = now
    session.completed_by = by
    session.missing_outputs = [m.code for m in missing]
    session.completion_reason = reason if missing else ""
    session.flagged_for_audit = bool(missing)
    session.save(
        update_fields=[
            "status",
            "completed_at",
            "completed_by",
            "missing_outputs",
            "completion_reason",
            "flagged_for_audit",
            "updated_at",
        ]
    )
    if session.pairing_id is not None:
        Pairing.objects.for_org(session.organization).filter(pk=session.pairing_id).update(
            last_activity_at=now
        )
        session.pairing.last_activity_at = now
    session_completed.send(sender=Session, session=session, by=by)
    return session


# ------------------------------------------------------------------ after the fact


@transaction.atomic
def _check_no_meeting_then(*, pairing, starts_at, minutes, by):
    """Refuse a logged-after time that overlaps a session either person had then (confirmed,
    completed or a no-show): that one is logged instead, or the time is wrong."""
    ends_at = starts_at + timedelta(minutes=minutes)
    taken = [Session.Status.CONFIRMED, Session.Status.COMPLETED, Session.Status.NO_SHOW]
    for person in (pairing.mentor.user, pairing.mentee.user):
        clashes = (
            Session.objects.for_org(pairing.organization)
            .of_user(person)
            .filter(status__in=taken, starts_at__lt=ends_at)
            .filter(starts_at__gte=starts_at - timedelta(hours=12))
            .order_by("starts_at")
        )
        for other in clashes:
            if other.ends_at > starts_at:
                who = "You" if person.pk == by.pk else (person.name or person.email)
                verb = "have" if person.pk == by.pk else "has"
                raise ValidationError(
                    {
                        "starts_at": f"{who} {verb} \u201c{other.title}\u201d at that time "
                        f"({other.get_status_display().lower()}): log that one, or pick "
                        "another time."
                    }
                )


def session_log_after(*, pairing, template, starts_at, minutes=None, by, now=None):
    """The mentor logs a session that already took place ("we met yesterday"): a confirmed
    session, ``logged_after``, with its template's blocks, to be filled in and completed like
    any other."""
    from ..selectors.logging import loggable_templates

    now = now or timezone.now()
    if pairing.mentor.user_id != by.pk:
        raise ValidationError("Only the pairing's mentor logs its sessions.")
    if pairing.status != Pairing.Status.ACTIVE:
        raise ValidationError(
            f"This pairing is {pairing.get_status_display().lower()}: only an active pair's "
            "sessions are logged."
        )
    if template is None or template not in loggable_templates(pairing=pairing):
        raise ValidationError({"template": "Choose one of the program's session templates."})
    minutes = minutes or template.minutes
    low, high = template.length_range()
    if not low <= minutes <= high:
        raise ValidationError(
            {"minutes": f"{template.name} lasts {low} to {high} minutes."}
            if low != high
            else {"minutes": f"{template.name} lasts {low} minutes."}
        )
    if starts_at + timedelta(minutes=minutes) > now:
        raise ValidationError(
            {"starts_at": "A session logged after the fact is over: pick a time in the past."}
        )
    began = pairing.accepted_at or pairing.created_at
    if began and starts_at < began - timedelta(days=1):
        raise ValidationError(
            {"starts_at": "That is before the pair was matched: pick a later day."}
        )
    _check_no_meeting_then(pairing=pairing, starts_at=starts_at, minutes=minutes, by=by)
    session = Session(
        organization=pairing.organization,
        kind=template.kind if template.kind != SessionKind.GROUP else SessionKind.ONE_TO_ONE,
        pairing=pairing,
        cohort=pairing.cohort,
        mentor=pairing.mentor.user,
        mentee=pairing.mentee.user,
        template=template,
        template_name=template.name,
        title=template.name,
        starts_at=starts_at,
        minutes=minutes,
        status=Session.Status.CONFIRMED,
        proposed_by=by,
        confirmed_at=now,
        confirmed_by=by,
        logged_after=True,
    )
    session.full_clean()
    session.save()
    copy_template_blocks(session=session, template=template, minutes=minutes)
    return session
