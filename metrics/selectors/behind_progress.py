"""The rows behind the trainer signals (technique consistency, independent problem-solving,
client retention) and the censored measures of progress (time to competence, ramp time): see
metrics/selectors/behind.py, and input_pairs.py for the figures they agree with."""

from collections import defaultdict

from django.db.models import Q

from sessions.models import Objective, SignalValue

from .. import catalogue
from ..indicators import development, signals
from ..indicators.base import Track, durations
from .behind_common import NOT_YET, Behind, Cell, cell, pair_cells, pair_fields, scoped
from .input_common import SIGNAL_NAMES, _bounds, period
from .input_pairs import competence_reached, competence_readings

# --- Trainer signals -------------------------------------------------------------------------


def _signal(ctx, key):
    """Each trainee's readings of the signal in the period: how many, the first, the latest
    (the figure's mean is of the latest), the change (as ``input_pairs._signals``)."""
    first, after = _bounds(ctx.organization, *period(key, ctx.day))
    start, end = period(key, ctx.day)
    rows = list(
        scoped(
            SignalValue.objects.for_org(ctx.organization).filter(
                Q(signal_type__name__istartswith=SIGNAL_NAMES[key]),
                session__starts_at__gte=first,
                session__starts_at__lt=after,
            ),
            "session__pairing",
            ctx.level,
            ctx.object_id,
        )
        .values(
            "subject_id",
            "value",
            "session__starts_at",
            "session__pairing_id",
            *pair_fields("session__pairing"),
        )
        .order_by("session__starts_at", "pk")
    )
    readings, last_row = [], {}
    for row in rows:
        on = row["session__starts_at"].astimezone(ctx.zone).date()
        readings.append(signals.SignalReading(row["subject_id"], on, float(row["value"])))
        last_row[row["subject_id"]] = row
    counted = catalogue.get(key).function(readings, start=start, end=end)
    scale = 100 if key == "client_retention" else 1
    kept = [
        r for r in readings if key != "client_retention" or 0 <= r.value <= 100
    ]  # as the figure: a retention outside 0..100 is left out
    by_subject = defaultdict(list)
    for reading in kept:
        by_subject[reading.subject].append(reading)
    out = []
    for subject, group in by_subject.items():
        row = last_row[subject]
        change = group[-1].value - group[0].value if len(group) > 1 else None
        out.append(
            [
                *pair_cells(ctx, row, "session__pairing", row["session__pairing_id"]),
                cell(len(group)),
                cell(group[0].on),
                cell(group[0].value),
                cell(group[-1].on),
                cell(group[-1].value),
                cell(change),
            ]
        )
    out.sort(key=lambda r: (r[1].text, r[0].text))
    unit = " (percent)" if scale == 100 else " (1 to 5)"
    notes = [
        "Each trainee counts once, with their latest reading of the period; the change is "
        "from their first reading to their latest."
    ]
    left_out = len(readings) - len(kept)
    if left_out:
        notes.append(f"{left_out} readings outside 0 to 100 are left out, as in the figure.")
    return Behind(
        columns=(
            "Mentor",
            "Trainee (mentee)",
            "Readings",
            "First on",
            "First" + unit,
            "Latest on",
            "Latest" + unit,
            "Change",
        ),
        rows=out,
        counted=counted,
        caption="Trainees with the signal logged in the period",
        period=(start, end),
        notes=notes,
    )


def technique_consistency(ctx):
    return _signal(ctx, "technique_consistency")


def problem_solving(ctx):
    return _signal(ctx, "problem_solving")


def client_retention(ctx):
    return _signal(ctx, "client_retention")


# --- Time to competence and ramp time ---------------------------------------------------------


def _competence(ctx):
    """The objectives with a target level, each with the day its competency's level first
    reached it (a review's rating or a rubric signal about the mentee), as
    ``input_pairs._competence`` reads them (three queries)."""
    organization, day, zone = ctx.organization, ctx.day, ctx.zone
    scoped_objectives = scoped(
        Objective.objects.for_org(organization).filter(
            target_level__isnull=False, plan__pairing__accepted_at__isnull=False
        ),
        "plan__pairing",
        ctx.level,
        ctx.object_id,
    )
    objectives = list(
        scoped_objectives.values(
            "pk",
            "competency_id",
            "competency__name",
            "target_level",
            "plan__pairing_id",
            "plan__pairing__accepted_at",
            "plan__pairing__ended_at",
            "plan__pairing__mentee__user_id",
            *pair_fields("plan__pairing"),
        ).order_by("plan__pairing__mentee__user__name", "plan__pairing_id", "pk")
    )
    ratings, signalled = competence_readings(
        organization=organization, objectives=scoped_objectives, zone=zone
    )
    return competence_reached(objectives, ratings, signalled, day, zone)


def days_cell(track):
    """Days to the event, or "not yet (N days so far)": never left out."""
    ((days, reached),) = durations([track])
    if reached:
        return Cell(f"{days} days", raw=days)
    return Cell(f"{NOT_YET} ({days} days so far)", raw=NOT_YET)


def time_to_competence(ctx):
    rows, tracks, reached_count = [], [], 0
    for o, start, seen, reached in _competence(ctx):
        track = Track(start, reached, seen)
        tracks.append(track)
        reached_count += reached is not None
        rows.append(
            [
                *pair_cells(ctx, o, "plan__pairing", o["plan__pairing_id"]),
                cell(o["competency__name"]),
                cell(o["target_level"]),
                cell(start),
                cell(reached),
                days_cell(track),
            ]
        )
    counted = development.time_to_competence(tracks)
    return Behind(
        columns=(
            "Mentor",
            "Mentee",
            "Competency",
            "Target level",
            "Paired on",
            "Reached on",
            "Days",
        ),
        rows=rows,
        counted=counted,
        caption="Each mentee's objectives with a target level",
        summary=[("Reached", counted.numerator or 0), ("Not yet", counted.not_yet or 0)],
        notes=["Those not there yet are counted as not yet (Kaplan–Meier), never dropped."],
    )


def ramp_time(ctx):
    by_pairing = {}
    for o, start, seen, reached in _competence(ctx):
        entry = by_pairing.setdefault(o["plan__pairing_id"], [o, start, seen, []])
        entry[3].append(reached)
    rows, tracks = [], []
    for pairing_id, (o, start, seen, reached) in by_pairing.items():
        track = Track(start, development.ramp_reached(reached), seen)
        tracks.append(track)
        rows.append(
            [
                *pair_cells(ctx, o, "plan__pairing", pairing_id),
                cell(len(reached)),
                cell(sum(1 for r in reached if r is not None)),
                cell(start),
                cell(track.reached),
                days_cell(track),
            ]
        )
    counted = development.ramp_time(tracks)
    return Behind(
        columns=(
            "Mentor",
            "Mentee",
            "Objectives",
            "Reached",
            "Paired on",
            "All reached on",
            "Days",
        ),
        rows=rows,
        counted=counted,
        caption="Each mentee with objectives: the day every objective reached its level",
        summary=[("All reached", counted.numerator or 0), ("Not yet", counted.not_yet or 0)],
        notes=["Those not there yet are counted as not yet (Kaplan–Meier), never dropped."],
    )
