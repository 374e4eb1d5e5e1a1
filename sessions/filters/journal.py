"""The filter of My journal (django-filter): all entries, the shared or the private ones."""

import django_filters

from ..models import JournalEntry


class JournalFilter(django_filters.FilterSet):
    shared = django_filters.ChoiceFilter(
        choices=[("yes", "Shared with my mentor"), ("no", "Private")],
        method="filter_shared",
        empty_label="All entries",
        label="Showing",
    )

    class Meta:
        model = JournalEntry
        fields = ["shared"]

    def filter_shared(self, queryset, name, value):
        return queryset.filter(shared=value == "yes")
