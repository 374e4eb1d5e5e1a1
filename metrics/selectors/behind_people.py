"""The rows behind the indicators of people (time to match, retention, promotion rate and
velocity, internal mobility, certification) and of mentors (load, recognition): see
metrics/selectors/behind.py, and input_people.py for the figures they agree with."""

from collections import defaultdict

from django.db.models import Min
from django.utils import dateformat

from matching.models import Pairing
from mentorship.tenancy.models import Membership
from programs.models import Assessment, Participant
from sessions.models import Session

from ..indicators import careers, development, mentors
from ..indicators.base import MONTH_DAYS, IndicatorValue, Track, durations
from ..links import mentor_url
from ..models import OutcomeEvent
from .behind_common import (
    COHORT,
    NOT_YET,
    ORGANISATION,
    PROGRAM,
    Behind,
    Cell,
    cell,
    person,
)
from .input_common import MISSING_HOURS, _bounds, _local_day, period
from .input_people import recognition_counts


def _participants(ctx, *, role=None):
    """The participants of the level's cohorts (as ``input_people._participants``)."""
    qs = Participant.objects.for_org(ctx.organization)
    qs = qs.filter(role=role) if role else qs.exclude(role=Participant.Role.FACILITATOR)
    if ctx.level == COHORT:
        qs = qs.filter(cohort_id=ctx.object_id)
    elif ctx.level == PROGRAM:
        qs = qs.filter(cohort__program_id=ctx.object_id)
    return qs


# --- Time to match -----------------------------------------------------------------------------


def time_to_match(ctx):
    """Each mentee enrolled by the day: enrolled on, first accepted pairing, days or not yet."""
    zone, day = ctx.zone, ctx.day
    _, after = _bounds(ctx.organization, day, day)
    rows = list(
        _participants(ctx, role=Participant.Role.MENTEE)
        .filter(enrolled_at__lt=after)
        .values(
            "pk",
            "cohort__name",
            "enrolled_at",
            "status",
            "status_changed_at",
            "user__name",
            "user__email",
        )
        .annotate(matched=Min("pairings_as_mentee__accepted_at"))
        .order_by("enrolled_at", "pk")
    )
    tracks, out = [], []
    for row in rows:
        seen = day
        withdrawn = row["status"] == Participant.Status.WITHDRAWN and row["status_changed_at"]
        if withdrawn:
            seen = min(day, row["status_changed_at"].astimezone(zone).date())
        track = Track(
            row["enrolled_at"].astimezone(zone).date(), _local_day(row["matched"], zone), seen
        )
        tracks.append(track)
        out.append(
            [
                cell(person(row["user__name"], row["user__email"])),
                cell(row["cohort__name"]),
                cell(track.start),
                cell(track.reached if track.reached and track.reached <= seen else None),
                _days(track),
                cell("withdrawn" if withdrawn else ""),
            ]
        )
    counted = development.time_to_match(tracks)
    return Behind(
        columns=("Mentee", "Cohort", "Enrolled on", "Matched on", "Days", "Left the program"),
        rows=out,
        counted=counted,
        caption="Mentees enrolled, with the days until their first accepted pairing",
        summary=[("Matched", counted.numerator or 0), ("Not yet", counted.not_yet or 0)],
        notes=["People still waiting count as not yet (Kaplan–Meier), never dropped."],
    )


def _days(track, *, scale=1.0, unit="days"):
    ((days, reached),) = durations([track])
    shown = f"{days / scale:.1f}" if scale != 1 else f"{days}"
    if reached:
        return Cell(f"{shown} {unit}", raw=round(days / scale, 2))
    return Cell(f"{NOT_YET} ({shown} {unit} so far)", raw=NOT_YET)


# --- Careers -----------------------------------------------------------------------------------


EVENT_WORDS = dict(OutcomeEvent.Event.choices)


def _career_people(ctx):
    """The level's participants with outcome events: ``[(user, name, cohort start, career,
    events)]`` (as ``input_people._careers``: three queries)."""
    participants = _participants(ctx)
    rows = list(
        participants.values("user_id", "user__name", "user__email", "cohort__starts_on").order_by(
            "user__name", "user_id"
        )
    )
    departments = dict(
        Membership.objects.for_org(ctx.organization)
        .filter(user_id__in=participants.values("user_id"))
        .values_list("user_id", "department")
    )
    events = defaultdict(list)
    for user_id, on, event, department, role in (
        OutcomeEvent.objects.for_org(ctx.organization)
        .filter(user_id__in=participants.values("user_id"), occurred_on__lte=ctx.day)
        .order_by("occurred_on", "pk")
        .values_list("user_id", "occurred_on", "event", "department", "role")
    ):
        events[user_id].append(careers.CareerEvent(on, event, department, role))
    people = {}
    for row in rows:
        user_id = row["user_id"]
        if not events[user_id]:
            continue  # no outcome event: not in the records, not counted
        start = row["cohort__starts_on"]
        if user_id in people:
            people[user_id][2] = min(start, people[user_id][2])
            continue
        career = careers.career_from_events(
            events[user_id], department=departments.get(user_id, "")
        )
        people[user_id] = [
            user_id,
            person(row["user__name"], row["user__email"]),
            start,
            career,
            events[user_id],
        ]
    return list(people.values())


def _events_cell(events):
    text = "; ".join(
        f"{EVENT_WORDS.get(e.event, e.event)} {dateformat.format(e.on, 'j M Y')}" for e in events
    )
    return Cell(text)


def _yes_no(value):
    return cell(bool(value))


def _career_behind(ctx, key):
    people = _career_people(ctx)
    start, end = period(key, ctx.day)
    group = [p[3] for p in people]
    out, outcomes = [], defaultdict(int)
    for _, name, _, career, events in people:
        at_start, at_end = career.employed_on(start), career.employed_on(end)
        if key == "retention":
            outcome = (
                ("Stayed" if at_end else "Left")
                if at_start
                else "Not counted: not employed at the start"
            )
            extra = []
        elif key == "internal_mobility":
            moved = sum(1 for d in career.moves if start < d <= end)
            outcome = (
                ("Moved" if moved else "Stayed in their department")
                if at_start
                else "Not counted: not employed at the start"
            )
            extra = [cell(moved)]
        else:  # promotion_rate
            promoted = sum(1 for d in career.promotions if start <= d <= end)
            hired = career.hired_on is not None and start < career.hired_on <= end
            outcome = (
                ("Promoted" if promoted else "Not promoted")
                if (at_start or hired)
                else "Not counted: not employed in the period"
            )
            extra = [cell(promoted)]
        outcomes[outcome] += 1
        out.append(
            [
                cell(name),
                _yes_no(at_start),
                _yes_no(at_end),
                *extra,
                cell(outcome),
                _events_cell(events),
            ]
        )
    function = {
        "retention": careers.retention,
        "internal_mobility": careers.internal_mobility,
        "promotion_rate": careers.promotion_rate,
    }[key]
    extra_columns = {
        "retention": (),
        "internal_mobility": ("Moves in the period",),
        "promotion_rate": ("Promotions in the period",),
    }[key]
    return Behind(
        columns=(
            "Person",
            "Employed at the start",
            "Employed at the end",
            *extra_columns,
            "Outcome",
            "Outcome events",
        ),
        rows=out,
        counted=function(group, start=start, end=end),
        caption="Participants with outcome events, and what the events say",
        period=(start, end),
        summary=sorted(
            outcomes.items(), key=lambda item: (item[0].startswith("Not counted"), item[0])
        ),
        notes=["Participants with no outcome event are not in the records and not counted."],
    )


def retention(ctx):
    return _career_behind(ctx, "retention")


def promotion_rate(ctx):
    return _career_behind(ctx, "promotion_rate")


def internal_mobility(ctx):
    return _career_behind(ctx, "internal_mobility")


def promotion_velocity(ctx):
    """Each participant employed on their cohort's start: months to the next promotion, or
    not yet (censored, never dropped)."""
    day = ctx.day
    tracks, out = [], []
    for _, name, cohort_start, career, events in _career_people(ctx):
        if cohort_start > day:
            continue
        for track in careers.promotion_tracks([career], start=cohort_start, as_of=day):
            tracks.append(track)
            reached = track.reached if track.reached and track.reached <= track.seen else None
            out.append(
                [
                    cell(name),
                    cell(cohort_start),
                    cell(reached),
                    _days(track, scale=MONTH_DAYS, unit="months"),
                    _events_cell(events),
                ]
            )
    counted = careers.promotion_velocity(tracks)
    return Behind(
        columns=("Person", "Cohort start", "Promoted on", "Months", "Outcome events"),
        rows=out,
        counted=counted,
        caption="Participants employed at their cohort's start: months to their next promotion",
        summary=[("Promoted", counted.numerator or 0), ("Not yet", counted.not_yet or 0)],
        notes=[
            "People not yet promoted, or who left unpromoted, count as not yet "
            "(Kaplan–Meier), never dropped."
        ],
    )


# --- Certification -------------------------------------------------------------------------------


def certification_rate(ctx):
    """Mentees of the cohorts ended by the day, with their latest final assessment."""
    ended = _participants(ctx, role=Participant.Role.MENTEE).filter(cohort__ends_on__lt=ctx.day)
    mentees = list(
        ended.values(
            "pk",
            "cohort__name",
            "user__name",
            "user__email",
            "cohort__program__certification_threshold",
        ).order_by("cohort__name", "user__name", "pk")
    )
    finals = {}
    for participant_id, average in (
        Assessment.objects.for_org(ctx.organization)
        .filter(
            participant_id__in=ended.values("pk"),
            kind=Assessment.Kind.FINAL,
            assessed_on__lte=ctx.day,
        )
        .order_by("assessed_on", "pk")
        .values_list("participant_id", "average")
    ):
        finals[participant_id] = float(average)  # the latest wins
    cases, out, outcomes = [], [], defaultdict(int)
    for m in mentees:
        threshold = float(m["cohort__program__certification_threshold"])
        case = careers.CertificationCase(finals.get(m["pk"]), threshold)
        cases.append(case)
        if case.final_score is None:
            outcome = "Not assessed (counts as not certified)"
        else:
            outcome = "Certified" if case.final_score >= threshold else "Not certified"
        outcomes[outcome] += 1
        out.append(
            [
                cell(person(m["user__name"], m["user__email"])),
                cell(m["cohort__name"]),
                cell(case.final_score),
                cell(threshold),
                cell(outcome),
            ]
        )
    return Behind(
        columns=("Mentee", "Cohort", "Final assessment", "Threshold", "Outcome"),
        rows=out,
        counted=careers.certification_rate(cases),
        caption="Mentees whose cohort ended",
        summary=sorted(outcomes.items()),
    )


# --- Mentors ---------------------------------------------------------------------------


def _mentor_rows(ctx):
    """Per mentor of the level: active mentees, sessions delivered (day, minutes) in the
    period, kudos, credit minutes (as ``input_people._mentors``: five queries)."""
    organization, level, zone = ctx.organization, ctx.level, ctx.zone
    first, after = _bounds(organization, *period("mentor_load", ctx.day))
    pairings = Pairing.objects.for_org(organization).filter(accepted_at__lt=after)
    if level == PROGRAM:
        pairings = pairings.filter(cohort__program_id=ctx.object_id)
    elif level != ORGANISATION:
        pairings = pairings.filter(mentor__user_id=ctx.object_id)
    names, mentees = {}, defaultdict(int)
    for user_id, name, email, ended_at in pairings.values_list(
        "mentor__user_id", "mentor__user__name", "mentor__user__email", "ended_at"
    ):
        names[user_id] = person(name, email)
        if ended_at is None or ended_at >= after:
            mentees[user_id] += 1
    users = pairings.values("mentor__user_id")
    delivered = defaultdict(list)
    for user_id, starts_at, minutes in (
        Session.objects.for_org(organization)
        .filter(
            status=Session.Status.COMPLETED,
            starts_at__gte=first,
            starts_at__lt=after,
            pairing_id__in=pairings.values("pk"),
        )
        .values_list("pairing__mentor__user_id", "starts_at", "minutes")
    ):
        delivered[user_id].append((starts_at.astimezone(zone).date(), minutes))
    kudos, credits = recognition_counts(
        organization=organization, users=users, first=first, after=after
    )
    return [
        (
            user,
            names[user],
            mentees[user],
            tuple(delivered[user]),
            kudos.get(user, 0),
            credits.get(user) or 0,
        )
        for user in sorted(names)
    ]


LOAD_NOTE = (
    "Nobody states hours a week yet (the intake asks for time slots), so the load's share has "
    "no figure; mentees and sessions are counted."
)


def _mentor_behind(ctx, key):
    start, end = period(key, ctx.day)
    work, recognition, out = [], [], []
    for user, name, active, done, kudos, credit in sorted(
        _mentor_rows(ctx), key=lambda r: (r[1], r[0])
    ):
        work.append(mentors.MentorWork(active, done, None))
        recognition.append(mentors.MentorRecognition(len(done), kudos, credit))
        hours = sum(minutes for _, minutes in done) / 60
        out.append(
            [
                cell(name, mentor_url(ctx.org_slug, user)),
                cell(active),
                cell(len(done)),
                cell(float(hours)),
                cell("not stated"),
                cell(kudos),
                cell(float(credit / 60)),
            ]
        )
    if key == "mentor_load":
        load = mentors.mentor_load(work, start=start, end=end)
        note = MISSING_HOURS if load.value is None and work else load.note
        counted = IndicatorValue(
            load.value, load.numerator, load.denominator, load.n, extra=load.extra, note=note
        )
    else:
        counted = mentors.mentor_recognition(recognition)
    return Behind(
        columns=(
            "Mentor",
            "Active mentees",
            "Sessions delivered",
            "Hours delivered",
            "Hours a week stated",
            "Kudos",
            "Credit hours",
        ),
        rows=out,
        counted=counted,
        caption="Mentors with their sessions of the period",
        period=(start, end),
        notes=[LOAD_NOTE] if key == "mentor_load" else [],
    )


def mentor_load(ctx):
    return _mentor_behind(ctx, "mentor_load")


def mentor_recognition(ctx):
    return _mentor_behind(ctx, "mentor_recognition")
