"""Filters of the outcome events list (django-filter)."""

import django_filters

from ..models import OutcomeEvent

PERSON_CHOICES = [("member", "Members"), ("other", "Not members (comparison group)")]


class OutcomeEventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="email", lookup_expr="icontains", label="E-mail")
    event = django_filters.ChoiceFilter(
        choices=OutcomeEvent.Event.choices, empty_label="Any event", label="Event"
    )
    person = django_filters.ChoiceFilter(
        choices=PERSON_CHOICES, method="filter_person", empty_label="Everyone", label="People"
    )

    class Meta:
        model = OutcomeEvent
        fields = ["q", "event", "person"]

    def filter_person(self, queryset, name, value):
        return queryset.filter(user__isnull=value == "other")
