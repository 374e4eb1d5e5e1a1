"""Filters of the scheduling lists (django-filter): My sessions and a pairing's sessions."""

import django_filters

from matching.models import Pairing

from ..models import Session
from ..selectors.scheduling import my_pairings, section_filter

SECTIONS = [("upcoming", "Upcoming"), ("to_log", "To log"), ("past", "Past")]


class SessionStatusFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Session.Status.choices, empty_label="Any status", label="Status"
    )

    class Meta:
        model = Session
        fields = ["status"]


class MySessionFilter(SessionStatusFilter):
    """The section (upcoming first, soonest first; to log and past, latest first), the
    pairing and the status."""

    section = django_filters.ChoiceFilter(
        choices=SECTIONS, method="filter_section", empty_label=None, label="Showing"
    )
    pairing = django_filters.ModelChoiceFilter(
        queryset=Pairing.objects.none(), empty_label="Any pairing", label="Pairing"
    )

    class Meta:
        model = Session
        fields = ["section", "pairing", "status"]

    def __init__(self, data=None, *args, organization, user, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("section") not in dict(SECTIONS):
            data["section"] = "upcoming"
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.filters["pairing"].queryset = my_pairings(organization=organization, user=user)
        self.form.fields["pairing"].label_from_instance = self._pairing_label

    def _pairing_label(self, pairing):
        if pairing.mentor.user_id == self.user.pk:
            return f"Mentoring {pairing.mentee.user} ({pairing.cohort.name})"
        return f"Mentored by {pairing.mentor.user} ({pairing.cohort.name})"

    def filter_section(self, queryset, name, value):
        queryset = queryset.filter(section_filter(value, user=self.user))
        if value == "upcoming":
            return queryset.order_by("starts_at", "pk")
        return queryset.order_by("-starts_at", "-pk")
