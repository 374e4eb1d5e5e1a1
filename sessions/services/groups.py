"""Group sessions (S6) and micro sessions that are not proposed by a pair (M7).

* A cohort's facilitator (or an admin) generates the cohort's weekly module sessions from its
  weekly slot (``Cohort.meeting_day`` / ``meeting_time``, in the organisation's zone) between
  its dates. Idempotent: a week (Monday to Sunday, the organisation's) that already holds a
  group session of the cohort (any status: a cancelled week stays cancelled) is skipped, and
  weeks already begun are not generated (a past meeting is logged after the fact).
* Attendance (present, late, absent) per participant, who presented, the peer critique.
* Office hours: a mentor or facilitator of the cohort offers a slot; a mentee of the cohort
  books it as a micro session from the micro-mentoring template, within the program's weekly
  micro-touch cap and without an overlap (the scheduling area's ``check_cap`` and
  ``check_overlap``).
* An accepted directory request becomes a micro session with its pre-work (the request's
  message): :func:`directory_session_create`, called by the receiver of
  ``matching.services.directory.offering_request_accepted``.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.tenancy.access import has_role
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import Membership, Role, register_audit_actions
from programs.models import Cohort, Participant

from ..models import Attendance, OfficeHoursSlot, Session, SessionKind, SessionTemplate
from ..selectors.people import zone_of
from .blocks import copy_template_blocks
from .scheduling import check_cap, check_overlap

register_audit_actions(
    {
        "sessions.group_sessions_generated": "generated the cohort's weekly group sessions",
    }
)

GROUP_TEMPLATE_KEY = "cohort-weekly-module"
MICRO_TEMPLATE_KEY = "micro-mentoring"
OFFICE_HOURS_MINUTES = (15, 45)


# --- who runs what --------------------------------------------------------------------------


def _is_admin(organization, user):
    membership = Membership.objects.for_org(organization).filter(user=user).first()
    return membership is not None and has_role(membership, Role.ADMIN)


def _roles_in(cohort, user):
    return set(
        cohort.participants.filter(
            user_id=user.pk, status__in=Participant.ENROLLED_STATUSES
        ).values_list("role", flat=True)
    )


def runs_cohort(*, cohort, user):
    """True when ``user`` runs ``cohort``'s group sessions: its facilitator (named, or taking
    part as one) or an admin of the organisation."""
    if cohort.facilitator_id == user.pk or Participant.Role.FACILITATOR in _roles_in(cohort, user):
        return True
    return _is_admin(cohort.organization, user)


def _builtin(organization, key):
    template = SessionTemplate.objects.for_org(organization).filter(key=key).first()
    if template is None:  # every organisation has the library (receiver + migration)
        raise ValidationError(f"The built-in template {key!r} is missing.")
    return template


def _group_template(cohort):
    """The program's group template when it uses one, else the built-in weekly module."""
    chosen = (
        SessionTemplate.objects.for_org(cohort.organization)
        .filter(
            kind=SessionKind.GROUP,
            archived_at__isnull=True,
            programs=cohort.program,
        )
        .order_by("pk")
        .first()
    )
    return chosen or _builtin(cohort.organization, GROUP_TEMPLATE_KEY)


# --- weekly group sessions ---------------------------------------------------------------


def weekly_slots(*, cohort, zone):
    """The aware start of every weekly meeting of ``cohort`` between its dates: its
    ``meeting_day`` at its ``meeting_time`` in ``zone``."""
    first = cohort.starts_on + timedelta(days=(cohort.meeting_day - cohort.starts_on.weekday()) % 7)
    day = first
    while day <= cohort.ends_on:
        yield datetime.combine(day, cohort.meeting_time, tzinfo=zone)
        day += timedelta(days=7)


def _week_start(moment, zone):
    local = moment.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


@transaction.atomic
def group_sessions_generate(*, cohort, by, now=None):
    """Create ``cohort``'s weekly module sessions from its weekly slot; returns the sessions
    created now (none on a second run)."""
    now = now or timezone.now()
    cohort = (
        Cohort.objects.for_org(cohort.organization)
        .select_for_update(of=("self",))
        .select_related("program", "organization")
        .get(pk=cohort.pk)
    )
    organization = cohort.organization
    if not runs_cohort(cohort=cohort, user=by):
        raise ValidationError("Only the cohort's facilitator or an admin runs its group sessions.")
    if cohort.status == Cohort.Status.COMPLETED:
        raise ValidationError("This cohort is completed: it has no more weeks to plan.")
    if cohort.meeting_day is None or cohort.meeting_time is None:
        raise ValidationError(
            "Set the cohort's weekly slot (the meeting day and time) on its edit page first."
        )
    zone = organization.zoneinfo
    template = _group_template(cohort)
    taken = {
        _week_start(starts_at, zone)
        for starts_at in Session.objects.for_org(organization)
        .filter(cohort=cohort, kind=SessionKind.GROUP)
        .values_list("starts_at", flat=True)
    }
    host = cohort.facilitator or by
    created = []
    for number, starts_at in enumerate(weekly_slots(cohort=cohort, zone=zone), 1):
        week = _week_start(starts_at, zone)
        if week in taken or starts_at <= now:
            continue
        session = Session(
            organization=organization,
            kind=SessionKind.GROUP,
            cohort=cohort,
            mentor=host,
            template=template,
            template_name=template.name,
            title=f"{template.name}: week {number}",
            starts_at=starts_at,
            minutes=template.minutes,
            status=Session.Status.CONFIRMED,
            proposed_by=by,
            confirmed_at=now,
            confirmed_by=by,
        )
        session.full_clean()
        session.save()
        copy_template_blocks(session=session, template=template, minutes=session.minutes)
        taken.add(week)
        created.append(session)
    if created:
        audit_record(
            organization=organization,
            actor=by,
            action="sessions.group_sessions_generated",
            target=cohort,
            data={"sessions": len(created), "template": template.name},
        )
    return created


# --- attendance, presenter, peer critique -------------------------------------------------


def _check_runs_group(session, by):
    if session.kind != SessionKind.GROUP:
        raise ValidationError("Attendance and peer critique belong to group sessions.")
    if session.status in (Session.Status.CANCELLED, Session.Status.NO_SHOW):
        raise ValidationError("This session did not take place.")
    if not (session.mentor_id == by.pk or runs_cohort(cohort=session.cohort, user=by)):
        raise ValidationError("Only who runs the session records it.")


def group_people(*, session):
    """The participants a group session takes attendance of: its cohort's enrolled mentors
    and mentees (facilitators run it), one query."""
    return list(
        session.cohort.participants.filter(status__in=Participant.ENROLLED_STATUSES)
        .exclude(role=Participant.Role.FACILITATOR)
        .select_related("user")
        .order_by("role", "user__name", "user__email")
    )


@transaction.atomic
def attendance_record(*, session, statuses, by):
    """Record ``statuses`` ({participant_id: "present" | "late" | "absent"}) for ``session``;
    a participant left out keeps what was recorded. Returns the rows written."""
    _check_runs_group(session, by)
    people = {p.pk: p for p in group_people(session=session)}
    unknown = [pk for pk in statuses if pk not in people]
    if unknown:
        raise ValidationError("Take attendance of the cohort's own participants only.")
    bad = [status for status in statuses.values() if status not in Attendance.Status.values]
    if bad:
        raise ValidationError("Mark each person present, late or absent.")
    existing = {
        row.participant_id: row
        for row in Attendance.objects.for_org(session.organization).filter(session=session)
    }
    written = []
    for participant_id, status in statuses.items():
        row = existing.get(participant_id)
        if row is None:
            row = Attendance(
                organization=session.organization,
                session=session,
                participant=people[participant_id],
            )
        elif row.status == status:
            continue
        row.status = status
        row.recorded_by = by
        row.full_clean()
        row.save()
        written.append(row)
    return written


@transaction.atomic
def group_critique_save(*, session, presenter, peer_critique, by):
    """Who presented (a participant of the cohort, or nobody) and the peer critique given."""
    _check_runs_group(session, by)
    if presenter is not None and presenter.pk not in {
        p.user_id for p in group_people(session=session)
    }:
        raise ValidationError({"presenter": "Choose one of the cohort's participants."})
    session.presenter = presenter
    session.peer_critique = (peer_critique or "").strip()
    session.save(update_fields=["presenter", "peer_critique", "updated_at"])
    return session


# --- the weekly cap, office hours and directory sessions ---------------------------------


def _micro_session(*, organization, mentor, mentee, starts_at, minutes, status, by, **fields):
    template = _builtin(organization, MICRO_TEMPLATE_KEY)
    low, high = template.length_range()
    minutes = min(max(minutes or template.minutes, low), high)
    session = Session(
        organization=organization,
        kind=SessionKind.MICRO,
        mentor=mentor,
        mentee=mentee,
        template=template,
        template_name=template.name,
        starts_at=starts_at,
        minutes=minutes,
        status=status,
        proposed_by=by,
        **fields,
    )
    session.full_clean()
    session.save()
    copy_template_blocks(session=session, template=template, minutes=minutes)
    return session


@transaction.atomic
def office_hours_offer(*, cohort, starts_at, minutes=20, location="", by, now=None):
    """``by`` (a mentor or the facilitator of ``cohort``, or an admin) offers a slot."""
    now = now or timezone.now()
    roles = _roles_in(cohort, by)
    if not (
        Participant.Role.MENTOR in roles
        or cohort.facilitator_id == by.pk
        or Participant.Role.FACILITATOR in roles
        or _is_admin(cohort.organization, by)
    ):
        raise ValidationError("Office hours are offered by the cohort's mentors and facilitator.")
    if cohort.status == Cohort.Status.COMPLETED:
        raise ValidationError("This cohort is completed.")
    errors = {}
    if starts_at is None or starts_at <= now:
        errors["starts_at"] = "Choose a time in the future."
    low, high = OFFICE_HOURS_MINUTES
    if minutes is None or not low <= minutes <= high:
        errors["minutes"] = f"An office-hours slot lasts {low} to {high} minutes."
    if errors:
        raise ValidationError(errors)
    slot = OfficeHoursSlot(
        organization=cohort.organization,
        cohort=cohort,
        host=by,
        starts_at=starts_at,
        minutes=minutes,
        location=(location or "").strip(),
    )
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def office_hours_book(*, slot, by, now=None):
    """A mentee of the slot's cohort books it: a confirmed micro session with its host."""
    now = now or timezone.now()
    slot = (
        OfficeHoursSlot.objects.for_org(slot.organization)
        .select_for_update(of=("self",))
        .select_related("cohort", "cohort__program", "host")
        .get(pk=slot.pk)
    )
    if slot.session_id is not None:
        raise ValidationError("This slot is already booked: choose another.")
    if slot.starts_at <= now:
        raise ValidationError("This slot has passed.")
    if Participant.Role.MENTEE not in _roles_in(slot.cohort, by):
        raise ValidationError("Office hours are booked by the cohort's mentees.")
    if slot.host_id == by.pk:
        raise ValidationError("This is your own slot.")
    # The scheduling area's rules, written once there: the weekly micro-touch cap (micro
    # sessions count; the week is the mentee's, in their zone) and no overlap with either
    # person's other live sessions.
    zone = zone_of(organization=slot.organization, user=by)
    check_cap(
        organization=slot.organization,
        program=slot.cohort.program,
        mentee=by,
        kind=SessionKind.MICRO,
        starts_at=slot.starts_at,
        zone=zone,
    )
    check_overlap(
        organization=slot.organization,
        people=[by, slot.host],
        starts_at=slot.starts_at,
        minutes=slot.minutes,
        by=by,
        zone=zone,
    )
    session = _micro_session(
        organization=slot.organization,
        mentor=slot.host,
        mentee=by,
        starts_at=slot.starts_at,
        minutes=slot.minutes,
        status=Session.Status.CONFIRMED,
        by=by,
        cohort=slot.cohort,
        title=f"Office hours with {slot.host.name or slot.host.email}",
        location=slot.location,
        confirmed_at=now,
        confirmed_by=slot.host,
    )
    slot.session = session
    slot.save(update_fields=["session"])
    return session


def directory_default_start(*, organization, mentor, now):
    """When an accepted request's session is first proposed: the next weekday at least a
    day ahead, 10:00 in the mentor's zone. The mentee confirms it or proposes another time."""
    zone = zone_of(organization=organization, user=mentor)
    day = (now.astimezone(zone) + timedelta(days=1)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=zone)


@transaction.atomic
def directory_session_create(*, request, by, now=None):
    """The micro session of an accepted directory request: the micro-mentoring template at the
    offering's length, the request's message as its pre-work, proposed by the mentor (who
    accepted) for :func:`directory_default_start`. Once per request."""
    now = now or timezone.now()
    existing = Session.objects.for_org(request.organization).filter(offering_request=request)
    if existing.exists():
        return existing.first()
    offering = request.offering
    return _micro_session(
        organization=request.organization,
        mentor=offering.mentor,
        mentee=request.mentee,
        starts_at=directory_default_start(
            organization=request.organization, mentor=offering.mentor, now=now
        ),
        minutes=offering.minutes,
        status=Session.Status.PROPOSED,
        by=by,
        title=offering.topic,
        offering_request=request,
        pre_work=request.message,
        pre_work_at=request.created_at or now,
    )
