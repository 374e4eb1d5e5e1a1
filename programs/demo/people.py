"""Demo participants and intakes (the people area's part of the demo).

About thirty people across the cohorts the catalogue area made: the matching cohort is ready
for matching (6 mentors, 16 mentees, every intake done, mentors scored, a mentor who manages
one of the mentees), the active one is under way (one mentee withdrew), the enrolling one
still has two unfinished intakes and an open invitation, the completed one has certified
trainees. Everything goes through the services, so the audit log reads like a real one.

Copes with missing cohorts or competencies (while the other areas are being built): without
cohorts there is nobody to enrol, and without competencies the intakes are left open.

The demo admin is the first participant (facilitator of the matching cohort): the isolation
test aims the participant's own pages at the first participant of the organisation and
expects its admin to reach them.
"""

from django.conf import settings
from django.db import transaction

from ..availability import SLOT_CHOICES
from ..models import Competency, Participant
from ..services.enrolment import (
    participant_certify,
    participant_complete,
    participant_enrol,
    participant_invite,
    participant_withdraw,
)
from ..services.intake import (
    mentee_intake_save,
    mentor_intake_save,
    mentor_readiness_score,
    participant_charter_acknowledge,
)

# (first, last, department, time zone or None for the organisation's)
MATCHING_MENTORS = [
    ("Grace", "Mwangi", "Coaching", None),
    ("Rafael", "Ortiz", "Client Success", None),
    ("Hannah", "Schmidt", "Leadership", "Europe/Berlin"),
]
MATCHING_MENTEES = [
    ("Aisha", "Rahman", "Coaching", None),
    ("Lucas", "Ferreira", "Coaching", None),
    ("Sofia", "Rossi", "Client Success", None),
    ("Kenji", "Watanabe", "Coaching", None),
    ("Chloe", "Dubois", "Operations", None),
    ("Oluwaseun", "Bello", "Coaching", "Africa/Lagos"),
    ("Emma", "Lindqvist", "Sales", None),
    ("Mateo", "Garcia", "Coaching", None),
    ("Fatima", "Zahra", "Client Success", None),
    ("Noah", "Williams", "Coaching", "America/New_York"),
    ("Ines", "Costa", "Operations", "Europe/Lisbon"),
    ("Arjun", "Mehta", "Coaching", "Asia/Kolkata"),
    ("Zanele", "Dlamini", "Coaching", "Africa/Johannesburg"),
    ("Liam", "Byrne", "Sales", None),
    ("Yara", "Khoury", "Client Success", None),
    ("Elif", "Demir", "Coaching", None),
]
ACTIVE_MENTEES = [
    ("Ben", "Carter", "Coaching", None),
    ("Nadia", "Petrova", "Coaching", None),
    ("Diego", "Alvarez", "Client Success", None),
    ("Hana", "Novak", "Coaching", "Europe/Prague"),
]
ENROLLING_MENTOR = ("Marcus", "Johnson", "Leadership", None)
ENROLLING_MENTEES = [
    ("Lena", "Fischer", "Operations", None),
    ("Tariq", "Aziz", "Sales", None),
    ("Camila", "Souza", "Client Success", None),
]
COMPLETED_MENTEES = [
    ("Owen", "Price", "Coaching", None),
    ("Julia", "Nowak", "Coaching", None),
]

TRAINER_GOALS = [
    "Run a full 30-minute session on the floor without my mentor stepping in, with cues "
    "clients can act on straight away.",
    "Choose regressions and progressions on my own when a client struggles, instead of "
    "asking for help mid-session.",
    "Keep new clients past their first month: better check-ins and a clear plan from the "
    "first session.",
    "Shorten my cues to three words and demonstrate less, so clients move more.",
    "Design a 6-week program for a client returning from injury and explain it with confidence.",
    "Get my technique-consistency score to 4 before the independent evaluation.",
]
LEADERSHIP_GOALS = [
    "Lead my first team stand-ups with confidence and delegate the weekly scheduling.",
    "Give feedback that is specific and kind, and follow up on it within a week.",
    "Build a 90-day plan for my area and present it to the leadership team.",
    "Manage stakeholders across sales and operations without escalating every decision.",
    "Use our retention data to decide where the team spends its time.",
]
CAREER_DRIVERS = [
    "Becoming a senior trainer and running my own classes.",
    "Mastery: I want to be the person others ask about technique.",
    "Leading a small team within two years.",
    "Moving into program design.",
    "Stability and a clear path to promotion.",
]
FEEDBACK = [
    "Straight after the session, one correction at a time.",
    "In writing first, then a short chat about it.",
    "Direct and specific; I prefer to hear it on the floor.",
    "A quick video note I can watch again.",
]
BIOS = [
    "Senior trainer for nine years; I onboard most of our new coaches and love a good regression.",
    "I run client success for the north sites and coach trainers on keeping clients past "
    "month three.",
    "Head of coaching quality. I care about cues, timing and calm sessions.",
    "Team lead who moved up from the floor; happy to talk delegation and hard conversations.",
]
TRAINER_AREAS = ("Coaching craft", "Client work")
LEADERSHIP_AREAS = ("Leadership", "Operations")


def _is_trainer(program):
    blueprint = program.blueprint
    key = blueprint.source_key if blueprint is not None else ""
    return key == "trainer-8-week" or "trainer" in program.name.lower()


def _slots(rng, count):
    weekday = [code for code, _ in SLOT_CHOICES if not code.startswith(("sat", "sun"))]
    weekend = [code for code, _ in SLOT_CHOICES if code.startswith(("sat", "sun"))]
    chosen = set(rng.sample(weekday, count))
    if rng.random() < 0.3:
        chosen.add(rng.choice(weekend))
    return sorted(chosen)


def _competencies_for(context, program):
    competencies = context.extra.get("competencies")
    if competencies is None:
        competencies = list(Competency.objects.for_org(context.organization).select_related("area"))
    areas = TRAINER_AREAS if _is_trainer(program) else LEADERSHIP_AREAS
    fitting = [c for c in competencies if c.area.name in areas]
    return fitting or list(competencies)


def _person(context, spec):
    first, last, department, time_zone = spec
    user = context.make_user(first, last, department)
    return user, time_zone or context.organization.time_zone


class _Enroller:
    """Enrols demo people through the services and remembers their time zones."""

    def __init__(self, context):
        self.context = context
        self.participants = []
        self.time_zones = {}

    def make_room(self, cohort, needed):
        # The demo decides its own numbers: make sure the cohort can take them.
        if cohort.capacity < needed:
            cohort.capacity = needed
            cohort.save(update_fields=["capacity"])

    def enrol(self, cohort, user, role, *, time_zone=None, manager=None):
        # A cohort's facilitator is enrolled with the cohort (catalogue.cohort_create).
        participant = cohort.participants.filter(user=user, role=role).first()
        if participant is None:
            participant = participant_enrol(
                cohort=cohort, user=user, role=role, manager=manager, by=self.context.admin
            )
        self.participants.append(participant)
        self.time_zones[participant.pk] = time_zone or self.context.organization.time_zone
        return participant


def _acknowledge(participants):
    for participant in participants:
        if participant.cohort.program.has_charter:
            participant_charter_acknowledge(participant=participant)


def _mentor_intake(context, enroller, participant, competencies, *, index):
    rng = context.rng
    offered = rng.sample(competencies, min(len(competencies), rng.randint(3, 5)))
    mentor_intake_save(
        participant=participant,
        competencies={c: rng.randint(3, 5) for c in offered},
        capacity=rng.choice([2, 3, 3, 4]),
        availability=_slots(rng, rng.randint(6, 9)),
        time_zone=enroller.time_zones[participant.pk],
        languages=rng.choice(["English", "English, Spanish", "English, French", "English"]),
        formats=rng.sample(["one_to_one", "micro", "cohort"], 2),
        coaching_styles=rng.sample(["hands_on", "observe", "discuss", "read"], 2),
        bio=BIOS[index % len(BIOS)],
    )


def _mentee_intake(context, enroller, participant, competencies, *, trainer):
    rng = context.rng
    wanted = rng.sample(competencies, min(len(competencies), rng.randint(2, 3)))
    mentee_intake_save(
        participant=participant,
        goals=rng.choice(TRAINER_GOALS if trainer else LEADERSHIP_GOALS),
        competencies={c: priority for priority, c in enumerate(wanted, 1)},
        learning_style=rng.choice(["hands_on", "observe", "discuss", "read", "hands_on"]),
        preferred_format=rng.choice(["one_to_one", "one_to_one", "micro", "cohort"]),
        career_drivers=rng.choice(CAREER_DRIVERS),
        availability=_slots(rng, rng.randint(5, 8)),
        time_zone=enroller.time_zones[participant.pk],
        feedback_preferences=rng.choice(FEEDBACK),
    )


def _score(context, participant, *, low=False):
    rng = context.rng
    values = [2, 3, 2] if low else [rng.randint(3, 5) for _ in range(3)]
    mentor_readiness_score(
        participant=participant,
        coaching_aptitude=values[0],
        time_availability=values[1],
        domain_credibility=values[2],
        notes="Strong on the floor; short of time this quarter." if low else "",
        by=context.admin,
    )


def _intakes(context, enroller, cohort, participants, *, skip=()):
    competencies = _competencies_for(context, cohort.program)
    if not competencies:
        return
    trainer = _is_trainer(cohort.program)
    for index, participant in enumerate(participants):
        if participant.pk in skip:
            continue
        if participant.role == Participant.Role.MENTOR:
            _mentor_intake(context, enroller, participant, competencies, index=index)
        elif participant.role == Participant.Role.MENTEE:
            _mentee_intake(context, enroller, participant, competencies, trainer=trainer)


def _matching(context, enroller, cohort):
    """Ready for matching: 6 mentors, 16 mentees, all intakes done, mentors scored."""
    enroller.make_room(cohort, 22)
    members = {user.name: user for user in context.members}
    mentor_users = [
        (members[name], None)
        for name in ("Priya Nair", "Tomasz Kowalski", "Mei Chen")
        if name in members
    ]
    mentor_users += [_person(context, spec) for spec in MATCHING_MENTORS]
    mentors = [
        enroller.enrol(cohort, user, Participant.Role.MENTOR, time_zone=tz)
        for user, tz in mentor_users
    ]
    mentor_by_name = {m.user.name: m.user for m in mentors}
    # Managers: a mentor manages a mentee (matching must never pair them), and the leader
    # and admin manage a few more.
    managers = {
        "Aisha Rahman": mentor_by_name.get("Priya Nair"),
        "Chloe Dubois": mentor_by_name.get("Hannah Schmidt"),
        "Emma Lindqvist": context.leader,
        "Liam Byrne": context.leader,
        "Ines Costa": context.admin,
    }
    mentees = []
    for spec in MATCHING_MENTEES:
        user, tz = _person(context, spec)
        mentees.append(
            enroller.enrol(
                cohort, user, Participant.Role.MENTEE, time_zone=tz, manager=managers.get(user.name)
            )
        )
    _acknowledge(mentors + mentees)
    _intakes(context, enroller, cohort, mentors + mentees)
    for index, mentor in enumerate(mentors):
        _score(context, mentor, low=index == len(mentors) - 1)


def _active(context, enroller, cohort):
    enroller.make_room(cohort, 8)
    members = {user.name: user for user in context.members}
    # Three mentors, so that a struggling pair can be re-paired with someone who has room.
    mentors = [
        enroller.enrol(cohort, members[name], Participant.Role.MENTOR)
        for name in ("Leila Haddad", "Samuel Adeyemi", "Priya Nair")
        if name in members
    ]
    mentees = []
    for spec in ACTIVE_MENTEES:
        user, tz = _person(context, spec)
        mentees.append(enroller.enrol(cohort, user, Participant.Role.MENTEE, time_zone=tz))
    _acknowledge(mentors + mentees)
    _intakes(context, enroller, cohort, mentors + mentees)
    for mentor in mentors:
        _score(context, mentor)
    if mentees:
        participant_withdraw(
            participant=mentees[-1], by=context.admin, note="Moved to the evening team."
        )


def _enrolling(context, enroller, cohort):
    enroller.make_room(cohort, 6)
    user, tz = _person(context, ENROLLING_MENTOR)
    mentor = enroller.enrol(cohort, user, Participant.Role.MENTOR, time_zone=tz)
    mentees = []
    for spec in ENROLLING_MENTEES:
        user, tz = _person(context, spec)
        mentees.append(enroller.enrol(cohort, user, Participant.Role.MENTEE, time_zone=tz))
    _acknowledge([mentor, mentees[-1]])
    # Two mentees have not finished their intake: the admin's reminder list is not empty.
    _intakes(context, enroller, cohort, [mentor, mentees[-1]])
    participant_invite(
        cohort=cohort,
        email=f"kofi.boateng@{context.email_domain}",
        name="Kofi Boateng",
        role=Participant.Role.MENTEE,
        department="Coaching",
        by=context.admin,
        site_url=settings.SITE_URL,
    )


def _completed(context, enroller, cohort):
    """Enrolled while it ran: rows written directly, since a completed cohort takes no new
    participants through the service; then completed and certified through it."""
    members = {user.name: user for user in context.members}
    people = []
    if "Jonas Berg" in members:
        people.append((members["Jonas Berg"], Participant.Role.MENTOR))
    for spec in COMPLETED_MENTEES:
        people.append((_person(context, spec)[0], Participant.Role.MENTEE))
    created = []
    for user, role in people:
        participant = Participant(
            organization=context.organization, cohort=cohort, user=user, role=role
        )
        participant.full_clean()
        participant.save()
        enroller.participants.append(participant)
        enroller.time_zones[participant.pk] = context.organization.time_zone
        created.append(participant)
    _acknowledge(created)
    _intakes(context, enroller, cohort, created)
    # The facilitator (enrolled with the cohort) finished it too.
    for facilitator in cohort.participants.filter(
        role=Participant.Role.FACILITATOR, status=Participant.Status.ACTIVE
    ):
        participant_complete(participant=facilitator, by=context.admin)
    for participant in created:
        if participant.role == Participant.Role.MENTOR:
            _score(context, participant)
            participant_complete(participant=participant, by=context.admin)
        else:
            participant_certify(participant=participant, by=context.admin)


@transaction.atomic
def people(context):
    """Enrol the demo's participants; see programs/demo.py for the contract."""
    cohorts = context.extra.get("cohorts") or {}
    enroller = _Enroller(context)
    first = cohorts.get("matching") or cohorts.get("enrolling") or cohorts.get("active")
    if first is not None:
        # The admin facilitates: the organisation's first participant (see the module doc).
        facilitator = enroller.enrol(first, context.admin, Participant.Role.FACILITATOR)
        _acknowledge([facilitator])
    steps = [
        ("matching", _matching),
        ("active", _active),
        ("enrolling", _enrolling),
        ("completed", _completed),
    ]
    for status, step in steps:
        cohort = cohorts.get(status)
        if cohort is not None:
            step(context, enroller, cohort)
    context.extra["participants"] = enroller.participants
