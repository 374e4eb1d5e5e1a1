"""When a pair does not work out: the next best mentor after a decline, an expiry or a
mentor's withdrawal; a person's confidential request for another partner; the admin's
re-pair in two clicks (M9, B3).

A next-best offer is a new pending pairing the mentor accepts on My mentoring, as with a
published run; with nobody left, the pair is flagged on the Calibration page.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions
from programs.models import Participant

from ..models import CalibrationCheck, Pairing, RematchRequest, UnresponsiveReport
from ..selectors.candidates import mentor_candidates, past_mentor_ids, repair_candidates
from ..selectors.settings import matching_settings
from ..selectors.sides import pairing_side
from .calibration import calibration_flag
from .notify import pairing_offered_notify

register_audit_actions(
    {
        "matching.repair": "Re-paired a mentee",
        "matching.rematch_resolve": "Resolved a rematch request",
    }
)

NO_MENTOR_LEFT = "No other mentor with capacity passes the rules: pair this mentee by hand."


def _name(participant):
    return participant.user.name or participant.user.email


def pairing_offer(*, old, candidate, now, matching):
    """A new pending pairing of ``old``'s mentee with ``candidate``'s mentor (same cohort,
    kind and topic); both new sides are told once."""
    new = Pairing(
        organization=old.organization,
        cohort=old.cohort,
        mentee=old.mentee,
        mentor=candidate.mentor,
        kind=old.kind,
        topic=old.topic,
        status=Pairing.Status.PENDING,
        score=candidate.score,
        components=candidate.components,
        accept_by=now + timedelta(days=matching.accept_within_days),
    )
    new.full_clean(validate_constraints=False)
    new.save()
    pairing_offered_notify(pairing=new)
    return new


def offer_next_mentor(*, pairing, why, now=None, matching=None):
    """A core pairing ended before it began (expired or declined): offer the mentee the next
    best mentor with capacity who has not had them yet, as a new pending pairing. With
    nobody left, the pair is flagged for the admin. Returns (the new pairing or None,
    whether the pair was flagged)."""
    now = now or timezone.now()
    if pairing.kind != Pairing.Kind.CORE or pairing.mentee.status != Participant.Status.ACTIVE:
        return None, False
    paired_again = (  # by hand, meanwhile
        Pairing.objects.for_org(pairing.organization)
        .live()
        .filter(mentee=pairing.mentee, kind=Pairing.Kind.CORE)
        .exists()
    )
    if paired_again:
        return None, False
    candidates = mentor_candidates(
        mentee=pairing.mentee, exclude_mentor_ids=past_mentor_ids(pairing=pairing), limit=1
    )
    if not candidates:
        calibration_flag(pairing=pairing, reason=f"{why}: {NO_MENTOR_LEFT}", now=now)
        return None, True
    matching = matching or matching_settings(program=pairing.cohort.program)
    return pairing_offer(old=pairing, candidate=candidates[0], now=now, matching=matching), False


@transaction.atomic
def pairings_end_for_leaver(*, participant, by, now=None):
    """End the live pairings of a participant who left their cohort. When a mentor withdrew,
    each of their core mentees is offered the next best mentor (or flagged for the admin).
    Returns the pairings ended."""
    now = now or timezone.now()
    withdrawn = participant.status == Participant.Status.WITHDRAWN
    words = "withdrew from" if withdrawn else "finished"
    ended = list(
        Pairing.objects.for_org(participant.organization)
        .live()
        .filter(Q(mentor=participant) | Q(mentee=participant))
        .select_related("organization", "cohort__program", "mentee__user", "mentor__user")
        .order_by("pk")
    )
    for pairing in ended:
        pairing.status = Pairing.Status.CONCLUDED
        pairing.ended_at = now
        pairing.end_reason = f"{_name(participant)} {words} the cohort"[:200]
        pairing.save(update_fields=["status", "ended_at", "end_reason"])
    if withdrawn and participant.role == Participant.Role.MENTOR:
        for pairing in ended:
            offer_next_mentor(pairing=pairing, why="The mentor withdrew", now=now)
    return ended


@transaction.atomic
def pairings_end_for_cohort(*, cohort, by, now=None):
    """End every live pairing of a cohort that was completed: an accepted one concludes,
    a pending offer is withdrawn, each with the reason. Returns the pairings ended."""
    now = now or timezone.now()
    ended = list(
        Pairing.objects.for_org(cohort.organization).live().filter(cohort=cohort).order_by("pk")
    )
    for pairing in ended:
        reason = f"{cohort.name} was completed"
        if pairing.status == Pairing.Status.PENDING:
            reason = f"Offer withdrawn: {reason}"
        pairing.status = Pairing.Status.CONCLUDED
        pairing.ended_at = now
        pairing.end_reason = reason[:200]
    Pairing.objects.for_org(cohort.organization).bulk_update(
        ended, ["status", "ended_at", "end_reason"]
    )
    return ended


@transaction.atomic
def rematch_request(*, pairing, reason="", by):
    """Ask confidentially for another partner: stored for admins only; the partner is never
    told. Asking twice keeps one open request."""
    if pairing_side(pairing, by) is None:
        raise ValidationError("Only the two people of this pairing may ask for a rematch.")
    request = (
        RematchRequest.objects.for_org(pairing.organization)
        .filter(pairing=pairing, requested_by=by, resolved_at__isnull=True)
        .first()
    )
    if request is None:
        request = RematchRequest(
            organization=pairing.organization, pairing=pairing, requested_by=by
        )
    request.reason = reason.strip()
    request.full_clean()
    request.save()
    return request


def mark_handled(row, *, action, target, by, now=None):
    """An admin handled a report or a request: it leaves the Calibration page, audited."""
    row.resolved_at = now or timezone.now()
    row.save(update_fields=["resolved_at"])
    audit_record(organization=row.organization, actor=by, action=action, target=target)
    return row


@transaction.atomic
def rematch_resolve(*, rematch_request, by, now=None):
    """The admin handled a rematch request without re-pairing (talked it through, say)."""
    return mark_handled(
        rematch_request,
        action="matching.rematch_resolve",
        target=rematch_request.pairing,
        by=by,
        now=now,
    )


@transaction.atomic
def pairing_repair(*, pairing, mentor, by, now=None):
    """Re-pair in one click: conclude the old pairing (if live), create a new pending one
    with ``mentor``, tell both new sides, resolve the check, reports and requests."""
    now = now or timezone.now()
    if mentor.cohort_id != pairing.cohort_id or mentor.role != Participant.Role.MENTOR:
        raise ValidationError({"mentor": "Choose a mentor of the same cohort."})
    allowed = {c.mentor.pk: c for c in repair_candidates(pairing=pairing, limit=0)}
    candidate = allowed.get(mentor.pk)
    if candidate is None:
        raise ValidationError({"mentor": "This mentor has no capacity or may not be paired."})
    live = Pairing.objects.for_org(pairing.organization).live()
    if (
        pairing.kind == Pairing.Kind.CORE
        and live.filter(mentee=pairing.mentee, kind=Pairing.Kind.CORE)
        .exclude(pk=pairing.pk)
        .exists()
    ):
        raise ValidationError("This mentee already has another core mentor.")
    if pairing.status in (Pairing.Status.PENDING, Pairing.Status.ACTIVE):
        pairing.status = Pairing.Status.CONCLUDED
        pairing.ended_at = now
        pairing.end_reason = "Re-paired by an admin"
        pairing.save(update_fields=["status", "ended_at", "end_reason"])
    matching = matching_settings(program=pairing.cohort.program)
    new = pairing_offer(old=pairing, candidate=candidate, now=now, matching=matching)
    CalibrationCheck.objects.for_org(pairing.organization).filter(pairing=pairing).update(
        resolved_at=now, resolution=f"Re-paired with {_name(mentor)}"
    )
    RematchRequest.objects.for_org(pairing.organization).filter(
        pairing=pairing, resolved_at__isnull=True
    ).update(resolved_at=now)
    UnresponsiveReport.objects.for_org(pairing.organization).filter(
        pairing=pairing, resolved_at__isnull=True
    ).update(resolved_at=now)
    audit_record(
        organization=pairing.organization,
        actor=by,
        action="matching.repair",
        target=new,
        data={
            "mentee": _name(pairing.mentee),
            "previous_mentor": _name(pairing.mentor),
            "mentor": _name(mentor),
            "score": round(new.score, 4),
        },
    )
    return new
