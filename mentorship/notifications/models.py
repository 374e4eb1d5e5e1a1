"""The outbox: every message is a row before it is an e-mail.

A message's unique key is (organisation, kind, subject key, recipient, period): however often
a task runs, is retried or a sweep re-enqueues it, a person gets it once.
"""

from django.conf import settings
from django.db import models

from mentorship.tenancy.models import Organization
from mentorship.tenancy.scoping import TenantModel, TenantQuerySet, tenant_manager


class MessageQuerySet(TenantQuerySet):
    def undelivered(self):
        return self.filter(status__in=[Message.Status.PENDING, Message.Status.FAILED])


class Message(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"
        GAVE_UP = "gave_up", "Failed, gave up"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", editable=False
    )
    kind = models.CharField(max_length=64)
    subject_key = models.CharField(
        max_length=128, help_text="What the message is about, e.g. 'invitation:42'."
    )
    period = models.CharField(
        max_length=32, blank=True, default="", help_text="e.g. a date for a daily reminder."
    )
    recipient_email = models.EmailField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # Files sent with the e-mail (a calendar invitation): [{"filename", "content_type",
    # "content"}], text content only.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager(MessageQuerySet)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "subject_key", "recipient_email", "period"],
                name="message_once_per_key",
            )
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient_email}"
