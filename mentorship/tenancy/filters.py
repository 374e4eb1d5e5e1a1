import django_filters
from django import forms
from django.db.models import Q
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from mentorship.accounts.models import User
from mentorship.core.widgets import Select as PythonSelect

from .models import AUDIT_ACTIONS, AuditEvent, Membership, Role


def created_on(label, lookup_expr):
    """A date picker on ``created_at`` (a list's "From" / "Until")."""
    return django_filters.DateFilter(
        field_name="created_at",
        lookup_expr=lookup_expr,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


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


class _ShownPeopleIterator(ModelChoiceIterator):
    """The options of an :class:`_ActorField`: its ``shown`` people, not all it accepts."""

    def __init__(self, field):
        super().__init__(field)
        if field.shown is not None:
            self.queryset = field.shown


class _ActorField(ModelChoiceField):
    """Accepts any person of its queryset (a link may name anyone), but offers only
    ``shown``: a list of every member would grow with the organisation (at a few hundred
    people it was most of the audit log's time, and no use to scroll)."""

    iterator = _ShownPeopleIterator

    def __init__(self, *args, shown=None, **kwargs):
        self.shown = shown
        super().__init__(*args, **kwargs)


class _ActorFilter(django_filters.ModelChoiceFilter):
    field_class = _ActorField


class AuditEventFilter(django_filters.FilterSet):
    # Written by Python (same HTML as Django's select): through the templates, the menu of
    # about ninety actions was a third of the log's time.
    action = django_filters.ChoiceFilter(choices=(), empty_label="Any action", widget=PythonSelect)
    actor = _ActorFilter(queryset=None, empty_label="Anyone", label="Who", widget=PythonSelect)
    since = created_on("From", "date__gte")
    until = created_on("Until", "date__lte")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "since", "until"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = sorted(AUDIT_ACTIONS.items(), key=lambda i: i[1])
        # Only people of this organisation may be chosen: a form choice is a tenant surface.
        people = User.objects.members_of(organization).order_by("email")
        self.filters["actor"].queryset = people
        # The menu offers the people who run the organisation (admins and leaders make the
        # admin changes the log is for), and whoever is chosen already; any member's id in
        # the address still filters (a member's own steps, such as a finished intake).
        staff = Membership.objects.for_org(organization).filter(role__in=[Role.ADMIN, Role.LEADER])
        chosen = Q(pk__in=staff.values("user_id"))
        value = str((self.data or {}).get("actor", ""))
        if value.isdigit():
            chosen |= Q(pk=int(value))
        self.filters["actor"].extra["shown"] = people.filter(chosen)
