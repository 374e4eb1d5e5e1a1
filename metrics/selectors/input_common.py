"""What the indicator readers share (metrics/selectors/inputs.py explains them): the periods,
how a row reaches each level, the organisation's days as aware datetimes, and ``Reading``:
rows read once for every level of one computation."""

from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Count, F

from .. import catalogue

ORGANISATION, PROGRAM, COHORT, PAIR, MENTOR = catalogue.LEVELS
LEADING_DAYS = 28
SIGNAL_DAYS = 90
CAREER_DAYS = 365
CAREER_KEYS = ("retention", "promotion_rate", "internal_mobility")
SIGNAL_NAMES = {
    # indicator key -> the start of the signal type's name, as the programs call them
    "technique_consistency": "technique consistency",
    "problem_solving": "independent problem-solving",
    "client_retention": "client retention",
}
MISSING_HOURS = "no mentor states hours a week yet (the intake asks for time slots, not hours)"


def period(key, day):
    """(start, end) of the period indicator ``key`` is computed over, ending on ``day``."""
    if key in CAREER_KEYS:
        days = CAREER_DAYS
    elif key in SIGNAL_NAMES:
        days = SIGNAL_DAYS
    else:
        days = LEADING_DAYS
    return day - timedelta(days=days - 1), day


# --- How a row reaches each level --------------------------------------------------------


def _path(prefix, level):
    """The lookup of a level's object id from a row whose pairing is at ``prefix``."""
    if level == PAIR:
        return f"{prefix}_id"
    if level == COHORT:
        return f"{prefix}__cohort_id"
    if level == PROGRAM:
        return f"{prefix}__cohort__program_id"
    if level == MENTOR:
        return f"{prefix}__mentor__user_id"
    raise ValueError(level)


def _scoped(qs, prefix, level, object_ids, organization):
    """Rows reached through a pairing (of the objects asked for, when ``object_ids``)."""
    qs = qs.filter(**{f"{prefix}__isnull": False})
    if object_ids is not None and level != ORGANISATION:
        qs = qs.filter(**{f"{_path(prefix, level)}__in": list(object_ids)})
    return qs


def _grouped(qs, *, prefix, level, organization, object_ids, reading=None, name=None, **aggregates):
    """{object_id: {name: value}} of ``aggregates`` per object of the level (one query).

    With a ``reading`` (and the ``name`` of the rows in it): the aggregates are read once per
    pairing for the whole organisation, with the level keys, and summed by object (they are
    counts and sums, so the sum of the pairings' is the level's)."""
    if reading is not None:
        rows = reading.get(name, lambda: _per_pairing(qs, prefix, organization, aggregates))
        return _summed(rows, level, organization, object_ids, aggregates)
    qs = _scoped(qs, prefix, level, object_ids, organization)
    if level == ORGANISATION:
        return {organization.pk: qs.aggregate(**aggregates)}
    key = _path(prefix, level)
    return {row.pop("_key"): row for row in qs.values(_key=F(key)).annotate(**aggregates)}


def _rows(qs, *, prefix, level, organization, object_ids, fields):
    """Rows of ``fields`` with ``_key``, the level's object id (one query)."""
    qs = _scoped(qs, prefix, level, object_ids, organization)
    if level == ORGANISATION:
        return [dict(row, _key=organization.pk) for row in qs.values(*fields)]
    return list(qs.values(*fields, _key=F(_path(prefix, level))))


def _local_day(moment, zone):
    return None if moment is None else moment.astimezone(zone).date()


def _bounds(organization, start, end):
    """The aware datetimes of the organisation's days ``start`` to ``end`` (end exclusive)."""
    zone = organization.zoneinfo
    first = datetime.combine(start, time.min, tzinfo=zone)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return first, after


# --- One reading for every level ------------------------------------------------------------

# The keys of a row reached through a pairing, by level (the organisation's is its own id).
LEVEL_KEYS = {PAIR: "at_pair", COHORT: "at_cohort", PROGRAM: "at_program", MENTOR: "at_mentor"}


class Reading:
    """The rows of one computation (``snapshots_compute``), read once for all its levels.

    The organisation level is in every computation and reads every row of the organisation;
    the other levels are subsets of those rows, grouped by another key. So a reader given a
    ``Reading`` reads its rows once, for the whole organisation, with every level's key
    (``at_pair``, ``at_cohort``, ``at_program``, ``at_mentor``), and each level groups them;
    without one it reads only the level's objects, as before."""

    def __init__(self):
        self.memo = {}

    def get(self, key, read):
        if key not in self.memo:
            self.memo[key] = read()
        return self.memo[key]


def level_of(record, level, organization):
    """The object of ``level`` a record with level keys belongs to."""
    return organization.pk if level == ORGANISATION else record[LEVEL_KEYS[level]]


def wanted(level, object_ids):
    """The ids a level asks for (None: every one)."""
    return None if object_ids is None or level == ORGANISATION else set(object_ids)


def postgresql():
    return connection.vendor == "postgresql"


def _per_pairing(qs, prefix, organization, aggregates):
    """``aggregates`` per pairing of the organisation, each row with its level keys."""
    keys = {
        LEVEL_KEYS[PAIR]: F(f"{prefix}_id"),
        LEVEL_KEYS[COHORT]: F(f"{prefix}__cohort_id"),
        LEVEL_KEYS[PROGRAM]: F(f"{prefix}__cohort__program_id"),
        LEVEL_KEYS[MENTOR]: F(f"{prefix}__mentor__user_id"),
    }
    qs = _scoped(qs, prefix, ORGANISATION, None, organization)
    return list(qs.values(**keys).annotate(**aggregates))


def _summed(rows, level, organization, object_ids, aggregates):
    """The per-pairing ``rows`` summed by object of ``level`` (as one GROUP BY would: the
    organisation always has its row, an empty Count 0 and an empty Sum None)."""
    asked = wanted(level, object_ids)
    out = {}
    for row in rows:
        oid = level_of(row, level, organization)
        if asked is not None and oid not in asked:
            continue
        total = out.setdefault(oid, dict.fromkeys(aggregates))
        for key in aggregates:
            value = row[key]
            if value is not None:
                total[key] = value if total[key] is None else total[key] + value
    if level == ORGANISATION and organization.pk not in out:
        out[organization.pk] = {
            key: 0 if isinstance(aggregate, Count) else None
            for key, aggregate in aggregates.items()
        }
    return out
