"""Scheduling pages (S2, S3): My sessions, a pairing's sessions, proposing a session, the
session page's scheduling actions (POST), the personal calendar feed and its page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from matching.access import access_pairing_by_id
from mentorship.core.urls import absolute_url
from mentorship.core.views import error_text, form_status, form_submit, list_template
from mentorship.tenancy.access import member_required
from mentorship.tenancy.models import Membership
from mentorship.tenancy.pagination import paginate

from .. import calendar as ical
from ..access import access_session_by_id
from ..filters.scheduling import SECTIONS, MySessionFilter, SessionStatusFilter
from ..forms.scheduling import (
    CancelForm,
    CounterProposeForm,
    NoShowForm,
    PreWorkForm,
    RescheduleForm,
    SessionProposeForm,
)
from ..selectors import scheduling as selectors
from ..services import scheduling as services

# --- My sessions -------------------------------------------------------------------------------


@member_required
def my_sessions(request, org_slug):
    organization, user = request.organization, request.user
    session_filter = MySessionFilter(
        request.GET,
        queryset=selectors.my_sessions(organization=organization, user=user),
        organization=organization,
        user=user,
    )
    page = selectors.page_rows(paginate(request, session_filter.qs), organization)
    section = session_filter.form.data.get("section", "upcoming")
    template = list_template(request, "sessions/scheduling/my_sessions.html", "session-results")
    return render(
        request,
        template,
        {
            "filter": session_filter,
            "page": page,
            "section": section,
            "sections": SECTIONS,
            "counts": selectors.my_section_counts(organization=organization, user=user),
            "zone": selectors.viewer_zone(organization=organization, user=user),
            "now": timezone.now(),
        },
    )


# --- a pairing's sessions ----------------------------------------------------------------------


def _pairing_for(membership, pairing_id):
    """(pairing, in_pair): the pair sees its sessions; leaders and admins their metadata."""
    try:
        return access_pairing_by_id(
            membership=membership, pairing_id=pairing_id, side="either"
        ), True
    except Http404:
        return access_pairing_by_id(membership=membership, pairing_id=pairing_id), False


@member_required
def pairing_sessions(request, org_slug, pairing_id):
    pairing, in_pair = _pairing_for(request.membership, pairing_id)
    session_filter = SessionStatusFilter(
        request.GET,
        queryset=selectors.pairing_sessions(organization=request.organization, pairing=pairing),
    )
    page = selectors.page_rows(paginate(request, session_filter.qs), request.organization)
    context = {
        "pairing": pairing,
        "in_pair": in_pair,
        "metadata_only": not in_pair,
        "filter": session_filter,
        "page": page,
        "zone": None,
        "can_propose": in_pair and pairing.status == pairing.Status.ACTIVE,
        "next_session": None,
    }
    if not (request.htmx and request.htmx.target == "pairing-session-results"):
        upcoming_id = selectors.pairing_next_session_id(
            organization=request.organization, pairing=pairing
        )
        if upcoming_id is not None and in_pair:
            upcoming = access_session_by_id(membership=request.membership, session_id=upcoming_id)
            upcoming.organization = request.organization  # the same row: no query for links
            upcoming.page_url = selectors.session_page_url(upcoming)
            context["next_session"] = upcoming
            context.update(
                selectors.session_schedule_panel(session=upcoming, membership=request.membership)
            )
    # The viewer's zone: the panel's when it is shown (read once), else its own read.
    context["zone"] = (
        context["schedule"]["zone"]
        if "schedule" in context
        else selectors.viewer_zone(organization=request.organization, user=request.user)
    )
    template = list_template(
        request, "sessions/scheduling/pairing_sessions.html", "pairing-session-results"
    )
    return render(request, template, context)


@member_required
def session_propose(request, org_slug, pairing_id):
    """Either side of an active pairing proposes a session."""
    pairing = access_pairing_by_id(
        membership=request.membership, pairing_id=pairing_id, side="either"
    )
    zone = selectors.viewer_zone(organization=request.organization, user=request.user)
    form = SessionProposeForm(
        request.POST or None, pairing=pairing, organization=request.organization, zone=zone
    )
    partner = (
        pairing.mentee.user if pairing.mentor.user_id == request.user.pk else pairing.mentor.user
    )
    done = form_submit(
        request,
        form,
        lambda data: services.session_propose(
            pairing=pairing, by=request.user, **form.service_kwargs()
        ),
        message=lambda session: f"{session.title} is proposed: {partner} confirms it.",
        redirect_to=lambda session: reverse("pairing_sessions", args=[org_slug, pairing.pk]),
    )
    if done:
        return done
    return render(
        request,
        "sessions/scheduling/session_propose.html",
        {
            "pairing": pairing,
            "partner": partner,
            "form": form,
            "zone": zone,
            "ended": pairing.status != pairing.Status.ACTIVE,
        },
        status=form_status(form),
    )


# --- the session page's scheduling actions (POST) -----------------------------------------------


def _act(request, session, act, message):
    try:
        act()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, message)
    return redirect(selectors.session_page_url(session))


def _refused(request, session, form):
    errors = [e for field_errors in form.errors.values() for e in field_errors]
    messages.error(request, " ".join(errors))
    return redirect(selectors.session_page_url(session))


def _session(request, session_id):
    return access_session_by_id(membership=request.membership, session_id=session_id)


@member_required
@require_POST
def session_confirm(request, org_slug, session_id):
    session = _session(request, session_id)
    return _act(
        request,
        session,
        lambda: services.session_confirm(session=session, by=request.user),
        "Confirmed: you both get the calendar invitation by e-mail.",
    )


@member_required
@require_POST
def session_counter_propose(request, org_slug, session_id):
    session = _session(request, session_id)
    zone = selectors.viewer_zone(organization=request.organization, user=request.user)
    form = CounterProposeForm(request.POST, zone=zone, prefix="counter")
    if not form.is_valid():
        return _refused(request, session, form)
    return _act(
        request,
        session,
        lambda: services.session_counter_propose(
            session=session, starts_at=form.cleaned_data["starts_at"], by=request.user
        ),
        "Another time is proposed: your partner confirms it.",
    )


@member_required
@require_POST
def session_reschedule(request, org_slug, session_id):
    session = _session(request, session_id)
    zone = selectors.viewer_zone(organization=request.organization, user=request.user)
    form = RescheduleForm(request.POST, zone=zone, prefix="move")
    if not form.is_valid():
        return _refused(request, session, form)
    return _act(
        request,
        session,
        lambda: services.session_reschedule(
            session=session,
            starts_at=form.cleaned_data["starts_at"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        ),
        "The session is moved: your partner confirms the new time.",
    )


@member_required
@require_POST
def session_cancel(request, org_slug, session_id):
    session = _session(request, session_id)
    form = CancelForm(request.POST, prefix="cancel")
    if not form.is_valid():
        return _refused(request, session, form)
    return _act(
        request,
        session,
        lambda: services.session_cancel(
            session=session, reason=form.cleaned_data["reason"], by=request.user
        ),
        "The session is cancelled; your partner is told.",
    )


@member_required
@require_POST
def session_no_show(request, org_slug, session_id):
    session = _session(request, session_id)
    form = NoShowForm(request.POST, session=session, prefix="noshow")
    if not form.is_valid():
        return _refused(request, session, form)
    return _act(
        request,
        session,
        lambda: services.session_no_show(
            session=session, absent=form.absent_user(), by=request.user
        ),
        "Marked as a no-show.",
    )


@member_required
@require_POST
def session_pre_work(request, org_slug, session_id):
    session = _session(request, session_id)
    form = PreWorkForm(request.POST, prefix="prework")
    if not form.is_valid():
        return _refused(request, session, form)
    return _act(
        request,
        session,
        lambda: services.pre_work_save(
            session=session, text=form.cleaned_data["pre_work"], by=request.user
        ),
        "Your pre-work is saved: your mentor sees it on the session page.",
    )


# --- the personal calendar feed -----------------------------------------------------------------


def feed_urls(feed, request):
    https = absolute_url("calendar_feed_ics", request=request, calendarfeed_slug=feed.slug)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[-1]}


@member_required
def my_calendar_feed(request, org_slug):
    """The person's feed of this organisation: create it, see its address, revoke it (a new
    secret; the old address answers 404)."""
    organization, user = request.organization, request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            services.calendar_feed_create(organization=organization, user=user)
            messages.success(request, "Your calendar feed is ready: add its address.")
        elif action == "revoke":
            services.calendar_feed_revoke(organization=organization, user=user)
            messages.success(request, "The old address no longer works. Here is the new one.")
        return redirect("my_calendar_feed", org_slug)
    feed = selectors.own_calendar_feed(organization=organization, user=user)
    return render(
        request,
        "sessions/scheduling/my_calendar_feed.html",
        {"feed": feed, "urls": feed_urls(feed, request) if feed is not None else None},
    )


@require_safe
def calendar_feed_ics(request, calendarfeed_slug):
    """The feed itself, for calendar applications: no sign-in (the URL names no
    organisation, so the organisation middleware lets it through); the secret finds the
    feed; a revoked secret, or an owner who has left the organisation, answers 404."""
    feed = selectors.live_feed_by_secret(calendarfeed_slug)
    if feed is None or not (
        Membership.objects.for_org(feed.organization).filter(user=feed.user).exists()
    ):
        raise Http404
    zone = selectors.viewer_zone(organization=feed.organization, user=feed.user)
    calendar = ical.feed(
        selectors.feed_sessions(feed=feed),
        zone=zone,
        name=f"Mentoring sessions, {feed.organization.name}",
        owner=feed.user,
    )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
