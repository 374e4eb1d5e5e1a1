"""The Calibration page's filter: which checks, of which cohort."""

import django_filters

from programs.models import Cohort

from ..models import CalibrationCheck

FLAG_CHOICES = [("flagged", "Flagged, open"), ("resolved", "Resolved"), ("all", "Every check")]


class CalibrationFilter(django_filters.FilterSet):
    cohort = django_filters.ModelChoiceFilter(
        field_name="pairing__cohort",
        queryset=Cohort.objects.none(),
        empty_label="Any cohort",
        label="Cohort",
    )
    state = django_filters.ChoiceFilter(
        choices=FLAG_CHOICES, method="filter_state", empty_label="Flagged, open", label="Show"
    )

    class Meta:
        model = CalibrationCheck
        fields = ["cohort", "state"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["cohort"].queryset = Cohort.objects.for_org(organization)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(flagged=True, resolved_at__isnull=True)
        return super().filter_queryset(queryset)

    def filter_state(self, queryset, name, value):
        if value == "flagged":
            return queryset.filter(flagged=True, resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset
