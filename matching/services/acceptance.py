"""The mentor's answer to a new pairing (M9): accept (the pairing becomes active and its
clock starts) or decline (the mentee is offered the next best mentor)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Pairing
from ..signals import pairing_accepted
from . import rematch


def _check_own(pairing, by):
    if pairing.mentor.user_id != by.pk:
        raise ValidationError("Only the mentor of this pairing can answer it.")


@transaction.atomic
def pairing_accept(*, pairing, by):
    """The mentor accepts a new pairing: it becomes active (M9's clock starts)."""
    _check_own(pairing, by)
    if pairing.status == Pairing.Status.ACTIVE:
        return pairing
    if pairing.status != Pairing.Status.PENDING:
        raise ValidationError(
            f"This pairing is {pairing.get_status_display().lower()}: it cannot be accepted."
        )
    now = timezone.now()
    pairing.status = Pairing.Status.ACTIVE
    pairing.accepted_at = now
    pairing.last_activity_at = now
    pairing.save(update_fields=["status", "accepted_at", "last_activity_at"])
    pairing_accepted.send(sender=Pairing, pairing=pairing, by=by)
    return pairing


@transaction.atomic
def pairing_decline(*, pairing, by, reason=""):
    """The mentor declines a new pairing: it ends, and the mentee is offered the next best
    mentor with capacity (M9); with nobody left, the admin sees it on the calibration page."""
    _check_own(pairing, by)
    if pairing.status == Pairing.Status.DECLINED:
        return pairing
    if pairing.status != Pairing.Status.PENDING:
        raise ValidationError(
            f"This pairing is {pairing.get_status_display().lower()}: it cannot be declined."
        )
    pairing.status = Pairing.Status.DECLINED
    pairing.ended_at = timezone.now()
    pairing.end_reason = (reason or "Declined by the mentor")[:200]
    pairing.save(update_fields=["status", "ended_at", "end_reason"])
    rematch.offer_next_mentor(pairing=pairing, why="Declined", now=pairing.ended_at)
    return pairing
