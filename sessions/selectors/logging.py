"""Reads for logging (S4): the session page, the outputs a session has given, the templates a
session may be logged from after the fact.

:func:`session_page` reads everything the page shows in a fixed number of queries, whatever
the number of blocks, signals, actions or past sessions, and leaves out what the viewer may not
see (``session.viewer``): the pair sees notes, signals, corrections, habits and actions; the
mentor's private note only the mentor; admins and leaders see that the session took place, its
length, template, signals and which outputs were given, not the text (unless the program's
charter shares notes with the program team).
"""

from dataclasses import dataclass

from django.db.models import Q, Subquery
from django.utils import timezone

from ..models import (
    ActionItem,
    Attendance,
    Correction,
    MicroHabit,
    Output,
    Session,
    SessionBlock,
    SignalType,
    SignalValue,
)
from ..outputs import CORRECTIONS_ASKED, BlockData, SessionData, missing_outputs, outputs_asked
from ..outputs import outputs_given as _outputs_given
from .people import zone_of
from .templates import program_templates


def loggable_templates(*, pairing):
    """The templates a pair's session may be logged from: the program's (as scheduling
    offers them)."""
    return program_templates(program=pairing.cohort.program)


def _value_codes(session):
    values = {
        Output.CUE: session.cue,
        Output.PRACTICE_TARGET: session.practice_target,
        Output.FOLLOW_UP_DATE: session.follow_up_on,
        Output.MICRO_OUTCOME: session.micro_outcome,
        Output.CLIP_LINK: session.clip_url,
        Output.PEER_CRITIQUE: session.peer_critique,
    }
    return frozenset(code.value for code, value in values.items() if value)


def build_session_data(*, session, blocks, signals, corrections, habits, actions, attendance):
    """The :class:`~sessions.outputs.SessionData` of rows already read."""
    return SessionData(
        blocks=tuple(
            BlockData(
                title=b.title, outputs=tuple(b.outputs or ()), has_notes=bool(b.notes.strip())
            )
            for b in blocks
        ),
        signals=signals,
        corrections=corrections,
        habits=habits,
        actions=actions,
        attendance=attendance,
        values=_value_codes(session),
    )


def session_outputs_data(*, session):
    """What ``session`` holds, for the completion check (a fixed number of queries)."""
    org = session.organization
    return build_session_data(
        session=session,
        blocks=list(
            SessionBlock.objects.for_org(org)
            .filter(session=session)
            .only("title", "outputs", "notes", "position")
        ),
        signals=SignalValue.objects.for_org(org).filter(session=session).count(),
        corrections=Correction.objects.for_org(org).filter(session=session).count(),
        habits=MicroHabit.objects.for_org(org).filter(session=session).count(),
        actions=ActionItem.objects.for_org(org).filter(session=session).count(),
        attendance=Attendance.objects.for_org(org).filter(session=session).count(),
    )


@dataclass
class SignalRow:
    """One signal type of the program with this session's value (None when not recorded)."""

    type: SignalType
    value: object = None

    @property
    def display(self):
        return self.type.display(self.value) if self.value is not None else ""

    @property
    def level(self):
        return int(self.value) if self.value is not None else None

    @property
    def levels(self):
        """(level, word) of a rubric, 1 to 5."""
        words = list(self.type.level_words or [])
        return [
            (i, words[i - 1] if i <= len(words) else "")
            for i in range(1, SignalType.RUBRIC_LEVELS + 1)
        ]

    @property
    def number_text(self):
        if self.value is None:
            return ""
        return f"{self.value.normalize():f}"


@dataclass
class OutputRow:
    code: str
    label: str
    given: bool


def _previous_open_actions(session):
    """The open actions of the pairing's previous completed session (one query)."""
    if session.pairing_id is None:
        return []
    org = session.organization
    previous = (
        Session.objects.for_org(org)
        .filter(
            pairing_id=session.pairing_id,
            status=Session.Status.COMPLETED,
            starts_at__lt=session.starts_at,
        )
        .exclude(pk=session.pk)
        .order_by("-starts_at")
        .values("pk")[:1]
    )
    return list(
        ActionItem.objects.for_org(org)
        .filter(session_id=Subquery(previous), done_at__isnull=True)
        .select_related("owner", "session")
        .order_by("due_on", "pk")
    )


def session_page(*, session, membership):
    """Everything the session page shows of ``session`` (reached through
    ``access_session_by_id``, so ``session.viewer`` is set), as the viewer may see it."""
    viewer = session.viewer
    org = session.organization
    program_id = session.cohort.program_id if session.cohort_id else None

    blocks = list(
        SessionBlock.objects.for_org(org).filter(session=session).select_related("saved_by")
    )
    values = {
        row.signal_type_id: row.value
        for row in SignalValue.objects.for_org(org).filter(
            session=session, subject_id=session.mentee_id
        )
    }
    types = list(
        SignalType.objects.for_org(org)
        .filter(program_id=program_id)
        .filter(Q(archived_at__isnull=True) | Q(pk__in=list(values)))
        .order_by("position", "name")
    )
    signals = [SignalRow(type=t, value=values.get(t.pk)) for t in types]
    corrections = {
        c.position: c.text for c in Correction.objects.for_org(org).filter(session=session)
    }
    habits = list(MicroHabit.objects.for_org(org).filter(session=session))
    actions = list(ActionItem.objects.for_org(org).filter(session=session).select_related("owner"))
    asks_attendance = any(Output.ATTENDANCE in (b.outputs or []) for b in blocks)
    attendance = (
        Attendance.objects.for_org(org).filter(session=session).count() if asks_attendance else 0
    )
    previous_actions = _previous_open_actions(session)

    data = build_session_data(
        session=session,
        blocks=blocks,
        signals=len(values),
        corrections=len(corrections),
        habits=len(habits),
        actions=len(actions),
        attendance=attendance,
    )
    given = _outputs_given(data)
    outputs = [OutputRow(code, Output(code).label, code in given) for code in outputs_asked(data)]
    missing = missing_outputs(data)

    # A group session has no one mentee: its signals, habit and actions belong in each
    # attendee's own sessions; it shows the outputs its blocks ask for (attendance, presenter
    # and peer critique are the groups panel's).
    asked = set(outputs_asked(data))
    value_codes = {"cue", "practice_target", "follow_up_date", "micro_outcome", "clip_link"}
    shows = {
        "signals": not session.is_group,
        "corrections": not session.is_group or "corrections" in asked,
        "habit": not session.is_group,
        "actions": not session.is_group,
        "outcomes": not session.is_group or bool(asked & value_codes),
    }
    zone = zone_of(organization=org, user=membership.user_id)
    for block in blocks:
        block.saved_local = timezone.localtime(block.saved_at, zone) if block.saved_at else None
    if not viewer.sees_notes:
        # The text stays with the pair: nothing of it reaches the template.
        for block in blocks:
            block.notes = ""
        corrections = {}
        habits = []
        actions_count, actions = len(actions), []
        previous_count, previous_actions = len(previous_actions), []
    else:
        actions_count, previous_count = len(actions), len(previous_actions)

    starts = timezone.localtime(session.starts_at, zone)
    ends = timezone.localtime(session.ends_at, zone)
    is_open = session.status == Session.Status.CONFIRMED and (
        session.pairing is None or session.pairing.status == "active"
    )
    return {
        "blocks": blocks,
        "shows": shows,
        "signals": signals,
        "corrections": [
            (position, corrections.get(position, ""))
            for position in range(1, CORRECTIONS_ASKED + 1)
        ],
        "correction_count": data.corrections,
        "habit": habits[0] if habits else None,
        "habit_given": data.habits > 0,
        "actions": actions,
        "actions_count": actions_count,
        "previous_actions": previous_actions,
        "previous_actions_count": previous_count,
        "outputs": outputs,
        "missing": missing,
        "stored_missing": [
            Output(c).label for c in session.missing_outputs or [] if c in Output.values
        ],
        "zone": zone,
        "zone_name": str(zone),
        "starts_local": starts,
        "ends_local": ends,
        "is_open": is_open,
        "can_log_now": viewer.can_log and is_open,
        "running": bool(session.started_at) and session.status == Session.Status.CONFIRMED,
        "private_note": session.private_note if viewer.sees_private_note else "",
        "today": timezone.localdate(timezone.now(), zone),
    }
