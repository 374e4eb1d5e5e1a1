"""Outcome events (X3): the CSV import (every row or none, every problem listed), its example
file, and the list of what is stored. Admins only: these are people's employment records."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from mentorship.core.views import add_errors, form_status, list_template
from mentorship.tenancy.access import admin_required
from mentorship.tenancy.pagination import paginate

from .. import outcome_csv
from ..filters.outcomes import OutcomeEventFilter
from ..forms.outcomes import OutcomeImportForm
from ..selectors.outcomes import outcome_counts, outcome_events
from ..services.outcomes import ImportRejected, outcomes_import


@admin_required
def outcome_list(request, org_slug):
    queryset = outcome_events(organization=request.organization)
    event_filter = OutcomeEventFilter(request.GET, queryset=queryset)
    page = paginate(request, event_filter.qs)
    template = list_template(request, "metrics/outcomes/outcome_list.html", "outcome-results")
    context = {
        "filter": event_filter,
        "page": page,
        "counts": outcome_counts(organization=request.organization),
    }
    return render(request, template, context)


@admin_required
def outcome_import(request, org_slug):
    """A rejected file lists every bad row (not a field error); a done import shows its
    summary rather than redirecting."""
    form = OutcomeImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = outcomes_import(
                organization=request.organization,
                data=upload.read(),
                filename=upload.name,
                by=request.user,
            )
        except ImportRejected as rejected:
            context.update(errors=rejected.errors, filename=upload.name)
            return render(request, "metrics/outcomes/outcome_import.html", context, status=400)
        except ValidationError as error:
            add_errors(form, error)
        else:
            context.update(summary=summary, filename=upload.name)
            return render(request, "metrics/outcomes/outcome_import_done.html", context)
    return render(
        request, "metrics/outcomes/outcome_import.html", context, status=form_status(form)
    )


@admin_required
def outcome_import_example(request, org_slug):
    response = HttpResponse(outcome_csv.EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outcome-events-example.csv"'
    return response
