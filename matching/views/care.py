"""Pages of the matching care area: the admin's calibration page and re-pairing, cohort
circles, topic mentors, and each pair's own pages (fit question, rematch, report)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.core.views import add_errors
from mentorship.tenancy.access import (
    admin_required,
    get_for_org_or_404,
    leader_required,
    member_required,
)
from mentorship.tenancy.pagination import paginate
from programs.access import access_cohort
from programs.models import Participant

from ..forms.care import (
    CalibrationAnswerForm,
    CalibrationFilter,
    RematchRequestForm,
    TopicMentorForm,
    UnresponsiveReportForm,
)
from ..models import CalibrationCheck, Circle, Pairing, RematchRequest, UnresponsiveReport
from ..services import care as services

PAIR_RELATED = ("cohort__program", "mentee__user", "mentor__user", "topic")


def _pairings(request):
    return Pairing.objects.for_org(request.organization).select_related(*PAIR_RELATED)


def _own_pairing(request, pairing_id):
    """A pairing of the signed-in person (either side), or 404: nobody else may see it."""
    pairing = get_for_org_or_404(_pairings(request), request.organization, pk=pairing_id)
    if services.pairing_side(pairing, request.user) is None:
        raise Http404
    return pairing


# --- the admin's calibration page -----------------------------------------------------------


@admin_required
def calibration(request, org_slug):
    """Flagged pairs, unresponsive reports and (confidential) rematch requests. Admins only:
    rematch requests are never shown to anyone else, leaders included."""
    org = request.organization
    checks = (
        CalibrationCheck.objects.for_org(org)
        .select_related(*(f"pairing__{r}" for r in PAIR_RELATED))
        .order_by("-due_on", "-pk")
    )
    check_filter = CalibrationFilter(request.GET, queryset=checks, organization=org)
    page = paginate(request, check_filter.qs)
    cohort = check_filter.form.cleaned_data.get("cohort") if check_filter.is_valid() else None
    scope = Q(pairing__cohort=cohort) if cohort else Q()
    reports = list(
        UnresponsiveReport.objects.for_org(org)
        .filter(scope, resolved_at__isnull=True)
        .select_related("reported_by", *(f"pairing__{r}" for r in PAIR_RELATED))
        .order_by("-created_at")[:50]
    )
    requests = list(
        RematchRequest.objects.for_org(org)
        .filter(scope, resolved_at__isnull=True)
        .select_related("requested_by", *(f"pairing__{r}" for r in PAIR_RELATED))
        .order_by("-created_at")[:50]
    )
    context = {
        "filter": check_filter,
        "page": page,
        "reports": reports,
        "rematch_requests": requests,
    }
    template = "matching/care/calibration.html"
    if request.htmx and request.htmx.target == "calibration-results":
        template += "#results"
    return render(request, template, context)


@admin_required
def pairing_repair(request, org_slug, pairing_id):
    """Click 1 (GET): the top three mentors with capacity, explained. Click 2 (POST): re-pair."""
    pairing = get_for_org_or_404(_pairings(request), request.organization, pk=pairing_id)
    error = ""
    if request.method == "POST":
        mentor = get_for_org_or_404(
            Participant.objects.select_related("user"),
            request.organization,
            pk=request.POST.get("mentor") or 0,
        )
        try:
            new = services.pairing_repair(pairing=pairing, mentor=mentor, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                f"{new.mentee.user} is now offered {new.mentor.user}; both have been told.",
            )
            return redirect("care_calibration", org_slug=org_slug)
    candidates = services.repair_candidates(pairing=pairing, limit=3)
    context = {"pairing": pairing, "candidates": candidates, "error": error}
    template = "matching/care/repair.html"
    if request.htmx:
        template += "#choices"
    return render(request, template, context, status=400 if error else 200)


@admin_required
@require_POST
def report_resolve(request, org_slug, unresponsivereport_id):
    report = get_for_org_or_404(
        UnresponsiveReport.objects.all(), request.organization, pk=unresponsivereport_id
    )
    services.report_resolve(report=report, by=request.user)
    messages.success(request, "Report marked as handled.")
    return redirect("care_calibration", org_slug=org_slug)


@admin_required
@require_POST
def rematch_resolve(request, org_slug, rematchrequest_id):
    rematch_request = get_for_org_or_404(
        RematchRequest.objects.all(), request.organization, pk=rematchrequest_id
    )
    services.rematch_resolve(rematch_request=rematch_request, by=request.user)
    messages.success(request, "Rematch request marked as handled.")
    return redirect("care_calibration", org_slug=org_slug)


# --- circles and topic mentors ---------------------------------------------------------------


@leader_required
def cohort_circles(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    unplaced = None
    if request.method == "POST":
        if not request.membership.is_admin:
            raise PermissionDenied
        _circles, unplaced = services.cohort_circles_split(cohort=cohort, by=request.user)
        if not unplaced:
            messages.success(request, f"{cohort.name} is split into circles.")
            return redirect("cohort_circles", org_slug=org_slug, cohort_id=cohort.pk)
    circles = (
        Circle.objects.for_org(request.organization)
        .filter(cohort=cohort)
        .select_related("mentor__user")
        .prefetch_related(
            Prefetch(
                "mentees",
                queryset=Participant.objects.for_org(request.organization).select_related("user"),
            )
        )
    )
    context = {"cohort": cohort, "circles": circles, "unplaced": unplaced}
    return render(request, "matching/care/circles.html", context)


@leader_required
def cohort_topic_mentors(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    org = request.organization
    form = TopicMentorForm(
        request.POST if request.method == "POST" else None, organization=org, cohort=cohort
    )
    if request.method == "POST":
        if not request.membership.is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                pairing = services.topic_mentor_add(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{pairing.mentor.user} is now {pairing.mentee.user}'s topic mentor "
                    f"for {pairing.topic}.",
                )
                return redirect("cohort_topic_mentors", org_slug=org_slug, cohort_id=cohort.pk)
    pairings = (
        _pairings(request).filter(cohort=cohort).live().order_by("mentee__user__name", "kind", "pk")
    )
    context = {"cohort": cohort, "form": form, "pairings": pairings}
    status = 400 if form.errors else 200
    return render(request, "matching/care/topic_mentors.html", context, status=status)


@admin_required
@require_POST
def topic_mentor_end(request, org_slug, pairing_id):
    pairing = get_for_org_or_404(_pairings(request), request.organization, pk=pairing_id)
    try:
        services.topic_mentor_end(pairing=pairing, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{pairing.mentor.user} is no longer a topic mentor here.")
    return redirect("cohort_topic_mentors", org_slug=org_slug, cohort_id=pairing.cohort_id)


# --- the pair's own pages --------------------------------------------------------------------


@member_required
def pairing_calibration(request, org_slug, pairing_id):
    pairing = _own_pairing(request, pairing_id)
    side = services.pairing_side(pairing, request.user)
    check = CalibrationCheck.objects.for_org(request.organization).filter(pairing=pairing).first()
    initial = {}
    if check and getattr(check, f"{side}_answer"):
        initial = {
            "answer": getattr(check, f"{side}_answer"),
            "comment": getattr(check, f"{side}_comment"),
        }
    form = CalibrationAnswerForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.calibration_answer(pairing=pairing, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Thank you: your answer is saved.")
            return redirect("my_mentoring", org_slug=org_slug)
    context = {
        "pairing": pairing,
        "side": side,
        "partner": pairing.mentee if side == "mentor" else pairing.mentor,
        "form": form,
        "report_form": UnresponsiveReportForm(),
    }
    return render(
        request,
        "matching/care/pairing_calibration.html",
        context,
        status=400 if form.errors else 200,
    )


@member_required
def pairing_rematch(request, org_slug, pairing_id):
    pairing = _own_pairing(request, pairing_id)
    side = services.pairing_side(pairing, request.user)
    form = RematchRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.rematch_request(pairing=pairing, by=request.user, **form.cleaned_data)
        messages.success(
            request, "Your request is with the program's admins. Your partner is not told."
        )
        return redirect("my_mentoring", org_slug=org_slug)
    context = {
        "pairing": pairing,
        "partner": pairing.mentee if side == "mentor" else pairing.mentor,
        "form": form,
    }
    return render(request, "matching/care/pairing_rematch.html", context)


@member_required
@require_POST
def pairing_report(request, org_slug, pairing_id):
    pairing = _own_pairing(request, pairing_id)
    form = UnresponsiveReportForm(request.POST)
    if form.is_valid():
        services.unresponsive_report(pairing=pairing, by=request.user, **form.cleaned_data)
        messages.success(request, "Thank you: the program's admins will follow up.")
    return redirect("my_mentoring", org_slug=org_slug)


@member_required
@require_POST
def pairing_met(request, org_slug, pairing_id):
    """Either side records that the pair met (the idle clock restarts)."""
    pairing = _own_pairing(request, pairing_id)
    try:
        services.pairing_met(pairing=pairing, by=request.user)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        partner = pairing.mentee if pairing.mentor.user_id == request.user.pk else pairing.mentor
        messages.success(request, f"Noted: you met {partner.user}. Keep it going.")
    return redirect("my_mentoring", org_slug=org_slug)
