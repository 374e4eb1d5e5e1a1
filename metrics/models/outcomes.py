"""Outcome events (X3): what happened to a person's employment, imported by CSV.

A row names its person by e-mail, so the comparison group (people who never took part, and
are not members) can be imported too; ``user`` is set when the e-mail was a member of the
organisation at import time.
"""

from django.conf import settings
from django.db import models

from mentorship.tenancy.scoping import TenantModel


class OutcomeEvent(TenantModel):
    class Event(models.TextChoices):
        HIRED = "hired", "Hired"
        PROMOTED = "promoted", "Promoted"
        ROLE_CHANGE = "role_change", "Role change"
        DEPARTMENT_CHANGE = "department_change", "Department change"
        LEFT = "left", "Left"

    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of the organisation with this e-mail, when there was one.",
    )
    event = models.CharField(max_length=20, choices=Event.choices)
    occurred_on = models.DateField("date")
    department = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=120, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField("file", max_length=120, blank=True)

    class Meta:
        ordering = ["-occurred_on", "email", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email", "event", "occurred_on"],
                name="metrics_outcome_event_once",
            )
        ]
        indexes = [models.Index(fields=["organization", "event", "occurred_on"])]

    def __str__(self):
        return f"{self.email} {self.get_event_display().lower()} on {self.occurred_on}"
