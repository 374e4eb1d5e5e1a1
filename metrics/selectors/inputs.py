"""The data layer of the indicators (B5): for a level and a day, read the rows each indicator
needs and compute its figure with the catalogue's pure function, for every object of the level
at once.

``level_values(*, organization, level, day, object_ids=None)`` returns
``{object_id: {indicator_key: IndicatorValue}}`` for the level's objects (``object_ids``:
only those). The number of queries is fixed per level, whatever the rows.

The rows a level counts: everything reached through a pairing (sessions, actions, habits,
pulse answers, signals, plans), grouped by the pairing itself (level "pair"), its cohort,
its cohort's program, its mentor (the mentor's user, level "mentor") or the whole
organisation. They come to one *part* per pair (``input_parts``: counts and sums computed by
the database per pairing, session days, habit check-ins and signal readings read in one
query each), and every level's figure is computed from its pairs' parts
(``metrics.indicators.parts``): the same way for a pair as for the organisation, so stored
parts (``metrics.services.parts``) let an event recompute the levels above its pair without
reading every row. Group sessions (no pairing) are not counted by these indicators. The
participants of a level (time to match, careers, certification) are its cohorts', read by
``input_people``; ``input_common`` has what the readers share.

Periods, ending on ``day`` (the organisation's day, its time zone): 28 days for the leading
indicators, mentor load and recognition; 90 days for the trainer signals; 365 days for the
lagging career indicators; censored measures follow everyone from their start to ``day``.

Where the data does not exist yet, the figure is None with a note saying what is missing:
``mentor_load`` (nobody states hours a week yet: the mentor's intake has slots, not hours;
its mentees and sessions a month are still computed beside it) and ``time_to_competence`` /
``ramp_time`` read plan reviews' objective ratings and competency signals, not rubric
assessments (an assessment names no competency).
"""

from collections import defaultdict

from matching.models import Pairing
from programs.models import Cohort, Program

from .. import catalogue
from ..indicators import engagement
from ..indicators import parts as part_maths
from ..indicators.base import IndicatorValue
from .input_common import COHORT, ORGANISATION, PAIR, PROGRAM, Reading, _bounds, period
from .input_parts import Parts, read_parts
from .input_people import _careers, _certification, _time_to_match

__all__ = ["Parts", "Reading", "level_objects", "level_values", "period", "read_parts"]

# --- The objects of a level --------------------------------------------------------------


def level_objects(*, organization, level, day):
    """The ids of the level's objects that have figures on ``day``: the organisation; every
    program and cohort (rows are dated, not the programs: a back-filled history has them);
    pairings accepted by then; their mentors."""
    _, after = _bounds(organization, day, day)
    if level == ORGANISATION:
        return [organization.pk]
    if level == PROGRAM:
        return list(Program.objects.for_org(organization).values_list("pk", flat=True))
    if level == COHORT:
        return list(Cohort.objects.for_org(organization).values_list("pk", flat=True))
    pairings = Pairing.objects.for_org(organization).filter(accepted_at__lt=after)
    if level == PAIR:
        return list(pairings.values_list("pk", flat=True))
    return sorted(set(pairings.values_list("mentor__user_id", flat=True)))


# --- A level -------------------------------------------------------------------------------

# The indicators of the people of a level (the others are computed from the pairs' parts).
# (the key a reader returns, or None for a reader of several, and the keys it gives)
GROUP_READERS = (
    ("time_to_match", _time_to_match, ("time_to_match",)),
    (None, _careers, ("retention", "promotion_rate", "internal_mobility", "promotion_velocity")),
    ("certification_rate", _certification, ("certification_rate",)),
)
PART_KEYS = frozenset(part_maths.KEYS)
GROUP_KEYS = frozenset(key for _, _, gives in GROUP_READERS for key in gives)
# Readers that take a ``Reading`` (rows read once for every level of a computation).
SHARED_READERS = {_careers}


def level_values(*, organization, level, day, object_ids=None, reading=None, parts=None, keys=None):
    """``{object_id: {indicator_key: IndicatorValue}}`` of every indicator computed at
    ``level`` on ``day`` (``keys``: only those) for the level's objects (``object_ids``: only
    those). An object with no rows for an indicator gets the indicator's empty figure (None,
    with the note).

    The indicators of pairs' rows come from the pairs' ``parts`` (an
    ``input_parts.Parts`` holding at least the pairs of the objects asked for; without one,
    they are read for the level's objects); the people's (time to match, careers,
    certification) from their rows, with a ``reading`` (``input_common.Reading``) shared by
    the levels of one computation."""
    if object_ids is None:
        object_ids_all = level_objects(organization=organization, level=level, day=day)
    else:
        object_ids_all = list(object_ids)
    keys = [
        indicator.key
        for indicator in catalogue.at_level(level)
        if keys is None or indicator.key in keys
    ]
    found = defaultdict(dict)
    if PART_KEYS & set(keys):
        if parts is None:
            parts = read_parts(organization, day, level, object_ids)
        for oid, values in parts.values(organization, level, day, object_ids, keys).items():
            found[oid].update(values)
    for key, reader, gives in GROUP_READERS:
        if not set(gives) & set(keys):
            continue  # nothing of this reader is computed at this level
        shared = {"reading": reading} if reading is not None and reader in SHARED_READERS else {}
        for oid, value in reader(organization, level, day, object_ids, **shared).items():
            if key is None:
                found[oid].update(value)
            else:
                found[oid][key] = value
    out = {}
    for oid in object_ids_all:
        values = found.get(oid, {})
        out[oid] = {key: values.get(key) or _empty(key, organization, level, day) for key in keys}
    return out


EMPTY_NOTES = {
    "cadence": "no active pair",
    "action_completion": "no action due",
    "habit_adherence": "no habit day due",
    "pulse": "fewer than 5 answers",
    "time_to_match": "nobody to count yet",
    "no_show_rate": "no session held",
    "late_cancel_rate": "no session booked",
    "time_to_competence": "nobody to count yet",
    "ramp_time": "nobody to count yet",
    "retention": "nobody with outcome events",
    "promotion_rate": "nobody with outcome events",
    "promotion_velocity": "nobody with outcome events",
    "internal_mobility": "nobody with outcome events",
    "certification_rate": "no cohort ended",
    "client_retention": "no signal logged",
    "technique_consistency": "no signal logged",
    "problem_solving": "no signal logged",
    "mentor_load": "no mentor",
    "mentor_recognition": "no mentor",
}


def _empty(key, organization, level, day):
    if key == "pulse":  # as the pulse function: below five answers, not even the sum
        return engagement.pulse_score_totals(total=0, count=0)
    censored = key in ("time_to_match", "time_to_competence", "ramp_time", "promotion_velocity")
    return IndicatorValue(None, 0, 0, 0, not_yet=0 if censored else None, note=EMPTY_NOTES[key])
