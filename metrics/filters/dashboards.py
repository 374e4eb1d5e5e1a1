"""The dashboards' filters (X2): a plain GET form, its choices narrowed to the organisation.

Each page asks for the fields it uses (``fields=``):

- ``since`` / ``until``: the trend's range; the figures shown are of the last snapshot day on
  or before ``until``. A range that ends before it starts is an error next to "Until".
- ``program`` (organisation page): only that program in the programs table.
- ``cohort`` (program page): only that cohort in the cohorts table.
- ``department`` (cohort and mentor pages): only the pairs whose mentee is in it (the figures
  of a cohort are stored per cohort, not per department: the page says so).
- ``indicator``: the figure the side-by-side bars draw.
- ``cohorts`` (compare page): the cohorts side by side.
"""

from django import forms

from programs.models import Cohort, Program

from .. import catalogue


class _CohortChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _CohortChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class DashboardFilterForm(forms.Form):
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="Every program"
    )
    cohort = _CohortChoice(
        queryset=Cohort.objects.none(), required=False, empty_label="Every cohort"
    )
    department = forms.ChoiceField(choices=(), required=False, label="Mentees' department")
    indicator = forms.ChoiceField(choices=(), required=False, label="Compare by")
    cohorts = _CohortChoices(
        queryset=Cohort.objects.none(), required=False, label="Cohorts side by side"
    )

    def __init__(
        self,
        data=None,
        *,
        organization,
        fields,
        level=catalogue.PROGRAM,
        program=None,
        departments=(),
    ):
        super().__init__(data, auto_id="id_dash_%s")
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "program" in self.fields:
            self.fields["program"].queryset = Program.objects.for_org(organization).filter(
                archived_at__isnull=True
            )
        for name in ("cohort", "cohorts"):
            if name in self.fields:
                cohorts = Cohort.objects.for_org(organization)
                if program is not None:
                    cohorts = cohorts.filter(program=program)
                self.fields[name].queryset = cohorts.order_by("-starts_on", "name")
        if "department" in self.fields:
            self.fields["department"].choices = [("", "Every department")] + [
                (d, d) for d in departments
            ]
        if "indicator" in self.fields:
            self.fields["indicator"].choices = [(i.key, i.name) for i in catalogue.at_level(level)]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the range is before its start: choose a later day.")
        return data

    def value(self, name, default=None):
        """The cleaned value of a field, or ``default`` when the form is invalid or the
        field is not on the page (an invalid form changes nothing)."""
        if name not in self.fields or not self.is_valid():
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value
