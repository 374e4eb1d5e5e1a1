"""Reads for group sessions: the session page's attendance panel, a cohort's group sessions
and its office hours."""

from django.db.models import Count, Q

from ..models import Attendance, OfficeHoursSlot, Session, SessionKind
from ..services.groups import group_people

CAME = [Attendance.Status.PRESENT, Attendance.Status.LATE]


def cohort_group_sessions(*, cohort):
    """The cohort's group sessions, newest first, with their attendance counts (one query,
    whatever their number)."""
    return (
        Session.objects.for_org(cohort.organization)
        .filter(cohort=cohort, kind=SessionKind.GROUP)
        .select_related("mentor", "presenter")
        .annotate(
            came=Count(
                "attendance",
                filter=Q(
                    attendance__status__in=[Attendance.Status.PRESENT, Attendance.Status.LATE]
                ),
            ),
            recorded=Count("attendance"),
        )
        .order_by("-starts_at", "pk")
    )


def cohort_office_hours(*, cohort, now):
    """The cohort's office-hours slots still to come, soonest first, with their host and
    booking (one query)."""
    return list(
        OfficeHoursSlot.objects.for_org(cohort.organization)
        .filter(cohort=cohort, starts_at__gt=now)
        .select_related("host", "session", "session__mentee")
        .order_by("starts_at", "pk")[:50]
    )


def session_group_panel(*, session, membership):
    """Context for ``sessions/groups/includes/session_panel.html`` on a group session's page
    (attendance, presenter, peer critique). Two queries, whatever the cohort's size; nothing
    for a session that is not a group session."""
    if session.kind != SessionKind.GROUP or session.cohort_id is None:
        return {}
    people = group_people(session=session)
    marks = dict(
        Attendance.objects.for_org(session.organization)
        .filter(session=session)
        .values_list("participant_id", "status")
    )
    rows = [{"participant": person, "status": marks.get(person.pk, "")} for person in people]
    presenter = next((p.user for p in people if p.user_id == session.presenter_id), None)
    viewer = session.viewer
    return {
        "group_rows": rows,
        "group_statuses": Attendance.Status.choices,
        "group_presenter": presenter,
        "group_can_run": viewer.can_log
        and session.status not in (Session.Status.CANCELLED, Session.Status.NO_SHOW),
        "group_sees_critique": viewer.sees_notes,
        "group_counts": {
            status: sum(1 for row in rows if row["status"] == status)
            for status, _ in Attendance.Status.choices
        },
    }
