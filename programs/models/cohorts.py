"""Cohorts with their lifecycle (P4), dated milestones (P2) and participants (P5)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q

from mentorship.tenancy.scoping import TenantModel, TenantQuerySet, tenant_manager

from .catalogue import BlueprintActivity, Program


class CohortQuerySet(TenantQuerySet):
    def with_counts(self):
        """Participant counts by role in the same query: list pages stay flat."""
        active = Q(participants__status__in=Participant.ENROLLED_STATUSES)
        return self.annotate(
            mentor_count=Count("participants", filter=active & Q(participants__role="mentor")),
            mentee_count=Count("participants", filter=active & Q(participants__role="mentee")),
            enrolled_count=Count(
                "participants", filter=active & ~Q(participants__role="facilitator")
            ),
        )


class Cohort(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ENROLLING = "enrolling", "Enrolling"
        MATCHING = "matching", "Matching"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"

    # status → the statuses an admin may move it to next
    TRANSITIONS = {
        Status.DRAFT: [Status.ENROLLING],
        Status.ENROLLING: [Status.MATCHING, Status.DRAFT],
        Status.MATCHING: [Status.ACTIVE, Status.ENROLLING],
        Status.ACTIVE: [Status.COMPLETED],
        Status.COMPLETED: [],
    }

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    capacity = models.PositiveSmallIntegerField(
        default=24, help_text="Most participants (mentors and mentees) it can take."
    )
    meeting_day = models.PositiveSmallIntegerField(
        choices=Weekday.choices, null=True, blank=True, help_text="Weekly meeting slot."
    )
    meeting_time = models.TimeField(null=True, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # A program's cohorts may run differently (X2: variants compared side by side).
    variant = models.CharField(
        max_length=60,
        blank=True,
        help_text="A short label for how this cohort runs, e.g. “Weekly, 30 min” or “Group "
        "sessions”: the dashboards compare a program's cohorts by it.",
    )
    cadence_days = models.PositiveSmallIntegerField(
        "target session cadence (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="This cohort's target cadence in days; empty: the program's.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(CohortQuerySet)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The cohort cannot end before it starts."})

    @property
    def next_statuses(self):
        return self.TRANSITIONS[self.status]

    @property
    def target_cadence_days(self):
        """How often a pair of this cohort should meet, in days: the cohort's own target,
        else its program's (reads ``program``: select it with the cohort)."""
        return self.cadence_days or self.program.cadence_days


class Milestone(TenantModel):
    """A dated milestone of a cohort, generated from its program's blueprint."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="milestones")
    phase_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=BlueprintActivity.Kind.choices)
    title = models.CharField(max_length=160)
    due_on = models.DateField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "order"]

    def __str__(self):
        return f"{self.title} ({self.due_on:%d %b})"


class ParticipantQuerySet(TenantQuerySet):
    def enrolled(self):
        return self.filter(status__in=Participant.ENROLLED_STATUSES)

    def mentors(self):
        return self.filter(role=Participant.Role.MENTOR)

    def mentees(self):
        return self.filter(role=Participant.Role.MENTEE)


class Participant(TenantModel):
    """A person taking part in a cohort as mentor, mentee or facilitator."""

    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"
        FACILITATOR = "facilitator", "Facilitator"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"
        CERTIFIED = "certified", "Certified"

    ENROLLED_STATUSES = [Status.ACTIVE, Status.COMPLETED, Status.CERTIFIED]

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    department = models.CharField(max_length=120, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person's line manager: never matched as their mentor.",
    )
    # A manager named by e-mail who has not joined yet (invited in the same import): the
    # manager is linked when they accept, whoever of the two accepts first.
    manager_email = models.EmailField(blank=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager(ParticipantQuerySet)

    class Meta:
        ordering = ["role", "user__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="participant_once_per_cohort")
        ]
        # the dashboards' department filter (metrics.selectors.dashboards.departments)
        indexes = [
            models.Index(fields=["organization", "department"], name="participant_department")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.cohort})"


class PendingEnrolment(TenantModel):
    """An enrolment waiting for an invitation to be accepted (invited straight into a cohort)."""

    invitation = models.OneToOneField(
        "accounts.Invitation", on_delete=models.CASCADE, related_name="pending_enrolment"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pending_enrolments")
    role = models.CharField(max_length=16, choices=Participant.Role.choices)
    department = models.CharField(max_length=120, blank=True)
    manager_email = models.EmailField(blank=True)

    def __str__(self):
        return f"{self.invitation.email} → {self.cohort} ({self.role})"
