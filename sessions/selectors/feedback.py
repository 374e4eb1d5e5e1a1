"""Reads for pulse answers and kudos: the session page's feedback panel, the cohort page's
feedback panel, the pulse aggregate and a mentor's recognition.

Individual pulse answers are read only by :func:`my_pulse` (the respondent's own page):
everything else here returns counts and means, and a mean only where at least
``PULSE_MIN_ANSWERS`` answers stand behind it."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Window

from mentorship.tenancy.access import has_role
from mentorship.tenancy.models import Role

from ..models import Kudos, PulseAnswer, Session
from ..models.feedback import PULSE_MIN_ANSWERS, PULSE_WORDS
from ..services.feedback import kudos_refusal

COHORT_KUDOS_SHOWN = 8


@dataclass(frozen=True)
class PulseSummary:
    count: int
    mean: float | None  # None when fewer than ``minimum`` answers stand behind it
    minimum: int = PULSE_MIN_ANSWERS

    @property
    def shown(self):
        return self.mean is not None

    @property
    def word(self):
        return PULSE_WORDS[round(self.mean)] if self.shown else ""

    @property
    def text(self):
        answers = f"{self.count} answer{'' if self.count == 1 else 's'}"
        if self.shown:
            return f"{self.mean:.1f} of 5 ({self.word}) from {answers}"
        return f"{answers}: shown from {self.minimum}"


def pulse_summary(*, organization, cohort=None, program=None):
    """The mean pulse score and the number of answers of the organisation's sessions (of one
    cohort or one program): one query. The mean only where ``PULSE_MIN_ANSWERS`` stand behind
    it."""
    answers = PulseAnswer.objects.for_org(organization).filter(answered_at__isnull=False)
    if cohort is not None:
        answers = answers.filter(session__cohort=cohort)
    if program is not None:
        answers = answers.filter(session__cohort__program=program)
    row = answers.aggregate(count=Count("pk"), mean=Avg("score"))
    count = row["count"] or 0
    mean = float(row["mean"]) if count >= PULSE_MIN_ANSWERS and row["mean"] is not None else None
    return PulseSummary(count=count, mean=mean)


@dataclass(frozen=True)
class Recognition:
    sessions_delivered: int
    kudos: int


def recognition(*, organization, user):
    """What counts for ``user``'s recognition as a mentor: the sessions they delivered
    (completed, as the mentor or host) and the kudos they received. Two queries."""
    delivered = (
        Session.objects.for_org(organization)
        .filter(mentor=user, status=Session.Status.COMPLETED)
        .count()
    )
    kudos = Kudos.objects.for_org(organization).filter(recipient=user).count()
    return Recognition(sessions_delivered=delivered, kudos=kudos)


def my_pulse(*, pulse):
    """The respondent's own pulse page: the request, its session, the levels' words."""
    return {"pulse": pulse, "session": pulse.session, "word": PULSE_WORDS.get(pulse.score, "")}


def session_feedback_panel(*, session, membership):
    """Context for ``sessions/feedback/includes/session_panel.html`` on the session page
    (the viewer's pulse request, the session's kudos and the kudos form). Three queries
    (four for the session's mentor, who sees their recognition), whatever the rows."""
    organization = membership.organization
    user_id = membership.user_id
    pulse = (
        PulseAnswer.objects.for_org(organization)
        .filter(session=session, respondent_id=user_id)
        .first()
    )
    kudos = list(
        Kudos.objects.for_org(organization)
        .filter(session=session)
        .select_related("giver", "recipient")
        .order_by("created_at")
    )
    given = any(k.giver_id == user_id for k in kudos)
    refusal = kudos_refusal(session=session, user=membership.user, given=given)
    takes_part = user_id in (session.mentor_id, session.mentee_id)
    mine = None
    if session.mentor_id == user_id:
        mine = recognition(organization=organization, user=membership.user)
    return {
        "feedback_pulse": pulse,
        "feedback_kudos": kudos,
        "feedback_can_give": refusal is None,
        # Said only to the pair: "not completed yet", "already sent" (others see no form).
        "feedback_refusal": refusal if takes_part else "",
        "feedback_max": Kudos.MAX_LENGTH,
        "feedback_recognition": mine,
    }


def cohort_feedback_panel(*, cohort, membership):
    """Context for ``sessions/feedback/includes/cohort_panel.html`` on the cohort's page: the
    newest kudos of its sessions (public thank-yous: everyone who may open the page reads
    them), their number and, for leaders and admins, the pulse aggregate. Two queries (one
    for a facilitator who is not a leader)."""
    organization = membership.organization
    kudos = list(
        Kudos.objects.for_org(organization)
        .filter(session__cohort=cohort)
        .select_related("giver", "recipient", "session")
        # The number of all the cohort's kudos rides on each row (a window runs before the
        # slice): the list and its count in one query.
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:COHORT_KUDOS_SHOWN]
    )
    total = kudos[0].total if kudos else 0
    summary = None
    if has_role(membership, Role.LEADER):
        summary = pulse_summary(organization=organization, cohort=cohort)
    return {"kudos": kudos, "kudos_total": total, "pulse": summary, "cohort": cohort}
