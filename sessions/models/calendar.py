"""Personal calendar feeds (S2): a secret, revocable URL per person and organisation that a
calendar application subscribes to. It works without signing in, so it holds titles and times
but never notes. ``slug`` is the secret (the URL names it ``calendarfeed_slug``)."""

import secrets

from django.conf import settings
from django.db import models

from mentorship.tenancy.scoping import TenantModel


def new_feed_secret():
    return secrets.token_urlsafe(24)


class CalendarFeed(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slug = models.CharField(max_length=64, unique=True, default=new_feed_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_feed_per_person",
            )
        ]
