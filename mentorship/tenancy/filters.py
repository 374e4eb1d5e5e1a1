import django_filters
from django import forms
from django.db.models import Q

from mentorship.accounts.models import User

from .models import AUDIT_ACTIONS, AuditEvent, Membership, Role


class MembershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    role = django_filters.ChoiceFilter(choices=Role.choices, empty_label="Any role")

    class Meta:
        model = Membership
        fields = ["q", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__email__icontains=value)
            | Q(user__name__icontains=value)
            | Q(department__icontains=value)
        )


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=(), empty_label="Any action")
    actor = django_filters.ModelChoiceFilter(queryset=None, empty_label="Anyone", label="Who")
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
        model = AuditEvent
        fields = ["action", "actor", "since", "until"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = sorted(AUDIT_ACTIONS.items(), key=lambda i: i[1])
        # Only people of this organisation may be chosen: a form choice is a tenant surface.
        self.filters["actor"].queryset = User.objects.members_of(organization).order_by("email")
