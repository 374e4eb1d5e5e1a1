"""Each pair's parts (``metrics.indicators.parts``) read from its rows, for the pairs of a
level's objects or of the whole organisation, in a fixed number of queries; and the figures
of a level's objects from them.

``read_parts(organization, day, level, object_ids)`` reads the rows of the pairs of the
level's objects (every pair of the organisation for the organisation level, or with no
``object_ids``) with the readers of ``input_pairs``, and comes to a ``Parts``:
``{pairing id: part}`` and ``{mentor user id: mentor part}``. ``Parts.values(...)`` groups
the parts by the level's key and computes each object's figures (``parts.group_values``).
"""

from collections import defaultdict

from django.db.models import Count, F, Sum

from matching.models import Pairing
from sessions.models import Session

from ..indicators import development, engagement, signals
from ..indicators import parts as maths
from ..indicators.base import Track
from .input_common import (
    COHORT,
    MENTOR,
    ORGANISATION,
    PAIR,
    PROGRAM,
    _bounds,
    period,
)
from .input_pairs import (
    _cadence_pairs,
    _habit_counts,
    _signal_readings,
    action_counts,
    competence_objectives,
    pulse_totals,
    session_counts,
)
from .input_people import recognition_counts

# the index of a level's key in a part's ``k``
KEY_INDEX = {COHORT: 0, PROGRAM: 1, MENTOR: 2}


class Parts:
    """The parts of some pairs (``pairs``: ``{pairing id: part}``) and of their mentors
    (``mentors``: ``{user id: part}``)."""

    def __init__(self, pairs=None, mentors=None):
        self.pairs = pairs if pairs is not None else {}
        self.mentors = mentors if mentors is not None else {}

    def replace(self, fresh, *, pairs, mentors):
        """The parts of ``pairs`` and ``mentors`` as ``fresh`` has them (a pair ``fresh``
        has no part for has no rows left)."""
        for pk in pairs:
            self.pairs.pop(pk, None)
        for user in mentors:
            self.mentors.pop(user, None)
        self.pairs.update(fresh.pairs)
        self.mentors.update(fresh.mentors)

    def grouped(self, organization, level, object_ids):
        """``{object id: [part]}`` of the level's objects (``object_ids``: only those)."""
        asked = None if object_ids is None or level == ORGANISATION else set(object_ids)
        groups = defaultdict(list)
        if level == ORGANISATION:
            groups[organization.pk] = list(self.pairs.values())
            return groups
        if level == PAIR:
            for pk, part in self.pairs.items():
                if asked is None or pk in asked:
                    groups[pk].append(part)
            return groups
        index = KEY_INDEX[level]
        for part in self.pairs.values():
            oid = part["k"][index]
            if asked is None or oid in asked:
                groups[oid].append(part)
        return groups

    def values(self, organization, level, day, object_ids, keys):
        """``{object id: {indicator: IndicatorValue}}`` of the ``keys`` (of
        ``parts.KEYS``) for the level's objects that have parts."""
        start, end = period("mentor_load", day)
        return {
            oid: maths.group_values(
                group,
                mentor_parts=self.mentors,
                keys=keys,
                start=start,
                end=end,
            )
            for oid, group in self.grouped(organization, level, object_ids).items()
        }


def read_parts(organization, day, level=ORGANISATION, object_ids=None):
    """The ``Parts`` of the pairs of the level's objects (all the organisation's with the
    organisation level or no ``object_ids``) on ``day``: a fixed number of queries."""
    if object_ids is not None:
        object_ids = list(object_ids)
    if level == ORGANISATION:
        object_ids = None
    pairs = {}

    def part(row):
        found = pairs.get(row["at_pair"])
        if found is None:
            found = pairs[row["at_pair"]] = {
                "k": [row["at_cohort"], row["at_program"], row["at_mentor"]]
            }
        return found

    for p in _cadence_pairs(organization, level or ORGANISATION, day, object_ids):
        verdict, gaps = engagement.cadence_part(p["sessions"], as_of=day)
        part(p)["c"] = [verdict, maths.gap_counts(gaps)]
    for row in action_counts(organization, level, day, object_ids):
        part(row)["a"] = [row["due"], row["on_time"], row["overdue"], row["late"]]
    for row in session_counts(organization, level, day, object_ids):
        part(row)["s"] = [row["held"], row["no_shows"], row["booked"], row["late"]]
    for row in pulse_totals(organization, level, day, object_ids):
        part(row)["p"] = [row["total"] or 0, row["count"]]
    for h in _habit_counts(organization, level, day, object_ids):
        due, done, habits = part(h).setdefault("h", [0, 0, 0])
        part(h)["h"] = [due + h["due"], done + h["done"], habits + 1]
    _signal_parts(organization, level, day, object_ids, part)
    _competence_parts(organization, level, day, object_ids, part)
    mentors = _mentor_parts(organization, level, day, object_ids, part)
    return Parts(pairs, mentors)


def _signal_parts(organization, level, day, object_ids, part):
    start, end = period("technique_consistency", day)
    for row in _signal_readings(organization, level, day, object_ids):
        found = part(row)
        by_key = found.setdefault("g", {})
        if row["key"] == "client_retention":
            subjects, out_of_range = signals.client_retention_parts(
                row["readings"], start=start, end=end
            )
            found["o"] = found.get("o", 0) + out_of_range
        else:
            subjects = signals.subject_signals(row["readings"], start=start, end=end)
        had = by_key.get(row["key"], {})
        by_key[row["key"]] = maths.subjects_part(
            signals.merge_subjects(dict(had), {str(k): v for k, v in subjects.items()})
        )


def _competence_parts(organization, level, day, object_ids, part):
    """Time to competence: one track per objective with a target level; ramp time: one per
    pair with such objectives (every objective reached)."""
    by_pairing = {}
    for o, start, seen, reached in competence_objectives(organization, level, day, object_ids):
        found = part(o)
        found.setdefault("t", []).extend(maths.track_durations([Track(start, reached, seen)]))
        entry = by_pairing.setdefault(o["at_pair"], [found, start, seen, []])
        entry[3].append(reached)
    for found, start, seen, reached in by_pairing.values():
        ramp = Track(start, development.ramp_reached(reached), seen)
        found["r"] = maths.track_durations([ramp])


def _mentor_parts(organization, level, day, object_ids, part):
    """The mentor's work in each pairing accepted by ``day`` (active on the day, the number
    and minutes of its completed sessions of the period) and ``{mentor: {kudos,
    credits}}`` of the period (four queries)."""
    first, after = _bounds(organization, *period("mentor_load", day))
    pairings = Pairing.objects.for_org(organization).filter(accepted_at__lt=after)
    if object_ids is not None:
        lookup = {
            PAIR: "pk",
            COHORT: "cohort_id",
            PROGRAM: "cohort__program_id",
            MENTOR: "mentor__user_id",
        }[level]
        pairings = pairings.filter(**{f"{lookup}__in": object_ids})
    work, users = {}, set()
    for row in pairings.values(
        "ended_at",
        at_pair=F("pk"),
        at_cohort=F("cohort_id"),
        at_program=F("cohort__program_id"),
        at_mentor=F("mentor__user_id"),
    ):
        active = row["ended_at"] is None or row["ended_at"] >= after
        work[row["at_pair"]] = part(row)["m"] = [active, 0, 0]
        users.add(row["at_mentor"])
    for pairing_id, sessions, minutes in (
        Session.objects.for_org(organization)
        .filter(
            pairing_id__in=pairings.values("pk"),
            status=Session.Status.COMPLETED,
            starts_at__gte=first,
            starts_at__lt=after,
        )
        .values("pairing_id")
        .annotate(sessions=Count("pk"), minutes=Sum("minutes"))
        .values_list("pairing_id", "sessions", "minutes")
    ):
        work[pairing_id][1:] = [sessions, minutes or 0]
    kudos, credits = recognition_counts(
        organization=organization,
        users=pairings.values("mentor__user_id"),
        first=first,
        after=after,
    )
    return {
        user: {"kudos": kudos.get(user, 0), "credits": credits.get(user) or 0} for user in users
    }
