"""Filters of the mentor directory and of the request lists (django-filter)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from programs.models import Competency

from ..models import Offering, OfferingRequest
from ..selectors.directory import mentors_available_with, weekly_utc_hours

LENGTHS = {
    "short": ("Up to 20 minutes", 0, 20),
    "medium": ("21 to 30 minutes", 21, 30),
    "long": ("31 to 45 minutes", 31, 45),
}


class OfferingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    competency = django_filters.ModelChoiceFilter(
        queryset=None,
        field_name="competencies",
        label="Competency",
        empty_label="Any competency",
    )
    length = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _, _) in LENGTHS.items()],
        method="filter_length",
        label="Length",
        empty_label="Any length",
    )
    available = django_filters.BooleanFilter(
        method="filter_available",
        label="Free when I am",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Offering
        fields = ["q", "competency", "length", "available"]

    def __init__(self, *args, organization, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        # A form choice is a tenant surface: this organisation's competencies only.
        self.filters["competency"].queryset = Competency.objects.for_org(organization)
        self._my_hours = None

    @property
    def my_hours(self):
        if self._my_hours is None:
            self._my_hours = weekly_utc_hours(organization=self.organization, user=self.user)
        return self._my_hours

    @property
    def form(self):
        form = super().form
        field = form.fields["available"]
        field.required = False
        if not self.my_hours:
            field.disabled = True
            field.help_text = "Fill in an intake with your weekly availability to use this."
        else:
            field.help_text = "A weekly slot that overlaps one of yours."
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        competency_match = Offering.competencies.through.objects.filter(
            offering_id=OuterRef("pk"), competency__name__icontains=value
        )
        return queryset.filter(
            Q(topic__icontains=value)
            | Q(description__icontains=value)
            | Q(mentor__name__icontains=value)
            | Exists(competency_match)
        )

    def filter_length(self, queryset, name, value):
        if value not in LENGTHS:
            return queryset
        _, low, high = LENGTHS[value]
        return queryset.filter(minutes__gte=low, minutes__lte=high)

    def filter_available(self, queryset, name, value):
        if not value or not self.my_hours:
            return queryset
        ids = mentors_available_with(organization=self.organization, hours=self.my_hours)
        return queryset.filter(mentor_id__in=ids)


class OfferingRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=OfferingRequest.Status.choices, empty_label="Any status"
    )

    class Meta:
        model = OfferingRequest
        fields = ["status"]
