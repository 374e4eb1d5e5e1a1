"""Pages of the groups area (S6): a cohort's group sessions and office hours, generating the
weekly sessions, booking office hours, and the session page's attendance and peer critique."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, error_text, form_status, form_submit, list_template
from mentorship.tenancy.access import member_required
from mentorship.tenancy.pagination import paginate

from ..access import (
    access_cohort_group_sessions_by_id,
    access_office_hours_slot_by_id,
    access_session_to_log_by_id,
)
from ..filters.groups import GroupSessionFilter
from ..forms.groups import OfficeHoursForm
from ..selectors import groups as selectors
from ..selectors.people import zone_of
from ..services import groups as services


def _page(request, cohort, offer_form=None):
    zone = zone_of(organization=request.organization, user=request.user)
    group_filter = GroupSessionFilter(
        request.GET, queryset=selectors.cohort_group_sessions(cohort=cohort)
    )
    page = paginate(request, group_filter.qs)
    viewer = cohort.group_viewer
    if offer_form is None and viewer.hosts:
        offer_form = OfficeHoursForm(zone=zone)
    context = {
        "cohort": cohort,
        "viewer": viewer,
        "filter": group_filter,
        "page": page,
        "zone": zone,
        "slots": selectors.cohort_office_hours(cohort=cohort, now=timezone.now()),
        "offer_form": offer_form,
        "has_slot": cohort.meeting_day is not None and cohort.meeting_time is not None,
    }
    template = list_template(request, "sessions/groups/cohort_sessions.html", "group-results")
    return render(request, template, context, status=form_status(offer_form) if offer_form else 200)


@member_required
def cohort_group_sessions(request, org_slug, cohort_id):
    """The cohort's group sessions (upcoming or past), its office hours; who runs the cohort
    generates the weekly sessions, its mentors offer office hours, its mentees book them."""
    cohort = access_cohort_group_sessions_by_id(membership=request.membership, cohort_id=cohort_id)
    return _page(request, cohort)


@member_required
@require_POST
def group_sessions_generate(request, org_slug, cohort_id):
    cohort = access_cohort_group_sessions_by_id(membership=request.membership, cohort_id=cohort_id)

    def words(created):
        if not created:
            return "Every week already has its session: nothing was added."
        return f"{len(created)} weekly session{'s' if len(created) != 1 else ''} added."

    return action_submit(
        request,
        lambda: services.group_sessions_generate(cohort=cohort, by=request.user),
        redirect_to=reverse("cohort_group_sessions", args=[org_slug, cohort.pk]),
        message=words,
    )


@member_required
@require_POST
def office_hours_offer(request, org_slug, cohort_id):
    cohort = access_cohort_group_sessions_by_id(membership=request.membership, cohort_id=cohort_id)
    zone = zone_of(organization=request.organization, user=request.user)
    form = OfficeHoursForm(request.POST, zone=zone)
    done = form_submit(
        request,
        form,
        lambda data: services.office_hours_offer(
            cohort=cohort, by=request.user, **form.service_kwargs()
        ),
        message="Your office-hours slot is offered to the cohort's mentees.",
        redirect_to=reverse("cohort_group_sessions", args=[org_slug, cohort.pk]) + "#office-hours",
    )
    return done or _page(request, cohort, offer_form=form)


@member_required
@require_POST
def office_hours_book(request, org_slug, officehoursslot_id):
    slot = access_office_hours_slot_by_id(
        membership=request.membership, officehoursslot_id=officehoursslot_id
    )
    return action_submit(
        request,
        lambda: services.office_hours_book(slot=slot, by=request.user),
        redirect_to=reverse("cohort_group_sessions", args=[org_slug, slot.cohort_id])
        + "#office-hours",
        message="Booked: the session is in My sessions.",
    )


def _back(org_slug, session):
    return reverse("session_detail", args=[org_slug, session.pk]) + "#group"


@member_required
@require_POST
def session_attendance(request, org_slug, session_id):
    """Attendance of a group session: ``status_<participant id>`` = present, late or absent."""
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    statuses = {}
    for key, value in request.POST.items():
        if key.startswith("status_") and value:
            try:
                statuses[int(key.removeprefix("status_"))] = value
            except ValueError:
                continue
    try:
        written = services.attendance_record(session=session, statuses=statuses, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, f"Attendance saved ({len(written)} change{'s' if len(written) != 1 else ''})."
        )
    return redirect(_back(org_slug, session))


@member_required
@require_POST
def session_group_critique(request, org_slug, session_id):
    """Who presented and the peer critique of a group session."""
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    presenter = None
    raw = request.POST.get("presenter", "")
    if raw:
        # Only a person of the cohort is accepted (the service checks); another id is refused.
        people = get_user_model().objects.members_of(request.organization)
        presenter = people.filter(pk=raw).first() if raw.isdigit() else None
        if presenter is None:
            messages.error(request, "Choose one of the cohort's participants.")
            return redirect(_back(org_slug, session))
    return action_submit(
        request,
        lambda: services.group_critique_save(
            session=session,
            presenter=presenter,
            peer_critique=request.POST.get("peer_critique", ""),
            by=request.user,
        ),
        redirect_to=_back(org_slug, session),
        message="Saved.",
    )
