"""Demo data of live pairings' follow-up: a flagged calibration (a low answer), a confidential
rematch request, an unresponsive-partner report, an idle-warned pair, a topic mentor and
the circles of the trainer cohort.

Runs after the runs area, on the active cohort's live pairings; if there are none yet (the
runs area unfinished), pairings are written directly so the Calibration,
Topic mentors and Circles pages still have rows.

The oldest pairs are seven to eight weeks old (the active cohort is in its ninth week), so
their mentees' habits carry six weeks of check-ins. The struggling pair's day-30 check is
dated on its day 30 (the program keeps the default ``calibration_day`` of 30): it was
answered then, and the mentee asked for a rematch this week, three weeks on, when a fixed
slot still had not settled it. The idle pair's last session is 25 days old (past the
21-day warning, well before the 42-day conclusion), so the final sweep keeps it warned, not
concluded.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.models import Participant

from ..models import CalibrationCheck, Pairing, RematchRequest
from ..services import (
    acceptance,
    calibration,
    circles,
    rematch,
    responsiveness,
    topic_mentors,
)

STRUGGLING_DAYS = 55  # the struggling pair was accepted this many days ago
IDLE_DAYS = 53  # and the idle-warned pair this many
CALIBRATION_DAY = 30  # the day-30 check (the matching settings' default)


def _core_pairings(cohort, now):
    org = cohort.organization
    live = list(
        Pairing.objects.for_org(org)
        .filter(cohort=cohort, kind=Pairing.Kind.CORE)
        .live()
        .select_related("mentee__user", "mentor__user")
        .order_by("pk")
    )
    if live:
        return live
    people = Participant.objects.for_org(org).filter(
        cohort=cohort, status=Participant.Status.ACTIVE
    )
    mentors = list(people.filter(role=Participant.Role.MENTOR).order_by("pk"))
    mentees = list(people.filter(role=Participant.Role.MENTEE).order_by("pk"))
    if not mentors:
        return []
    made = []
    for i, mentee in enumerate(mentees[:3]):
        made.append(
            Pairing.objects.create(
                organization=org,
                cohort=cohort,
                mentee=mentee,
                mentor=mentors[i % len(mentors)],
                kind=Pairing.Kind.CORE,
                status=Pairing.Status.ACTIVE,
                score=0.7,
                accepted_at=now - timedelta(days=20),
                last_activity_at=now - timedelta(days=3),
            )
        )
    return made


def populate(context):
    cohort = (context.extra.get("cohorts") or {}).get("active")
    if cohort is None:
        return
    org = context.organization
    now = timezone.now()
    # The runs area's pending pairing (waiting for its mentor) is left as it is.
    pairings = [p for p in _core_pairings(cohort, now) if p.status == Pairing.Status.ACTIVE]
    if not pairings:
        return
    for pairing in pairings:
        pairing.accepted_at = pairing.accepted_at or now - timedelta(days=20)
        pairing.last_activity_at = pairing.last_activity_at or now - timedelta(days=3)
        pairing.save(update_fields=["accepted_at", "last_activity_at"])

    # A flagged calibration: a month in, the mentee answered 2 out of 5.
    struggling = pairings[0]
    struggling.accepted_at = now - timedelta(days=STRUGGLING_DAYS)
    struggling.last_activity_at = now - timedelta(days=6)
    struggling.save(update_fields=["accepted_at", "last_activity_at"])
    CalibrationCheck.objects.get_or_create(
        organization=org,
        pairing=struggling,
        defaults={
            "due_on": timezone.localdate(struggling.accepted_at + timedelta(days=CALIBRATION_DAY))
        },
    )
    calibration.calibration_answer(
        pairing=struggling,
        answer=2,
        comment="We keep missing each other; our shifts hardly overlap.",
        by=struggling.mentee.user,
    )
    calibration.calibration_answer(pairing=struggling, answer=3, by=struggling.mentor.user)
    request = rematch.rematch_request(
        pairing=struggling,
        reason="I would learn more from someone on the morning shift.",
        by=struggling.mentee.user,
    )
    if isinstance(request, RematchRequest):  # asked this week, three weeks after the check
        RematchRequest.objects.for_org(org).filter(pk=request.pk).update(
            created_at=now - timedelta(days=3)
        )

    # An unresponsive-partner report and an idle-warned pair.
    quiet = pairings[1] if len(pairings) > 1 else pairings[0]
    responsiveness.unresponsive_report(
        pairing=quiet,
        note="Two session invitations without an answer.",
        by=quiet.mentee.user,
    )
    idle = pairings[-1]
    if idle.pk != struggling.pk:
        idle.accepted_at = now - timedelta(days=IDLE_DAYS)
        idle.last_activity_at = now - timedelta(days=25)
        idle.idle_warned_at = now - timedelta(days=2)
        idle.save(update_fields=["accepted_at", "last_activity_at", "idle_warned_at"])

    # A topic mentor: another mentor of the cohort on the mentee's first competency.
    competencies = context.extra.get("competencies") or []
    others = (
        Participant.objects.for_org(org)
        .filter(cohort=cohort, role=Participant.Role.MENTOR, status=Participant.Status.ACTIVE)
        .exclude(pk=struggling.mentor_id)
        .order_by("pk")
    )
    other = others.first()
    if other is not None and competencies:
        try:
            topic = topic_mentors.topic_mentor_add(
                mentee=struggling.mentee, mentor=other, topic=competencies[0], by=context.admin
            )
            acceptance.pairing_accept(pairing=topic, by=other.user)
        except ValidationError:  # no capacity left: write it directly, the demo needs one
            Pairing.objects.create(
                organization=org,
                cohort=cohort,
                mentee=struggling.mentee,
                mentor=other,
                kind=Pairing.Kind.TOPIC,
                topic=competencies[0],
                status=Pairing.Status.ACTIVE,
                accepted_at=now - timedelta(days=5),
                last_activity_at=now - timedelta(days=2),
            )

    # The trainer cohort (cohort format) in circles.
    circles.cohort_circles_split(cohort=cohort, by=context.admin)
