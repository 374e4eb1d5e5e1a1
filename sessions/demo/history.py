"""Seven to eight weeks of the active cohort's pairings: about weekly on-the-floor sessions and
remote reviews with notes per block, signals that trend upward with noise, three corrections, a
micro-habit, actions (some done, one overdue), pulse answers (some unanswered) and kudos;
one no-show, one cancellation with its reason, one rescheduled session; upcoming proposed
and confirmed sessions; and the topic mentor's first micro session.

The stories of matching's demo are kept: the struggling pair ("we keep missing each other")
is the one with the no-show and the reschedule, and the idle-warned pair met weekly for its
first four weeks, cancelled the sixth time and has been quiet since, 25 days now (its mentor
has just proposed a time). Each pairing's ``last_activity_at`` follows its last completed
session.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from matching.models import Pairing

from ..models import PulseAnswer, Session, SessionKind
from ..selectors.people import zones_of
from . import texts

Status = Session.Status
# After the cohort's weekly module (07:30-09:00) and apart from the office hours (12:30).
MORNING, AFTERNOON, LATE = time(10, 0), time(14, 0), time(16, 0)

# A live pair's cadence: (days after acceptance, template key, what happened).
CADENCE = [
    (1, "on-the-floor", "completed"),
    (7, "remote-review", "completed"),
    (14, "on-the-floor", "completed"),
    (21, "on-the-floor", "no_show"),
    (22, "remote-review", "flagged"),
    (28, "on-the-floor", "completed"),
    (35, "remote-review", "completed"),
    (42, "on-the-floor", "completed"),
    (49, "remote-review", "completed"),
]
# The idle-warned pair: met weekly for four weeks, then cancelled, then nothing until now.
IDLE_CADENCE = [
    (2, "on-the-floor", "completed"),
    (7, "remote-review", "completed"),
    (14, "on-the-floor", "completed"),
    (21, "remote-review", "completed"),
    (28, "on-the-floor", "completed"),
    (35, "on-the-floor", "cancelled"),
]


def first_name(user):
    return (user.name or user.email).split(" ")[0]


def _at(day, clock, zone):
    """``clock`` on ``day`` in ``zone``; a weekend day moves to the Monday after."""
    day += timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
    return datetime.combine(day, clock, tzinfo=zone)


class Story:
    """One pairing's history, planned into the writer."""

    def __init__(self, demo, pairing, zone, *, offset):
        self.demo, self.pairing, self.zone = demo, pairing, zone
        self.mentor, self.mentee = pairing.mentor.user, pairing.mentee.user
        self.words = {"mentee": first_name(self.mentee), "mentor": first_name(self.mentor)}
        self.offset = offset  # where this pair starts in the text lists
        self.floor = self.review = 0  # sessions of each kind so far
        self.completed = []

    def text(self, value):
        return value.format(**self.words) if value else value

    def base(self, key, starts_at, status, **fields):
        return self.demo.writer.add(
            self.demo.templates[key],
            kind=SessionKind.ONE_TO_ONE,
            pairing=self.pairing,
            cohort=self.pairing.cohort,
            mentor=self.mentor,
            mentee=self.mentee,
            starts_at=starts_at,
            status=status,
            **fields,
        )

    # --- what happened ------------------------------------------------------------------

    def held(self, key, starts_at, *, progress, flagged=False):
        session_fields = {
            "proposed_by": self.mentor,
            "confirmed_by": self.mentee,
            "confirmed_at": starts_at - timedelta(days=2),
            "started_at": starts_at,
            "completed_by": self.mentor,
        }
        planned = self.base(key, starts_at, Status.COMPLETED, **session_fields)
        session = planned.session
        session.completed_at = session.ends_at + timedelta(minutes=4)
        if key == "on-the-floor":
            self._floor(planned)
        else:
            self._review(planned, flagged=flagged)
        self._signals(planned, key, progress)
        self.completed.append(planned)
        return planned

    def _floor(self, planned):
        script = texts.ON_THE_FLOOR[(self.offset + self.floor) % len(texts.ON_THE_FLOOR)]
        self.floor += 1
        planned.notes = {title: self.text(script[title]) for title in script if title[0].isupper()}
        planned.corrections = [self.text(c) for c in script["corrections"]]
        planned.habit = (self.text(script["habit"][0]), script["habit"][1])

    def _review(self, planned, *, flagged):
        script = texts.REMOTE_REVIEW[(self.offset + self.review) % len(texts.REMOTE_REVIEW)]
        self.review += 1
        session = planned.session
        planned.notes = {"Metrics and clip": self.text(script["Metrics and clip"])}
        session.cue = script["cue"]
        session.practice_target = script["practice_target"]
        session.follow_up_on = session.starts_at.date() + timedelta(days=7)
        if flagged:  # the clip did not export: completed without it, for the audit
            session.missing_outputs = ["clip_link"]
            session.completion_reason = (
                "The clip did not export from the tracker; we reviewed the metrics only."
            )
            session.flagged_for_audit = True
        else:
            session.clip_url = f"https://clips.example.org/review/{self.pairing.pk}-{self.review}"

    def _signals(self, planned, key, progress):
        rng, types = self.demo.rng, self.demo.signals
        start = self.demo.baseline

        def level(base, slope):
            value = round(base + slope * progress + rng.gauss(0, 0.3))
            return Decimal(min(5, max(1, value)))

        values = [
            ("Technique consistency", level(start + 0.3, 2.4)),
            ("Readiness", level(start, 2.2)),
            ("Independent problem-solving", level(start + 0.1, 2.5)),
        ]
        if key == "remote-review":  # the exported metrics: bar speed and retention
            velocity = 0.46 + 0.14 * progress + rng.gauss(0, 0.015)
            retention = 60 + 22 * progress + rng.gauss(0, 3)
            values += [
                ("Velocity", Decimal(f"{velocity:.2f}")),
                ("Client retention when the trainee leads sessions", Decimal(round(retention))),
            ]
        planned.signals = [(types[name], value) for name, value in values if name in types]

    def no_show(self, key, starts_at):
        return self.base(
            key,
            starts_at,
            Status.NO_SHOW,
            proposed_by=self.mentor,
            confirmed_by=self.mentee,
            confirmed_at=starts_at - timedelta(days=3),
            no_show_of=self.mentee,
            no_show_marked_by=self.mentor,
            private_note=texts.NO_SHOW_NOTE,
        )

    def cancelled(self, key, starts_at):
        return self.base(
            key,
            starts_at,
            Status.CANCELLED,
            proposed_by=self.mentor,
            confirmed_by=self.mentee,
            confirmed_at=starts_at - timedelta(days=4),
            cancelled_at=starts_at - timedelta(days=2),
            cancelled_by=self.mentee,
            cancel_reason=texts.CANCEL_REASON,
            sequence=1,
        )

    # --- after the sessions: actions, pulses, kudos ---------------------------------------

    def follow_up(self, today):
        rng = self.demo.rng
        last = len(self.completed) - 1
        for index, planned in enumerate(self.completed):
            session = planned.session
            due = session.starts_at.date() + timedelta(days=5)
            text = texts.ACTIONS[(self.offset + index) % len(texts.ACTIONS)]
            # Done when its date passed, except the one before last: still open, overdue.
            overdue = index == last - 1 and due < today
            done = None if (due >= today or overdue) else session.ends_at + timedelta(days=3)
            planned.actions = [(text, self.mentee, due, done)]
            mentee_score = min(5, 3 + round(2 * index / max(1, last) + rng.gauss(0, 0.4)))
            comment = texts.PULSE_COMMENTS_MENTEE[
                (self.offset + index) % len(texts.PULSE_COMMENTS_MENTEE)
            ]
            mentor_comment = texts.PULSE_COMMENTS_MENTOR[index % len(texts.PULSE_COMMENTS_MENTOR)]
            planned.pulses = [
                # The newest session's mentee pulse is still waiting for its answer.
                (
                    self.mentee,
                    PulseAnswer.Role.MENTEE,
                    None if index == last else max(2, mentee_score),
                    comment,
                ),
                (
                    self.mentor,
                    PulseAnswer.Role.MENTOR,
                    None if index == 1 else rng.choice([3, 4, 4, 5]),
                    self.text(mentor_comment),
                ),
            ]
            if index in (0, 3):
                text = texts.KUDOS_TO_MENTOR[(self.offset + index) % len(texts.KUDOS_TO_MENTOR)]
                planned.kudos.append((self.mentee, self.mentor, self.text(text)))
        if len(self.completed) >= 3:
            text = texts.KUDOS_TO_MENTEE[self.offset % len(texts.KUDOS_TO_MENTEE)]
            self.completed[-1].kudos.append((self.mentor, self.mentee, self.text(text)))
            self.completed[-2].session.private_note = texts.PRIVATE_NOTE

    def last_completed_at(self):
        return self.completed[-1].session.completed_at if self.completed else None


def _future_day(now, zone, days):
    return (now.astimezone(zone) + timedelta(days=days)).date()


def pairing_histories(demo, cohort):
    """Plan the sessions of ``cohort``'s active pairings; returns the pairings changed."""
    organization, now = demo.organization, demo.now
    pairings = list(
        Pairing.objects.for_org(organization)
        .filter(cohort=cohort, status=Pairing.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user", "cohort")
        .order_by("pk")
    )
    zones = zones_of(organization=organization, user_ids=[p.mentee.user_id for p in pairings])
    today = now.astimezone(organization.zoneinfo).date()
    stories = []
    first_core = True
    for index, pairing in enumerate(pairings):
        zone = zones[pairing.mentee.user_id]
        if pairing.kind == Pairing.Kind.TOPIC:
            _topic_micro(demo, pairing, zone)
            continue
        story = Story(demo, pairing, zone, offset=index)
        accepted = pairing.accepted_at or now - timedelta(days=55)
        idle = pairing.idle_warned_at is not None
        cadence = IDLE_CADENCE if idle else CADENCE
        span = max(1, (now - accepted).days)
        upcoming = []
        for days, key, happened in cadence:
            day = (accepted + timedelta(days=days)).astimezone(zone).date()
            starts_at = _at(day, MORNING if key == "on-the-floor" else AFTERNOON, zone)
            # Each pair an hour apart, so a mentor's pairs never meet at the same time.
            starts_at += timedelta(hours=index % 3)
            if starts_at + timedelta(hours=2) >= now:
                upcoming.append(key)
                continue
            progress = min(1.0, days / span)
            if happened == "no_show" and first_core and not idle:
                story.no_show(key, starts_at)
            elif happened == "cancelled":
                story.cancelled(key, starts_at)
            elif happened == "no_show":
                continue  # one no-show in the demo
            else:
                story.held(
                    key, starts_at, progress=progress, flagged=happened == "flagged" and first_core
                )
        story.follow_up(today)
        _upcoming(demo, story, upcoming, idle=idle, rescheduled=first_core and not idle)
        first_core = first_core and idle  # the first live (not idle) pair has the no-show
        stories.append(story)
    changed = []
    for story in stories:
        last = story.last_completed_at()
        if last is not None:
            story.pairing.last_activity_at = last
            changed.append(story.pairing)
    Pairing.objects.for_org(organization).bulk_update(changed, ["last_activity_at"])
    return changed


def _upcoming(demo, story, keys, *, idle, rescheduled):
    """The next sessions: the idle pair's mentor has proposed one; a live pair has the next
    one confirmed (moved once, for the struggling pair) and the one after proposed."""
    now, zone = demo.now, story.zone
    if idle:
        day = _future_day(now, zone, 2)
        story.base(
            "on-the-floor",
            _at(day, time(11, 0), zone),
            Status.PROPOSED,
            proposed_by=story.mentor,
        )
        return
    keys = (keys + ["on-the-floor", "remote-review"])[:2]
    first = _at(
        _future_day(now, zone, 1), MORNING if keys[0] == "on-the-floor" else AFTERNOON, zone
    )
    confirmed = story.base(
        keys[0],
        first,
        Status.CONFIRMED,
        proposed_by=story.mentee if rescheduled else story.mentor,
        confirmed_by=story.mentor if rescheduled else story.mentee,
        confirmed_at=now - timedelta(hours=20),
        pre_work=story.text(texts.PRE_WORK[1]),
        pre_work_at=now - timedelta(hours=18),
    )
    if rescheduled:
        confirmed.session.sequence = 1
        confirmed.session.reschedule_count = 1
        confirmed.session.reschedule_reason = texts.RESCHEDULE_REASON
    second = _at(
        _future_day(now, zone, 8), MORNING if keys[1] == "on-the-floor" else AFTERNOON, zone
    )
    story.base(keys[1], second, Status.PROPOSED, proposed_by=story.mentor)


def _topic_micro(demo, pairing, zone):
    """A topic mentor's first micro session, proposed by the mentee with their pre-work."""
    mentee = pairing.mentee.user
    day = _future_day(demo.now, zone, 3)
    template = demo.templates["micro-mentoring"]
    title = f"Micro-mentoring: {pairing.topic.name}" if pairing.topic else template.name
    demo.writer.add(
        template,
        kind=SessionKind.MICRO,
        pairing=pairing,
        cohort=pairing.cohort,
        mentor=pairing.mentor.user,
        mentee=mentee,
        title=title,
        starts_at=_at(day, LATE, zone),
        status=Status.PROPOSED,
        proposed_by=mentee,
        pre_work=texts.PRE_WORK[0],
        pre_work_at=demo.now - timedelta(hours=2),
    )
