"""The outbox's filter: by kind (in words), status, person and date range."""

import django_filters
from django import forms
from django.db.models import Q

from .models import Message
from .selectors import outbox_kind_choices


class OutboxFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=(), empty_label="Any kind", label="Kind")
    status = django_filters.ChoiceFilter(
        choices=Message.Status.choices, empty_label="Any status", label="Status"
    )
    person = django_filters.CharFilter(
        method="search_person", label="Sent to", help_text="A name or an e-mail address."
    )
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Message
        fields = ["kind", "status", "person", "since", "until"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = outbox_kind_choices()

    def search_person(self, queryset, name, value):
        # A search, not a menu of every member: the menu would grow with the organisation.
        # The rows searched are this organisation's own (the queryset is scoped).
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(recipient_email__icontains=value) | Q(recipient__name__icontains=value)
        )
