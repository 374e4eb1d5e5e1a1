"""Pages of the matching runs area: settings, exclusions, a cohort's runs, the review of a
run, and everyone's "My mentoring"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, add_errors, error_text, form_status, form_submit
from mentorship.tenancy.access import (
    admin_required,
    leader_reads_admin_writes,
    leader_required,
    member_required,
)
from mentorship.tenancy.pagination import paginate
from programs.access import access_cohort_by_id, access_program_by_id
from programs.models import Participant

from ..access import (
    access_exclusion_by_id,
    access_match_run_by_id,
    access_pairing_by_id,
    access_proposal_by_id,
    access_rejected_pair_by_id,
)
from ..forms.runs import AssignForm, ExclusionForm, MatchingSettingsForm, SwapForm
from ..models import MatchRun, Pairing, Proposal
from ..selectors import runs as selectors
from ..selectors.my_mentoring import my_active_roles, my_mentee_milestones
from ..selectors.my_mentoring import my_mentoring as my_mentoring_read
from ..selectors.settings import matching_settings as matching_settings_read
from ..services.acceptance import pairing_accept, pairing_decline
from ..services.exclusions import exclusion_create
from ..services.exclusions import exclusion_delete as exclusion_remove
from ..services.publish import matchrun_publish as publish_run
from ..services.review import proposal_assign as assign
from ..services.review import proposal_set_status
from ..services.review import proposal_swap as swap
from ..services.review import rejection_lift as lift_rejection
from ..services.rules import matchrun_problems
from ..services.run import inline_limit
from ..services.run import matchrun_start as start_run
from ..services.settings import SETTINGS_FIELDS, matching_settings_update

# Proposed pairs a run page shows at a time: a large run's page stays small and fast.
RUN_PAGE_SIZE = 25

REVIEW_ACTIONS = {
    "approve": Proposal.Status.APPROVED,
    "reject": Proposal.Status.REJECTED,
    "lock": Proposal.Status.LOCKED,
    "reset": Proposal.Status.PROPOSED,
}


# --- settings ------------------------------------------------------------------------------


@leader_reads_admin_writes
def matching_settings(request, org_slug, program_id):
    """Leaders read a program's matching settings; admins change them."""
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    current = matching_settings_read(program=program)
    form = MatchingSettingsForm(
        request.POST if request.method == "POST" else None,
        instance=current,
        organization=request.organization,
    )
    done = form_submit(
        request,
        form,
        lambda data: matching_settings_update(
            program=program, by=request.user, **{k: data[k] for k in SETTINGS_FIELDS}
        ),
        message=f"Matching settings of {program.name} saved.",
        redirect_to=reverse("matching_settings", args=[org_slug, program.pk]),
    )
    if done:
        return done
    context = {
        "program": program,
        "form": form,
        "settings": current,
        "cohorts": selectors.program_recent_cohorts(program=program),
    }
    return render(request, "matching/runs/settings.html", context, status=form_status(form))


# --- exclusions ----------------------------------------------------------------------------


@admin_required
def exclusion_list(request, org_slug):
    organization = request.organization
    form = ExclusionForm(
        request.POST if request.method == "POST" else None, organization=organization
    )
    done = form_submit(
        request,
        form,
        lambda data: exclusion_create(
            organization=organization,
            mentee=data["mentee"],
            mentor=data["mentor"],
            reason=data["reason"],
            by=request.user,
        ),
        message="Exclusion saved: matching will never pair these two.",
        redirect_to=reverse("exclusion_list", args=[org_slug]),
    )
    if done:
        return done
    page = paginate(request, selectors.exclusions_of(organization=organization))
    return render(
        request,
        "matching/runs/exclusions.html",
        {"form": form, "page": page},
        status=form_status(form),
    )


@admin_required
@require_POST
def exclusion_delete(request, org_slug, exclusion_id):
    exclusion = access_exclusion_by_id(membership=request.membership, exclusion_id=exclusion_id)
    return action_submit(
        request,
        lambda: exclusion_remove(exclusion=exclusion, by=request.user),
        redirect_to=reverse("exclusion_list", args=[org_slug]),
        message="Exclusion removed.",
    )


# --- a cohort's runs -----------------------------------------------------------------------


@leader_required
def cohort_matching(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    settings = matching_settings_read(program=cohort.program)
    context = {
        "cohort": cohort,
        "program": cohort.program,
        "check": matchrun_problems(cohort, settings),
        "page": paginate(request, selectors.cohort_runs(cohort=cohort)),
        "pairings": selectors.cohort_live_pairings(cohort=cohort),
        "rejections": selectors.cohort_rejections(cohort=cohort),
        "settings": settings,
        "inline_limit": inline_limit(),
    }
    return render(request, "matching/runs/cohort_matching.html", context)


@admin_required
@require_POST
def matchrun_start(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    try:
        run = start_run(cohort=cohort, by=request.user)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect("cohort_matching", org_slug=org_slug, cohort_id=cohort.pk)
    if run.status == MatchRun.Status.REVIEW:
        messages.success(request, "Matching done: review the proposed pairs below.")
    else:
        messages.info(request, "Matching is running in the background: this page updates itself.")
    return redirect("matchrun_detail", org_slug=org_slug, matchrun_id=run.pk)


@admin_required
@require_POST
def rejection_lift(request, org_slug, rejectedpair_id):
    """Let a pair rejected in an earlier review be proposed again by the next run."""
    rejection = access_rejected_pair_by_id(
        membership=request.membership, rejected_pair_id=rejectedpair_id
    )
    cohort_id = rejection.cohort_id
    return action_submit(
        request,
        lambda: lift_rejection(rejection=rejection, by=request.user),
        redirect_to=reverse("cohort_matching", args=[org_slug, cohort_id]),
        message=f"{rejection.mentee.user} and {rejection.mentor.user} may be proposed again "
        "by the next run.",
    )


# --- a run's review ------------------------------------------------------------------------


def _histogram_bars(bins):
    bins = bins or []
    top = max(bins) if bins else 0
    return [
        {
            "label": f"{i / len(bins):.1f}–{(i + 1) / len(bins):.1f}",
            "count": count,
            "height": round(100 * count / top) if top else 0,
        }
        for i, count in enumerate(bins)
    ]


def _note_best_fits(run, proposals, held=None):
    """Each proposal's ``best_fit_note``: why its mentee did not get their best fit, if not."""
    notes = selectors.best_fit_notes(run=run, proposals=proposals, held=held)
    for p in proposals:
        p.best_fit_note = notes.get(p.pk, "")


@leader_required
def matchrun_detail(request, org_slug, matchrun_id):
    run = access_match_run_by_id(membership=request.membership, match_run_id=matchrun_id)
    busy = run.status in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)
    if request.htmx and request.htmx.target == "run-progress":
        if not busy:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "matching/runs/run_detail.html#progress", {"run": run})
    figures = selectors.run_figures(run=run)
    page = paginate(request, selectors.run_pairs(run=run), per_page=RUN_PAGE_SIZE)
    page.object_list = list(page.object_list)
    _note_best_fits(run, page.object_list, held=figures.held)
    publishable, proposed_count = selectors.review_counts(run=run)
    context = {
        "run": run,
        "cohort": run.cohort,
        "busy": busy,
        "page": page,
        "matched": page.object_list,
        "unmatched": selectors.run_unmatched(run=run),
        "publishable": publishable,
        "proposed_count": proposed_count,
        "figures": figures,
        "bars": _histogram_bars(figures.histogram),
        "back": _back(request),
        "reviewable": run.status == MatchRun.Status.REVIEW,
    }
    return render(request, "matching/runs/run_detail.html", context)


def _back(request):
    """The run page's page the admin came from ("?page=3"), to return to after a change."""
    page = request.GET.get("page", "")
    return f"?page={page}" if page.isdigit() and page != "1" else ""


def _inline(request, proposal):
    """True when htmx asks for the form in place (in the row's tools, or the form itself)."""
    targets = {f"proposal-{proposal.pk}-tools", f"proposal-{proposal.pk}-form"}
    return bool(request.htmx) and request.htmx.target in targets


def _done(request, proposal, run):
    url = reverse("matchrun_detail", args=[request.organization.slug, run.pk]) + _back(request)
    if _inline(request, proposal):
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return redirect(url)


def _proposal_page(request, context):
    """The swap or pair-by-hand form: the whole page (400 when refused), or in place for
    htmx (200, so htmx swaps the form with its errors in)."""
    context["back"] = _back(request)
    if _inline(request, context["proposal"]):
        return render(request, "matching/runs/proposal_form.html#form-body", context)
    return render(
        request, "matching/runs/proposal_form.html", context, status=form_status(context["form"])
    )


def _review_row(request, proposal, error):
    """The reviewed row, and the publish button and its help out of band (htmx)."""
    run = proposal.run
    _note_best_fits(run, [proposal])
    publishable, proposed_count = selectors.review_counts(run=run)
    context = {
        "p": proposal,
        "run": run,
        "reviewable": run.status == MatchRun.Status.REVIEW,
        "row_error": error,
        "row_saved": error is None,
        "back": _back(request),
        # The publish button and its help follow the new counts (out of band).
        "publishable": publishable,
        "proposed_count": proposed_count,
        "oob": True,
    }
    row = render_to_string("matching/runs/run_detail.html#proposal-row", context, request)
    bar = "".join(
        render_to_string("matching/runs/includes/publish.html", {**context, "part": part}, request)
        for part in ("button", "help")
    )
    return HttpResponse(row + bar)


@admin_required
@require_POST
def proposal_review(request, org_slug, proposal_id):
    """Approve, reject, lock or reset one pair; htmx swaps the row in place."""
    proposal = access_proposal_by_id(membership=request.membership, proposal_id=proposal_id)
    status = REVIEW_ACTIONS.get(request.POST.get("action", ""))
    error = None
    if status is None:
        error = "Choose approve, reject, lock or reset."
    else:
        try:
            proposal_set_status(proposal=proposal, status=status, by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
    if request.htmx and request.htmx.target == f"proposal-{proposal.pk}":
        return _review_row(request, proposal, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, f"{proposal.mentee.user}: {proposal.get_status_display().lower()}."
        )
    return redirect(reverse("matchrun_detail", args=[org_slug, proposal.run_id]) + _back(request))


@admin_required
def proposal_swap(request, org_slug, proposal_id):
    proposal = access_proposal_by_id(membership=request.membership, proposal_id=proposal_id)
    run = proposal.run
    form = SwapForm(
        request.POST if request.method == "POST" else None,
        proposal=proposal,
        organization=request.organization,
        notes=selectors.proposal_swap_notes(proposal=proposal)
        if run.status == MatchRun.Status.REVIEW
        else {},
    )
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        try:
            swap(proposal=proposal, other=other, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Swapped: {proposal.mentee.user} and {other.mentee.user}.")
            return _done(request, proposal, run)
    return _proposal_page(request, {"proposal": proposal, "run": run, "form": form, "mode": "swap"})


@admin_required
def proposal_assign(request, org_slug, proposal_id):
    proposal = access_proposal_by_id(membership=request.membership, proposal_id=proposal_id)
    run = proposal.run
    reviewable = run.status == MatchRun.Status.REVIEW
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        proposal=proposal,
        organization=request.organization,
        notes=selectors.proposal_mentor_notes(proposal=proposal) if reviewable else {},
    )
    if request.method == "POST" and form.is_valid():
        mentor = form.cleaned_data["mentor"]
        try:
            assign(proposal=proposal, mentor=mentor, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{proposal.mentee.user} paired by hand with {mentor.user} "
                f"(fit {proposal.score:.2f}).",
            )
            return _done(request, proposal, run)
    return _proposal_page(
        request, {"proposal": proposal, "run": run, "form": form, "mode": "assign"}
    )


@admin_required
@require_POST
def matchrun_publish(request, org_slug, matchrun_id):
    run = access_match_run_by_id(membership=request.membership, match_run_id=matchrun_id)
    try:
        run, pairings = publish_run(
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
    as_mentor, as_mentee = my_mentoring_read(organization=organization, user=request.user)
    # Which sides to show: the roles the person takes in active cohorts.
    roles = my_active_roles(organization=organization, user=request.user)
    show_mentor_side = bool(as_mentor) or Participant.Role.MENTOR in roles
    show_mentee_side = bool(as_mentee) or Participant.Role.MENTEE in roles
    return render(
        request,
        "matching/runs/my_mentoring.html",
        {
            "pending": [p for p in as_mentor if p.status == Pairing.Status.PENDING],
            "mentoring": [p for p in as_mentor if p.status == Pairing.Status.ACTIVE],
            "mentors": as_mentee,
            "milestones": my_mentee_milestones(organization=organization, user=request.user)
            if show_mentee_side
            else [],
            "today": timezone.localdate(),
            "show_mentor_side": show_mentor_side or not show_mentee_side,
            "show_mentee_side": show_mentee_side or not show_mentor_side,
        },
    )


@member_required
@require_POST
def pairing_answer(request, org_slug, pairing_id):
    """The mentor accepts or declines a new pairing. Only their own: anyone else gets 404."""
    pairing = access_pairing_by_id(
        membership=request.membership, pairing_id=pairing_id, side="mentor"
    )
    action = request.POST.get("action")
    try:
        if action == "accept":
            pairing_accept(pairing=pairing, by=request.user)
            messages.success(request, f"You are now {pairing.mentee.user}'s mentor. Welcome!")
        elif action == "decline":
            pairing_decline(pairing=pairing, by=request.user, reason=request.POST.get("reason", ""))
            messages.info(
                request,
                f"You declined mentoring {pairing.mentee.user}: "
                "they will be offered another mentor.",
            )
        else:
            messages.error(request, "Choose accept or decline.")
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("my_mentoring", org_slug=org_slug)
