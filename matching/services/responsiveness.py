"""Keeping live pairings responsive (M9, B4): a pending pairing not accepted in time
expires (and the mentee is offered the next best mentor), an idle pair is warned once and
then concluded, or either side reports a partner who does not answer. A completed session
restarts the idle clock (``sessions.services.logging.session_complete``; it replaced the
"we met" button: the mentor logs the session, after the fact if need be).

The check (:func:`pairings_check`, the ``matching.pairing_care`` sweep, every minute) is
idempotent: every action moves a row out of
the state that triggered it, and every e-mail is a ``message_queue`` row with a unique key,
so a second run changes nothing and sends nothing. Each pairing is checked in its own
transaction: one pairing that fails is logged and named in the result, and the others stay
done; the task retries only when one failed, and the retry redoes only what is left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from mentorship.tenancy.models import register_audit_actions

from .. import emails
from ..models import MatchingSettings, Pairing, UnresponsiveReport
from ..selectors.settings import matching_settings
from ..selectors.sides import pairing_side
from .calibration import calibration_due, calibration_flag
from .rematch import mark_handled, offer_next_mentor

logger = logging.getLogger(__name__)

register_audit_actions({"matching.report_resolve": "Resolved an unresponsive report"})

CHECK_RELATED = (
    "organization",
    "cohort__program",
    "cohort__organization",
    "mentee__user",
    "mentee__organization",
    "mentor__user",
)


@dataclass
class CheckSummary:
    expired: int = 0
    reoffered: int = 0
    flagged: int = 0
    warned: int = 0
    concluded: int = 0
    calibrations: int = 0
    failed: list = field(default_factory=list)  # pks of the pairings whose check raised

    def add(self, other):
        for name in ("expired", "reoffered", "flagged", "warned", "concluded", "calibrations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self):
        return {**self.__dict__, "failed": list(self.failed)}


def _reference(pairing):
    return pairing.last_activity_at or pairing.accepted_at or pairing.created_at


_SETTINGS = "cohort__program__matching_settings__"
_DUE_FIELDS = {
    "warn_days": F(f"{_SETTINGS}idle_warn_days"),
    "conclude_days": F(f"{_SETTINGS}idle_conclude_days"),
    "calibration_day": F(f"{_SETTINGS}calibration_day"),
    "cadence_days": Coalesce("cohort__cadence_days", "cohort__program__cadence_days"),
    "check_id": F("calibration__id"),
    "check_flagged": F("calibration__flagged"),
    "check_resolved_at": F("calibration__resolved_at"),
}


def _default(name):
    return MatchingSettings._meta.get_field(name).default


def pairing_due(row, now):
    """Whether :func:`pairing_check` would change anything for this pairing at ``now``
    (``row``: the values :func:`pairings_due` reads). The same conditions, read without a
    lock, so the every-minute sweep locks and checks only the pairings that need it."""
    if row["status"] == Pairing.Status.PENDING:
        return row["accept_by"] is not None and row["accept_by"] < now
    if row["status"] != Pairing.Status.ACTIVE:
        return False
    reference = row["last_activity_at"] or row["accepted_at"] or row["created_at"]
    warn = row["warn_days"] or _default("idle_warn_days")
    conclude = row["conclude_days"] or _default("idle_conclude_days")
    if reference is not None and reference <= now - timedelta(days=warn):
        warned = row["idle_warned_at"] is not None and row["idle_warned_at"] >= reference
        if not warned or reference <= now - timedelta(days=conclude):
            return True  # to warn, or to conclude
    if row["accepted_at"] is None:
        return False
    calibration_day = row["calibration_day"] or _default("calibration_day")
    if row["accepted_at"] + timedelta(days=calibration_day) > now:
        return False
    if row["check_id"] is None:
        return True  # the fit question is due
    missed = reference is not None and reference <= now - timedelta(days=row["cadence_days"] * 2)
    return bool(missed and not row["check_flagged"] and row["check_resolved_at"] is None)


def pairings_due(*, organization, now):
    """``[(pk, status)]`` of the live pairings whose check would change something at
    ``now``: one query, whatever the number of pairings."""
    rows = (
        Pairing.objects.for_org(organization)
        .live()
        .annotate(**_DUE_FIELDS)
        .values(
            "pk",
            "status",
            "accept_by",
            "accepted_at",
            "created_at",
            "last_activity_at",
            "idle_warned_at",
            *_DUE_FIELDS,
        )
        .order_by("status", "pk")
    )
    return [(row["pk"], row["status"]) for row in rows if pairing_due(row, now)]


def pairings_check(*, organization, now=None):
    """Expire, re-offer, warn, conclude and calibrate the organisation's live pairings, each
    pairing in its own transaction. Returns a :class:`CheckSummary` (``failed`` lists the
    pairings whose check raised and was rolled back; the rest are committed).

    Only the pairings :func:`pairings_due` finds are locked and checked: it runs every
    minute (the ``matching.pairing_care`` sweep), in one query when nothing is due."""
    now = now or timezone.now()
    summary = CheckSummary()
    due = pairings_due(organization=organization, now=now)
    settings_cache = {}

    def matching_of(pairing):
        program = pairing.cohort.program
        if program.pk not in settings_cache:
            settings_cache[program.pk] = matching_settings(program=program)
        return settings_cache[program.pk]

    for pk, status in due:
        done = CheckSummary()
        try:
            with transaction.atomic():
                pairing = (
                    Pairing.objects.for_org(organization)
                    .select_for_update(of=("self",))
                    .select_related(*CHECK_RELATED)
                    .filter(pk=pk, status=status)
                    .first()
                )
                if pairing is None:  # changed since the list was read: nothing to do here
                    continue
                pairing_check(pairing=pairing, now=now, matching=matching_of(pairing), summary=done)
        except Exception:
            logger.exception("The check of pairing %s failed and was rolled back.", pk)
            summary.failed.append(pk)
        else:
            summary.add(done)
    return summary


def pairing_check(*, pairing, now, matching, summary):
    """The check of one live pairing (the caller holds its transaction)."""
    if pairing.status == Pairing.Status.PENDING:
        if pairing.accept_by is not None and pairing.accept_by < now:
            _expire(pairing, now, matching, summary)
        return
    if pairing.status != Pairing.Status.ACTIVE:
        return
    if _idle(pairing, now, matching, summary):
        return
    asked, flagged = calibration_due(
        pairing=pairing, reference=_reference(pairing), now=now, matching=matching
    )
    summary.calibrations += int(asked)
    summary.flagged += int(flagged)


def _expire(pairing, now, matching, summary):
    pairing.status = Pairing.Status.EXPIRED
    pairing.ended_at = now
    pairing.end_reason = f"Not accepted within {matching.accept_within_days} days"
    pairing.save(update_fields=["status", "ended_at", "end_reason"])
    summary.expired += 1
    if pairing.kind != Pairing.Kind.CORE:
        calibration_flag(pairing=pairing, reason="A topic mentor did not accept in time.", now=now)
        summary.flagged += 1
        return
    new, flagged = offer_next_mentor(pairing=pairing, why="Expired", now=now, matching=matching)
    summary.reoffered += int(new is not None)
    summary.flagged += int(flagged)


def _tell_both(pairing, email_kind, context, period=""):
    for side in (pairing.mentor, pairing.mentee):
        emails.nudge_send(
            email_kind,
            organization=pairing.organization,
            subject_key=f"pairing:{pairing.pk}",
            user=side.user,
            context={"pairing": pairing, **context},
            period=period,
        )


def _idle(pairing, now, matching, summary):
    """Warn an idle pair once per idle spell, then conclude it. True when concluded."""
    reference = _reference(pairing)
    if reference is None or reference > now - timedelta(days=matching.idle_warn_days):
        return False
    warned = pairing.idle_warned_at is not None and pairing.idle_warned_at >= reference
    if warned and reference <= now - timedelta(days=matching.idle_conclude_days):
        pairing.status = Pairing.Status.CONCLUDED
        pairing.ended_at = now
        pairing.end_reason = f"No activity for {matching.idle_conclude_days} days"
        pairing.save(update_fields=["status", "ended_at", "end_reason"])
        _tell_both(pairing, emails.PAIRING_CONCLUDED_IDLE, {"days": matching.idle_conclude_days})
        summary.concluded += 1
        return True
    if not warned:
        pairing.idle_warned_at = now
        pairing.save(update_fields=["idle_warned_at"])
        _tell_both(
            pairing,
            emails.PAIRING_IDLE,
            {"warn_days": matching.idle_warn_days, "conclude_days": matching.idle_conclude_days},
            period=reference.date().isoformat(),
        )
        summary.warned += 1
    return False


# ------------------------------------------------------------------ the pair's own actions


@transaction.atomic
def unresponsive_report(*, pairing, note="", by):
    """Report that the partner does not respond; the admin sees it on the Calibration page."""
    if pairing_side(pairing, by) is None:
        raise ValidationError("Only the two people of this pairing may report it.")
    report = (
        UnresponsiveReport.objects.for_org(pairing.organization)
        .filter(pairing=pairing, reported_by=by, resolved_at__isnull=True)
        .first()
    )
    if report is None:
        report = UnresponsiveReport(
            organization=pairing.organization, pairing=pairing, reported_by=by
        )
    report.note = note.strip()
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_resolve(*, report, by, now=None):
    """The admin handled an unresponsive-partner report."""
    return mark_handled(report, action="matching.report_resolve", target=report, by=by, now=now)
