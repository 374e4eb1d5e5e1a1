"""Care of live pairings: responsiveness (M9), calibration (M5), topic mentors (M6) and
cohort circles (M8).

The hourly check (:func:`pairings_check`) is idempotent: every action moves a row out of the
state that triggered it, and every e-mail is a ``message_queue`` row with a unique key, so a
second run changes nothing and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.services import message_queue
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions
from mentorship.tenancy.scoping import set_links
from programs.models import Participant

from ..engine.circles import split_circles
from ..engine.scoring import constraint_violation, score_pair
from ..models import (
    CalibrationCheck,
    Circle,
    Pairing,
    RematchRequest,
    UnresponsiveReport,
)
from ..profiles import cohort_profiles, exclusion_pairs, rules_of, settings_for, weights_of

register_audit_actions(
    {
        "matching.repair": "Re-paired a mentee",
        "matching.topic_mentor_add": "Added a topic mentor",
        "matching.topic_mentor_end": "Ended a topic mentor",
        "matching.circles_split": "Split a cohort into circles",
        "matching.report_resolve": "Resolved an unresponsive report",
        "matching.rematch_resolve": "Resolved a rematch request",
    }
)

LOW_ANSWER = 2
NO_MENTOR_LEFT = "No other mentor with capacity passes the rules: pair this mentee by hand."


def _site(path):
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def _link(url_name, *args):
    """An absolute link for an e-mail."""
    return _site(reverse(url_name, args=args))


def _tell(*, organization, kind, subject_key, participant, subject, body, period=""):
    user = participant.user
    return message_queue(
        organization=organization,
        kind=kind,
        subject_key=subject_key,
        recipient_email=user.email,
        subject=subject,
        body=body,
        period=period,
        recipient=user,
    )


def _name(participant):
    return participant.user.name or participant.user.email


# ------------------------------------------------------------------ candidates & scores


@dataclass
class Candidate:
    mentor: Participant
    score: float
    components: list = field(default_factory=list)
    capacity: int = 0


def mentor_candidates(*, mentee, exclude_mentor_ids=(), limit=3, profiles=None):
    """The best mentors with capacity for ``mentee`` (a Participant) in its cohort, by the
    engine's score, hard constraints applied; each with its explained components."""
    cohort = mentee.cohort
    profiles = profiles or cohort_profiles(cohort)
    matching = settings_for(cohort.program)
    weights = weights_of(matching)
    mentee_profile = profiles.mentee(mentee.pk)
    if mentee_profile is None:
        return []
    exclusions = exclusion_pairs(mentee.organization, profiles)
    excluded = set(exclude_mentor_ids)
    found = []
    for mentor in profiles.mentors:
        if mentor.id in excluded or mentor.capacity <= 0:
            continue
        if constraint_violation(
            mentee_profile,
            mentor,
            exclusions=exclusions,
            **rules_of(matching),
        ):
            continue
        score = score_pair(mentee_profile, mentor, weights, profiles.competency_names)
        found.append(
            Candidate(
                mentor=profiles.participants[mentor.id],
                score=score.total,
                components=score.stored(),
                capacity=mentor.capacity,
            )
        )
    found.sort(key=lambda c: (-c.score, c.mentor.pk))
    return found[:limit] if limit else found


def _past_mentor_ids(pairing):
    return set(
        Pairing.objects.filter(
            organization_id=pairing.organization_id,
            cohort_id=pairing.cohort_id,
            mentee_id=pairing.mentee_id,
        ).values_list("mentor_id", flat=True)
    )


def _new_pending(*, old, candidate, now, matching):
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
    _announce_new(new)
    return new


def _announce_new(new):
    org = new.organization
    key = f"pairing:{new.pk}"
    topic = f" (topic mentor for {new.topic.name})" if new.topic_id else ""
    _tell(
        organization=org,
        kind="matching.pairing_offered",
        subject_key=key,
        participant=new.mentor,
        subject=f"A new mentee for you: {_name(new.mentee)}{topic}",
        body=(
            f"You have been paired with {_name(new.mentee)} in {new.cohort}. Please accept by "
            f"{new.accept_by:%d %b %Y}: {_link('my_mentoring', org.slug)}"
            if new.accept_by
            else f"You have been paired with {_name(new.mentee)} in {new.cohort}."
        ),
    )
    _tell(
        organization=org,
        kind="matching.pairing_offered",
        subject_key=key,
        participant=new.mentee,
        subject=f"Your new mentor: {_name(new.mentor)}{topic}",
        body=f"{_name(new.mentor)} has been proposed as your mentor in {new.cohort}. "
        "They have been asked to accept.",
    )


def _flag(pairing, reason, now):
    """Flag a pairing for the admin on the calibration page (once: one check per pairing)."""
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


# ------------------------------------------------------------------------ the check


@dataclass
class CheckSummary:
    expired: int = 0
    reoffered: int = 0
    flagged: int = 0
    warned: int = 0
    concluded: int = 0
    calibrations: int = 0

    def as_dict(self):
        return dict(self.__dict__)


def _reference(pairing):
    return pairing.last_activity_at or pairing.accepted_at or pairing.created_at


@transaction.atomic
def pairings_check(*, organization, now=None):
    """Expire, re-offer, warn, conclude and calibrate the organisation's live pairings."""
    now = now or timezone.now()
    summary = CheckSummary()
    live = (
        Pairing.objects.for_org(organization)
        .live()
        .select_related("organization", "cohort__program", "mentee__user", "mentor__user")
        .select_related("cohort__organization", "mentee__organization")
        .order_by("pk")
    )
    settings_cache = {}

    def matching_of(pairing):
        program = pairing.cohort.program
        if program.pk not in settings_cache:
            settings_cache[program.pk] = settings_for(program)
        return settings_cache[program.pk]

    for pairing in live.filter(status=Pairing.Status.PENDING, accept_by__lt=now):
        _expire(pairing, now, matching_of(pairing), summary)
    for pairing in live.filter(status=Pairing.Status.ACTIVE):
        matching = matching_of(pairing)
        if _idle(pairing, now, matching, summary):
            continue
        _calibrate(pairing, now, matching, summary)
    return summary


def _expire(pairing, now, matching, summary):
    pairing.status = Pairing.Status.EXPIRED
    pairing.ended_at = now
    pairing.end_reason = f"Not accepted within {matching.accept_within_days} days"
    pairing.save(update_fields=["status", "ended_at", "end_reason"])
    summary.expired += 1
    if pairing.kind != Pairing.Kind.CORE:
        _flag(pairing, "A topic mentor did not accept in time.", now)
        summary.flagged += 1
        return
    new, flagged = offer_next_mentor(pairing=pairing, why="Expired", now=now, matching=matching)
    summary.reoffered += int(new is not None)
    summary.flagged += int(flagged)


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
        mentee=pairing.mentee, exclude_mentor_ids=_past_mentor_ids(pairing), limit=1
    )
    if not candidates:
        _flag(pairing, f"{why}: {NO_MENTOR_LEFT}", now)
        return None, True
    matching = matching or settings_for(pairing.cohort.program)
    return _new_pending(old=pairing, candidate=candidates[0], now=now, matching=matching), False


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
        for side in (pairing.mentor, pairing.mentee):
            _tell(
                organization=pairing.organization,
                kind="matching.pairing_concluded_idle",
                subject_key=f"pairing:{pairing.pk}",
                participant=side,
                subject="Your mentoring pair has been concluded",
                body=f"The pairing of {_name(pairing.mentor)} and {_name(pairing.mentee)} had "
                f"no activity for {matching.idle_conclude_days} days and has been concluded.",
            )
        summary.concluded += 1
        return True
    if not warned:
        pairing.idle_warned_at = now
        pairing.save(update_fields=["idle_warned_at"])
        for side in (pairing.mentor, pairing.mentee):
            _tell(
                organization=pairing.organization,
                kind="matching.pairing_idle",
                subject_key=f"pairing:{pairing.pk}",
                period=reference.date().isoformat(),
                participant=side,
                subject="Your mentoring pair has gone quiet",
                body=f"There has been no activity between {_name(pairing.mentor)} and "
                f"{_name(pairing.mentee)} for {matching.idle_warn_days} days. Book a session; "
                f"after {matching.idle_conclude_days} days the pairing is concluded.",
            )
        summary.warned += 1
    return False


def _calibrate(pairing, now, matching, summary):
    if pairing.accepted_at is None:
        return
    due = pairing.accepted_at + timedelta(days=matching.calibration_day)
    if due > now:
        return
    check, created = CalibrationCheck.objects.get_or_create(
        organization=pairing.organization,
        pairing=pairing,
        defaults={"due_on": timezone.localdate(due)},
    )
    if created:
        summary.calibrations += 1
        path = reverse("pairing_calibration", args=[pairing.organization.slug, pairing.pk])
        for side, other in ((pairing.mentor, pairing.mentee), (pairing.mentee, pairing.mentor)):
            _tell(
                organization=pairing.organization,
                kind="matching.calibration_ask",
                subject_key=f"pairing:{pairing.pk}",
                participant=side,
                subject="How is your mentoring pair going?",
                body=f"You have worked with {_name(other)} for about "
                f"{matching.calibration_day} days. One question, one minute: {_site(path)}",
            )
    cadence = pairing.cohort.program.cadence_days * 2
    reference = _reference(pairing)
    if not check.flagged and not check.resolved_at and reference <= now - timedelta(days=cadence):
        check.flagged = True
        check.flag_reason = f"Missed cadence: no activity for {cadence} days or more"
        check.save(update_fields=["flagged", "flag_reason"])
        summary.flagged += 1


# ------------------------------------------------------------------ pair-side actions


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


def pairing_met(*, pairing, by, now=None):
    """Either side says the pair met: the pairing's activity clock restarts, so it is not
    warned or concluded as idle (M9). Sessions, when they land, record activity the same way."""
    side = pairing_side(pairing, by)
    if side is None:
        raise ValidationError("Only the mentor or the mentee of this pairing can say so.")
    if pairing.status != Pairing.Status.ACTIVE:
        raise ValidationError(
            f"This pairing is {pairing.get_status_display().lower()}: only an active pair meets."
        )
    pairing.last_activity_at = now or timezone.now()
    pairing.save(update_fields=["last_activity_at"])
    return pairing


def pairing_side(pairing, user):
    """'mentor' or 'mentee' when ``user`` is one of the pair, else None."""
    if pairing.mentor.user_id == user.pk:
        return "mentor"
    if pairing.mentee.user_id == user.pk:
        return "mentee"
    return None


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


@transaction.atomic
def unresponsive_report(*, pairing, note="", by):
    """Report that the partner does not respond; the admin sees it on the calibration page."""
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


# ------------------------------------------------------------------------ admin writes


def repair_candidates(*, pairing, limit=3):
    """Mentors with capacity for a re-pair: not the pairing's mentor, nor one who already
    works with the mentee (a core or topic pairing that is live)."""
    busy = set(
        Pairing.objects.for_org(pairing.organization)
        .live()
        .filter(mentee_id=pairing.mentee_id)
        .values_list("mentor_id", flat=True)
    )
    return mentor_candidates(
        mentee=pairing.mentee, exclude_mentor_ids=busy | {pairing.mentor_id}, limit=limit
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
    matching = settings_for(pairing.cohort.program)
    new = _new_pending(old=pairing, candidate=candidate, now=now, matching=matching)
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
        data={"old_pairing": pairing.pk, "mentor": mentor.pk, "score": round(new.score, 4)},
    )
    return new


@transaction.atomic
def topic_mentor_add(*, mentee, mentor, topic, by, now=None):
    """Add a rotating topic mentor for ``mentee`` on competency ``topic`` (M6): a pending
    pairing the mentor accepts on My mentoring, as with a core mentor; both are told once."""
    now = now or timezone.now()
    if mentee.role != Participant.Role.MENTEE or mentor.cohort_id != mentee.cohort_id:
        raise ValidationError({"mentor": "Choose a mentor of the mentee's cohort."})
    live = Pairing.objects.for_org(mentee.organization).live().filter(mentee=mentee)
    if live.filter(mentor=mentor).exists():
        raise ValidationError({"mentor": "This mentor already works with this mentee."})
    if live.filter(kind=Pairing.Kind.TOPIC, topic=topic).exists():
        raise ValidationError({"topic": "This mentee already has a topic mentor for it."})
    allowed = {c.mentor.pk: c for c in mentor_candidates(mentee=mentee, limit=0)}
    candidate = allowed.get(mentor.pk)
    if candidate is None:
        raise ValidationError({"mentor": "This mentor has no capacity or may not be paired."})
    pairing = Pairing(
        organization=mentee.organization,
        cohort=mentee.cohort,
        mentee=mentee,
        mentor=mentor,
        kind=Pairing.Kind.TOPIC,
        topic=topic,
        status=Pairing.Status.PENDING,
        score=candidate.score,
        components=candidate.components,
        accept_by=now + timedelta(days=settings_for(mentee.cohort.program).accept_within_days),
    )
    pairing.full_clean(validate_constraints=False)
    pairing.save()
    _announce_new(pairing)
    audit_record(
        organization=mentee.organization,
        actor=by,
        action="matching.topic_mentor_add",
        target=pairing,
        data={"topic": topic.name},
    )
    return pairing


@transaction.atomic
def topic_mentor_end(*, pairing, by, now=None):
    if pairing.kind != Pairing.Kind.TOPIC or pairing.status not in (
        Pairing.Status.PENDING,
        Pairing.Status.ACTIVE,
    ):
        raise ValidationError("Only a live topic mentor can be ended.")
    pairing.status = Pairing.Status.CONCLUDED
    pairing.ended_at = now or timezone.now()
    pairing.end_reason = "Topic rotation ended by an admin"
    pairing.save(update_fields=["status", "ended_at", "end_reason"])
    audit_record(
        organization=pairing.organization,
        actor=by,
        action="matching.topic_mentor_end",
        target=pairing,
    )
    return pairing


def _mark_handled(row, *, action, target, by, now):
    row.resolved_at = now or timezone.now()
    row.save(update_fields=["resolved_at"])
    audit_record(organization=row.organization, actor=by, action=action, target=target)
    return row


@transaction.atomic
def report_resolve(*, report, by, now=None):
    """The admin handled an unresponsive-partner report."""
    return _mark_handled(report, action="matching.report_resolve", target=report, by=by, now=now)


@transaction.atomic
def rematch_resolve(*, rematch_request, by, now=None):
    """The admin handled a rematch request without re-pairing (talked it through, say)."""
    return _mark_handled(
        rematch_request,
        action="matching.rematch_resolve",
        target=rematch_request.pairing,
        by=by,
        now=now,
    )


@transaction.atomic
def cohort_circles_split(*, cohort, by):
    """Replace the cohort's circles with a fresh split (M8); returns (circles, unplaced)."""
    profiles = cohort_profiles(cohort)
    matching = settings_for(cohort.program)
    weights = weights_of(matching)
    exclusions = exclusion_pairs(cohort.organization, profiles)
    mentors = list(profiles.mentors)
    fit, forbidden = {}, set()
    for mentee in profiles.mentees:
        for mentor in mentors:
            # Circles are group settings: capacity for one-to-one pairings does not apply.
            rule = constraint_violation(
                mentee,
                _with_capacity(mentor),
                exclusions=exclusions,
                **rules_of(matching),
            )
            if rule:
                forbidden.add((mentee.id, mentor.id))
            else:
                fit[(mentee.id, mentor.id)] = score_pair(mentee, mentor, weights).total
    plan = split_circles(
        [m.id for m in profiles.mentees], [m.id for m in mentors], fit, forbidden=forbidden
    )
    Circle.objects.for_org(cohort.organization).filter(cohort=cohort).delete()
    circles = []
    for number, (mentor_id, members) in enumerate(plan.circles.items(), start=1):
        if not members:
            continue
        mentor = profiles.participants[mentor_id]
        circle = Circle(
            organization=cohort.organization,
            cohort=cohort,
            mentor=mentor,
            name=f"Circle {number}: {_name(mentor)}",
        )
        circle.full_clean()
        circle.save()
        set_links(
            circle.mentees,
            [profiles.participants[e] for e in members],
            organization=cohort.organization,
            field="mentees",
        )
        circles.append(circle)
    unplaced = {profiles.participants[e]: why for e, why in plan.unplaced.items()}
    for person in profiles.missing_intake:
        if person.role == Participant.Role.MENTEE:
            unplaced[person] = "No completed intake"
    audit_record(
        organization=cohort.organization,
        actor=by,
        action="matching.circles_split",
        target=cohort,
        data={"circles": len(circles), "unplaced": len(unplaced)},
    )
    return circles, unplaced


def _with_capacity(mentor):
    return replace(mentor, capacity=max(mentor.capacity, 1))


def flagged_q():
    """Calibration checks an admin should look at."""
    return Q(flagged=True, resolved_at__isnull=True)
