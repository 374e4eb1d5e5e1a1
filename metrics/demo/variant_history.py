"""Six months of the Leadership Accelerator's two variant cohorts (see ``variants``): each
pair's check-ins at its cohort's rhythm (weekly, 30 minutes; fortnightly, 60 minutes) with
notes, two signals, an action for the coming weeks, both sides' pulse answers, now and then
kudos; a micro-habit from the first check-in and another from the third month, checked in
day by day; a few no-shows and late cancellations; the next check-in booked.

The pairs improve at different speeds, so the trends move: the weekly cohort starts slower
(actions done on time, pulse answers) and ends ahead; the fortnightly one is steadier. Stories
the data-quality audit finds: the weekly cohort's quiet pair met every week until three weeks
ago and has not met since (no session in its cadence window, its plan last touched six weeks
ago); one fortnightly check-in was completed without any notes.

Written with the sessions demo's ``Writer`` (a few bulk queries) and a seeded random of its
own, so the demo is the same every time it is built.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from matching.models import Pairing
from sessions import habits as maths
from sessions.demo.writer import Writer
from sessions.models import (
    HabitCheckIn,
    MicroHabit,
    PulseAnswer,
    Session,
    SessionKind,
    SessionTemplate,
    SignalType,
)
from sessions.selectors.habits import pure_habit

SEED = 2046
Status = Session.Status

# (start of the six months, end of it): the share of due things done, rising with time
RHYTHM = {
    "weekly": {"days": 7, "minutes": 30, "jitter": 0, "meet": (0.86, 0.97), "act": (0.5, 0.86)},
    "fortnightly": {
        "days": 14,
        "minutes": 60,
        "jitter": 1,
        "meet": (0.88, 0.9),
        "act": (0.66, 0.74),
    },
}
PULSE = {"weekly": (3.3, 4.4), "fortnightly": (3.8, 4.0)}
CLOCKS = [time(8, 30), time(11, 0), time(13, 30), time(15, 0), time(16, 30)]
QUIET_DAYS = 21  # the weekly cohort's quiet pair has not met for this long

PROGRESS = [
    "{mentee} ran this week's stand-ups alone; two ran over by ten minutes. We looked at "
    "what to cut from the agenda.",
    "Went through the delegation list: scheduling is handed over, the rota is not yet. "
    "{mentee} worries the team will see it as offloading.",
    "Feedback to a team member done, specific and kind; {mentee} followed up two days later "
    "as agreed.",
    "The 90-day plan's first objective is met: {mentee} presented the area's numbers to the "
    "leadership team without notes.",
    "{mentee} settled a rota clash between sales and operations without escalating it.",
    "Retention data for the north sites read together; {mentee} picked the two classes to "
    "change first.",
    "Hard conversation with a long-serving trainer went better than feared: listened first, "
    "then named the change.",
    "{mentee} planned the quarter's hiring with the area manager and owned the proposal.",
]
OBSTACLES = [
    "Too many meetings on Tuesdays: {mentee} is blocking two mornings for the floor.",
    "Saying no to the regional manager's extra requests; we practised the wording.",
    "The team's shift pattern makes one-to-ones hard: trying fifteen minutes before opening.",
    "Nothing blocking this fortnight; energy is good.",
    "Unsure how much detail the leadership team wants; {mentor} will share an example pack.",
    "A new starter needs more time than planned; {mentee} will pair them with a senior coach.",
]
ACTIONS = [
    "Hand over the weekly scheduling to the shift lead and check in on Friday.",
    "Write the feedback for the team meeting and send it the same day.",
    "Draft the area's numbers for the leadership meeting; send them to {mentor} first.",
    "Hold a fifteen-minute one-to-one with each new starter.",
    "Agree the rota change with operations in writing.",
    "Pick one class to change from the retention data and tell the team why.",
]
HABITS = [
    ("Write the day's one priority on the team board before opening.", "weekdays"),
    ("End each day with two lines: what I delegated, what I kept.", "daily"),
    ("Ask one team member a coaching question instead of giving the answer.", "weekdays"),
]
MENTEE_COMMENTS = [
    "Useful: I left with a plan for the week.",
    "Good, but we ran out of time for the rota question.",
    "Practising the wording helped a lot.",
    "",
]
MENTOR_COMMENTS = ["Good energy; the plan is moving.", "We should keep the agenda tighter.", ""]
KUDOS = [
    "Thank you for the straight answers on delegation: it changed how I plan my week.",
    "The practice run before my leadership-team slot made all the difference.",
    "You made the hard conversation feel possible. It went well.",
    "Thanks for sharing your own first-year mistakes; it took the pressure off.",
]
CANCEL_REASON = "A client complaint needed me on the floor all afternoon."
NO_SHOW_NOTE = "Did not arrive; no message. Rebooked for next week."


@dataclass
class Story:
    variant: str
    index: int
    quiet: bool = False  # the weekly cohort's quiet pair (see the module doc)
    no_notes: bool = False  # one fortnightly check-in completed without notes
    slip: tuple = ()  # (from, to) in the six months (0..1) where the pair met less


def stories_for(variant, pairings):
    """The story of each pairing of a cohort, by pairing id."""
    stories = {}
    for index, pairing in enumerate(pairings):
        story = Story(variant=variant, index=index)
        if variant == "weekly" and index == 2:
            story.quiet = True
        if variant == "weekly" and index == 3:
            story.slip = (0.35, 0.55)  # a dip in the third and fourth months
        if variant == "fortnightly" and index == 1:
            story.no_notes = True
        if variant == "fortnightly" and index == 4:
            story.slip = (0.6, 0.8)
        stories[pairing.pk] = story
    return stories


def _between(pair, progress):
    low, high = pair
    return low + (high - low) * progress


def _weekday(day):
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


class _Pair:
    def __init__(self, planner, pairing, story):
        self.planner, self.pairing, self.story = planner, pairing, story
        self.mentor, self.mentee = pairing.mentor.user, pairing.mentee.user
        self.words = {
            "mentee": (self.mentee.name or "").split(" ")[0],
            "mentor": (self.mentor.name or "").split(" ")[0],
        }
        self.rhythm = RHYTHM[story.variant]
        self.completed = []

    def text(self, value):
        return value.format(**self.words)

    def base(self, starts_at, status, **fields):
        planner = self.planner
        return planner.writer.add(
            planner.template,
            kind=SessionKind.ONE_TO_ONE,
            pairing=self.pairing,
            cohort=self.pairing.cohort,
            mentor=self.mentor,
            mentee=self.mentee,
            title="Check-in",
            minutes=self.rhythm["minutes"],
            starts_at=starts_at,
            status=status,
            proposed_by=self.mentor,
            **fields,
        )

    def plan(self):
        """Every check-in from the pair's acceptance to now, then the next one."""
        planner, story, rng = self.planner, self.story, self.planner.rng
        zone, now = planner.zone, planner.now
        accepted = self.pairing.accepted_at.astimezone(zone).date()
        span = max(1, (now.astimezone(zone).date() - accepted).days)
        clock = CLOCKS[(story.index + (story.variant == "fortnightly")) % len(CLOCKS)]
        quiet_since = now - timedelta(days=QUIET_DAYS)
        day = accepted + timedelta(days=2)
        number = 0
        while True:
            starts_at = datetime.combine(_weekday(day), clock, zone)
            day += timedelta(days=self.rhythm["days"] + rng.randint(-1, 1) * self.rhythm["jitter"])
            if starts_at + timedelta(hours=2) >= now:
                break
            if story.quiet and starts_at >= quiet_since:
                continue
            progress = min(1.0, (starts_at.date() - accepted).days / span)
            meet = _between(self.rhythm["meet"], progress)
            if story.slip and story.slip[0] <= progress <= story.slip[1]:
                meet -= 0.4
            roll = rng.random()
            if roll > meet + 0.06:
                continue  # no check-in this time
            if roll > meet + 0.03:
                self._cancelled(starts_at, late=rng.random() < 0.6)
                continue
            if roll > meet:
                self._no_show(starts_at)
                continue
            number += 1
            self._held(starts_at, progress, number)
        if not story.quiet:
            self._next(now, zone, clock)

    def _held(self, starts_at, progress, number):
        rng = self.planner.rng
        planned = self.base(
            starts_at,
            Status.COMPLETED,
            confirmed_by=self.mentee,
            confirmed_at=starts_at - timedelta(days=3),
            started_at=starts_at,
            completed_by=self.mentor,
        )
        session = planned.session
        session.completed_at = session.ends_at + timedelta(minutes=3)
        if not (self.story.no_notes and number == 5):
            offset = self.story.index + number
            planned.notes = {
                "Progress": self.text(self.planner.pick(PROGRESS, offset)),
                "Obstacles": self.text(self.planner.pick(OBSTACLES, offset * 3)),
            }
        planned.signals = [
            (signal_type, self._level(progress, lift)) for signal_type, lift in self.planner.signals
        ]
        done_share = _between(self.rhythm["act"], progress)
        if self.story.slip and self.story.slip[0] <= progress <= self.story.slip[1]:
            done_share -= 0.25
        due = starts_at.date() + timedelta(days=self.rhythm["days"] - 1)
        roll = rng.random()
        if roll < done_share:
            done = starts_at + timedelta(days=rng.randint(1, self.rhythm["days"] - 2), hours=4)
        elif roll < done_share + 0.15:
            done = datetime.combine(
                due + timedelta(days=rng.randint(2, 6)), time(17), starts_at.tzinfo
            )
        else:
            done = None
        if done is not None and done >= self.planner.now:
            done = None
        action = self.text(self.planner.pick(ACTIONS, self.story.index + number))
        planned.actions = [(action, self.mentee, due, done)]
        if number == 1 or number == (13 if self.story.variant == "weekly" else 7):
            text, cadence = HABITS[(self.story.index + (number > 1)) % len(HABITS)]
            planned.habit = (text, cadence)
        mean = _between(PULSE[self.story.variant], progress)
        mentee_score = None if rng.random() < 0.12 else self._score(mean)
        mentor_score = None if rng.random() < 0.2 else self._score(mean + 0.1)
        planned.pulses = [
            (
                self.mentee,
                PulseAnswer.Role.MENTEE,
                mentee_score,
                self.planner.pick(MENTEE_COMMENTS, number),
            ),
            (
                self.mentor,
                PulseAnswer.Role.MENTOR,
                mentor_score,
                self.planner.pick(MENTOR_COMMENTS, number),
            ),
        ]
        if number % 8 == 4:
            kudos = self.planner.pick(KUDOS, self.story.index + number // 8)
            planned.kudos.append((self.mentee, self.mentor, kudos))
        self.completed.append(planned)

    def _score(self, mean):
        return max(1, min(5, round(self.planner.rng.gauss(mean, 0.6))))

    def _level(self, progress, lift):
        value = round(1.8 + lift * progress + self.planner.rng.gauss(0, 0.35))
        return Decimal(min(5, max(1, value)))

    def _cancelled(self, starts_at, *, late):
        before = timedelta(hours=6) if late else timedelta(days=2)
        self.base(
            starts_at,
            Status.CANCELLED,
            confirmed_by=self.mentee,
            confirmed_at=starts_at - timedelta(days=4),
            cancelled_at=starts_at - before,
            cancelled_by=self.mentee,
            cancel_reason=CANCEL_REASON,
            cancelled_late=late,
            sequence=1,
        )

    def _no_show(self, starts_at):
        self.base(
            starts_at,
            Status.NO_SHOW,
            confirmed_by=self.mentee,
            confirmed_at=starts_at - timedelta(days=3),
            no_show_of=self.mentee,
            no_show_marked_by=self.mentor,
            private_note=NO_SHOW_NOTE,
        )

    def _next(self, now, zone, clock):
        day = _weekday((now + timedelta(days=2 + self.story.index % 3)).astimezone(zone).date())
        self.base(
            datetime.combine(day, clock, zone),
            Status.CONFIRMED,
            confirmed_by=self.mentee,
            confirmed_at=now - timedelta(hours=20),
        )


class _Planner:
    def __init__(self, context):
        self.organization = context.organization
        self.zone = self.organization.zoneinfo
        self.now = timezone.now()
        self.rng = random.Random(SEED)
        self.writer = Writer(self.organization, self.now)
        self.template = (
            SessionTemplate.objects.for_org(self.organization)
            .filter(key="monthly-check-in")
            .first()
        )
        program = context.extra["programs"]["leaders"]
        by_name = {
            t.name: t for t in SignalType.objects.for_org(self.organization).filter(program=program)
        }
        lifts = {"Readiness": 2.6, "Independent problem-solving": 2.2}
        self.signals = [(by_name[name], lift) for name, lift in lifts.items() if name in by_name]

    def pick(self, values, index):
        return values[index % len(values)]


def write(context, pairings, stories):
    """Plan and write every pair's history; then the habits' check-ins and the pairs' last
    activity."""
    planner = _Planner(context)
    if planner.template is None or not pairings:
        return
    pairs = [
        _Pair(planner, pairing, stories[pairing.pk])
        for pairing in Pairing.objects.for_org(context.organization)
        .filter(pk__in=[p.pk for p in pairings])
        .select_related("mentor__user", "mentee__user", "cohort")
        .order_by("pk")
    ]
    for pair in pairs:
        pair.plan()
    planner.writer.write()
    changed = []
    for pair in pairs:
        if pair.completed:
            pair.pairing.last_activity_at = pair.completed[-1].session.completed_at
            changed.append(pair.pairing)
    Pairing.objects.for_org(context.organization).bulk_update(changed, ["last_activity_at"])
    _checkins(planner, {pair.pairing.pk: pair for pair in pairs})


def _checkins(planner, pairs):
    """Each due day of each habit, from its first day to yesterday (or its end): done,
    skipped or missed, done more often as the months pass; the quiet pair's mentee stopped
    when the check-ins stopped."""
    org, rng, zone = planner.organization, planner.rng, planner.zone
    today = planner.now.astimezone(zone).date()
    rows = []
    habits = MicroHabit.objects.for_org(org).filter(pairing_id__in=list(pairs)).order_by("pk")
    for habit in habits:
        pair = pairs[habit.pairing_id]
        accepted = pair.pairing.accepted_at.astimezone(zone).date()
        span = max(1, (today - accepted).days)
        last = min(habit.ends_on or today, today - timedelta(days=1))
        if pair.story.quiet:
            last = min(last, today - timedelta(days=QUIET_DAYS))
        pure = pure_habit(habit, [])
        day = habit.starts_on
        while day <= last:
            if maths.is_due_day(pure, day):
                progress = (day - accepted).days / span
                share = _between(RHYTHM[pair.story.variant]["act"], progress) + 0.05
                roll = rng.random()
                state = (
                    HabitCheckIn.State.DONE
                    if roll < share
                    else HabitCheckIn.State.SKIPPED
                    if roll < share + 0.06
                    else None
                )
                if state is not None:
                    rows.append(
                        HabitCheckIn(
                            organization=org,
                            habit=habit,
                            day=day,
                            state=state,
                            created_at=datetime.combine(day, time(20, 15), zone),
                        )
                    )
            day += timedelta(days=1)
    times = [row.created_at for row in rows]
    HabitCheckIn.objects.for_org(org).bulk_create(rows, batch_size=500)
    for row, moment in zip(rows, times, strict=True):
        row.created_at = moment
    HabitCheckIn.objects.for_org(org).bulk_update(rows, ["created_at"], batch_size=500)
