"""After a session (B1, S5, S7): the follow-up with its pulse requests, pulse answers, kudos.

The follow-up runs when a session is completed (the receiver of
``sessions.signals.session_completed`` calls :func:`session_followup` inside the completion's
transaction): each side gets a :class:`PulseAnswer` row (the row *is* the request, so it is
asked once) and one e-mail through the outbox, keyed on the session, so a second run sends
nothing. Group sessions get no follow-up: their people are a cohort, not a pair.

A pulse answer is final: a second answer is refused. The aggregates leaders read move only
forwards, and nobody is tempted to re-rate a session after the partner's kudos arrive.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.core.urls import absolute_url

from .. import emails
from ..models import Kudos, PulseAnswer, Session, SessionKind
from ..models.feedback import PULSE_WORDS
from ..selectors.people import zones_of

FOLLOWUP_KINDS = (SessionKind.ONE_TO_ONE, SessionKind.MICRO)


def _summary(session):
    """What the mentee takes away from ``session``: corrections, habits, actions, follow-up."""
    return {
        "corrections": [c.text for c in session.corrections.order_by("position")],
        "habits": list(session.habits.all()),
        "actions": list(session.actions.select_related("owner").order_by("due_on", "pk")),
        "follow_up_on": session.follow_up_on,
        "practice_target": session.practice_target,
        "micro_outcome": session.micro_outcome,
        "cue": session.cue,
    }


@transaction.atomic
def session_followup(*, session, site_url=""):
    """Ask both sides of a completed one-to-one or micro session for their pulse and send the
    mentee the summary. Idempotent: returns the pulse requests created now."""
    if session.kind not in FOLLOWUP_KINDS or session.status != Session.Status.COMPLETED:
        return []
    organization = session.organization
    summary = None
    zones = None
    created_rows = []
    for role, user in (
        (PulseAnswer.Role.MENTEE, session.mentee),
        (PulseAnswer.Role.MENTOR, session.mentor),
    ):
        if user is None:
            continue
        pulse, created = PulseAnswer.objects.for_org(organization).get_or_create(
            organization=organization, session=session, respondent=user, defaults={"role": role}
        )
        if not created:
            continue
        created_rows.append(pulse)
        if summary is None:
            summary = _summary(session)
            people = [u.pk for u in (session.mentee, session.mentor) if u is not None]
            zones = zones_of(organization=organization, user_ids=people)
        emails.nudge_send(
            emails.SESSION_FOLLOWUP,
            organization=organization,
            subject_key=f"session:{session.pk}",
            user=user,
            audience=role,
            context={
                "session": session,
                "organization": organization,
                "person": user,
                "zone": zones[user.pk],
                "partner": session.mentor if role == PulseAnswer.Role.MENTEE else session.mentee,
                "summary": summary,
                "pulse_words": PULSE_WORDS,
                "pulse_link": absolute_url(
                    "my_pulse", organization.slug, pulse.pk, site_url=site_url
                ),
                "session_link": absolute_url(
                    "session_detail", organization.slug, session.pk, site_url=site_url
                ),
            },
        )
    return created_rows


@transaction.atomic
def pulse_answer(*, pulse, score, comment="", by, now=None):
    """``by`` answers their own pulse request, once."""
    pulse = (
        PulseAnswer.objects.for_org(pulse.organization)
        .select_for_update(of=("self",))
        .get(pk=pulse.pk)
    )
    if pulse.respondent_id != by.pk:
        raise ValidationError("Only the person asked answers this pulse survey.")
    if pulse.answered_at is not None:
        raise ValidationError(
            f"You answered this on {pulse.answered_at:%-d %B %Y}: an answer is final."
        )
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = None
    if score not in PULSE_WORDS:
        raise ValidationError({"score": "Choose how useful it was, from 1 to 5."})
    pulse.score = score
    pulse.comment = (comment or "").strip()
    pulse.answered_at = now or timezone.now()
    pulse.full_clean()
    pulse.save(update_fields=["score", "comment", "answered_at"])
    return pulse


def kudos_refusal(*, session, user, given):
    """Why ``user`` may not send kudos for ``session`` (None when they may). ``given``: whether
    they already did. The panel and :func:`kudos_give` share this rule."""
    if session.kind not in FOLLOWUP_KINDS or user.pk not in (session.mentor_id, session.mentee_id):
        return "Only the two people of the session send each other kudos."
    if session.status != Session.Status.COMPLETED:
        return "Kudos come after the session: it is not completed yet."
    if session.mentor_id is None or session.mentee_id is None:
        return "This session has nobody left to thank."
    if given:
        return "You already sent kudos for this session."
    return None


@transaction.atomic
def kudos_give(*, session, text, by):
    """``by`` thanks the other side of a completed session, once, in up to 280 characters."""
    session = (
        Session.objects.for_org(session.organization)
        .select_for_update(of=("self",))
        .get(pk=session.pk)
    )
    given = Kudos.objects.for_org(session.organization).filter(session=session, giver=by).exists()
    refusal = kudos_refusal(session=session, user=by, given=given)
    if refusal:
        raise ValidationError(refusal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say what you are thankful for."})
    if len(text) > Kudos.MAX_LENGTH:
        raise ValidationError(
            {"text": f"Kudos are up to {Kudos.MAX_LENGTH} characters: this has {len(text)}."}
        )
    recipient_id = session.mentee_id if by.pk == session.mentor_id else session.mentor_id
    kudos = Kudos(
        organization=session.organization,
        session=session,
        giver=by,
        recipient_id=recipient_id,
        text=text,
    )
    kudos.full_clean()
    kudos.save()
    return kudos
