"""Filters of the people area's lists (django-filter)."""

import django_filters
from django.db.models import Q

from ..models import Participant

INTAKE_CHOICES = [("done", "Intake done"), ("pending", "Intake not finished")]


class ParticipantFilter(django_filters.FilterSet):
    """Filters a queryset from ``programs.selectors.people.participants_with_state`` (it
    relies on the ``intake_done_at`` annotation)."""

    q = django_filters.CharFilter(method="search", label="Search")
    role = django_filters.ChoiceFilter(
        choices=Participant.Role.choices, empty_label="Any role", label="Role"
    )
    status = django_filters.ChoiceFilter(
        choices=Participant.Status.choices, empty_label="Any status", label="Status"
    )
    intake = django_filters.ChoiceFilter(
        choices=INTAKE_CHOICES, method="filter_intake", empty_label="Any intake", label="Intake"
    )

    class Meta:
        model = Participant
        fields = ["q", "role", "status", "intake"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__email__icontains=value)
            | Q(user__name__icontains=value)
            | Q(department__icontains=value)
        )

    def filter_intake(self, queryset, name, value):
        seated = queryset.filter(role__in=[Participant.Role.MENTOR, Participant.Role.MENTEE])
        if value == "done":
            return seated.filter(intake_done_at__isnull=False)
        return seated.filter(intake_done_at__isnull=True)
