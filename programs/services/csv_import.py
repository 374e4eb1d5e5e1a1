"""Importing a cohort's participants from a CSV file (P5): every row, or none.

The pure part (reading the file, checking each row on its own) is :mod:`programs.csv_import`,
with no database; this module checks the rows against the database (who is a member, who is
already enrolled or invited) and writes them with the enrolment services' own steps.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.accounts.models import Invitation, User
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from .. import csv_import
from ..models import Participant
from ..selectors.cohorts import cohort_seats, open_pending_enrolments
from .enrolment import _check_open, _enrol, _invite

register_audit_actions({"participant.imported": "Imported participants from a CSV file"})


class ImportRejected(Exception):
    """The file was not imported; ``errors`` lists every problem (csv_import.RowError)."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


@dataclass
class ImportSummary:
    enrolled: list = field(default_factory=list)  # Participants
    invited: list = field(default_factory=list)  # PendingEnrolments

    @property
    def total(self):
        return len(self.enrolled) + len(self.invited)


def participants_import_check(*, cohort, rows, file_emails=None):
    """The checks of parsed rows that need the database: returns (errors, members), the
    RowErrors found and the organisation's members named in the file by e-mail.

    Only people of this organisation are looked up: an e-mail of someone who belongs to
    another organisation is simply a person to invite.
    """
    organization = cohort.organization
    emails = {row.email for row in rows}
    in_file = emails | set(file_emails or ())
    managers = {row.manager_email for row in rows if row.manager_email}
    members = {
        user.email.lower(): user
        for user in User.objects.members_of(organization).filter(email__in=emails | managers)
    }
    enrolled = {
        p.user.email.lower(): p
        for p in cohort.participants.filter(user__email__in=emails)
        .exclude(status=Participant.Status.WITHDRAWN)
        .select_related("user")
    }
    invited_here = {
        p.invitation.email.lower()
        for p in open_pending_enrolments(cohort=cohort).filter(invitation__email__in=emails)
    }
    invited_elsewhere = {
        inv.email.lower(): inv.pending_enrolment.cohort.name
        for inv in Invitation.objects.for_org(organization)
        .pending()
        .filter(email__in=emails, pending_enrolment__isnull=False)
        .exclude(pending_enrolment__cohort=cohort)
        .select_related("pending_enrolment__cohort")
    }
    errors = []
    for row in rows:
        if row.email in enrolled:
            role = enrolled[row.email].get_role_display().lower()
            errors.append(
                csv_import.RowError(
                    row.line, f"{row.email} is already in {cohort.name} as {role}.", row.email
                )
            )
        elif row.email in invited_here:
            errors.append(
                csv_import.RowError(
                    row.line, f"{row.email} is already invited into {cohort.name}.", row.email
                )
            )
        elif row.email not in members and row.email in invited_elsewhere:
            errors.append(
                csv_import.RowError(
                    row.line,
                    f"{row.email} has an open invitation into {invited_elsewhere[row.email]}; "
                    f"add them here once they have accepted it.",
                    row.email,
                )
            )
        if (
            row.manager_email
            and row.manager_email not in members
            and row.manager_email not in in_file
        ):
            errors.append(
                csv_import.RowError(
                    row.line,
                    f"The manager {row.manager_email} is not a member of {organization.name} and "
                    f"not in the file.",
                    row.email,
                )
            )
    return errors, members


@transaction.atomic
def participants_import(*, cohort, data, by, site_url="", filename=""):
    """Import a CSV of participants into the cohort: every row, or none.

    Parses and checks the whole file first (csv_import), then checks it against the database,
    and only then writes, in one transaction: members of the organisation are enrolled,
    everyone else is invited into the cohort. Raises ImportRejected with every problem found;
    on success returns an ImportSummary and records one ``participant.imported`` event.
    """
    _check_open(cohort)
    seats = cohort_seats(cohort=cohort)
    parsed = csv_import.parse_participants(data, seats_left=seats.left, capacity=seats.capacity)
    # The database checks run on the rows that parsed, even when others did not: the admin
    # sees every problem of the file at once.
    errors, members = participants_import_check(
        cohort=cohort, rows=parsed.rows, file_emails=parsed.emails
    )
    errors = sorted(parsed.errors + errors, key=lambda e: e.line or 0)
    if errors:
        raise ImportRejected(errors)
    summary = ImportSummary()
    for row in parsed.rows:
        try:
            result = _import_row(cohort, row, members, by=by, site_url=site_url)
        except ValidationError as exc:  # a late refusal: report it, and save nothing
            errors.append(csv_import.RowError(row.line, " ".join(exc.messages), row.email))
            continue
        if isinstance(result, Participant):
            summary.enrolled.append(result)
        else:
            summary.invited.append(result)
    if errors:
        # Raised inside the atomic block: every row written so far is rolled back, and the
        # invitation e-mails (queued on commit) are never sent.
        raise ImportRejected(errors)
    audit_record(
        organization=cohort.organization,
        actor=by,
        action="participant.imported",
        target=cohort,
        data={
            "cohort": cohort.name,
            "file": filename[:120],
            "rows": len(parsed.rows),
            "enrolled": len(summary.enrolled),
            "invited": len(summary.invited),
        },
    )
    return summary


def _import_row(cohort, row, members, *, by, site_url):
    manager = members.get(row.manager_email) if row.manager_email else None
    user = members.get(row.email)
    if user is not None:
        return _enrol(
            cohort=cohort,
            user=user,
            role=row.role,
            by=by,
            department=row.department,
            manager=manager,
            manager_email="" if manager else row.manager_email,
            audit=False,
        )
    return _invite(
        cohort=cohort,
        email=row.email,
        role=row.role,
        by=by,
        site_url=site_url,
        name=row.name,
        department=row.department,
        manager_email=row.manager_email,
    )
