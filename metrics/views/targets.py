"""A program's indicator targets (X8): leaders read them, admins set them."""

from django.shortcuts import render
from django.urls import reverse

from mentorship.core.views import form_status, form_submit
from mentorship.tenancy.access import role_required
from mentorship.tenancy.models import Role
from programs.access import access_program_by_id

from ..forms.targets import ProgramTargetsForm
from ..selectors.targets import program_target_rows
from ..services.targets import program_targets_set


@role_required(read=Role.LEADER, write=Role.ADMIN)
def program_indicators(request, org_slug, program_id):
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    rows = program_target_rows(program=program)
    form = None
    if request.membership.is_admin:
        form = ProgramTargetsForm(request.POST or None, rows=rows)
        done = form_submit(
            request,
            form,
            lambda data: program_targets_set(
                program=program, by=request.user, **form.service_kwargs()
            ),
            message=f"The targets of {program.name} are saved.",
            redirect_to=reverse("program_indicators", args=[org_slug, program.pk]),
        )
        if done:
            return done
    return render(
        request,
        "metrics/targets/program_indicators.html",
        {"program": program, "rows": rows, "form": form},
        status=form_status(form) if form is not None else 200,
    )
