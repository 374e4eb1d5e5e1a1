"""Filters of the catalogue area's lists (django-filter), narrowed to the organisation."""

import django_filters
from django.db.models import Q

from ..models import Cohort, Program


class ProgramFilter(django_filters.FilterSet):
    STATES = [("active", "Offered"), ("archived", "Archived"), ("all", "All")]

    q = django_filters.CharFilter(method="search", label="Search")
    format = django_filters.ChoiceFilter(choices=Program.Format.choices, empty_label="Any format")
    state = django_filters.ChoiceFilter(
        choices=STATES, method="filter_state", empty_label=None, label="Showing"
    )

    class Meta:
        model = Program
        fields = ["q", "format", "state"]

    def __init__(self, data=None, *args, **kwargs):
        # Offered programs unless asked: an archived program is history, not a choice.
        data = data.copy() if data is not None else {}
        if not data.get("state"):
            data["state"] = "active"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(purpose__icontains=value))

    def filter_state(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(archived_at__isnull=value != "archived")


class CohortFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    program = django_filters.ModelChoiceFilter(
        queryset=None, empty_label="Any program", label="Program"
    )
    status = django_filters.ChoiceFilter(
        choices=Cohort.Status.choices, empty_label="Any stage", label="Stage"
    )

    class Meta:
        model = Cohort
        fields = ["q", "program", "status"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.for_org(organization)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(program__name__icontains=value))
