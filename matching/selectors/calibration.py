"""The reads of the admin's Calibration page and of a pair's own fit question."""

from django.db.models import Q

from ..access import PAIRING_RELATED
from ..models import CalibrationCheck, RematchRequest, UnresponsiveReport

ON_PAIRING = tuple(f"pairing__{name}" for name in PAIRING_RELATED)
OPEN_ROWS_SHOWN = 50


def calibration_checks(*, organization):
    """Every calibration check, newest due first (the page's filter narrows them)."""
    return (
        CalibrationCheck.objects.for_org(organization)
        .select_related(*ON_PAIRING)
        .order_by("-due_on", "-pk")
    )


def _scope(cohort):
    return Q(pairing__cohort=cohort) if cohort else Q()


def open_unresponsive_reports(*, organization, cohort=None):
    """The open unresponsive-partner reports (of ``cohort`` when given), newest first."""
    return list(
        UnresponsiveReport.objects.for_org(organization)
        .filter(_scope(cohort), resolved_at__isnull=True)
        .select_related("reported_by", *ON_PAIRING)
        .order_by("-created_at")[:OPEN_ROWS_SHOWN]
    )


def open_rematch_requests(*, organization, cohort=None):
    """The open (confidential) rematch requests (of ``cohort`` when given), newest first."""
    return list(
        RematchRequest.objects.for_org(organization)
        .filter(_scope(cohort), resolved_at__isnull=True)
        .select_related("requested_by", *ON_PAIRING)
        .order_by("-created_at")[:OPEN_ROWS_SHOWN]
    )


def calibration_check_of(*, pairing):
    """The pairing's calibration check, or None before its calibration day."""
    return CalibrationCheck.objects.for_org(pairing.organization).filter(pairing=pairing).first()
