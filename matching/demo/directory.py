"""Demo data of the matching directory area: offerings by the demo mentors, requests in every
status, a few delivered sessions with their time-banking credits.

The demo admin publishes the first offering: the isolation test aims the mentor's own pages
(edit an offering) at the organisation's first offering and expects its admin to reach them.
"""

from datetime import timedelta

from django.utils import timezone

from programs.models import Competency, Participant

from ..services import directory as services

# (topic, minutes, days to answer, competency name hints, description)
OFFERINGS = [
    (
        "Your first 90-day plan",
        45,
        5,
        ("plan", "strateg", "leader"),
        "Bring a draft, however rough. We shape it into three outcomes, the first two weeks "
        "and who you need on side.",
    ),
    (
        "Cueing a squat regression",
        20,
        3,
        ("cue", "technique", "regression", "coach"),
        "On the floor or on video: choosing the regression and a three-word cue the client "
        "can act on at once.",
    ),
    (
        "Remote review of one clip",
        20,
        2,
        ("technique", "feedback", "observ"),
        "Send one clip of a set you coached. I reply with one cue to refine and a practice "
        "target for the week.",
    ),
    (
        "Handling a difficult client conversation",
        30,
        3,
        ("client", "communicat", "retention"),
        "Cancelled sessions, stalled progress, a complaint: we rehearse the conversation and "
        "the words for the first minute.",
    ),
    (
        "Keeping clients past month three",
        30,
        4,
        ("retention", "client"),
        "What the first four check-ins should cover, and the signs a client is about to drift.",
    ),
    (
        "Delegating the weekly schedule",
        25,
        5,
        ("delegat", "leader", "operat"),
        "Hand the rota over without it coming back to you: the checklist and the first "
        "conversation.",
    ),
    (
        "Progressions after an injury",
        40,
        3,
        ("program", "injur", "design", "regression"),
        "A six-week outline for a returning client, and how to explain it with confidence.",
    ),
]

PREWORK = [
    "I coach a client whose knees cave on the squat; box squats helped but I lose them at "
    "depth. I want one cue that works.",
    "New team lead since September. I keep doing the schedule myself on Sunday nights and "
    "would like to stop.",
    "A client cancelled three times this month and I am not sure how to raise it without "
    "losing them.",
    "Attached a clip of a goblet squat set from Tuesday; I think my cue came too late.",
    "I have to present a 90-day plan to the leadership team in two weeks and have a rough "
    "outline only.",
    "Returning client after a shoulder injury; the physio cleared them but I am unsure how "
    "fast to progress pressing.",
]


def _mentors(context):
    participants = context.extra.get("participants") or []
    mentors = []
    for participant in participants:
        if participant.role == Participant.Role.MENTOR and participant.user not in mentors:
            mentors.append(participant.user)
    return mentors or list(context.members)


def _mentees(context, exclude):
    participants = context.extra.get("participants") or []
    people = []
    for participant in participants:
        user = participant.user
        if participant.role == Participant.Role.MENTEE and user not in people:
            people.append(user)
    people = people or list(context.members)
    return [p for p in people if p not in exclude]


def _competencies(context, hints):
    competencies = context.extra.get("competencies")
    if competencies is None:
        competencies = list(Competency.objects.for_org(context.organization))
    chosen = [c for c in competencies if any(h in c.name.lower() for h in hints)][:3]
    return chosen or list(competencies)[:1]


def populate(context):
    organization = context.organization
    mentors = _mentors(context)
    authors = [context.admin, *mentors]
    offerings = []
    for index, (topic, minutes, days, hints, description) in enumerate(OFFERINGS):
        offerings.append(
            services.offering_create(
                organization=organization,
                topic=topic,
                description=description,
                competencies=_competencies(context, hints),
                minutes=minutes,
                respond_within_days=days,
                by=authors[index % len(authors)],
            )
        )
    # One paused offering, visible only to its mentor.
    services.offering_set_active(offering=offerings[-1], active=False, by=offerings[-1].mentor)

    now = timezone.now()
    mentees = _mentees(context, exclude=set(authors))
    if not mentees:
        return
    rng = context.rng
    plan = [
        "delivered",
        "delivered",
        "delivered",
        "accepted",
        "accepted",
        "requested",
        "requested",
        "declined",
        "expired",
    ]
    live = offerings[:-1]
    for index, outcome in enumerate(plan):
        offering = live[index % len(live)]
        mentee = mentees[index % len(mentees)]
        if mentee == offering.mentor:
            continue
        asked = now - timedelta(days=rng.randint(8, 20) if outcome == "expired" else 1)
        request = services.offering_request_create(
            offering=offering, message=PREWORK[index % len(PREWORK)], by=mentee, now=asked
        )
        if outcome in {"accepted", "delivered", "declined"}:
            request = services.offering_request_answer(
                request=request,
                accept=outcome != "declined",
                by=offering.mentor,
                now=asked + timedelta(hours=5),
            )
        if outcome == "delivered":
            # The accepted request's micro session (sessions made it on acceptance) took
            # place the next day; the credit comes with its completion.
            held = asked + timedelta(days=1)
            session = request.session
            session.starts_at = held - timedelta(minutes=session.minutes)
            session.status = "completed"
            session.confirmed_at = session.completed_at = held
            session.completed_by = offering.mentor
            session.save(
                update_fields=[
                    "starts_at",
                    "status",
                    "confirmed_at",
                    "completed_at",
                    "completed_by",
                ]
            )
            services.offering_request_deliver(request=request, by=offering.mentor, now=held)
    services.offering_requests_expire(organization=organization, now=now)
