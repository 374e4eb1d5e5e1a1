"""Pages of the matching runs area: settings, exclusions, a cohort's runs, the review of a
run, and everyone's "My mentoring"."""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import add_errors
from mentorship.tenancy.access import (
    admin_required,
    get_for_org_or_404,
    leader_required,
    member_required,
)
from mentorship.tenancy.pagination import paginate
from programs.access import access_cohort, access_program
from programs.models import Participant

from ..engine.scoring import constraint_violation, score_pair
from ..forms.runs import AssignForm, ExclusionForm, MatchingSettingsForm, SwapForm
from ..models import Exclusion, MatchRun, Pairing, Proposal
from ..profiles import cohort_profiles, settings_for
from ..services import runs as services

REVIEW_ACTIONS = {
    "approve": Proposal.Status.APPROVED,
    "reject": Proposal.Status.REJECTED,
    "lock": Proposal.Status.LOCKED,
    "reset": Proposal.Status.PROPOSED,
}


def _require_admin(request):
    if not request.membership.is_admin:
        raise PermissionDenied


# --- settings ------------------------------------------------------------------------------


@leader_required
def matching_settings(request, org_slug, program_id):
    program = access_program(request, program_id)
    current = settings_for(program)
    if request.method == "POST":
        _require_admin(request)
        form = MatchingSettingsForm(
            request.POST, instance=current, organization=request.organization
        )
        if form.is_valid():
            fields = {k: form.cleaned_data[k] for k in services.SETTINGS_FIELDS}
            current.refresh_from_db()
            try:
                services.matching_settings_update(program=program, by=request.user, **fields)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"Matching settings of {program.name} saved.")
                return redirect("matching_settings", org_slug=org_slug, program_id=program.pk)
    else:
        form = MatchingSettingsForm(instance=current, organization=request.organization)
    cohorts = list(program.cohorts.order_by("-starts_on")[:10])
    return render(
        request,
        "matching/runs/settings.html",
        {"program": program, "form": form, "settings": current, "cohorts": cohorts},
    )


# --- exclusions ----------------------------------------------------------------------------


@admin_required
def exclusion_list(request, org_slug):
    organization = request.organization
    form = ExclusionForm(
        request.POST if request.method == "POST" else None, organization=organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.exclusion_create(
                organization=organization,
                mentee=form.cleaned_data["mentee"],
                mentor=form.cleaned_data["mentor"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Exclusion saved: matching will never pair these two.")
            return redirect("exclusion_list", org_slug=org_slug)
    exclusions = (
        Exclusion.objects.for_org(organization)
        .select_related("mentee", "mentor", "created_by")
        .order_by("-created_at", "-id")
    )
    page = paginate(request, exclusions)
    return render(request, "matching/runs/exclusions.html", {"form": form, "page": page})


@admin_required
@require_POST
def exclusion_delete(request, org_slug, exclusion_id):
    exclusion = get_for_org_or_404(
        Exclusion.objects.select_related("mentee", "mentor"), request.organization, pk=exclusion_id
    )
    services.exclusion_delete(exclusion=exclusion, by=request.user)
    messages.success(request, "Exclusion removed.")
    return redirect("exclusion_list", org_slug=org_slug)


# --- a cohort's runs -----------------------------------------------------------------------


@leader_required
def cohort_matching(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    check = services.matchrun_problems(cohort)
    runs = (
        MatchRun.objects.for_org(request.organization)
        .filter(cohort=cohort)
        .select_related("created_by", "published_by")
    )
    page = paginate(request, runs)
    live = (
        Pairing.objects.for_org(request.organization)
        .filter(cohort=cohort)
        .live()
        .select_related("mentor__user", "mentee__user")
        .order_by("mentee__user__name")
    )
    return render(
        request,
        "matching/runs/cohort_matching.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "check": check,
            "page": page,
            "pairings": list(live),
            "settings": settings_for(cohort.program),
            "inline_limit": services.inline_limit(),
        },
    )


@admin_required
@require_POST
def matchrun_start(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    try:
        run = services.matchrun_start(cohort=cohort, by=request.user)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect("cohort_matching", org_slug=org_slug, cohort_id=cohort.pk)
    if run.status == MatchRun.Status.REVIEW:
        messages.success(request, "Matching done: review the proposed pairs below.")
    else:
        messages.info(request, "Matching is running in the background: this page updates itself.")
    return redirect("matchrun_detail", org_slug=org_slug, matchrun_id=run.pk)


# --- a run's review ------------------------------------------------------------------------


def _access_run(request, matchrun_id):
    return get_for_org_or_404(
        MatchRun.objects.select_related("cohort", "cohort__program", "created_by", "published_by"),
        request.organization,
        pk=matchrun_id,
    )


def _histogram_bars(run):
    bins = (run.stats or {}).get("histogram") or []
    top = max(bins) if bins else 0
    return [
        {
            "label": f"{i / len(bins):.1f}–{(i + 1) / len(bins):.1f}",
            "count": count,
            "height": round(100 * count / top) if top else 0,
        }
        for i, count in enumerate(bins)
    ]


@leader_required
def matchrun_detail(request, org_slug, matchrun_id):
    run = _access_run(request, matchrun_id)
    busy = run.status in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)
    if request.htmx and request.htmx.target == "run-progress":
        if not busy:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "matching/runs/run_detail.html#progress", {"run": run})
    proposals = list(
        run.proposals.select_related("mentee__user", "mentor__user").order_by("-score", "id")
    )
    matched = [p for p in proposals if p.mentor_id]
    unmatched = [p for p in proposals if not p.mentor_id]
    publishable = sum(1 for p in matched if p.status in services.PUBLISHABLE_STATUSES)
    context = {
        "run": run,
        "cohort": run.cohort,
        "busy": busy,
        "matched": matched,
        "unmatched": unmatched,
        "publishable": publishable,
        "proposed_count": sum(1 for p in matched if p.status == Proposal.Status.PROPOSED),
        "bars": _histogram_bars(run),
        "reviewable": run.status == MatchRun.Status.REVIEW,
    }
    return render(request, "matching/runs/run_detail.html", context)


def _inline(request, proposal):
    """True when htmx asks for the form in place (in the row's tools, or the form itself)."""
    targets = {f"proposal-{proposal.pk}-tools", f"proposal-{proposal.pk}-form"}
    return bool(request.htmx) and request.htmx.target in targets


def _done(request, proposal, run):
    url = reverse("matchrun_detail", args=[request.organization.slug, run.pk])
    if _inline(request, proposal):
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return redirect(url)


def _proposal_page(request, context):
    template = "matching/runs/proposal_form.html"
    if _inline(request, context["proposal"]):
        template += "#form-body"
    return render(request, template, context)


def _access_proposal(request, proposal_id):
    return get_for_org_or_404(
        Proposal.objects.select_related(
            "run", "run__cohort", "run__cohort__program", "mentee__user", "mentor__user"
        ),
        request.organization,
        pk=proposal_id,
    )


@admin_required
@require_POST
def proposal_review(request, org_slug, proposal_id):
    """Approve, reject, lock or reset one pair; htmx swaps the row in place."""
    proposal = _access_proposal(request, proposal_id)
    status = REVIEW_ACTIONS.get(request.POST.get("action", ""))
    error = None
    if status is None:
        error = "Choose approve, reject, lock or reset."
    else:
        try:
            services.proposal_set_status(proposal=proposal, status=status, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx and request.htmx.target == f"proposal-{proposal.pk}":
        run = proposal.run
        context = {
            "p": proposal,
            "run": run,
            "reviewable": run.status == MatchRun.Status.REVIEW,
            "row_error": error,
            "row_saved": error is None,
            # The publish button and its help follow the new counts (out of band).
            "publishable": services.publishable_count(run),
            "proposed_count": run.proposals.filter(status=Proposal.Status.PROPOSED).count(),
            "oob": True,
        }
        row = render_to_string("matching/runs/run_detail.html#proposal-row", context, request)
        bar = "".join(
            render_to_string(
                "matching/runs/includes/publish.html", {**context, "part": part}, request
            )
            for part in ("button", "help")
        )
        return HttpResponse(row + bar)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, f"{proposal.mentee.user}: {proposal.get_status_display().lower()}."
        )
    return redirect("matchrun_detail", org_slug=org_slug, matchrun_id=proposal.run_id)


@admin_required
def proposal_swap(request, org_slug, proposal_id):
    proposal = _access_proposal(request, proposal_id)
    run = proposal.run
    form = SwapForm(
        request.POST if request.method == "POST" else None,
        proposal=proposal,
        organization=request.organization,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_swap(
                proposal=proposal, other=form.cleaned_data["other"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            other = form.cleaned_data["other"]
            messages.success(request, f"Swapped: {proposal.mentee.user} and {other.mentee.user}.")
            return _done(request, proposal, run)
    return _proposal_page(request, {"proposal": proposal, "run": run, "form": form, "mode": "swap"})


def _mentor_notes(run, proposal):
    """Per mentor of the cohort: the fit for this mentee, places left, or the rule it breaks."""
    profiles = cohort_profiles(run.cohort)
    exclusions = services.exclusion_pairs(run.organization, profiles)
    mentees, mentors = profiles.by_id()
    mentee = mentees.get(proposal.mentee_id)
    taken = {}
    for mentor_id in (
        run.proposals.exclude(status__in=[Proposal.Status.REJECTED, Proposal.Status.UNMATCHED])
        .exclude(pk=proposal.pk)
        .values_list("mentor_id", flat=True)
    ):
        taken[mentor_id] = taken.get(mentor_id, 0) + 1
    notes = {}
    weights = services._snapshot_weights(run)
    for mentor_id, mentor in mentors.items():
        if mentee is None:
            break
        places = mentor.capacity - taken.get(mentor_id, 0)
        rule = constraint_violation(
            mentee,
            replace(mentor, capacity=max(mentor.capacity, 1)),
            readiness_threshold=run.settings_snapshot.get("readiness_threshold", 0.0),
            exclusions=exclusions,
        )
        if rule:
            notes[mentor_id] = f"not allowed ({rule})"
            continue
        fit = score_pair(mentee, mentor, weights, profiles.competency_names).total
        left = f"{places} place{'s' if places != 1 else ''} left" if places > 0 else "full"
        notes[mentor_id] = f"fit {fit:.2f}, {left}"
    return notes


@admin_required
def proposal_assign(request, org_slug, proposal_id):
    proposal = _access_proposal(request, proposal_id)
    run = proposal.run
    notes = _mentor_notes(run, proposal) if run.status == MatchRun.Status.REVIEW else {}
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        proposal=proposal,
        organization=request.organization,
        notes=notes,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_assign(
                proposal=proposal, mentor=form.cleaned_data["mentor"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            proposal.refresh_from_db()
            messages.success(
                request,
                f"{proposal.mentee.user} paired by hand with {form.cleaned_data['mentor'].user} "
                f"(fit {proposal.score:.2f}).",
            )
            return _done(request, proposal, run)
    return _proposal_page(
        request, {"proposal": proposal, "run": run, "form": form, "mode": "assign"}
    )


@admin_required
@require_POST
def matchrun_publish(request, org_slug, matchrun_id):
    run = _access_run(request, matchrun_id)
    try:
        run, pairings = services.matchrun_publish(
            run=run, by=request.user, site_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        if pairings:
            messages.success(
                request,
                f"Published {len(pairings)} pairing{'s' if len(pairings) != 1 else ''}: "
                "mentors and mentees are told by e-mail; mentors now accept.",
            )
        else:
            messages.info(request, "This run was already published.")
    return redirect("matchrun_detail", org_slug=org_slug, matchrun_id=run.pk)


# --- my mentoring --------------------------------------------------------------------------


@member_required
def my_mentoring(request, org_slug):
    organization = request.organization
    as_mentor, as_mentee = services.my_mentoring(organization=organization, user=request.user)
    # Which sides to show: the roles the person takes in active cohorts (one query).
    roles = set(
        Participant.objects.for_org(organization)
        .filter(user=request.user, status=Participant.Status.ACTIVE)
        .values_list("role", flat=True)
    )
    show_mentor_side = bool(as_mentor) or Participant.Role.MENTOR in roles
    show_mentee_side = bool(as_mentee) or Participant.Role.MENTEE in roles
    return render(
        request,
        "matching/runs/my_mentoring.html",
        {
            "pending": [p for p in as_mentor if p.status == Pairing.Status.PENDING],
            "mentoring": [p for p in as_mentor if p.status == Pairing.Status.ACTIVE],
            "mentors": as_mentee,
            "show_mentor_side": show_mentor_side or not show_mentee_side,
            "show_mentee_side": show_mentee_side or not show_mentor_side,
        },
    )


@member_required
@require_POST
def pairing_answer(request, org_slug, pairing_id):
    """The mentor accepts or declines a new pairing. Only their own: anyone else gets 404."""
    pairing = get_for_org_or_404(
        Pairing.objects.select_related("mentor__user", "mentee__user", "cohort"),
        request.organization,
        pk=pairing_id,
    )
    if pairing.mentor.user_id != request.user.pk:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "accept":
            services.pairing_accept(pairing=pairing, by=request.user)
            messages.success(request, f"You are now {pairing.mentee.user}'s mentor. Welcome!")
        elif action == "decline":
            services.pairing_decline(
                pairing=pairing, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.info(
                request,
                f"You declined mentoring {pairing.mentee.user}: "
                "they will be offered another mentor.",
            )
        else:
            messages.error(request, "Choose accept or decline.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("my_mentoring", org_slug=org_slug)
