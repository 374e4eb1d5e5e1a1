"""The pairs' parts of today's figures, stored (``metrics.models.IndicatorPart``), so an
event's computation reads the rows of its own pairs only (``metrics.indicators.parts``
explains the parts).

- ``parts_save_all``: a full computation of today stores every pair's and mentor's part and
  the organisation's row saying when they were read (the day's parts are complete);
- ``parts_load``: an event's computation loads them, if they are complete and were read
  less than ``FRESH`` ago (a change that left no recompute request shows after that: the
  next event reads every row again); a worker process keeps what it loaded and reads only
  the rows written since;
- ``parts_save``: and stores its own pairs' and mentors' fresh parts;
- ``parts_preload``: a worker starting loads every organisation's, so its first event of
  each does not read them all.

Computations of one organisation take ``parts_lock`` (a PostgreSQL advisory lock held
until their transaction ends), so a part read before an event's commit never overwrites
one read after it.
"""

import gc
import json
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from ..models import IndicatorPart
from ..selectors.input_parts import Parts

# After this, stored parts are read again from every row (by the next event's computation).
FRESH = timedelta(hours=1)
LOCK_SPACE = 7_201  # the advisory locks' first key: "metrics parts"


def parts_lock(organization):
    """Wait for the organisation's other computations (PostgreSQL; until the transaction
    ends). Elsewhere (SQLite: one writer at a time anyway) nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, organization.pk % 2**31]
            )


def _marker(organization, day, now):
    """``(pk, read_at)`` of the row saying the day's parts are complete and fresh, or None."""
    return (
        IndicatorPart.objects.for_org(organization)
        .filter(day=day, kind=IndicatorPart.ORGANISATION, read_at__gte=now - FRESH)
        .values_list("pk", "read_at")
        .first()
    )


def parts_ready(*, organization, day, now=None):
    """Whether the day's parts are complete and fresh (one query)."""
    return _marker(organization, day, now or timezone.now()) is not None


# What this process loaded last, by organisation: (day, the marker's pk and time, the
# greatest pk read, Parts). A pair's new part is a new row (a pair left without rows gets an
# empty one), written under the lock, so what other processes wrote since are the rows of a
# greater pk; a full computation writes a new marker, and everything is loaded again.
_loaded = {}


def parts_load(*, organization, day, now=None):
    """The day's ``Parts`` (a copy this computation may change), or None when they are not
    complete and fresh. Two queries; the second reads only the rows written since this
    process last loaded them (all of them the first time)."""
    marker = _marker(organization, day, now or timezone.now())
    if marker is None:
        return None
    held = _loaded.get(organization.pk)
    if held is None or held[:2] != (day, marker):
        held = (day, marker, 0, Parts())
    _, _, seen, parts = held
    rows = IndicatorPart.objects.for_org(organization).filter(
        day=day, kind__in=[IndicatorPart.PAIR, IndicatorPart.MENTOR], pk__gt=seen
    )
    # Tens of thousands of small JSON documents the first time: the collector would walk
    # the growing heap again and again while they are decoded; nothing here is cyclic.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for pk, kind, object_id, data in rows.values_list("pk", "kind", "object_id", "data"):
            found = parts.pairs if kind == IndicatorPart.PAIR else parts.mentors
            if data:
                found[object_id] = data
            else:  # no rows left
                found.pop(object_id, None)
            seen = max(seen, pk)
    finally:
        if collecting:
            gc.enable()
    _loaded[organization.pk] = (day, marker, seen, parts)
    return Parts(dict(parts.pairs), dict(parts.mentors))


def parts_preload(*, now=None):
    """Load, into this process, today's stored parts of every organisation whose parts are
    complete and fresh; returns how many organisations. A worker does it once as it starts
    (``metrics.tasks.snapshots.warm_worker``, on Celery's ``worker_init``), so its first
    event of each organisation reads only what was written since, as its later ones do,
    instead of every stored part (37,500 rows, about 2 s, in bench/indicators.py).
    Cross-tenant on purpose, as the sweeps are: it reads the organisations' markers, then
    each organisation's own parts."""
    from mentorship.tenancy.models import Organization

    from .outcomes import organization_today

    now = now or timezone.now()
    ready = (
        IndicatorPart.objects.unscoped()
        .filter(kind=IndicatorPart.ORGANISATION, read_at__gte=now - FRESH)
        .values_list("organization_id", "day")
    )
    days = dict(ready)
    loaded = 0
    for organization in Organization.objects.filter(pk__in=list(days)):
        day = organization_today(organization)
        if days[organization.pk] == day:
            loaded += parts_load(organization=organization, day=day, now=now) is not None
    return loaded


def parts_save_all(*, organization, day, parts, read_at):
    """Replace the organisation's stored parts by every part of ``day`` in ``parts``."""
    IndicatorPart.objects.for_org(organization).delete()
    rows = [(IndicatorPart.PAIR, pk, data) for pk, data in parts.pairs.items()]
    rows += [(IndicatorPart.MENTOR, user, data) for user, data in parts.mentors.items()]
    rows.append((IndicatorPart.ORGANISATION, organization.pk, {"pairs": len(parts.pairs)}))
    _insert(organization, day, rows, read_at)


def parts_save(*, organization, day, parts, pairs, mentors, read_at):
    """Store the fresh parts of ``pairs`` and ``mentors`` (those ``parts`` lacks: an empty
    part, so a process holding the former one learns it is gone) in new rows."""
    stored = IndicatorPart.objects.for_org(organization).filter(day=day)
    stored.filter(kind=IndicatorPart.PAIR, object_id__in=list(pairs)).delete()
    stored.filter(kind=IndicatorPart.MENTOR, object_id__in=list(mentors)).delete()
    rows = [(IndicatorPart.PAIR, pk, parts.pairs.get(pk, {})) for pk in pairs]
    rows += [(IndicatorPart.MENTOR, user, parts.mentors.get(user, {})) for user in mentors]
    _insert(organization, day, rows, read_at)


COLUMNS = ("organization_id", "day", "kind", "object_id", "data", "read_at")


def _insert(organization, day, rows, read_at):
    """Insert ``(kind, object_id, data)`` rows: on PostgreSQL by COPY (a whole organisation
    is tens of thousands of rows), elsewhere ``bulk_create``."""
    if connection.vendor != "postgresql":
        IndicatorPart.objects.for_org(organization).bulk_create(
            [
                IndicatorPart(
                    organization=organization,
                    day=day,
                    kind=kind,
                    object_id=object_id,
                    data=data,
                    read_at=read_at,
                )
                for kind, object_id, data in rows
            ],
            batch_size=1000,
        )
        return
    table = IndicatorPart._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        for kind, object_id, data in rows:
            copy.write_row((organization.pk, day, kind, object_id, json.dumps(data), read_at))
