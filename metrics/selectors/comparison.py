"""Participants against non-participants (X7): who is in which group, and their records, in
two queries whatever the number of people (the arithmetic is :mod:`metrics.comparison`).

- **Participants**: people enrolled as mentees in a cohort of the organisation (or of the
  chosen program) that started on or before the period's end, whatever their status now
  (withdrawn too: they chose, or were chosen, to take part).
- **Others**: people with outcome events who never took part in any cohort of the
  organisation, in any role.
- People who took part otherwise (as mentors or facilitators, in a cohort that started after
  the period, or in another program than the one chosen) are in neither group.
- Only people with at least one outcome event up to the period's end are counted: of the
  others, nothing is known of their employment.

A person's records are read by the database, one row per e-mail: the last hire and the last
departure up to the period's end, and the promotions within it. That is the career
``careers.career_from_events`` builds from the same events (the last hire counts; a departure
counts when it is on or after it), which tests/metrics/test_comparison.py pins.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q
from django.db.models.functions import Lower

from programs.models import Participant

from .. import comparison
from ..indicators import careers
from ..models import OutcomeEvent


@dataclass(frozen=True)
class ComparisonGroups:
    start: date
    end: date
    program: object | None
    participants: list  # [comparison.Person]
    others: list
    elsewhere: int  # people with events who took part otherwise (in neither group)
    measures: list  # [comparison.MeasureComparison]: retention, promotion
    last_imported: object | None  # when the latest of these events was imported


def _participations(organization):
    """(user id, lower-case e-mail, role, program id, cohort start) of every participant of
    the organisation (one query)."""
    return (
        Participant.objects.for_org(organization)
        .annotate(email_lower=Lower("user__email"))
        .values_list("user_id", "email_lower", "role", "cohort__program_id", "cohort__starts_on")
    )


def _records(organization, start, end):
    """One row per e-mail with events up to ``end``: the member it was linked to, the last
    hire, the last departure, the promotions in [start, end] (one query, grouped by the
    database)."""
    return (
        OutcomeEvent.objects.for_org(organization)
        .filter(occurred_on__lte=end)
        .values("email")
        .annotate(
            user=Max("user_id"),
            imported=Max("imported_at"),
            hired_on=Max("occurred_on", filter=Q(event=OutcomeEvent.Event.HIRED)),
            last_left=Max("occurred_on", filter=Q(event=OutcomeEvent.Event.LEFT)),
            promotions=Count(
                "pk",
                filter=Q(event=OutcomeEvent.Event.PROMOTED, occurred_on__gte=start),
            ),
        )
        .order_by("email")
    )


def career_of(hired_on, last_left):
    """The Career of a person's last hire and last departure: a departure before the last
    hire was followed by a rehire, so they are employed again."""
    left_on = (
        last_left if last_left is not None and (hired_on is None or last_left >= hired_on) else None
    )
    return careers.Career(hired_on, left_on)


def comparison_groups(*, organization, start, end, program=None):
    """The two groups over [start, end] (``program``: participants of its cohorts only), and
    their retention and promotion side by side (two queries)."""
    chosen, elsewhere_ids, elsewhere_emails = set(), set(), set()
    chosen_emails = {}
    for user_id, email, role, program_id, starts_on in _participations(organization):
        in_scope = (
            role == Participant.Role.MENTEE
            and starts_on <= end
            and (program is None or program_id == program.pk)
        )
        if in_scope:
            chosen.add(user_id)
            chosen_emails[email] = user_id
        else:
            elsewhere_ids.add(user_id)
            elsewhere_emails.add(email)
    participants, others = [], []
    elsewhere = 0
    last_imported = None
    for row in _records(organization, start, end):
        person = comparison.Person(career_of(row["hired_on"], row["last_left"]), row["promotions"])
        if last_imported is None or row["imported"] > last_imported:
            last_imported = row["imported"]
        if row["user"] in chosen or row["email"] in chosen_emails:
            participants.append(person)
        elif row["user"] in elsewhere_ids or row["email"] in elsewhere_emails:
            elsewhere += 1
        else:
            others.append(person)
    return ComparisonGroups(
        start=start,
        end=end,
        program=program,
        participants=participants,
        others=others,
        elsewhere=elsewhere,
        measures=comparison.compare_groups(participants, others, start=start, end=end),
        last_imported=last_imported,
    )
