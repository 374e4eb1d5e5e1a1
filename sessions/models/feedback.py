"""After a session (S5, S7, B1): pulse answers and kudos.

Individual pulse answers belong to the person who gave them: no page shows one to the partner,
an admin or a leader. Aggregates are shown only where at least ``PULSE_MIN_ANSWERS`` stand
behind them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantModel

PULSE_MIN_ANSWERS = 5

# The anchored word of each pulse level.
PULSE_WORDS = {
    1: "Not useful",
    2: "Somewhat useful",
    3: "Useful",
    4: "Very useful",
    5: "Exceptionally useful",
}


class PulseAnswer(TenantModel):
    """The pulse survey a person is asked after a completed session: the row exists from the
    request (``answered_at`` empty) so it is asked once, and holds the answer when given."""

    class Role(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"

    session = models.ForeignKey(
        "mentoring.Session", on_delete=models.CASCADE, related_name="pulse_answers"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=8, choices=Role.choices)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "respondent"], name="pulse_once_per_person")
        ]


class Kudos(TenantModel):
    """A short public thank-you after a session (S7): shown on the cohort's page, counted
    for the recipient's recognition."""

    MAX_LENGTH = 280

    session = models.ForeignKey("mentoring.Session", on_delete=models.CASCADE, related_name="kudos")
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "kudos"
        constraints = [
            models.UniqueConstraint(fields=["session", "giver"], name="kudos_once_per_session")
        ]
