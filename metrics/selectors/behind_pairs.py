"""The rows behind the indicators read from pairs (see metrics/selectors/behind.py and, for
the figures they agree with, metrics/selectors/input_pairs.py)."""

from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from django.db.models import Count, F, Max, Q
from django.db.models.functions import Coalesce

from matching.models import Pairing
from programs.models import Cohort
from sessions.models import (
    ActionItem,
    HabitCheckIn,
    HabitPause,
    MicroHabit,
    PulseAnswer,
    Session,
)
from sessions.selectors.habits import pure_habit

from ..indicators import engagement
from ..indicators.base import IndicatorValue
from .behind_common import Behind, Cell, cell, pair_cells, pair_fields, percent, scoped
from .input_common import _bounds, _local_day, period
from .input_pairs import CADENCE_GAP_DAYS


def _target():
    """A pair's target gap as the snapshots read it: the cohort's own when the cohort has
    one (a program variant), else the program's."""
    if any(f.name == "cadence_days" for f in Cohort._meta.get_fields()):
        return Coalesce("cohort__cadence_days", "cohort__program__cadence_days")
    return F("cohort__program__cadence_days")


MEETS, MISSES, EARLY = "Meets the cadence", "Does not meet it", "Too early to tell"


def cadence(ctx):
    """Active pairs on the day, each with its completed sessions in its window, the number it
    needs, its last completed session and the verdict (as ``input_pairs._cadence``)."""
    organization, day, zone = ctx.organization, ctx.day, ctx.zone
    _, after = _bounds(organization, day, day)
    pairings = scoped(
        Pairing.objects.for_org(organization).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=after), accepted_at__lt=after
        ),
        "",
        ctx.level,
        ctx.object_id,
    )
    pairs = list(
        pairings.values("pk", "accepted_at", *pair_fields(""))
        .annotate(
            target=_target(),
            last=Max(
                "sessions__starts_at",
                filter=Q(sessions__status=Session.Status.COMPLETED, sessions__starts_at__lt=after),
            ),
        )
        .order_by("mentor__user__name", "mentee__user__name", "pk")
    )
    longest = max(
        [CADENCE_GAP_DAYS] + [engagement.cadence_window(p["target"] or 14) for p in pairs]
    )
    since, _ = _bounds(organization, day - timedelta(days=longest - 1), day)
    days = defaultdict(list)
    for pairing_id, starts_at in (
        Session.objects.for_org(organization)
        .filter(
            pairing_id__in=pairings.values("pk"),
            status=Session.Status.COMPLETED,
            starts_at__gte=since,
            starts_at__lt=after,
        )
        .values_list("pairing_id", "starts_at")
    ):
        days[pairing_id].append(starts_at.astimezone(zone).date())
    group, rows, verdicts = [], [], defaultdict(int)
    for p in pairs:
        target = p["target"] or 14
        sessions = engagement.PairSessions(
            started_on=p["accepted_at"].astimezone(zone).date(),
            completed_on=tuple(sorted(days[p["pk"]])),
            target_days=target,
        )
        group.append(sessions)
        needed = engagement.cadence_needed(
            started_on=sessions.started_on, as_of=day, target_days=target
        )
        verdict = engagement.pair_meets_cadence(sessions, as_of=day, target_days=target)
        first = day - timedelta(days=engagement.cadence_window(target) - 1)
        done = sum(1 for d in sessions.completed_on if first <= d <= day)
        words = EARLY if verdict is None else MEETS if verdict else MISSES
        verdicts[words] += 1
        last = p["last"].astimezone(zone).date() if p["last"] else None
        rows.append(
            (
                {MISSES: 0, MEETS: 1, EARLY: 2}[words],
                [
                    *pair_cells(ctx, p, "", p["pk"]),
                    Cell(f"every {target} days", raw=target),
                    cell(sessions.started_on),
                    cell(done),
                    cell(needed),
                    cell(last),
                    cell(words),
                ],
            )
        )
    rows.sort(key=lambda r: r[0])
    return Behind(
        columns=(
            "Mentor",
            "Mentee",
            "Target",
            "Paired on",
            "Completed sessions in the window",
            "Needed",
            "Last completed session",
            "Cadence",
        ),
        rows=[r for _, r in rows],
        counted=engagement.cadence(group, as_of=day, target_days=None),
        caption="Active pairs: those that do not meet the cadence first",
        summary=[(words, verdicts[words]) for words in (MEETS, MISSES, EARLY)],
        notes=[
            "A pair's window is the last 28 days, or its target gap when longer; a pair too "
            "young to need a session yet is not counted."
        ],
    )


# --- Actions ---------------------------------------------------------------------------------

ON_TIME, LATE, NOT_DONE = "Done on time", "Done late", "Not done"


def action_completion(ctx):
    """The actions due in the period with their state (as ``input_pairs._actions``). Their
    text is not shown: it is written in the session."""
    start, end = period("action_completion", ctx.day)
    rows = list(
        scoped(
            ActionItem.objects.for_org(ctx.organization).filter(due_on__gte=start, due_on__lte=end),
            "pairing",
            ctx.level,
            ctx.object_id,
        )
        .values("pk", "due_on", "done_at", "pairing_id", *pair_fields("pairing"))
        .order_by("due_on", "pk")
    )
    counts = {ON_TIME: 0, LATE: 0, NOT_DONE: 0}
    out = []
    for row in rows:
        done_on = _local_day(row["done_at"], ctx.zone)
        if done_on is not None and done_on <= row["due_on"]:
            state = ON_TIME
        elif done_on is not None and done_on <= end:
            state = LATE
        else:
            state = NOT_DONE  # not done, or done after the period's end: overdue on its end
        counts[state] += 1
        out.append(
            [
                *pair_cells(ctx, row, "pairing", row["pairing_id"]),
                cell(row["due_on"]),
                cell(done_on),
                cell(state),
            ]
        )
    return Behind(
        columns=("Mentor", "Mentee", "Due on", "Done on", "State"),
        rows=out,
        counted=engagement.action_completion_counts(
            due=len(rows), on_time=counts[ON_TIME], overdue=counts[NOT_DONE], late=counts[LATE]
        ),
        caption="Actions due in the period, by due date",
        period=(start, end),
        summary=list(counts.items()),
        notes=["An action's own words are not shown here: they belong to the pair's session."],
    )


# --- Habits ----------------------------------------------------------------------------------


def habit_adherence(ctx):
    """Each habit of the last 28 days with its due days and done days (as
    ``input_pairs._habits``, by the habit page's own rules)."""
    organization, day = ctx.organization, ctx.day
    first = day - timedelta(days=engagement.HABIT_WINDOW_DAYS - 1)
    habits = scoped(
        MicroHabit.objects.for_org(organization).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=first), starts_on__lte=day
        ),
        "pairing",
        ctx.level,
        ctx.object_id,
    )
    rows = list(
        habits.values(
            "pk",
            "cadence",
            "starts_on",
            "ends_on",
            "times_per_week",
            "pairing_id",
            *pair_fields("pairing"),
        ).order_by("pairing__mentor__user__name", "pairing__mentee__user__name", "pk")
    )
    ids = habits.values("pk")
    checkins = defaultdict(dict)
    for habit_id, on, state in (
        HabitCheckIn.objects.for_org(organization)
        .filter(habit_id__in=ids, day__gte=first, day__lte=day)
        .values_list("habit_id", "day", "state")
    ):
        checkins[habit_id][on] = state
    pauses = defaultdict(list)
    for pause in HabitPause.objects.for_org(organization).filter(habit_id__in=ids):
        pauses[pause.habit_id].append(pause)
    records, out = [], []
    for row in rows:
        fields = {k: row[k] for k in ("cadence", "starts_on", "ends_on", "times_per_week")}
        record = engagement.HabitRecord(
            pure_habit(SimpleNamespace(**fields), pauses[row["pk"]]), checkins[row["pk"]]
        )
        records.append(record)
        due, done = engagement.habit_due_done(record, today=day)
        how = (
            f"{row['times_per_week']} times a week"
            if row["cadence"] == MicroHabit.Cadence.PER_WEEK
            else MicroHabit.Cadence(row["cadence"]).label
        )
        out.append(
            [
                *pair_cells(ctx, row, "pairing", row["pairing_id"]),
                cell(how),
                cell(row["starts_on"]),
                cell(due),
                cell(done),
                percent(done, due),
            ]
        )
    return Behind(
        columns=("Mentor", "Mentee", "Cadence", "Started", "Due days", "Done days", "Adherence"),
        rows=out,
        counted=engagement.habit_adherence(records, today=day),
        caption="The pairs' micro-habits over the last 28 days",
        period=(first, day),
        notes=[
            "Skipped and paused days are not due. A habit's own words are not shown here: "
            "they are the mentee's."
        ],
    )


# --- Pulse -----------------------------------------------------------------------------------


def pulse(ctx):
    """How many pulse answers each pair gave in the period: never a score."""
    first, after = _bounds(ctx.organization, *period("pulse", ctx.day))
    rows = list(
        scoped(
            PulseAnswer.objects.for_org(ctx.organization).filter(
                answered_at__gte=first, answered_at__lt=after, score__isnull=False
            ),
            "session__pairing",
            ctx.level,
            ctx.object_id,
        )
        .values("session__pairing_id", *pair_fields("session__pairing"))
        .annotate(answers=Count("pk"))
        .order_by("session__pairing__mentor__user__name", "session__pairing__mentee__user__name")
    )
    total = sum(row["answers"] for row in rows)
    return Behind(
        columns=("Mentor", "Mentee", "Answers given"),
        rows=[
            [
                *pair_cells(ctx, row, "session__pairing", row["session__pairing_id"]),
                cell(row["answers"]),
            ]
            for row in rows
        ],
        # Only the number of answers is counted here: the scores stay in the stored figure.
        counted=IndicatorValue(None, None, None, total),
        caption="Pulse answers by pair: how many, never what they said",
        period=period("pulse", ctx.day),
        summary=[("Answers", total)],
        notes=[
            "Only how many answers each pair gave is listed: never an answer's score. The "
            f"figure shows only with at least {engagement.PULSE_MINIMUM} answers."
        ],
        agrees_on=("n",),
    )


# --- Sessions: no-shows and late cancellations -------------------------------------------


def _sessions(ctx, statuses, flag, flag_words):
    first, after = _bounds(ctx.organization, *period("no_show_rate", ctx.day))
    rows = list(
        scoped(
            Session.objects.for_org(ctx.organization).filter(
                starts_at__gte=first, starts_at__lt=after, status__in=statuses
            ),
            "pairing",
            ctx.level,
            ctx.object_id,
        )
        .values(
            "pk", "starts_at", "status", "cancelled_late", "pairing_id", *pair_fields("pairing")
        )
        .order_by("-starts_at", "pk")
    )
    labels = dict(Session.Status.choices)
    out, flagged = [], 0
    for row in rows:
        hit = flag(row)
        flagged += hit
        out.append(
            [
                cell(row["starts_at"].astimezone(ctx.zone).date()),
                *pair_cells(ctx, row, "pairing", row["pairing_id"]),
                cell(labels.get(row["status"], row["status"])),
                cell(bool(hit)),
            ]
        )
    return out, flagged, len(rows), ("Date", "Mentor", "Mentee", "Status", flag_words)


def no_show_rate(ctx):
    status = Session.Status
    out, no_shows, held, columns = _sessions(
        ctx,
        [status.COMPLETED, status.NO_SHOW],
        lambda row: row["status"] == status.NO_SHOW,
        "No-show",
    )
    return Behind(
        columns=columns,
        rows=out,
        counted=engagement.no_show_counts(held=held, no_shows=no_shows),
        caption="Sessions that reached their time (completed or no-show), latest first",
        period=period("no_show_rate", ctx.day),
        summary=[("No-shows", no_shows), ("Completed", held - no_shows)],
    )


def late_cancel_rate(ctx):
    status = Session.Status
    out, late, booked, columns = _sessions(
        ctx,
        [status.COMPLETED, status.NO_SHOW, status.CANCELLED],
        lambda row: row["status"] == status.CANCELLED and row["cancelled_late"],
        "Cancelled less than a day before",
    )
    return Behind(
        columns=columns,
        rows=out,
        counted=engagement.late_cancel_counts(booked=booked, late=late),
        caption="Sessions booked (completed, no-show or cancelled), latest first",
        period=period("late_cancel_rate", ctx.day),
        summary=[("Late cancellations", late), ("Other sessions", booked - late)],
    )
