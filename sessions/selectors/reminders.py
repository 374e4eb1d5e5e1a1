"""The reads of the session, action, milestone and habit reminders (B2): what may be due now,
the program settings that time them (X8), and which of them were sent already.

Each read runs one query whatever the number of rows; the candidate reads are bounded by a
window of time around now (the sessions of the next day, the actions and milestones due
within a few days of today), so a sweep that finds nothing due is a handful of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, timedelta

from django.db.models import Q

from matching.models import Pairing
from mentorship.notifications.models import Nudge, NudgePreference
from programs.models import Cohort, Participant, ProgramReminders

from ..models import PAIR_KINDS, ActionItem, MicroHabit, PlanMilestone, Session, SessionKind

# --- the program settings ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderSettings:
    """The reminder timings of one program (``programs.ProgramReminders``, X8): the fields
    these reminders read, with the model's defaults (a pairing outside any program uses
    these)."""

    session_day_before: bool = True
    session_hour_before: bool = False
    session_prework_prompt: bool = True
    action_due_reminder: bool = True
    action_overdue_days: int = 2
    milestone_days_before: int = 7
    milestone_overdue: bool = True
    habit_checkin: bool = True


DEFAULT_SETTINGS = ReminderSettings()
SETTING_NAMES = tuple(f.name for f in fields(ReminderSettings))


class SettingsByProgram(dict):
    """``{program_id: ReminderSettings}``; a program without its row (or ``None``, no
    program) reads the defaults."""

    def __missing__(self, program_id):
        return DEFAULT_SETTINGS


def reminder_settings_of(*, organization, program_ids=None):
    """The reminder settings of the organisation's programs (those of ``program_ids``, or
    all): one query. The one place that reads ``ProgramReminders``."""
    rows = ProgramReminders.objects.for_org(organization)
    if program_ids is not None:
        rows = rows.filter(program_id__in=[pk for pk in program_ids if pk is not None])
    return SettingsByProgram(
        {
            row.program_id: ReminderSettings(**{name: getattr(row, name) for name in SETTING_NAMES})
            for row in rows
        }
    )


def program_of(*, pairing=None, session=None, cohort=None):
    """The program id a row's reminders follow: its pairing's cohort's, else its session's
    cohort's (a directory session may have neither: the defaults)."""
    for source in (pairing, session):
        if source is not None and source.cohort_id is not None:
            return source.cohort.program_id
    return cohort.program_id if cohort is not None else None


# --- what was sent already ----------------------------------------------------------------------


def sent_keys(*, organization, kind, subject_keys, periods=None):
    """``{(subject_key, period, recipient_email)}`` of the nudges of ``kind`` stored for these
    subjects (and periods): one query."""
    if not subject_keys:
        return set()
    rows = Nudge.objects.for_org(organization).filter(
        kind=kind.kind, subject_key__in=list(subject_keys)
    )
    if periods is not None:
        rows = rows.filter(period__in=list(periods))
    return set(rows.values_list("subject_key", "period", "recipient_email"))


def preferences_of(*, organization, user_ids):
    """``{user_id: NudgePreference}`` of those who have saved theirs (one query); the others
    have the defaults (``NudgePreference()``)."""
    return {
        row.user_id: row
        for row in NudgePreference.objects.for_org(organization).filter(user_id__in=list(user_ids))
    }


# --- the candidates ----------------------------------------------------------------------------

_LIVE_PAIRING = Q(pairing__isnull=True) | Q(pairing__status=Pairing.Status.ACTIVE)


def upcoming_sessions(*, organization, now, within):
    """Confirmed sessions starting after ``now`` and within ``within`` of it: one-to-one and
    micro sessions with both people whose pairing (if any) is active, and group sessions of
    cohorts not completed; soonest first."""
    pair = Q(kind__in=PAIR_KINDS, mentor__isnull=False, mentee__isnull=False)
    group = Q(kind=SessionKind.GROUP, cohort__isnull=False) & ~Q(
        cohort__status=Cohort.Status.COMPLETED
    )
    return list(
        Session.objects.for_org(organization)
        .filter(
            pair | group,
            _LIVE_PAIRING,
            status=Session.Status.CONFIRMED,
            starts_at__gt=now,
            starts_at__lte=now + within,
        )
        .select_related("template", "mentor", "mentee", "cohort")
        .order_by("starts_at", "pk")
    )


def group_people_of(*, organization, cohort_ids):
    """``{cohort_id: [user]}``: the active mentors and mentees of these cohorts (the people of
    their group sessions; facilitators run them): one query, none without cohorts."""
    if not cohort_ids:
        return {}
    found = {}
    for participant in (
        Participant.objects.for_org(organization)
        .filter(
            cohort_id__in=list(cohort_ids),
            status=Participant.Status.ACTIVE,
            role__in=[Participant.Role.MENTOR, Participant.Role.MENTEE],
        )
        .select_related("user")
        .order_by("cohort_id", "pk")
    ):
        found.setdefault(participant.cohort_id, []).append(participant.user)
    return found


def sessions_by_id(*, organization, ids):
    return {
        session.pk: session
        for session in Session.objects.for_org(organization)
        .filter(pk__in=list(ids))
        .only("pk", "status", "sequence", "starts_at")
    }


def open_actions_due_near(*, organization, ranges):
    """Open actions of live pairings (or of none) whose due date falls in one of ``ranges``
    (``[(first, last)]`` inclusive), with their owner and program."""
    if not ranges:
        return []
    window = Q()
    for first, last in ranges:
        window |= Q(due_on__range=(first, last))
    return list(
        ActionItem.objects.for_org(organization)
        .filter(window, _LIVE_PAIRING, done_at__isnull=True)
        .select_related("owner", "pairing__cohort", "pairing__mentor", "session__cohort")
        .order_by("due_on", "pk")
    )


def open_milestones_due_near(*, organization, ranges):
    """Milestones not done of the plans of active pairings whose due date falls in one of
    ``ranges``, with the plan's mentee and program."""
    if not ranges:
        return []
    window = Q()
    for first, last in ranges:
        window |= Q(due_on__range=(first, last))
    return list(
        PlanMilestone.objects.for_org(organization)
        .filter(window, done_at__isnull=True, plan__pairing__status=Pairing.Status.ACTIVE)
        .select_related("plan__pairing__cohort", "plan__pairing__mentee__user")
        .order_by("due_on", "pk")
    )


def active_habits(*, organization, first, last):
    """Habits neither paused nor ended, of live pairings (or of none), whose life covers
    some day of ``first``..``last`` (the days today can be in any zone), with their mentee
    and program."""
    return list(
        MicroHabit.objects.for_org(organization)
        .filter(
            _LIVE_PAIRING,
            Q(ends_on__isnull=True) | Q(ends_on__gte=first),
            paused_at__isnull=True,
            ended_at__isnull=True,
            starts_on__lte=last,
        )
        .select_related("mentee", "pairing__cohort", "session__cohort")
        .order_by("mentee_id", "pk")
    )


def checkins_between(*, organization, habit_ids, first, last):
    """``{habit_id: {day: state}}`` of the check-ins of ``first``..``last``: one query."""
    from ..models import HabitCheckIn

    found = {}
    for habit_id, day, state in (
        HabitCheckIn.objects.for_org(organization)
        .filter(habit_id__in=list(habit_ids), day__range=(first, last))
        .values_list("habit_id", "day", "state")
    ):
        found.setdefault(habit_id, {})[day] = state
    return found


def utc_days_around(now):
    """The dates today may be somewhere (UTC−12 to UTC+14): ``now``'s UTC date ± a day."""
    today = now.astimezone(UTC).date()
    return today - timedelta(days=1), today + timedelta(days=1)
