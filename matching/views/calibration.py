"""The admin's Calibration page (flagged pairs, unresponsive reports, confidential rematch
requests) and a pair's own fit question."""

from django.shortcuts import render
from django.urls import reverse

from mentorship.core.views import form_status, form_submit, list_template
from mentorship.tenancy.access import admin_required, member_required
from mentorship.tenancy.pagination import paginate

from ..access import access_pairing_by_id
from ..filters.calibration import CalibrationFilter
from ..forms.calibration import CalibrationAnswerForm
from ..forms.responsiveness import UnresponsiveReportForm
from ..selectors import calibration as selectors
from ..selectors.cadence import cadence_overview
from ..selectors.sides import pairing_partner, pairing_side
from ..services import calibration as services


@admin_required
def calibration(request, org_slug):
    """Flagged pairs, every active pair's cadence (on track, needs a check-in, too early to
    tell), unresponsive reports and (confidential) rematch requests. Admins only:
    rematch requests are never shown to anyone else, leaders included."""
    org = request.organization
    check_filter = CalibrationFilter(
        request.GET, queryset=selectors.calibration_checks(organization=org), organization=org
    )
    page = paginate(request, check_filter.qs)
    cohort = check_filter.form.cleaned_data.get("cohort") if check_filter.is_valid() else None
    context = {
        "filter": check_filter,
        "page": page,
        "reports": selectors.open_unresponsive_reports(organization=org, cohort=cohort),
        "rematch_requests": selectors.open_rematch_requests(organization=org, cohort=cohort),
        "cadence": cadence_overview(organization=org, cohort=cohort),
    }
    template = "matching/calibration/calibration.html"
    return render(request, list_template(request, template, "calibration-results"), context)


@member_required
def pairing_calibration(request, org_slug, pairing_id):
    """One side of a pair answers the fit question (either side; nobody else finds it)."""
    pairing = access_pairing_by_id(
        membership=request.membership, pairing_id=pairing_id, side="either"
    )
    side = pairing_side(pairing, request.user)
    check = selectors.calibration_check_of(pairing=pairing)
    initial = {}
    if check and getattr(check, f"{side}_answer"):
        initial = {
            "answer": getattr(check, f"{side}_answer"),
            "comment": getattr(check, f"{side}_comment"),
        }
    form = CalibrationAnswerForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    done = form_submit(
        request,
        form,
        lambda data: services.calibration_answer(pairing=pairing, by=request.user, **data),
        message="Thank you: your answer is saved.",
        redirect_to=reverse("my_mentoring", args=[org_slug]),
    )
    if done:
        return done
    context = {
        "pairing": pairing,
        "side": side,
        "partner": pairing_partner(pairing, request.user),
        "form": form,
        "report_form": UnresponsiveReportForm(),
    }
    return render(
        request, "matching/calibration/pairing_calibration.html", context, status=form_status(form)
    )
