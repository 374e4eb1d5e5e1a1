"""Pages of the mentor directory (M7). Thin: resolve, check, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.core.views import add_errors
from mentorship.tenancy.access import get_for_org_or_404, member_required
from mentorship.tenancy.pagination import paginate

from ..filters.directory import OfferingFilter, OfferingRequestFilter
from ..forms.directory import OfferingForm, OfferingRequestForm
from ..models import Offering, OfferingRequest
from ..services import directory as services

PAGE_SIZE = 12


def _partial(request, template, target):
    if request.htmx and request.htmx.target == target:
        return f"{template}#results"
    return template


def _own_offering_or_404(request, offering_id):
    """One of the signed-in person's offerings, or 404 (someone else's is not found)."""
    offering = get_for_org_or_404(
        Offering.objects.prefetch_related("competencies"), request.organization, pk=offering_id
    )
    if offering.mentor_id != request.user.pk:
        raise Http404
    return offering


def _incoming_or_404(request, offering_request_id):
    """A request for one of the signed-in person's offerings, or 404."""
    offering_request = get_for_org_or_404(
        OfferingRequest.objects.select_related("offering", "mentee"),
        request.organization,
        pk=offering_request_id,
    )
    if offering_request.offering.mentor_id != request.user.pk:
        raise Http404
    return offering_request


# --- the directory ---------------------------------------------------------------------


@member_required
def directory(request, org_slug):
    organization = request.organization
    queryset = services.offerings_for_directory(organization=organization, user=request.user)
    offering_filter = OfferingFilter(
        request.GET, queryset=queryset, organization=organization, user=request.user
    )
    page = paginate(request, offering_filter.qs, per_page=PAGE_SIZE)
    page.object_list = services.attach_levels(organization=organization, offerings=page.object_list)
    return render(
        request,
        _partial(request, "matching/directory/directory.html", "directory-results"),
        {"filter": offering_filter, "page": page},
    )


@member_required
def offering_detail(request, org_slug, offering_id):
    """An offering with its mentor's profile: strengths, credits, other offerings."""
    organization = request.organization
    offering = get_for_org_or_404(
        Offering.objects.select_related("mentor").prefetch_related("competencies"),
        organization,
        pk=offering_id,
    )
    own = offering.mentor_id == request.user.pk
    if not offering.active and not own:
        raise Http404
    offering = services.attach_levels(organization=organization, offerings=[offering])[0]
    others = services.attach_levels(
        organization=organization,
        offerings=services.offerings_for_directory(organization=organization, user=request.user)
        .filter(mentor=offering.mentor)
        .exclude(pk=offering.pk),
    )
    open_request = (
        OfferingRequest.objects.for_org(organization)
        .filter(offering=offering, mentee=request.user, status__in=services.OPEN_STATUSES)
        .first()
    )
    return render(
        request,
        "matching/directory/offering_detail.html",
        {
            "offering": offering,
            "own": own,
            "others": others,
            "open_request": open_request,
            "profile": services.mentor_profile(organization=organization, mentor=offering.mentor),
            "form": OfferingRequestForm() if not own and not open_request else None,
        },
    )


@member_required
def offering_request_create(request, org_slug, offering_id):
    """Request an offering with pre-work. GET shows the form on its own page (no JS needed)."""
    organization = request.organization
    offering = get_for_org_or_404(
        Offering.objects.select_related("mentor"), organization, pk=offering_id
    )
    own = offering.mentor_id == request.user.pk
    if not offering.active and not own:
        raise Http404
    form = OfferingRequestForm(request.POST or None)
    if request.method == "POST" and not own and form.is_valid():
        try:
            services.offering_request_create(
                offering=offering, message=form.cleaned_data["message"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            days = offering.respond_within_days
            messages.success(
                request,
                f"Request sent. {offering.mentor.name or offering.mentor.email} answers within "
                f"{days} day{'' if days == 1 else 's'}.",
            )
            return redirect("my_offering_requests", org_slug=org_slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "matching/directory/request_form.html",
        {"offering": offering, "form": form, "own": own},
        status=status,
    )


# --- my offerings ----------------------------------------------------------------------


@member_required
def my_offerings(request, org_slug):
    organization = request.organization
    offerings = services.attach_levels(
        organization=organization,
        offerings=services.offerings_of(organization=organization, mentor=request.user),
    )
    open_requests = list(
        services.incoming_requests(organization=organization, mentor=request.user).filter(
            status__in=services.OPEN_STATUSES
        )[:5]
    )
    return render(
        request,
        "matching/directory/my_offerings.html",
        {
            "offerings": offerings,
            "open_requests": open_requests,
            "open_total": sum(offering.open_count for offering in offerings),
            "credits": services.mentor_credit_summary(
                organization=organization, mentor=request.user
            ),
        },
    )


def _offering_form_page(request, offering=None):
    organization = request.organization
    initial = None
    if offering is not None:
        initial = {
            "topic": offering.topic,
            "description": offering.description,
            "competencies": list(offering.competencies.all()),
            "minutes": offering.minutes,
            "respond_within_days": offering.respond_within_days,
        }
    form = OfferingForm(request.POST or None, initial=initial, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if offering is None:
                offering = services.offering_create(
                    organization=organization, by=request.user, **data
                )
                messages.success(request, f"“{offering.topic}” is in the directory.")
            else:
                services.offering_update(offering=offering, by=request.user, **data)
                messages.success(request, f"“{offering.topic}” saved.")
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("my_offerings", org_slug=organization.slug)
    return render(
        request,
        "matching/directory/offering_form.html",
        {"form": form, "offering": offering},
        status=400 if request.method == "POST" else 200,
    )


@member_required
def my_offering_create(request, org_slug):
    return _offering_form_page(request)


@member_required
def my_offering_edit(request, org_slug, offering_id):
    return _offering_form_page(request, _own_offering_or_404(request, offering_id))


@member_required
@require_POST
def my_offering_toggle(request, org_slug, offering_id):
    offering = _own_offering_or_404(request, offering_id)
    services.offering_set_active(offering=offering, active=not offering.active, by=request.user)
    if offering.active:
        messages.success(request, f"“{offering.topic}” is back in the directory.")
    else:
        messages.success(request, f"“{offering.topic}” is paused: hidden from the directory.")
    return redirect("my_offerings", org_slug=org_slug)


# --- requests --------------------------------------------------------------------------


@member_required
def offering_requests_incoming(request, org_slug):
    """Requests for my offerings: accept or decline, then mark delivered."""
    queryset = services.incoming_requests(organization=request.organization, mentor=request.user)
    request_filter = OfferingRequestFilter(request.GET, queryset=queryset)
    page = paginate(request, request_filter.qs)
    return render(
        request,
        _partial(request, "matching/directory/incoming.html", "incoming-results"),
        {"filter": request_filter, "page": page, "now": timezone.now()},
    )


def _row_response(request, offering_request, error, done_message):
    if request.htmx:
        offering_request = services.incoming_requests(
            organization=request.organization, mentor=request.user
        ).get(pk=offering_request.pk)
        return render(
            request,
            "matching/directory/incoming.html#request-row",
            {
                "item": offering_request,
                "row_error": error,
                "row_saved": error is None,
                "now": timezone.now(),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done_message)
    return redirect("offering_requests_incoming", org_slug=request.organization.slug)


@member_required
@require_POST
def offering_request_answer(request, org_slug, offering_request_id):
    offering_request = _incoming_or_404(request, offering_request_id)
    decision = request.POST.get("decision")
    error = None
    if decision not in {"accept", "decline"}:
        error = "Choose accept or decline."
    else:
        try:
            services.offering_request_answer(
                request=offering_request, accept=decision == "accept", by=request.user
            )
        except ValidationError as exc:
            error = exc.messages[0]
    who = offering_request.mentee.name or offering_request.mentee.email
    word = "accepted" if decision == "accept" else "declined"
    return _row_response(request, offering_request, error, f"You {word} {who}'s request.")


@member_required
@require_POST
def offering_request_deliver(request, org_slug, offering_request_id):
    offering_request = _incoming_or_404(request, offering_request_id)
    error = None
    try:
        credit = services.offering_request_deliver(request=offering_request, by=request.user)
    except ValidationError as exc:
        error = exc.messages[0]
        done = ""
    else:
        done = f"Delivered: {credit.minutes} minutes added to your time bank."
    return _row_response(request, offering_request, error, done)


@member_required
def my_offering_requests(request, org_slug):
    queryset = services.requests_of(organization=request.organization, mentee=request.user)
    request_filter = OfferingRequestFilter(request.GET, queryset=queryset)
    page = paginate(request, request_filter.qs)
    return render(
        request,
        _partial(request, "matching/directory/my_requests.html", "my-requests-results"),
        {"filter": request_filter, "page": page},
    )
