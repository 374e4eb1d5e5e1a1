"""Keeping live pairings responsive (M9, B4): a pending pairing not accepted in time
expires (and the mentee is offered the next best mentor), an idle pair is warned once and
then concluded, or either side reports a partner who does not answer. A completed session
restarts the idle clock (``sessions.services.logging.session_complete``; it replaced the
"we met" button: the mentor logs the session, after the fact if need be).

The hourly check (:func:`pairings_check`) is idempotent: every action moves a row out of
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
from django.utils import timezone

from mentorship.tenancy.models import register_audit_actions

from .. import emails
from ..models import Pairing, UnresponsiveReport
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


def pairings_check(*, organization, now=None):
    """Expire, re-offer, warn, conclude and calibrate the organisation's live pairings, each
    pairing in its own transaction. Returns a :class:`CheckSummary` (``failed`` lists the
    pairings whose check raised and was rolled back; the rest are committed)."""
    now = now or timezone.now()
    summary = CheckSummary()
    live = Pairing.objects.for_org(organization).live()
    pending = live.filter(status=Pairing.Status.PENDING, accept_by__lt=now).order_by("pk")
    active = live.filter(status=Pairing.Status.ACTIVE).order_by("pk")
    due = [(pk, Pairing.Status.PENDING) for pk in pending.values_list("pk", flat=True)]
    due += [(pk, Pairing.Status.ACTIVE) for pk in active.values_list("pk", flat=True)]
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
    """The hourly check of one live pairing (the caller holds its transaction)."""
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
