"""Pages of the CSV import of a cohort's participants: the upload (every row or none, every
problem listed) and the example file."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from mentorship.core.urls import site_root
from mentorship.core.views import add_errors, form_status
from mentorship.tenancy.access import admin_required

from .. import csv_import
from ..access import access_cohort_by_id
from ..forms.people import ParticipantImportForm
from ..selectors.cohorts import cohort_seats
from ..services.csv_import import ImportRejected, participants_import


@admin_required
def cohort_import(request, org_slug, cohort_id):
    """The import keeps its own handling: a rejected file lists every bad row (not a field
    error), and a done import shows its summary page rather than redirecting."""
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    form = ParticipantImportForm(
        *((request.POST, request.FILES) if request.method == "POST" else ())
    )
    context = {"cohort": cohort, "form": form, "seats": cohort_seats(cohort=cohort)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = participants_import(
                cohort=cohort,
                data=upload.read(),
                filename=upload.name,
                by=request.user,
                site_url=site_root(request=request),
            )
        except ImportRejected as rejected:
            context.update(errors=rejected.errors, filename=upload.name)
            return render(request, "programs/people/cohort_import.html", context, status=400)
        except ValidationError as error:
            add_errors(form, error)
        else:
            context.update(summary=summary, filename=upload.name)
            return render(request, "programs/people/cohort_import_done.html", context)
    return render(request, "programs/people/cohort_import.html", context, status=form_status(form))


@admin_required
def cohort_import_example(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    response = HttpResponse(csv_import.EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="participants-example-cohort-{cohort.pk}.csv"'
    )
    return response
