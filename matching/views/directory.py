"""Pages of the mentor directory (M7). Thin: resolve, check, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, form_submit, list_template
from mentorship.tenancy.access import member_required
from mentorship.tenancy.pagination import paginate

from ..access import access_offering_by_id, access_offering_request_by_id
from ..filters.directory import OfferingFilter, OfferingRequestFilter
from ..forms.directory import OfferingForm, OfferingRequestForm
from ..selectors import directory as selectors
from ..services import directory as services

PAGE_SIZE = 12


# --- the directory ---------------------------------------------------------------------


@member_required
def directory(request, org_slug):
    organization = request.organization
    queryset = selectors.offerings_for_directory(organization=organization, user=request.user)
    offering_filter = OfferingFilter(
        request.GET, queryset=queryset, organization=organization, user=request.user
    )
    page = paginate(request, offering_filter.qs, per_page=PAGE_SIZE)
    page.object_list = selectors.attach_levels(
        organization=organization, offerings=page.object_list
    )
    return render(
        request,
        list_template(request, "matching/directory/directory.html", "directory-results"),
        {"filter": offering_filter, "page": page},
    )


@member_required
def offering_detail(request, org_slug, offering_id):
    """An offering with its mentor's profile: strengths, credits, other offerings."""
    organization = request.organization
    offering = access_offering_by_id(membership=request.membership, offering_id=offering_id)
    own = offering.mentor_id == request.user.pk
    offering = selectors.attach_levels(organization=organization, offerings=[offering])[0]
    others = selectors.other_offerings_of(
        organization=organization, user=request.user, offering=offering
    )
    open_request = selectors.open_request_of(
        organization=organization, offering=offering, mentee=request.user
    )
    return render(
        request,
        "matching/directory/offering_detail.html",
        {
            "offering": offering,
            "own": own,
            "others": others,
            "open_request": open_request,
            "profile": selectors.mentor_profile(organization=organization, mentor=offering.mentor),
            "form": OfferingRequestForm() if not own and not open_request else None,
        },
    )


@member_required
def offering_request_create(request, org_slug, offering_id):
    """Request an offering with pre-work. GET shows the form on its own page (no JS needed)."""
    offering = access_offering_by_id(membership=request.membership, offering_id=offering_id)
    own = offering.mentor_id == request.user.pk
    form = OfferingRequestForm(request.POST or None)
    if not own:

        def message(_request):
            days = offering.respond_within_days
            return (
                f"Request sent. {offering.mentor.name or offering.mentor.email} answers within "
                f"{days} day{'' if days == 1 else 's'}."
            )

        done = form_submit(
            request,
            form,
            lambda data: services.offering_request_create(
                offering=offering, message=data["message"], by=request.user
            ),
            message=message,
            redirect_to=reverse("my_offering_requests", args=[org_slug]),
        )
        if done:
            return done
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
    offerings = selectors.attach_levels(
        organization=organization,
        offerings=selectors.offerings_of(organization=organization, mentor=request.user),
    )
    open_requests = list(
        selectors.incoming_requests(organization=organization, mentor=request.user).filter(
            status__in=selectors.OPEN_STATUSES
        )[:5]
    )
    return render(
        request,
        "matching/directory/my_offerings.html",
        {
            "offerings": offerings,
            "open_requests": open_requests,
            "open_total": sum(offering.open_count for offering in offerings),
            "credits": selectors.mentor_credit_summary(
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
    if offering is None:
        done = form_submit(
            request,
            form,
            lambda data: services.offering_create(
                organization=organization, by=request.user, **data
            ),
            message=lambda created: f"“{created.topic}” is in the directory.",
            redirect_to=reverse("my_offerings", args=[organization.slug]),
        )
    else:
        done = form_submit(
            request,
            form,
            lambda data: services.offering_update(offering=offering, by=request.user, **data),
            message=lambda saved: f"“{saved.topic}” saved.",
            redirect_to=reverse("my_offerings", args=[organization.slug]),
        )
    if done:
        return done
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
    offering = access_offering_by_id(
        membership=request.membership, offering_id=offering_id, own=True
    )
    return _offering_form_page(request, offering)


@member_required
@require_POST
def my_offering_toggle(request, org_slug, offering_id):
    offering = access_offering_by_id(
        membership=request.membership, offering_id=offering_id, own=True
    )

    def message(saved):
        if saved.active:
            return f"“{saved.topic}” is back in the directory."
        return f"“{saved.topic}” is paused: hidden from the directory."

    return action_submit(
        request,
        lambda: services.offering_set_active(
            offering=offering, active=not offering.active, by=request.user
        ),
        redirect_to=reverse("my_offerings", args=[org_slug]),
        message=message,
    )


# --- requests --------------------------------------------------------------------------


@member_required
def offering_requests_incoming(request, org_slug):
    """Requests for my offerings: accept or decline, then mark delivered."""
    queryset = selectors.incoming_requests(organization=request.organization, mentor=request.user)
    request_filter = OfferingRequestFilter(request.GET, queryset=queryset)
    page = paginate(request, request_filter.qs)
    return render(
        request,
        list_template(request, "matching/directory/incoming.html", "incoming-results"),
        {"filter": request_filter, "page": page, "now": timezone.now()},
    )


def _row_response(request, offering_request, error, done_message):
    if request.htmx:
        offering_request = selectors.incoming_requests(
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
    offering_request = access_offering_request_by_id(
        membership=request.membership, offering_request_id=offering_request_id
    )
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
    offering_request = access_offering_request_by_id(
        membership=request.membership, offering_request_id=offering_request_id
    )
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
    queryset = selectors.requests_of(organization=request.organization, mentee=request.user)
    request_filter = OfferingRequestFilter(request.GET, queryset=queryset)
    page = paginate(request, request_filter.qs)
    return render(
        request,
        list_template(request, "matching/directory/my_requests.html", "my-requests-results"),
        {"filter": request_filter, "page": page},
    )
