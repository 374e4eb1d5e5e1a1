"""Filter of the template library (django-filter)."""

import django_filters
from django.db.models import Q

from ..models import SessionKind, SessionTemplate


class TemplateFilter(django_filters.FilterSet):
    STATES = [("active", "In use"), ("archived", "Archived"), ("all", "All")]
    ORIGINS = [("builtin", "Built-in"), ("own", "Your organisation's")]

    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(
        choices=SessionKind.choices, empty_label="Any kind", label="Kind"
    )
    origin = django_filters.ChoiceFilter(
        choices=ORIGINS, method="filter_origin", empty_label="Built-in and own", label="Origin"
    )
    state = django_filters.ChoiceFilter(
        choices=STATES, method="filter_state", empty_label=None, label="Showing"
    )

    class Meta:
        model = SessionTemplate
        fields = ["q", "kind", "origin", "state"]

    def __init__(self, data=None, *args, **kwargs):
        # Templates in use unless asked: an archived template is history, not a choice.
        data = data.copy() if data is not None else {}
        if not data.get("state"):
            data["state"] = "active"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_origin(self, queryset, name, value):
        return queryset.exclude(key="") if value == "builtin" else queryset.filter(key="")

    def filter_state(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(archived_at__isnull=value != "archived")
