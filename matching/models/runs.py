"""Matching settings per program, exclusions, stored match runs and their proposals (M1-M4)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantModel
from programs.models import Cohort, Participant, Program

WEIGHT_FIELDS = ["competency", "availability", "timezone", "format", "diversity", "history"]


def _weight(default, label, help_text):
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=2,
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=help_text,
    )


class MatchingSettings(TenantModel):
    """A program's matching settings, all changed by its admin in the browser (X8)."""

    class Priority(models.TextChoices):
        COVERAGE = "coverage", "Most people matched first"
        FIT = "fit", "Best total fit first"

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="matching_settings"
    )
    weight_competency = _weight(
        4, "Competency fit", "Mentor strengths against the mentee's prioritised goals."
    )
    weight_availability = _weight(2, "Availability overlap", "Weekly hours both have free.")
    weight_timezone = _weight(1, "Time zone", "Fewer hours apart is better.")
    weight_format = _weight(1, "Format and learning style", "Preferred format and style.")
    weight_diversity = _weight(1, "Cross-functional diversity", "Different departments.")
    weight_history = _weight(1, "Past pairings", "Avoid repeating a past pairing.")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.COVERAGE)
    readiness_threshold = models.DecimalField(
        "mentor readiness threshold",
        max_digits=3,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="Mentors scored below this (out of 5) are not matched. 0 = no threshold.",
    )
    max_timezone_gap_hours = models.PositiveSmallIntegerField(
        "furthest time-zone gap (hours)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="A mentor who shares no free hour with the mentee and lives further apart "
        "than this is never proposed. Empty: no limit.",
    )
    accept_within_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="A mentor who has not accepted a new pairing in this many days loses it; "
        "the mentee is offered the next best mentor.",
    )
    idle_warn_days = models.PositiveSmallIntegerField(
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text="A pair with no session for this many days is warned.",
    )
    idle_conclude_days = models.PositiveSmallIntegerField(
        default=42,
        validators=[MinValueValidator(2), MaxValueValidator(365)],
        help_text="A pair with no session for this many days is concluded.",
    )
    calibration_day = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(120)],
        help_text="Days into a pairing when both sides are asked how it fits.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Matching settings of {self.program}"

    def clean(self):
        if all(getattr(self, f"weight_{name}") in (0, None) for name in WEIGHT_FIELDS):
            raise ValidationError(
                "All matching weights are zero: raise at least one weight so mentors can be ranked."
            )
        if (
            self.idle_warn_days
            and self.idle_conclude_days
            and self.idle_conclude_days <= self.idle_warn_days
        ):
            raise ValidationError(
                {"idle_conclude_days": "Conclude idle pairs later than you warn them."}
            )

    def weights(self):
        return {name: float(getattr(self, f"weight_{name}")) for name in WEIGHT_FIELDS}


class Exclusion(TenantModel):
    """'Never pair these two', set by an admin (M2)."""

    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentee", "mentor"], name="exclusion_once"
            )
        ]

    def clean(self):
        if self.mentee_id and self.mentee_id == self.mentor_id:
            raise ValidationError("Choose two different people.")


class MatchRun(TenantModel):
    """One run of the optimiser over a cohort, stored with its settings and results so an
    admin can see months later why a pair was made."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_runs")
    # The run's number within its cohort (Run 1, Run 2, ...), as people name it.
    number = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    settings_snapshot = models.JSONField(default=dict)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    match_rate = models.FloatField(null=True, blank=True)
    mean_fit = models.FloatField(null=True, blank=True)
    min_fit = models.FloatField(null=True, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "number"],
                condition=models.Q(number__gt=0),
                name="matchrun_number_once_per_cohort",
            )
        ]

    def __str__(self):
        return f"Run {self.number or self.pk} of {self.cohort}"


class Proposal(TenantModel):
    """A proposed pair of a run (or an unmatched mentee, with the reason)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        LOCKED = "locked", "Locked"
        MANUAL = "manual", "Paired by hand"
        UNMATCHED = "unmatched", "Unmatched"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(null=True, blank=True)
    components = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="proposal_once_per_mentee")
        ]


class RejectedPair(TenantModel):
    """A pair the admin rejected during a run's review: later runs of the cohort never
    propose it again, until the admin lifts it (M4)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="rejected_pairs")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentee", "mentor"], name="rejected_pair_once"
            )
        ]

    def __str__(self):
        return f"{self.mentee} not with {self.mentor} in {self.cohort}"
