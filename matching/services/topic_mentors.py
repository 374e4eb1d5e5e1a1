"""Rotating topic mentors (M6): beside their core mentor, a mentee gets a mentor for one
competency for a while; the admin adds and ends them on the cohort's Topic mentors page."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions
from programs.models import MenteeGoal, MentorOffer, Participant

from ..models import Pairing
from ..selectors.candidates import mentor_candidates
from ..selectors.settings import matching_settings
from .notify import pairing_offered_notify

register_audit_actions(
    {
        "matching.topic_mentor_add": "Added a topic mentor",
        "matching.topic_mentor_end": "Ended a topic mentor",
    }
)


def _topic_components(components, *, mentee, mentor, topic):
    """The stored breakdown with its competency words led by the topic the mentor was
    chosen for, so that "Topic mentor: X" never sits beside "Offers none of the mentee's
    goals" unexplained: the engine scores the mentee's goals, not the topic."""
    offer = (
        MentorOffer.objects.for_org(mentee.organization)
        .filter(intake__participant=mentor, competency=topic)
        .first()
    )
    lead = (
        f"Topic mentor for {topic.name} (mentor level {offer.level})"
        if offer
        else f"Topic mentor for {topic.name} (not among the mentor's listed strengths)"
    )
    goals = set(
        MenteeGoal.objects.for_org(mentee.organization)
        .filter(intake__participant=mentee)
        .values_list("competency_id", flat=True)
    )
    rows = []
    for row in components:
        row = list(row)
        if row and row[0] == "competency" and len(row) > 4:
            words = row[4]
            if words.startswith("Offers none of the mentee's goals"):
                words = "the mentor offers none of them" + words.removeprefix(
                    "Offers none of the mentee's goals"
                )
            else:
                words = "for them: " + words[:1].lower() + words[1:]
            topic_words = (
                f"{topic.name} is one of the mentee's goals"
                if topic.pk in goals
                else f"{topic.name} is not one of the mentee's goals"
            )
            row[4] = f"{lead}. {topic_words}; {words}"
        rows.append(row)
    return rows


@transaction.atomic
def topic_mentor_add(*, mentee, mentor, topic, by, now=None):
    """Add a rotating topic mentor for ``mentee`` on competency ``topic`` (M6): a pending
    pairing the mentor accepts on My mentoring, as with a core mentor; both are told once."""
    now = now or timezone.now()
    if mentee.cohort.status == mentee.cohort.Status.COMPLETED:
        raise ValidationError(f"{mentee.cohort.name} is completed: it takes no new mentors.")
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
    matching = matching_settings(program=mentee.cohort.program)
    pairing = Pairing(
        organization=mentee.organization,
        cohort=mentee.cohort,
        mentee=mentee,
        mentor=mentor,
        kind=Pairing.Kind.TOPIC,
        topic=topic,
        status=Pairing.Status.PENDING,
        score=candidate.score,
        components=_topic_components(
            candidate.components, mentee=mentee, mentor=mentor, topic=topic
        ),
        accept_by=now + timedelta(days=matching.accept_within_days),
    )
    pairing.full_clean(validate_constraints=False)
    pairing.save()
    pairing_offered_notify(pairing=pairing)
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
    """End a live topic mentor's pairing (the rotation moves on)."""
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
