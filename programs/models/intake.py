"""Intake (P6): what a mentee wants to grow and how; what a mentor offers; readiness."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.models import TIME_ZONE_CHOICES
from mentorship.tenancy.scoping import TenantModel

from .catalogue import Competency, Program
from .cohorts import Participant

LEARNING_STYLES = [
    ("hands_on", "Hands-on: try, then debrief"),
    ("observe", "Observe first, then practise"),
    ("discuss", "Talk it through"),
    ("read", "Read and reflect"),
]

# How a mentor likes to coach: the same codes as LEARNING_STYLES, so matching can compare a
# mentee's learning style with a mentor's coaching styles directly.
COACHING_STYLES = [
    ("hands_on", "Hands-on: practise together, then debrief"),
    ("observe", "Demonstrate first, then observe them"),
    ("discuss", "Ask questions and talk it through"),
    ("read", "Share reading, then reflect together"),
]


class MenteeIntake(TenantModel):
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="mentee_intake"
    )
    goals = models.TextField(help_text="What do you want to be able to do in 90 days?")
    learning_style = models.CharField(max_length=20, choices=LEARNING_STYLES, blank=True)
    preferred_format = models.CharField(max_length=20, choices=Program.Format.choices, blank=True)
    career_drivers = models.TextField(blank=True, help_text="What drives your career now?")
    availability = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    feedback_preferences = models.TextField(
        blank=True, help_text="How do you like to receive feedback?"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Intake of {self.participant.user}"


class MenteeGoal(TenantModel):
    """A competency the mentee wants to grow, with priority 1 (most important) to 3."""

    intake = models.ForeignKey(MenteeIntake, on_delete=models.CASCADE, related_name="goal_items")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    priority = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )

    class Meta:
        ordering = ["priority", "competency__name"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "competency"], name="mentee_goal_once")
        ]


class MentorIntake(TenantModel):
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="mentor_intake"
    )
    capacity = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text="How many mentees you can take on in this cohort.",
    )
    availability = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    languages = models.CharField(max_length=200, blank=True, help_text="e.g. English, Spanish")
    formats = models.JSONField(default=list, blank=True)
    coaching_styles = models.JSONField(default=list, blank=True)
    bio = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Intake of {self.participant.user}"


class MentorOffer(TenantModel):
    """A competency the mentor offers, at a level of the organisation's scale."""

    intake = models.ForeignKey(MentorIntake, on_delete=models.CASCADE, related_name="offers")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["-level", "competency__name"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "competency"], name="mentor_offer_once")
        ]


class MentorReadiness(TenantModel):
    """The admin's readiness score of a mentor on the rubric (1–5 each)."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="readiness"
    )
    coaching_aptitude = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    time_availability = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    domain_credibility = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    @property
    def score(self):
        return round(
            (self.coaching_aptitude + self.time_availability + self.domain_credibility) / 3, 2
        )
