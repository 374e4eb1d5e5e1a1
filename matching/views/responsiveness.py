"""A pair's "my partner does not answer", and the admin's handling of a report. (The pair's
"we met" became a logged session: sessions' ``session_log``.)"""

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit
from mentorship.tenancy.access import admin_required, member_required

from ..access import access_pairing_by_id, access_unresponsive_report_by_id
from ..forms.responsiveness import UnresponsiveReportForm
from ..services import responsiveness as services


@admin_required
@require_POST
def unresponsive_report_resolve(request, org_slug, unresponsivereport_id):
    report = access_unresponsive_report_by_id(
        membership=request.membership, unresponsivereport_id=unresponsivereport_id
    )
    return action_submit(
        request,
        lambda: services.report_resolve(report=report, by=request.user),
        redirect_to=reverse("calibration", args=[org_slug]),
        message="Report marked as handled.",
    )


@member_required
@require_POST
def pairing_report(request, org_slug, pairing_id):
    pairing = access_pairing_by_id(
        membership=request.membership, pairing_id=pairing_id, side="either"
    )
    form = UnresponsiveReportForm(request.POST)
    back = reverse("my_mentoring", args=[org_slug])
    if not form.is_valid():
        return redirect(back)
    return action_submit(
        request,
        lambda: services.unresponsive_report(pairing=pairing, by=request.user, **form.cleaned_data),
        redirect_to=back,
        message="Thank you: the program's admins will follow up.",
    )
