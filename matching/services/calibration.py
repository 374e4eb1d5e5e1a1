"""The calibration of live pairings (M5): the one-question fit check a pair gets after its
first weeks, the pairs flagged for the admin's Calibration page (a low answer, a missed
cadence, nobody left to offer), and the admin's handling of them.

The check's question is asked once per pairing (one ``CalibrationCheck`` row, one e-mail
per side under a unique key), so the pairing check (every minute) may run any number of
times.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.core.urls import absolute_url

from .. import emails
from ..models import CalibrationCheck
from ..selectors.sides import pairing_side

LOW_ANSWER = 2


def calibration_flag(*, pairing, reason, now=None):
    """Flag a pairing for the admin on the Calibration page (once: one check per pairing)."""
    now = now or timezone.now()
    check, created = CalibrationCheck.objects.get_or_create(
        organization=pairing.organization,
        pairing=pairing,
        defaults={"due_on": timezone.localdate(now), "flagged": True, "flag_reason": reason},
    )
    if not created and not check.flagged and not check.resolved_at:
        check.flagged = True
        check.flag_reason = reason[:300]
        check.save(update_fields=["flagged", "flag_reason"])
    return check


def calibration_due(*, pairing, reference, now, matching):
    """Part of the pairing check for an active pairing: from the calibration day on, ask both
    sides the fit question (once), and flag a pair that missed twice its cadence.
    Returns (whether the question was asked now, whether the pair was flagged now)."""
    if pairing.accepted_at is None:
        return False, False
    due = pairing.accepted_at + timedelta(days=matching.calibration_day)
    if due > now:
        return False, False
    check, created = CalibrationCheck.objects.get_or_create(
        organization=pairing.organization,
        pairing=pairing,
        defaults={"due_on": timezone.localdate(due)},
    )
    if created:
        link = absolute_url("pairing_calibration", pairing.organization.slug, pairing.pk)
        for side, other in ((pairing.mentor, pairing.mentee), (pairing.mentee, pairing.mentor)):
            emails.nudge_send(
                emails.CALIBRATION_ASK,
                organization=pairing.organization,
                subject_key=f"pairing:{pairing.pk}",
                user=side.user,
                context={"other": other, "days": matching.calibration_day, "link": link},
            )
    cadence = pairing.cohort.target_cadence_days * 2
    flagged = False
    if not check.flagged and not check.resolved_at and reference <= now - timedelta(days=cadence):
        check.flagged = True
        check.flag_reason = f"Missed cadence: no activity for {cadence} days or more"
        check.save(update_fields=["flagged", "flag_reason"])
        flagged = True
    return created, flagged


@transaction.atomic
def calibration_answer(*, pairing, answer, comment="", by):
    """One side's answer (1–5) to the pairing-fit question; a low answer flags the pair."""
    side = pairing_side(pairing, by)
    if side is None:
        raise ValidationError("Only the two people of this pairing answer its check.")
    try:
        answer = int(answer)
    except (TypeError, ValueError):
        answer = 0
    if not 1 <= answer <= 5:
        raise ValidationError({"answer": "Choose an answer from 1 to 5."})
    check, _ = CalibrationCheck.objects.get_or_create(
        organization=pairing.organization,
        pairing=pairing,
        defaults={"due_on": timezone.localdate()},
    )
    setattr(check, f"{side}_answer", answer)
    setattr(check, f"{side}_comment", comment.strip())
    if answer <= LOW_ANSWER and not check.resolved_at:
        check.flagged = True
        check.flag_reason = f"Low fit answer from the {side} ({answer}/5)"
    check.full_clean()
    check.save()
    return check
