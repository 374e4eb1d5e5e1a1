"""The rows behind a stored figure (X2): for an indicator at a level and one object of it,
the rows the snapshot counted, read the way ``metrics/selectors/input_*.py`` reads them and
counted again by the catalogue's pure functions, so that the numerator and denominator shown
above the rows are the snapshot's (unless the rows changed since it was computed).

``rows_behind(*, organization, org_slug, level, object_id, indicator, day)`` returns a
:class:`~.behind_common.Behind`: the columns, the rows (each a list of cells) and
``counted``, the ``IndicatorValue`` of those rows; a fixed number of queries per indicator,
whatever the rows. The readers are in ``behind_pairs`` (rows of pairs) and ``behind_people``
(people and mentors).

Privacy: no pulse answer's score (only how many answers each pair gave), no note, journal,
action or habit text; people are named (leaders see who), their private words never.
"""

from . import behind_pairs, behind_people, behind_progress
from .behind_common import Behind, Cell, Context

__all__ = ["Behind", "Cell", "READERS", "rows_behind"]

READERS = {
    "cadence": behind_pairs.cadence,
    "action_completion": behind_pairs.action_completion,
    "habit_adherence": behind_pairs.habit_adherence,
    "pulse": behind_pairs.pulse,
    "no_show_rate": behind_pairs.no_show_rate,
    "late_cancel_rate": behind_pairs.late_cancel_rate,
    "time_to_competence": behind_progress.time_to_competence,
    "ramp_time": behind_progress.ramp_time,
    "client_retention": behind_progress.client_retention,
    "technique_consistency": behind_progress.technique_consistency,
    "problem_solving": behind_progress.problem_solving,
    "time_to_match": behind_people.time_to_match,
    "retention": behind_people.retention,
    "promotion_rate": behind_people.promotion_rate,
    "promotion_velocity": behind_people.promotion_velocity,
    "internal_mobility": behind_people.internal_mobility,
    "certification_rate": behind_people.certification_rate,
    "mentor_load": behind_people.mentor_load,
    "mentor_recognition": behind_people.mentor_recognition,
}


def rows_behind(*, organization, org_slug, level, object_id, indicator, day):
    """The rows behind ``indicator`` at ``level`` for ``object_id`` on ``day``, or None when
    they are not listed (yet)."""
    reader = READERS.get(indicator)
    if reader is None:
        return None
    return reader(Context(organization, org_slug, level, object_id, day))
