"""The network directory: offerings, requests, time-banking credits (M7)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantLinkModel, TenantModel
from programs.models import Competency


class Offering(TenantModel):
    """A micro-session a mentor offers in the directory (M7)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offerings"
    )
    topic = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="offerings", through="OfferingCompetency"
    )
    minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(15), MaxValueValidator(45)]
    )
    respond_within_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic"]

    def __str__(self):
        return self.topic


class OfferingCompetency(TenantLinkModel):
    """A competency an offering is about: the link row carries the organisation."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantLinkModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "competency"], name="offering_competency_once"
            )
        ]


class OfferingRequest(TenantModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        DELIVERED = "delivered", "Delivered"

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offering_requests"
    )
    message = models.TextField(blank=True, help_text="Pre-work: the context the mentor needs.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    respond_by = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class TimeCredit(TenantModel):
    """Time-banking: minutes a mentor earned by delivering a micro-session."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_credits"
    )
    request = models.OneToOneField(OfferingRequest, on_delete=models.CASCADE, related_name="credit")
    minutes = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
