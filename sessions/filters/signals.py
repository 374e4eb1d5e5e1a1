"""Filter of the signal types list (django-filter), narrowed to the organisation."""

import django_filters
from django.db.models import Q

from programs.models import Program

from ..models import SignalType


class SignalTypeFilter(django_filters.FilterSet):
    STATES = [("active", "Recorded"), ("archived", "Archived"), ("all", "All")]

    q = django_filters.CharFilter(method="search", label="Search")
    program = django_filters.ModelChoiceFilter(
        queryset=None, empty_label="Every program", label="Program"
    )
    kind = django_filters.ChoiceFilter(
        choices=SignalType.Kind.choices, empty_label="Any kind", label="Kind"
    )
    state = django_filters.ChoiceFilter(
        choices=STATES, method="filter_state", empty_label=None, label="Showing"
    )

    class Meta:
        model = SignalType
        fields = ["q", "program", "kind", "state"]

    def __init__(self, data=None, *args, organization, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("state"):
            data["state"] = "active"
        super().__init__(data, *args, **kwargs)
        self.filters["program"].queryset = Program.objects.for_org(organization)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_state(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(archived_at__isnull=value != "archived")
