"""Micro-habit reads (D2): my habits with their figures, today's habits for the home panel,
and the mentor's view of their mentees' adherence and strength.

Every figure comes from ``sessions.habits.habit_stats`` (pure) fed with the habit's
check-ins and pause ranges; each read here runs a fixed number of queries whatever the
number of habits and check-ins (habits, their check-ins, their pauses, the zones).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from .. import habits as maths
from ..models import HabitCheckIn, HabitPause, MicroHabit
from ..services.habits import DAYS_BACK, check_in_window, habit_active_on
from .people import zone_of, zones_of


def _rules_in_words(doc):
    """The rules from ``sessions/habits.py``'s docstring as (title, text) pairs, without its
    reST marks (the habit pages show them, so the page and the code say the same)."""
    words = doc.split("Words, as the habit page says them:", 1)[-1]
    rules = []
    for item in re.split(r"\n\s*\* ", "\n" + words.strip()):
        item = " ".join(item.split()).replace("``", "")
        if not item:
            continue
        title, _, text = item.partition("**")[2].partition("**")
        rules.append((title.strip(), text.strip()) if text else ("", item))
    return rules


RULES = _rules_in_words(maths.__doc__)


@dataclass
class DayCell:
    day: date
    state: str  # "done", "skipped", "missed" (due, nothing), "open" (today), "off"
    can_check_in: bool

    @property
    def label(self):
        return {
            "done": "Done",
            "skipped": "Skipped",
            "missed": "Not checked in",
            "open": "Not checked in yet",
            "off": "Not due",
        }[self.state]


@dataclass
class HabitRow:
    habit: MicroHabit
    stats: maths.HabitStats
    today: date
    days: list = field(default_factory=list)  # DayCell, today first, DAYS_BACK back

    @property
    def today_cell(self):
        return self.days[0]

    @property
    def strength_percent(self):
        return round(self.stats.strength * 100)

    @property
    def paused(self):
        return self.habit.paused_at is not None

    @property
    def ended(self):
        return self.habit.ended_at is not None

    @property
    def missed_days(self):
        """The past days in the window still open to a check-in."""
        return [cell for cell in self.days[1:] if cell.can_check_in]


def percent(share):
    return None if share is None else round(share * 100)


def pure_habit(habit, pauses):
    """The :class:`sessions.habits.Habit` of a MicroHabit row and its HabitPause rows."""
    return maths.Habit(
        cadence=habit.cadence,
        starts_on=habit.starts_on,
        ends_on=habit.ends_on,
        times_per_week=habit.times_per_week,
        paused=tuple((p.starts_on, p.ends_on) for p in pauses),
    )


def _is_due(habit, pure, day):
    if habit.cadence == MicroHabit.Cadence.PER_WEEK:
        return maths._active(pure, day)
    return maths.is_due_day(pure, day)


def _rows(organization, habits, zones, now, today=None, prefetched=False):
    """HabitRows for ``habits`` (two queries: their check-ins and pauses; none when
    ``prefetched``, as :func:`live_habits` reads them). Each habit's today is its mentee's
    (their zone), unless ``today`` is given."""
    checkins = defaultdict(dict)
    pauses = defaultdict(list)
    if prefetched:
        for habit in habits:
            checkins[habit.pk] = {c.day: c.state for c in habit.checkins.all()}
            pauses[habit.pk] = list(habit.pauses.all())
    else:
        ids = [h.pk for h in habits]
        for habit_id, day, state in (
            HabitCheckIn.objects.for_org(organization)
            .filter(habit_id__in=ids)
            .values_list("habit_id", "day", "state")
        ):
            checkins[habit_id][day] = state
        for pause in HabitPause.objects.for_org(organization).filter(habit_id__in=ids):
            pauses[pause.habit_id].append(pause)
    rows = []
    for habit in habits:
        day_of = today or now.astimezone(zones[habit.mentee_id]).date()
        pure = pure_habit(habit, pauses[habit.pk])
        done = checkins[habit.pk]
        live = habit.ended_at is None
        days = []
        for day in check_in_window(day_of):
            state = done.get(day)
            active = habit_active_on(habit, day, pauses[habit.pk])
            if state is None:
                if not active or not _is_due(habit, pure, day):
                    state = "off"
                else:
                    state = "open" if day == day_of else "missed"
            can = live and active and day not in done
            days.append(DayCell(day=day, state=state, can_check_in=can))
        rows.append(
            HabitRow(
                habit=habit,
                stats=maths.habit_stats(pure, done, day_of),
                today=day_of,
                days=days,
            )
        )
    return rows


def my_habits(*, organization, user, now=None):
    """The person's habits as a mentee: the live ones first (newest first), then the ended,
    each with its figures and the last days open to a check-in (five queries)."""
    now = now or timezone.now()
    habits = list(
        MicroHabit.objects.for_org(organization)
        .filter(mentee=user)
        .select_related("session", "pairing__mentor__user")
        .order_by("ended_at", "-created_at", "-pk")
    )
    zones = {user.pk: zone_of(organization=organization, user=user)}
    return _rows(organization, habits, zones, now)


def live_habits(*, organization, user):
    """The person's live habits as a mentee, newest first, with all their check-ins and
    pauses (three queries): read once for the home page, where "My day" shows them and the
    plan progress of the mentee's pairings counts their adherence."""
    return list(
        MicroHabit.objects.for_org(organization)
        .filter(mentee=user, ended_at__isnull=True)
        .select_related("pairing__mentor__user")
        .order_by("-created_at", "-pk")
        .prefetch_related(
            Prefetch("checkins", queryset=HabitCheckIn.objects.for_org(organization).order_by()),
            Prefetch("pauses", queryset=HabitPause.objects.for_org(organization).order_by()),
        )
    )


def habits_today(*, organization, user, today=None, now=None, zone=None, habits=None):
    """The home panel's context: the person's live habits active today, with today's state
    and the check-in buttons (six queries, three of them the person's zone: three with
    ``zone``, that zone when the caller has read it already, as the home page has; none more
    with ``habits``, the person's :func:`live_habits` when the caller has read them).
    ``today`` defaults to the person's own day (in their zone)."""
    now = now or timezone.now()
    prefetched = habits is not None
    if not prefetched:
        habits = list(
            MicroHabit.objects.for_org(organization)
            .filter(mentee=user, ended_at__isnull=True)
            .select_related("pairing__mentor__user")
            .order_by("-created_at", "-pk")
        )
    zones = {user.pk: zone or zone_of(organization=organization, user=user)}
    rows = _rows(organization, habits, zones, now, today, prefetched=prefetched)
    rows = [row for row in rows if row.today_cell.state != "off" and not row.paused]
    return {"habits_today": rows, "habit_days_back": DAYS_BACK}


@dataclass
class MenteeHabits:
    mentee: object  # User
    pairing: object
    rows: list


def mentors_anyone(*, organization, user):
    """Whether ``user`` mentors anyone in a live pairing here (whose habits they follow on
    the Mentees' habits page). One query."""
    from matching.models import Pairing

    return (
        Pairing.objects.for_org(organization)
        .filter(mentor__user=user, status=Pairing.Status.ACTIVE)
        .exists()
    )


def mentees_habits(*, organization, mentor, now=None):
    """For a mentor: each mentee of their live pairings with their live habits' adherence
    and strength (no list of misses). Fixed queries whatever the mentees and habits."""
    from matching.models import Pairing

    now = now or timezone.now()
    pairings = list(
        Pairing.objects.for_org(organization)
        .filter(mentor__user=mentor, status=Pairing.Status.ACTIVE)
        .select_related("mentee__user", "cohort")
        .order_by("mentee__user__name", "pk")
    )
    habits = list(
        MicroHabit.objects.for_org(organization)
        .filter(pairing__in=pairings, ended_at__isnull=True)
        .select_related("pairing__mentor__user")
        .order_by("-created_at", "-pk")
    )
    zones = zones_of(organization=organization, user_ids={h.mentee_id for h in habits})
    by_pairing = defaultdict(list)
    for row in _rows(organization, habits, zones, now):
        by_pairing[row.habit.pairing_id].append(row)
    return [MenteeHabits(p.mentee.user, p, by_pairing[p.pk]) for p in pairings]
