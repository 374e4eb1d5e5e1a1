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

from . import behind_pairs
from .behind_common import Behind, Cell, Context

__all__ = ["Behind", "Cell", "READERS", "rows_behind"]

READERS = {
    "cadence": behind_pairs.cadence,
}


def rows_behind(*, organization, org_slug, level, object_id, indicator, day):
    """The rows behind ``indicator`` at ``level`` for ``object_id`` on ``day``, or None when
    they are not listed (yet)."""
    reader = READERS.get(indicator)
    if reader is None:
        return None
    return reader(Context(organization, org_slug, level, object_id, day))
