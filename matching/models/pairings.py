"""Pairings with their responsiveness clock, calibration checks, rematch requests and
unresponsiveness reports (M5, M6, M9)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantModel, TenantQuerySet, tenant_manager
from programs.models import Cohort, Competency, Participant

from .runs import MatchRun


class PairingQuerySet(TenantQuerySet):
    def live(self):
        return self.filter(status__in=[Pairing.Status.PENDING, Pairing.Status.ACTIVE])


class Pairing(TenantModel):
    """A mentor and a mentee working together: core mentor or a rotating topic mentor."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the mentor"
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired (not accepted in time)"
        DECLINED = "declined", "Declined"
        CONCLUDED = "concluded", "Concluded"

    class Kind(models.TextChoices):
        CORE = "core", "Core mentor"
        TOPIC = "topic", "Topic mentor"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pairings")
    mentee = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="pairings_as_mentee"
    )
    mentor = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="pairings_as_mentor"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CORE)
    topic = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairings"
    )
    score = models.FloatField(null=True, blank=True)
    components = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accept_by = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    idle_warned_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    objects = tenant_manager(PairingQuerySet)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=models.Q(kind="core", status__in=["pending", "active"]),
                name="one_live_core_mentor",
            )
        ]

    def __str__(self):
        return f"{self.mentor.user} → {self.mentee.user}"


class CalibrationCheck(TenantModel):
    """The check about a month in (M5): each side answers how the pairing fits."""

    pairing = models.OneToOneField(Pairing, on_delete=models.CASCADE, related_name="calibration")
    due_on = models.DateField()
    mentee_answer = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    mentor_answer = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    mentee_comment = models.TextField(blank=True)
    mentor_comment = models.TextField(blank=True)
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=300, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=200, blank=True)


class RematchRequest(TenantModel):
    """Either side asks, confidentially, for another partner. Only admins see it."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="rematch_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)


class UnresponsiveReport(TenantModel):
    """Either side reports that their partner does not respond (M9)."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="unresponsive_reports"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
