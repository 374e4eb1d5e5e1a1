"""Filters of the learning area's lists (django-filter), narrowed to the organisation."""

import django_filters
from django.db.models import Q

from ..models import Competency, Resource


class ResourceFilter(django_filters.FilterSet):
    STATES = [("active", "In the library"), ("archived", "Archived")]

    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(choices=Resource.Kind.choices, empty_label="Any kind")
    competency = django_filters.ModelChoiceFilter(
        field_name="competencies",
        queryset=None,
        empty_label="Any competency",
        label="Competency",
    )
    state = django_filters.ChoiceFilter(
        choices=STATES, method="filter_state", empty_label=None, label="Showing"
    )

    class Meta:
        model = Resource
        fields = ["q", "kind", "competency", "state"]

    def __init__(self, data=None, *args, organization, **kwargs):
        # "In the library" unless asked: an archived resource is history, not a choice.
        data = data.copy() if data is not None else {}
        if not data.get("state"):
            data["state"] = "active"
        super().__init__(data, *args, **kwargs)
        self.filters["competency"].queryset = Competency.objects.for_org(organization)

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))

    def filter_state(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=value != "archived")
