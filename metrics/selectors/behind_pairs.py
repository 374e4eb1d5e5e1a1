"""The rows behind the indicators read from pairs (see metrics/selectors/behind.py and, for
the figures they agree with, metrics/selectors/input_pairs.py)."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import F, Max, Q

from matching.models import Pairing
from sessions.models import Session

from ..indicators import engagement
from .behind_common import Behind, Cell, cell, pair_cells, pair_fields, scoped
from .input_common import _bounds
from .input_pairs import CADENCE_GAP_DAYS

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
            target=F("cohort__program__cadence_days"),
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
