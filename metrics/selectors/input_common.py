"""What the indicator readers share (metrics/selectors/inputs.py explains them): the periods,
how a row reaches each level, the organisation's days as aware datetimes, and ``Reading``:
rows read once for every level of one computation."""

from datetime import datetime, time, timedelta

from django.db import connection

from .. import catalogue
from ..indicators import mentors

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
MISSING_HOURS = mentors.MISSING_HOURS


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


def _local_day(moment, zone):
    return None if moment is None else moment.astimezone(zone).date()


def _bounds(organization, start, end):
    """The aware datetimes of the organisation's days ``start`` to ``end`` (end exclusive)."""
    zone = organization.zoneinfo
    first = datetime.combine(start, time.min, tzinfo=zone)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return first, after


# --- One reading for every level ------------------------------------------------------------


class Reading:
    """The rows of one computation (``snapshots_compute``), read once for all its levels:
    the participants' careers (``input_people._careers``) are read for the whole
    organisation, with their cohort and program, and each level groups them. (The rows of
    pairs come to parts instead: ``input_parts``.)"""

    def __init__(self):
        self.memo = {}

    def get(self, key, read):
        if key not in self.memo:
            self.memo[key] = read()
        return self.memo[key]


def postgresql():
    return connection.vendor == "postgresql"
