"""The data-quality audit (X4): one page for leaders and admins listing what makes the
numbers less true, section by section, each row linking to the page where it is mended;
each section downloads whole as CSV (``?format=csv&section=<key>``, the same filters)."""

from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from mentorship.core.views import form_status, list_template
from mentorship.tenancy.access import has_role, leader_required
from mentorship.tenancy.models import Role
from programs.models import Cohort, Program

from ..exports import csv_response
from ..selectors.quality import CAP, SECTION_KEYS, quality_csv, quality_sections

OWN = "Choose one of your organisation's {}."


class QualityFilterForm(forms.Form):
    """The page's filter: a program, a cohort of it, or neither. Choices narrowed to the
    organisation (here rather than in forms/: this page owns no other module)."""

    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        required=False,
        empty_label="Every program",
        error_messages={"invalid_choice": OWN.format("programs")},
    )
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        required=False,
        empty_label="Every cohort",
        error_messages={"invalid_choice": OWN.format("cohorts")},
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.for_org(organization).order_by("name")
        cohorts = Cohort.objects.for_org(organization).select_related("program")
        self.fields["cohort"].queryset = cohorts.order_by("program__name", "-starts_on", "name")
        self.fields["cohort"].label_from_instance = lambda c: f"{c.name} ({c.program.name})"

    def clean(self):
        data = super().clean()
        program, cohort = data.get("program"), data.get("cohort")
        if program and cohort and cohort.program_id != program.pk:
            self.add_error(
                "cohort",
                f"{cohort.name} is not a cohort of {program.name}: choose one of its cohorts, "
                "or every cohort.",
            )
        return data

    def scope(self):
        """(program, cohort) of the valid choices; a refused choice narrows nothing."""
        if not self.is_bound:
            return None, None
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        cohort = data.get("cohort") if "cohort" not in self.errors else None
        program = data.get("program") if "program" not in self.errors else None
        return program, cohort


@leader_required
def data_quality(request, org_slug):
    organization = request.organization
    bound = {k: v for k, v in request.GET.items() if k in ("program", "cohort") and v}
    form = QualityFilterForm(bound or None, organization=organization)
    program, cohort = form.scope()
    # Admins see the outcome events' e-mails (people's employment records, as on the outcome
    # events page, which is theirs); leaders see how many there are.
    sees_emails = has_role(request.membership, Role.ADMIN)
    now = timezone.now()
    if request.GET.get("format") == "csv" and not form.errors:
        try:
            filename, header, rows = quality_csv(
                organization=organization,
                key=request.GET.get("section", ""),
                program=program,
                cohort=cohort,
                admin=sees_emails,
                now=now,
            )
        except KeyError:
            raise Http404("No such section.") from None
        return csv_response(filename, header, rows)
    sections = quality_sections(
        organization=organization,
        program=program,
        cohort=cohort,
        admin=sees_emails,
        now=now,
    )
    filters = {key: value.pk for key, value in (("program", program), ("cohort", cohort)) if value}
    for section in sections:
        section.csv_query = urlencode({**filters, "format": "csv", "section": section.key})
    context = {
        "form": form,
        "sections": sections,
        "section_keys": SECTION_KEYS,
        "findings": sum(s.total for s in sections),
        "cap": CAP,
        "program": program,
        "cohort": cohort,
        "counted_at": now,
    }
    template = list_template(request, "metrics/quality/data_quality.html", "quality-results")
    return render(request, template, context, status=form_status(form))
