"""Nudges and the e-mail outbox (B6).

A **nudge** is one thing a person is told: a stored row with a unique key (organisation, kind,
subject key, recipient, period), created in the same transaction as the change that causes it,
so that however often a task runs, is retried or a sweep passes, and whether or not the broker
is up, a person gets it once. Every nudge is an item of its recipient's in-app inbox; whether
it is also e-mailed, at once or in the daily digest, is decided when it is created, from the
recipient's :class:`NudgePreference` (its category's channel, quiet hours, the daily cap).

A **message** is one e-mail: the nudge's own (at once), a digest of several nudges, or an
e-mail to an address that has no account yet (an invitation). Delivery claims due rows
(``SELECT … FOR UPDATE SKIP LOCKED``), commits the claim, sends, and marks them sent
(:mod:`mentorship.notifications.delivery`); a claim left by a dead worker is taken again after
:data:`CLAIM_TIMEOUT`. Every e-mail carries a stable ``Message-ID`` made from its row, so the
one message a killed worker may have been sending, if sent again, is the same message.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from mentorship.tenancy.models import Organization
from mentorship.tenancy.scoping import TenantModel, TenantQuerySet, tenant_manager


class Category(models.TextChoices):
    """What a nudge is about: a person chooses how they hear of each category."""

    SESSIONS = "sessions", "Sessions"
    PLANS = "plans", "Plan and habits"
    MATCHING = "matching", "Matching"
    PROGRAM = "program", "Program administration"
    ACCOUNT = "account", "Invitations and account"


# Categories a person chooses a channel for; the account category always arrives by e-mail.
CHOOSABLE_CATEGORIES = [c for c in Category if c != Category.ACCOUNT]


class Channel(models.TextChoices):
    NOW = "now", "E-mail at once"
    DIGEST = "digest", "In the daily digest"
    INBOX = "inbox", "In the inbox only"


class MessageQuerySet(TenantQuerySet):
    def undelivered(self):
        return self.filter(status__in=[Message.Status.PENDING, Message.Status.FAILED])

    def due(self, now, claim_timeout):
        """Rows a worker may claim now: undelivered, their time come, and not claimed, or
        claimed by a worker that has not finished within ``claim_timeout`` (it died)."""
        return self.undelivered().filter(
            Q(not_before__isnull=True) | Q(not_before__lte=now),
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout),
        )


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
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.ACCOUNT)
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
    # Whether the recipient may switch this e-mail's category off: then it carries the
    # one-click unsubscribe link and headers (RFC 8058).
    unsubscribable = models.BooleanField(default=False)
    # The recipient's local day it is sent on: the daily cap counts these.
    send_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Not before (the end of the recipient's quiet hours; the next try after a failure).
    not_before = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
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
        indexes = [
            models.Index(
                fields=["status", "not_before"],
                name="message_due",
                condition=Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["organization", "recipient", "send_on"], name="message_per_day"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient_email}"

    @property
    def message_id(self):
        """The e-mail's stable ``Message-ID``: the same for every attempt of this row."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
        return f"<nudge-{self.organization_id}-{self.pk}@{domain}>"


class NudgeQuerySet(TenantQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def awaiting_digest(self):
        return self.filter(email__in=[Nudge.Email.DIGEST, Nudge.Email.CAPPED], message__isnull=True)


class Nudge(TenantModel):
    class Email(models.TextChoices):
        NONE = "none", "Inbox only"
        NOW = "now", "E-mailed at once"
        QUIET = "quiet", "E-mailed after quiet hours"
        DIGEST = "digest", "In the daily digest"
        CAPPED = "capped", "In the digest (daily e-mail limit reached)"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", editable=False
    )
    kind = models.CharField(max_length=64)
    category = models.CharField(max_length=16, choices=Category.choices)
    subject_key = models.CharField(max_length=128)
    period = models.CharField(max_length=32, blank=True, default="")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="nudges",
    )
    recipient_email = models.EmailField()
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="The page it is about.")
    email = models.CharField(max_length=8, choices=Email.choices, default=Email.NONE)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="nudges"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # A single-use link in it (the habit check-in) was used.
    acted_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager(NudgeQuerySet)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "subject_key", "recipient_email", "period"],
                name="nudge_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "recipient", "read_at"], name="nudge_inbox"),
            models.Index(
                fields=["organization", "email"],
                name="nudge_awaiting_digest",
                condition=Q(email__in=["digest", "capped"], message__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient_email}"


def default_channels():
    return {category.value: Channel.NOW.value for category in CHOOSABLE_CATEGORIES}


class NudgePreference(TenantModel):
    """How one person of one organisation hears of each category (B6)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudge_preferences"
    )
    channels = models.JSONField(default=default_channels, blank=True)
    digest_hour = models.PositiveSmallIntegerField(
        "daily digest at",
        default=17,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="The hour of the day, in your time zone, the digest is sent at.",
    )
    quiet_from = models.TimeField(
        "quiet hours from", null=True, blank=True, help_text="Nothing is e-mailed from…"
    )
    quiet_until = models.TimeField("quiet hours until", null=True, blank=True, help_text="…until.")
    quiet_until_next_day = models.BooleanField(
        "until the next day",
        default=False,
        help_text="Quiet hours that run overnight, e.g. from 22:00 until 07:00 the next day.",
    )
    checkin_hour = models.PositiveSmallIntegerField(
        "habit check-in reminder at",
        default=8,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="The hour, in your time zone, you are reminded of the day's habits.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = tenant_manager(TenantQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_preference_each")
        ]

    def __str__(self):
        return f"Nudge preferences of {self.user}"

    def channel(self, category):
        if category == Category.ACCOUNT:
            return Channel.NOW
        value = (self.channels or {}).get(str(category), Channel.NOW)
        return Channel(value) if value in Channel.values else Channel.NOW

    def in_quiet_hours(self, local_time):
        """Whether ``local_time`` (a time of the person's day) falls in their quiet hours,
        which may run overnight (22:00 until 07:00 the next day)."""
        start, end = self.quiet_from, self.quiet_until
        if start is None or end is None:
            return False
        if self.quiet_until_next_day:
            return local_time >= start or local_time < end
        return start <= local_time < end

    def clean(self):
        errors = {}
        if (self.quiet_from is None) != (self.quiet_until is None):
            field = "quiet_until" if self.quiet_until is None else "quiet_from"
            errors[field] = "Give both ends of your quiet hours, or neither."
        elif self.quiet_from is not None:
            if self.quiet_until_next_day and self.quiet_until >= self.quiet_from:
                errors["quiet_until"] = (
                    "Quiet hours last less than a day: end them the next day before they start."
                )
            elif not self.quiet_until_next_day and self.quiet_until <= self.quiet_from:
                errors["quiet_until"] = (
                    "Quiet hours end before they start: choose a later end, or tick "
                    "“until the next day” for quiet hours that run overnight."
                )
        for category, value in (self.channels or {}).items():
            if category not in {c.value for c in CHOOSABLE_CATEGORIES}:
                errors["channels"] = "Invitations and account e-mails cannot be switched off."
            elif value not in Channel.values:
                errors["channels"] = f"Unknown choice {value!r}."
        if errors:
            raise ValidationError(errors)
