"""The outbox's filter: by kind (in words), status, person and date range."""

import django_filters
from django.db.models import Q

from mentorship.tenancy.filters import created_on

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
    since = created_on("From", "date__gte")
    until = created_on("Until", "date__lte")

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
