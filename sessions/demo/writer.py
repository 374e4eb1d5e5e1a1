"""Collects the demo's sessions and what was written in them, then writes it all in a few
bulk queries: the sessions, their blocks (``copy_template_blocks``, one query each), the
notes, and every output row. ``auto_now_add`` times are set back to when things happened
(``bulk_update`` writes the values as given)."""

from dataclasses import dataclass, field
from datetime import timedelta

from ..models import (
    ActionItem,
    Attendance,
    CalendarFeed,
    Correction,
    Kudos,
    MicroHabit,
    OfficeHoursSlot,
    PulseAnswer,
    Session,
    SessionBlock,
    SignalValue,
)
from ..services.blocks import copy_template_blocks


@dataclass
class Planned:
    session: Session
    notes: dict = field(default_factory=dict)  # block title -> notes
    signals: list = field(default_factory=list)  # (SignalType, value)
    corrections: list = field(default_factory=list)
    habit: tuple | None = None  # (text, cadence code)
    actions: list = field(default_factory=list)  # (text, owner, due_on, done)
    pulses: list = field(default_factory=list)  # (respondent, role, score or None, comment)
    kudos: list = field(default_factory=list)  # (giver, recipient, text)
    attendance: list = field(default_factory=list)  # (participant, status)
    slot: OfficeHoursSlot | None = None  # the office-hours slot this session books


def _proposed_at(session, now):
    """When a session was proposed: a few days before it, before it was confirmed, and never
    after now."""
    moments = [session.starts_at - timedelta(days=3), now - timedelta(hours=1)]
    if session.confirmed_at is not None:
        moments.append(session.confirmed_at - timedelta(hours=2))
    return min(moments)


class Writer:
    def __init__(self, organization, now):
        self.organization = organization
        self.now = now
        self.planned = []
        self.slots = []
        self.feeds = []

    def add(self, template, **fields):
        """Plan a session from ``template`` (fields as Session's); returns its Planned."""
        session = Session(
            organization=self.organization,
            template=template,
            template_name=template.name,
            minutes=fields.pop("minutes", template.minutes),
            title=fields.pop("title", template.name),
            **fields,
        )
        planned = Planned(session=session)
        self.planned.append(planned)
        return planned

    def slot(self, **fields):
        slot = OfficeHoursSlot(organization=self.organization, **fields)
        self.slots.append(slot)
        return slot

    def feed(self, user):
        self.feeds.append(CalendarFeed(organization=self.organization, user=user))

    # --- writing -------------------------------------------------------------------------

    def write(self):
        sessions = [p.session for p in self.planned]
        proposed = {id(s): _proposed_at(s, self.now) for s in sessions}
        Session.objects.for_org(self.organization).bulk_create(sessions)
        for session in sessions:
            session.proposed_at = proposed[id(session)]
        Session.objects.for_org(self.organization).bulk_update(sessions, ["proposed_at"])
        for session in sessions:
            copy_template_blocks(
                session=session, template=session.template, minutes=session.minutes
            )
        self._notes(sessions)
        self._outputs()
        for planned in self.planned:
            if planned.slot is not None:
                planned.slot.session = planned.session
        OfficeHoursSlot.objects.for_org(self.organization).bulk_create(self.slots)
        CalendarFeed.objects.for_org(self.organization).bulk_create(self.feeds)
        return sessions

    def _notes(self, sessions):
        by_session = {p.session.pk: p for p in self.planned}
        blocks = list(
            SessionBlock.objects.for_org(self.organization).filter(
                session_id__in=[s.pk for s in sessions]
            )
        )
        changed = []
        elapsed = {}  # session pk -> minutes of its blocks so far (blocks come in order)
        for block in sorted(blocks, key=lambda b: (b.session_id, b.position)):
            planned = by_session[block.session_id]
            elapsed[block.session_id] = elapsed.get(block.session_id, 0) + block.minutes
            text = planned.notes.get(block.title, "")
            if not text:
                continue
            session = planned.session
            block.notes = text
            block.version = 1
            block.saved_at = session.starts_at + timedelta(minutes=elapsed[block.session_id])
            block.saved_by = session.mentor
            changed.append(block)
        SessionBlock.objects.for_org(self.organization).bulk_update(
            changed, ["notes", "version", "saved_at", "saved_by"]
        )

    def _outputs(self):
        org = self.organization
        signals, corrections, habits, actions, pulses, kudos, attendance = ([] for _ in range(7))
        for planned in self.planned:
            session = planned.session
            done_at = session.completed_at or session.ends_at
            for signal_type, value in planned.signals:
                signals.append(
                    SignalValue(
                        organization=org,
                        session=session,
                        signal_type=signal_type,
                        subject=session.mentee,
                        value=value,
                        recorded_by=session.mentor,
                        recorded_at=session.starts_at + timedelta(minutes=12),
                    )
                )
            corrections += [
                Correction(organization=org, session=session, position=i, text=text)
                for i, text in enumerate(planned.corrections, 1)
            ]
            if planned.habit is not None:
                text, cadence = planned.habit
                times = None
                if cadence.startswith("per_week:"):
                    cadence, times = MicroHabit.Cadence.PER_WEEK, int(cadence.split(":")[1])
                habits.append(
                    MicroHabit(
                        organization=org,
                        session=session,
                        pairing=session.pairing,
                        mentee=session.mentee,
                        text=text,
                        cadence=cadence,
                        times_per_week=times,
                        starts_on=done_at.date() + timedelta(days=1),
                        created_by=session.mentor,
                        created_at=done_at,
                    )
                )
            for text, owner, due_on, done in planned.actions:
                actions.append(
                    ActionItem(
                        organization=org,
                        session=session,
                        pairing=session.pairing,
                        text=text,
                        owner=owner,
                        due_on=due_on,
                        done_at=done,
                        done_by=owner if done else None,
                        created_by=session.mentor,
                        created_at=done_at,
                    )
                )
            for respondent, role, score, comment in planned.pulses:
                pulses.append(
                    PulseAnswer(
                        organization=org,
                        session=session,
                        respondent=respondent,
                        role=role,
                        score=score,
                        comment=comment if score else "",
                        requested_at=done_at,
                        answered_at=done_at + timedelta(hours=5) if score else None,
                    )
                )
            kudos += [
                Kudos(
                    organization=org,
                    session=session,
                    giver=giver,
                    recipient=recipient,
                    text=text,
                    created_at=done_at + timedelta(hours=3),
                )
                for giver, recipient, text in planned.kudos
            ]
            attendance += [
                Attendance(
                    organization=org,
                    session=session,
                    participant=participant,
                    status=status,
                    recorded_by=session.mentor,
                    recorded_at=session.starts_at + timedelta(minutes=10),
                )
                for participant, status in planned.attendance
            ]
        # Habits: the newest of a pairing's runs; each earlier one ended when the next began.
        latest = {}
        for habit in habits:
            previous = latest.get(habit.pairing_id)
            if previous is not None:
                previous.ended_at = habit.created_at
                previous.ends_on = habit.starts_on - timedelta(days=1)
            latest[habit.pairing_id] = habit
        for model, rows, backdated in (
            (SignalValue, signals, ["recorded_at"]),
            (Correction, corrections, []),
            (MicroHabit, habits, ["created_at"]),
            (ActionItem, actions, ["created_at"]),
            (PulseAnswer, pulses, ["requested_at"]),
            (Kudos, kudos, ["created_at"]),
            (Attendance, attendance, ["recorded_at"]),
        ):
            times = [[getattr(row, name) for name in backdated] for row in rows]
            model.objects.for_org(self.organization).bulk_create(rows)
            if backdated and rows:
                for row, values in zip(rows, times, strict=True):
                    for name, value in zip(backdated, values, strict=True):
                        setattr(row, name, value)
                model.objects.for_org(self.organization).bulk_update(rows, backdated)
