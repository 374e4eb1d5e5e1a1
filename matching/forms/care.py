"""Forms of the matching care area: calibration answers, rematch requests, reports, topic
mentors and the calibration page's filter."""

import django_filters
from django import forms

from programs.models import Cohort, Competency, Participant

from ..models import CalibrationCheck

FIT_CHOICES = [
    (5, "5: a great fit"),
    (4, "4: a good fit"),
    (3, "3: it works"),
    (2, "2: not a good fit"),
    (1, "1: it does not work"),
]


class CalibrationAnswerForm(forms.Form):
    answer = forms.TypedChoiceField(
        label="How well does this pairing fit you?",
        choices=FIT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything to add? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only your program's admins read this.",
    )


class RematchRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why would another partner help? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Confidential: only your program's admins see this. Your partner is not told.",
    )


class UnresponsiveReportForm(forms.Form):
    note = forms.CharField(
        label="What happened? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. two session invitations without an answer.",
    )


class TopicMentorForm(forms.Form):
    mentee = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Mentee")
    topic = forms.ModelChoiceField(queryset=Competency.objects.none(), label="Competency")
    mentor = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Topic mentor")

    def __init__(self, *args, organization, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            Participant.objects.for_org(organization)
            .filter(cohort=cohort, status=Participant.Status.ACTIVE)
            .select_related("user")
        )
        self.fields["mentee"].queryset = people.filter(role=Participant.Role.MENTEE)
        self.fields["mentor"].queryset = people.filter(role=Participant.Role.MENTOR)
        self.fields["topic"].queryset = Competency.objects.for_org(organization).select_related(
            "area"
        )
        for name in ("mentee", "mentor"):
            self.fields[name].label_from_instance = lambda p: p.user.name or p.user.email


FLAG_CHOICES = [("flagged", "Flagged, open"), ("resolved", "Resolved"), ("all", "Every check")]


class CalibrationFilter(django_filters.FilterSet):
    cohort = django_filters.ModelChoiceFilter(
        field_name="pairing__cohort",
        queryset=Cohort.objects.none(),
        empty_label="Any cohort",
        label="Cohort",
    )
    state = django_filters.ChoiceFilter(
        choices=FLAG_CHOICES, method="filter_state", empty_label="Flagged, open", label="Show"
    )

    class Meta:
        model = CalibrationCheck
        fields = ["cohort", "state"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["cohort"].queryset = Cohort.objects.for_org(organization)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(flagged=True, resolved_at__isnull=True)
        return super().filter_queryset(queryset)

    def filter_state(self, queryset, name, value):
        if value == "flagged":
            return queryset.filter(flagged=True, resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset
