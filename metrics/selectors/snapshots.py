"""What a dashboard page reads (B5): stored snapshots only, never a computation, in a fixed
number of queries whatever the number of rows.

- ``latest_day(*, organization)``: the last day snapshots exist for (None: none yet);
- ``figures(*, organization, level, object_ids, day=None)``: ``{object_id: {indicator:
  Figure}}`` of that day (default: the latest), each with its definition from the catalogue;
- ``trend(*, organization, level, object_id, indicators=None, since=None)``: ``{indicator:
  [Figure, ...]}`` by day, oldest first, for the charts;
- ``computed_at(*, organization, level, object_ids, day=None)``: when the figures shown were
  computed (the oldest of them: "computed at" must not claim more than is true);
- ``recompute_pending(*, organization)``: whether events wait for their recomputation (the
  page can say "updating").
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max, Min

from .. import catalogue
from ..models import RecomputeRequest, Snapshot


@dataclass(frozen=True)
class Figure:
    indicator: catalogue.Indicator
    day: date
    value: float | None
    numerator: float | None
    denominator: float | None
    n: int
    not_yet: int | None
    extra: dict
    note: str
    computed_at: datetime

    @property
    def shown(self):
        """The value as people read it (a share 0.62 → 62.0), or None."""
        return self.indicator.display(self.value)


FIELDS = ("object_id", "indicator", "day", *Snapshot.FIGURE_FIELDS)


def _figure(row):
    definition = catalogue.BY_KEY.get(row["indicator"])
    if definition is None:  # a key no longer declared: not shown
        return None
    return Figure(
        definition,
        row["day"],
        row["value"],
        row["numerator"],
        row["denominator"],
        row["n"],
        row["not_yet"],
        row["extra"] or {},
        row["note"],
        row["computed_at"],
    )


def latest_day(*, organization):
    return Snapshot.objects.for_org(organization).aggregate(day=Max("day"))["day"]


def figures(*, organization, level, object_ids, day=None):
    day = day or latest_day(organization=organization)
    out = {object_id: {} for object_id in object_ids}
    if day is None:
        return out
    rows = (
        Snapshot.objects.for_org(organization)
        .filter(level=level, object_id__in=list(object_ids), day=day)
        .values(*FIELDS)
    )
    order = {key: i for i, key in enumerate(catalogue.KEYS)}
    for row in sorted(rows, key=lambda r: (r["object_id"], order.get(r["indicator"], 999))):
        figure = _figure(row)
        if figure is not None:
            out[row["object_id"]][row["indicator"]] = figure
    return out


def trend(*, organization, level, object_id, indicators=None, since=None):
    rows = Snapshot.objects.for_org(organization).filter(level=level, object_id=object_id)
    if indicators is not None:
        rows = rows.filter(indicator__in=list(indicators))
    if since is not None:
        rows = rows.filter(day__gte=since)
    out = {}
    for row in rows.order_by("day").values(*FIELDS):
        figure = _figure(row)
        if figure is not None:
            out.setdefault(row["indicator"], []).append(figure)
    return out


def computed_at(*, organization, level, object_ids, day=None):
    day = day or latest_day(organization=organization)
    if day is None:
        return None
    return (
        Snapshot.objects.for_org(organization)
        .filter(level=level, object_id__in=list(object_ids), day=day)
        .aggregate(at=Min("computed_at"))["at"]
    )


def recompute_pending(*, organization):
    return RecomputeRequest.objects.for_org(organization).exists()
