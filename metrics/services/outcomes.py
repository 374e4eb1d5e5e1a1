"""Importing outcome events from a CSV file (X3): every row, or none.

The pure part (reading the file, checking each row) is :mod:`metrics.outcome_csv`; this
module adds the check that needs the database (the same event already stored), links each
row to the member of this organisation with that e-mail when there is one, and writes every
row in one transaction. E-mails that match no member are stored too: they are the people who
never took part. Only this organisation's members are looked up.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions
from programs.csv_import import RowError

from .. import outcome_csv
from ..models import OutcomeEvent

register_audit_actions({"outcome.imported": "Imported outcome events from a CSV file"})


class ImportRejected(Exception):
    """Nothing was imported; ``errors`` lists every problem (RowError), by line."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


@dataclass(frozen=True)
class ImportSummary:
    total: int
    members: int  # rows linked to a member of the organisation
    others: int  # rows of people who are not members (the comparison group)
    by_event: dict  # event label -> rows


def organization_today(organization, now=None):
    return (now or timezone.now()).astimezone(organization.zoneinfo).date()


def _members_by_email(organization, emails):
    return {
        user.email_lower: user
        for user in User.objects.members_of(organization)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
    }


def outcomes_import_check(*, organization, rows):
    """RowErrors of rows whose event is already stored for this organisation."""
    emails = {row.email for row in rows}
    if not emails:
        return []
    stored = set(
        OutcomeEvent.objects.for_org(organization)
        .filter(email__in=emails)
        .values_list("email", "event", "occurred_on")
    )
    return [
        RowError(
            row.line,
            f"This event ({row.email}, {row.event.replace('_', ' ')}, "
            f"{row.occurred_on.isoformat()}) is already imported.",
            row.email,
        )
        for row in rows
        if row.key in stored
    ]


@transaction.atomic
def outcomes_import(*, organization, data, by, filename="", now=None):
    """Import a CSV of outcome events: every row, or none. Raises ImportRejected with every
    problem found; on success returns an ImportSummary and records one audit event."""
    parsed = outcome_csv.parse_outcomes(data, today=organization_today(organization, now))
    errors = parsed.errors + outcomes_import_check(organization=organization, rows=parsed.rows)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.line or 0))
    members = _members_by_email(organization, {row.email for row in parsed.rows})
    events = []
    for row in parsed.rows:
        event = OutcomeEvent(
            organization=organization,
            email=row.email,
            user=members.get(row.email),
            event=row.event,
            occurred_on=row.occurred_on,
            department=row.department,
            role=row.role,
            imported_by=by,
            source=filename[:120],
        )
        # The fields' own checks (choices, lengths, the e-mail), without the query per row
        # that validating a foreign key runs: the members were read above, in one query, and
        # the unique constraint was checked for the whole file at once.
        event.clean_fields(exclude=["organization", "user", "imported_by"])
        events.append(event)
    try:
        with transaction.atomic():
            OutcomeEvent.objects.bulk_create(events)
    except IntegrityError:
        # Another upload stored some of the same events between the check and now.
        raise ImportRejected(
            [
                RowError(
                    None,
                    "Some of these events were imported by another upload at the same moment: "
                    "upload the file again to see which.",
                )
            ]
        ) from None
    labels = dict(OutcomeEvent.Event.choices)
    by_event = {}
    for event in events:
        by_event[labels[event.event]] = by_event.get(labels[event.event], 0) + 1
    linked = sum(1 for event in events if event.user_id)
    summary = ImportSummary(len(events), linked, len(events) - linked, by_event)
    audit_record(
        organization=organization,
        actor=by,
        action="outcome.imported",
        data={
            "file": filename[:120],
            "rows": summary.total,
            "members": summary.members,
            "others": summary.others,
        },
    )
    if linked:  # members' careers change the lagging indicators of every level
        from .snapshots import recompute_request

        recompute_request(organization_id=organization.pk, kind="organisation")
    return summary
