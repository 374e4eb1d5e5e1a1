"""The active cohort's weekly module sessions (attendance, who presented, the peer critique),
its mentors' office hours (one booked by a mentee as a micro session), the directory's micro
sessions, and the calendar feeds of the demo mentee and their mentor."""

from datetime import datetime, time, timedelta

from matching.models import OfferingRequest
from programs.models import Participant

from ..models import Session, SessionKind
from . import texts

Status = Session.Status


def weekly_module(demo, cohort):
    """One group session a week on the cohort's slot: held ones with attendance and notes,
    the coming ones confirmed."""
    if cohort.meeting_day is None or cohort.meeting_time is None:
        return
    zone = demo.organization.zoneinfo
    template = demo.templates["cohort-weekly-module"]
    host = cohort.facilitator or demo.admin
    people = list(
        cohort.participants.filter(status__in=Participant.ENROLLED_STATUSES)
        .exclude(role=Participant.Role.FACILITATOR)
        .select_related("user")
        .order_by("role", "user__name")
    )
    mentees = [p for p in people if p.role == Participant.Role.MENTEE] or people
    day = cohort.starts_on + timedelta(days=(cohort.meeting_day - cohort.starts_on.weekday()) % 7)
    number = 0
    rng = demo.rng
    while day <= cohort.ends_on:
        number += 1
        starts_at = datetime.combine(day, cohort.meeting_time, tzinfo=zone)
        day += timedelta(days=7)
        fields = {
            "kind": SessionKind.GROUP,
            "cohort": cohort,
            "mentor": host,
            "title": f"{template.name}: week {number}",
            "starts_at": starts_at,
            "proposed_by": host,
            "confirmed_by": host,
            "confirmed_at": datetime.combine(cohort.starts_on, time(9, 0), tzinfo=zone)
            - timedelta(days=3),
        }
        if starts_at + timedelta(minutes=template.minutes) >= demo.now:
            demo.writer.add(template, status=Status.CONFIRMED, **fields)
            continue
        script = texts.WEEKLY_MODULE[(number - 1) % len(texts.WEEKLY_MODULE)]
        presenter = mentees[(number - 1) % len(mentees)].user if mentees else None
        planned = demo.writer.add(
            template,
            status=Status.COMPLETED,
            started_at=starts_at,
            completed_at=starts_at + timedelta(minutes=template.minutes + 5),
            completed_by=host,
            presenter=presenter,
            peer_critique=script["peer_critique"],
            **fields,
        )
        planned.notes = {title: text for title, text in script.items() if title[0].isupper()}
        for participant in people:
            roll = rng.random()
            status = "present" if roll < 0.8 else "late" if roll < 0.93 else "absent"
            planned.attendance.append((participant, status))


def office_hours(demo, cohort):
    """Two mentors offer slots in the coming fortnight; a mentee books the first."""
    zone = demo.organization.zoneinfo
    participants = list(
        cohort.participants.filter(status=Participant.Status.ACTIVE)
        .select_related("user")
        .order_by("pk")
    )
    mentors = [p.user for p in participants if p.role == Participant.Role.MENTOR]
    mentees = [p.user for p in participants if p.role == Participant.Role.MENTEE]
    if not mentors:
        return
    # The host: a mentor without a mentee of their own, when there is one.
    paired = set(cohort.pairings.filter(status="active").values_list("mentor__user_id", flat=True))
    hosts = sorted(mentors, key=lambda user: user.pk in paired)
    today = demo.now.astimezone(zone).date()
    location = "Studio 2, by the racks"
    plan = [(hosts[0], 2, True), (hosts[0], 9, False), (hosts[-1], 7, False)]
    booked_by = _free_mentee(cohort, mentees)
    for host, days, booked in plan:
        starts_at = datetime.combine(today + timedelta(days=days), time(12, 30), tzinfo=zone)
        slot = demo.writer.slot(
            cohort=cohort, host=host, starts_at=starts_at, minutes=20, location=location
        )
        if not booked or booked_by is None:
            continue
        template = demo.templates["micro-mentoring"]
        planned = demo.writer.add(
            template,
            kind=SessionKind.MICRO,
            cohort=cohort,
            mentor=host,
            mentee=booked_by,
            title=f"Office hours with {host.name or host.email}",
            starts_at=starts_at,
            minutes=20,
            location=location,
            status=Status.CONFIRMED,
            proposed_by=booked_by,
            confirmed_by=host,
            confirmed_at=demo.now - timedelta(hours=6),
            pre_work=texts.PRE_WORK[1],
            pre_work_at=demo.now - timedelta(hours=6),
        )
        planned.slot = slot


def _free_mentee(cohort, mentees):
    """A mentee of the cohort without an active core mentor (office hours are their help),
    else the last mentee."""
    with_mentor = set(
        cohort.pairings.filter(status="active", kind="core").values_list(
            "mentee__user_id", flat=True
        )
    )
    free = [user for user in mentees if user.pk not in with_mentor]
    return (free or mentees or [None])[-1]


def directory_sessions(demo):
    """The directory's micro sessions: an accepted request has its session (the sessions app
    makes it on acceptance; one is planned here where it is missing), and the sessions held
    for delivered requests get their notes, micro-outcome and action."""
    organization = demo.organization
    template = demo.templates["micro-mentoring"]
    requests = list(
        OfferingRequest.objects.for_org(organization)
        .filter(status=OfferingRequest.Status.ACCEPTED, session__isnull=True)
        .select_related("offering__mentor", "mentee")
        .order_by("pk")
    )
    zone = organization.zoneinfo
    for index, request in enumerate(requests[:1]):
        day = (demo.now.astimezone(zone) + timedelta(days=2 + index)).date()
        demo.writer.add(
            template,
            kind=SessionKind.MICRO,
            mentor=request.offering.mentor,
            mentee=request.mentee,
            title=request.offering.topic,
            minutes=min(max(request.offering.minutes, 15), 45),
            starts_at=datetime.combine(day, time(10, 0), tzinfo=zone),
            status=Status.PROPOSED,
            proposed_by=request.offering.mentor,
            offering_request=request,
            pre_work=request.message,
            pre_work_at=request.created_at,
        )
    return list(
        Session.objects.for_org(organization)
        .filter(
            offering_request__isnull=False,
            status=Status.COMPLETED,
            micro_outcome="",
        )
        .select_related("mentor", "mentee")
    )


def feeds(demo, cohort):
    """Calendar feeds: the cohort's first active mentee (the demo mentee) and their mentor."""
    pairing = (
        cohort.pairings.filter(status="active", kind="core")
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
        .first()
    )
    if pairing is not None:
        demo.writer.feed(pairing.mentee.user)
        demo.writer.feed(pairing.mentor.user)
