"""The program's reminder settings page (X8): leaders read it, admins change it."""

from django.shortcuts import render
from django.urls import reverse

from mentorship.core.views import form_status, form_submit
from mentorship.tenancy.access import leader_reads_admin_writes

from ..access import access_program_by_id
from ..forms.reminders import ProgramRemindersForm
from ..selectors import reminders as selectors
from ..services.reminder_settings import program_reminders_update


@leader_reads_admin_writes
def program_reminders(request, org_slug, program_id):
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    current = selectors.program_reminders(program=program)
    form = ProgramRemindersForm(
        request.POST if request.method == "POST" else None,
        instance=current,
        organization=request.organization,
    )
    done = form_submit(
        request,
        form,
        lambda data: program_reminders_update(
            program=program, by=request.user, **form.service_kwargs()
        ),
        message=f"Reminder settings of {program.name} saved.",
        redirect_to=reverse("program_reminders", args=[org_slug, program.pk]),
    )
    if done:
        return done
    # A refused form has set its values on ``current``: the rule in words shows the stored.
    stored = selectors.program_reminders(program=program) if form.is_bound else current
    context = {
        "program": program,
        "form": form,
        "settings": stored,
        "summary": None if request.membership.is_admin else form.summary(stored),
        "calibration_day": selectors.calibration_day(program=program),
    }
    return render(
        request, "programs/catalogue/program_reminders.html", context, status=form_status(form)
    )
