"""Pages of programs (P1) and their charter. Thin: resolve the object through
:mod:`programs.access`, read through :mod:`programs.selectors`, call a service, render.

Leaders read the list and the program's page; every write is an admin's.
"""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, form_status, form_submit, list_template
from mentorship.tenancy.access import admin_required, leader_required, member_required
from mentorship.tenancy.pagination import paginate

from ..access import access_program_by_id
from ..filters.catalogue import ProgramFilter
from ..forms.catalogue import INDICATOR_GROUPS, ProgramForm
from ..models import Program
from ..selectors import charter as charter_selectors
from ..selectors import programs as selectors
from ..services import programs as services


def _program_url(org_slug):
    """The program's page, as a function of the program (for ``form_submit``)."""
    return lambda program: reverse("program_detail", args=[org_slug, program.pk])


@leader_required
def program_list(request, org_slug):
    queryset = selectors.program_list(organization=request.organization)
    program_filter = ProgramFilter(request.GET, queryset=queryset)
    page = paginate(request, program_filter.qs)
    template = list_template(request, "programs/catalogue/program_list.html", "program-results")
    return render(request, template, {"filter": program_filter, "page": page})


def _indicator_groups(program):
    chosen = set(program.indicators)
    groups = []
    for group, words in INDICATOR_GROUPS:
        labels = [
            label
            for code, (label, kind) in Program.INDICATORS.items()
            if kind == group and code in chosen
        ]
        if labels:
            groups.append((words.split(":")[0], labels))
    return groups


def _charter_people(program):
    """One row per person taking part (their cohorts joined), acknowledged or not."""
    people = {}
    for participant in charter_selectors.charter_participants(program=program):
        row = people.setdefault(
            participant.user_id,
            {"user": participant.user, "acknowledged": participant.acknowledged, "cohorts": []},
        )
        row["cohorts"].append(f"{participant.cohort.name} ({participant.get_role_display()})")
    return list(people.values())


@leader_required
def program_detail(request, org_slug, program_id):
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    phases = selectors.program_phases(program=program)
    context = {
        "program": program,
        "phases": phases,
        "weeks": max((phase.end_week for phase in phases), default=0),
        "cohorts": selectors.program_cohorts(program=program),
        "indicator_groups": _indicator_groups(program),
    }
    if request.membership.is_admin:
        people = _charter_people(program)
        context["charter_people"] = people
        context["charter_done"] = sum(1 for row in people if row["acknowledged"])
    return render(request, "programs/catalogue/program_detail.html", context)


def _program_form_page(request, form, program=None):
    return render(
        request,
        "programs/catalogue/program_form.html",
        {"form": form, "program": program},
        status=form_status(form),
    )


@admin_required
def program_create(request, org_slug):
    organization = request.organization
    form = ProgramForm(request.POST or None, organization=organization)
    done = form_submit(
        request,
        form,
        lambda data: services.program_create(
            organization=organization, by=request.user, **form.service_kwargs()
        ),
        message=lambda program: f"{program.name} is created. Next: add a cohort with its dates.",
        redirect_to=_program_url(org_slug),
    )
    return done or _program_form_page(request, form)


@admin_required
def program_edit(request, org_slug, program_id):
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    form = ProgramForm(request.POST or None, organization=request.organization, program=program)
    version = program.charter_version

    def message(program):
        note = ""
        if program.charter_version != version:
            note = (
                f" The charter is now version {program.charter_version}: participants "
                f"will be asked to acknowledge it again."
            )
        return f"{program.name} is saved.{note}"

    done = form_submit(
        request,
        form,
        lambda data: services.program_update(
            program=program, by=request.user, **form.service_kwargs()
        ),
        message=message,
        redirect_to=_program_url(org_slug),
        on_error=lambda error: program.refresh_from_db(),
    )
    return done or _program_form_page(request, form, program)


@admin_required
@require_POST
def program_archive(request, org_slug, program_id):
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    return action_submit(
        request,
        lambda: services.program_archive(program=program, by=request.user),
        message=f"{program.name} is archived. You can restore it any time.",
        redirect_to=_program_url(org_slug)(program),
    )


@admin_required
@require_POST
def program_unarchive(request, org_slug, program_id):
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    return action_submit(
        request,
        lambda: services.program_unarchive(program=program, by=request.user),
        message=f"{program.name} is offered again.",
        redirect_to=_program_url(org_slug)(program),
    )


@member_required
def program_charter(request, org_slug, program_id):
    """The program's charter as leaders and admins read it. A participant acknowledges it
    on their own charter page (``participant_charter``, the participant's flow before the
    intake), where this page sends them; anyone else: 404. It writes nothing: a POST is
    refused (after the lookup, so another organisation's program is still a 404)."""
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    participation = charter_selectors.charter_participation(program=program, user=request.user)
    if not request.membership.is_leader:
        if participation is None:
            raise Http404
        return redirect("participant_charter", org_slug=org_slug, participant_id=participation.pk)
    context = {
        "program": program,
        "participation": participation,
        "acknowledged": participation is not None
        and charter_selectors.charter_acknowledged(program=program, user=request.user),
    }
    return render(request, "programs/catalogue/charter.html", context)
