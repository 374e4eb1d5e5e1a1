"""Filters of a cohort's group sessions (django-filter)."""

import django_filters
from django.utils import timezone

from ..models import Session

WHEN = [("upcoming", "Upcoming"), ("past", "Past")]


class GroupSessionFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        choices=WHEN, method="filter_when", label="When", empty_label="Any time"
    )
    status = django_filters.ChoiceFilter(
        choices=Session.Status.choices, label="Status", empty_label="Any status"
    )

    class Meta:
        model = Session
        fields = ["when", "status"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(starts_at__gte=now).order_by("starts_at", "pk")
        if value == "past":
            return queryset.filter(starts_at__lt=now)
        return queryset
