"""The cadence status of active pairs (B3) for the admin's Calibration page and the cadence
sweep: one query, whatever the number of pairs. The rule is
:func:`matching.services.cadence.cadence_status`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ..models import Pairing
from ..services.cadence import (
    NEEDS_CHECK_IN,
    STATUS_LABELS,
    STATUS_ORDER,
    cadence_period,
    cadence_reference,
    cadence_rule_text,
    cadence_status,
)

CADENCE_ROWS_SHOWN = 50


@dataclass
class CadenceRow:
    pairing: Pairing
    status: str
    reference: date
    days_quiet: int
    check_in_after_days: int
    last_session_on: date | None
    reminded: bool = False  # the mentor was reminded in this quiet spell (the overview reads it)

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def period(self):
        return cadence_period(self.reference)


def _margin_and_threshold(program, cohort=None):
    try:
        reminders = program.reminders
    except ObjectDoesNotExist:  # an older program before programs' data migration
        from programs.models import ProgramReminders

        reminders = ProgramReminders(program=program, organization_id=program.organization_id)
    if cohort is not None:
        return reminders.cadence_margin_days, reminders.check_in_after_days_for(cohort)
    return reminders.cadence_margin_days, reminders.check_in_after_days


def _last_completed_session(organization):
    """When the pair's last completed session started (a subquery). The sessions app
    depends on matching, so its model is reached through the reverse relation."""
    session = Pairing._meta.get_field("sessions").related_model
    return Subquery(
        session.objects.filter(
            organization=organization,
            pairing=OuterRef("pk"),
            status=session.Status.COMPLETED,
        )
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )


def pairs_with_cadence(*, organization, now=None, cohort=None):
    """Every active pair of the organisation (of ``cohort`` when given) with its cadence
    status, as :class:`CadenceRow`, needs-a-check-in first, longest quiet first. Days are
    the organisation's dates. One query."""
    now = now or timezone.now()
    zone = organization.zoneinfo
    today = timezone.localtime(now, zone).date()
    pairings = (
        Pairing.objects.for_org(organization)
        .filter(status=Pairing.Status.ACTIVE)
        .select_related(
            "cohort",
            "cohort__program",
            "cohort__program__reminders",
            "mentee__user",
            "mentor__user",
        )
        .annotate(last_session_at=_last_completed_session(organization))
        .order_by("pk")
    )
    if cohort is not None:
        pairings = pairings.filter(cohort=cohort)
    rows = []
    for pairing in pairings:
        program = pairing.cohort.program
        # The cohort's own target cadence when it has one (a variant), else the program's.
        _margin, threshold = _margin_and_threshold(program, pairing.cohort)
        started_on = timezone.localtime(pairing.accepted_at or pairing.created_at, zone).date()
        last_on = (
            timezone.localtime(pairing.last_session_at, zone).date()
            if pairing.last_session_at
            else None
        )
        status = cadence_status(
            today=today,
            started_on=started_on,
            last_session_on=last_on,
            cadence_days=pairing.cohort.target_cadence_days,
            check_in_after_days=threshold,
        )
        reference = cadence_reference(started_on=started_on, last_session_on=last_on)
        rows.append(
            CadenceRow(
                pairing=pairing,
                status=status,
                reference=reference,
                days_quiet=(today - reference).days,
                check_in_after_days=threshold,
                last_session_on=last_on,
            )
        )
    rows.sort(key=lambda row: (STATUS_ORDER.index(row.status), -row.days_quiet, row.pairing.pk))
    return rows


@dataclass
class CadenceOverview:
    rows: list  # the first CADENCE_ROWS_SHOWN rows
    total: int
    counts: dict  # {status: n}, in STATUS_ORDER
    rules: list  # [(program, the rule in words)]


def cadence_overview(*, organization, cohort=None, now=None):
    """The Calibration page's cadence section: the counts by status, the first rows
    (needs a check-in first, each saying whether its mentor was reminded in this quiet
    spell) and each program's rule in words. Two queries."""
    from mentorship.notifications.models import Nudge

    from .. import emails

    rows = pairs_with_cadence(organization=organization, cohort=cohort, now=now)
    shown = rows[:CADENCE_ROWS_SHOWN]
    needing = {f"pairing:{row.pairing.pk}": row for row in shown if row.status == NEEDS_CHECK_IN}
    if needing:
        reminded = set(
            Nudge.objects.for_org(organization)
            .filter(kind=emails.CADENCE_CHECK_IN.kind, subject_key__in=list(needing))
            .values_list("subject_key", "period")
        )
        for key, row in needing.items():
            row.reminded = (key, row.period) in reminded
    counts = dict.fromkeys(STATUS_ORDER, 0)
    programs = {}
    own = {}  # cohorts with a target cadence of their own (a variant): their rule too
    for row in rows:
        counts[row.status] += 1
        programs.setdefault(row.pairing.cohort.program_id, row.pairing.cohort.program)
        if row.pairing.cohort.cadence_days:
            own.setdefault(row.pairing.cohort_id, row.pairing.cohort)
    rules = []
    for program in sorted(programs.values(), key=lambda p: p.name):
        margin, threshold = _margin_and_threshold(program)
        rules.append(
            (
                program,
                cadence_rule_text(
                    cadence_days=program.cadence_days,
                    margin_days=margin,
                    check_in_after_days=threshold,
                ),
            )
        )
    for cohort in sorted(own.values(), key=lambda c: c.name):
        margin, threshold = _margin_and_threshold(cohort.program, cohort)
        rules.append(
            (
                cohort,
                cadence_rule_text(
                    cadence_days=cohort.cadence_days,
                    margin_days=margin,
                    check_in_after_days=threshold,
                    whose="cohort's",
                ),
            )
        )
    return CadenceOverview(
        rows=shown,
        total=len(rows),
        counts=[(status, STATUS_LABELS[status], counts[status]) for status in STATUS_ORDER],
        rules=rules,
    )
