"""The mentee's 90-day plan (D1), habit check-ins (D2) and the reflective journal (D4).

A core pairing has one :class:`Plan`, created when the mentor accepts the pairing, prefilled
from the mentee's intake and the program's blueprint. Its status is computed by
``sessions.plan_status.plan_status`` (one documented rule), never stored by hand; its
history (who changed what) is :class:`PlanEvent`. Journal entries are the mentee's: private,
or shared with the mentor; admins and leaders never read their text.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantModel

PLAN_DAYS = 90
REVIEW_DAYS = (30, 60, 90)


class Plan(TenantModel):
    pairing = models.OneToOneField(
        "matching.Pairing", on_delete=models.CASCADE, related_name="plan"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    feedback_preferences = models.TextField(
        blank=True, help_text="How the mentee likes to receive feedback."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return f"Plan of {self.pairing.mentee.user}"


class Objective(TenantModel):
    """A learning objective tied to a competency, with the level aimed at and how success
    is recognised."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    competency = models.ForeignKey(
        "programs.Competency", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    success_criterion = models.CharField(
        max_length=300, blank=True, help_text="How you will know you got there."
    )
    target_level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="The level aimed at, on the organisation's 1 to 5 scale.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return self.title


class PlanMilestone(TenantModel):
    """A dated milestone of the plan (from the blueprint's phases, or days 30, 60 and 90)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "due_on", "position", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        plan = getattr(self, "plan", None)
        if plan is not None and self.due_on and self.due_on > plan.ends_on:
            raise ValidationError(
                {"due_on": f"Choose a date within the plan: it ends on {plan.ends_on:%-d %B %Y}."}
            )


class PlanComment(TenantModel):
    """The mentor's (or the mentee's) comment on an objective or a milestone."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    milestone = models.ForeignKey(
        PlanMilestone, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class PlanReview(TenantModel):
    """The mentee's review at day 30, 60 or 90: a reflection and a self-rating per
    objective (:class:`ObjectiveRating`), which the mentor sees."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    day = models.PositiveSmallIntegerField(choices=[(d, f"Day {d}") for d in REVIEW_DAYS])
    reflection = models.TextField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "day"]
        constraints = [models.UniqueConstraint(fields=["plan", "day"], name="plan_review_once")]


class ObjectiveRating(TenantModel):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="ratings")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="ratings")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "objective"], name="objective_rated_once")
        ]


class PlanEvent(TenantModel):
    """The plan's history: who changed what, when (``changes`` in the audit log's format)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    # The words of the fields the plan services record (their keys in ``changes``).
    CHANGE_LABELS = {
        "title": "Title",
        "due_on": "Due",
        "success_criterion": "Success criterion",
        "target_level": "Level aimed at",
        "competency": "Competency",
        "feedback_preferences": "Feedback preferences",
        "state": "State",
        "comment": "Comment",
    }

    @property
    def change_lines(self):
        """``changes`` as the history page words them: ``(label, before, after)`` with the
        field's name in words ("rating: <objective>" reads "Rating of <objective>"), a date
        as a date, and an empty side as None (a value written for the first time shows
        alone, without an arrow)."""
        lines = []
        for key, pair in (self.changes or {}).items():
            before, after = (
                (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            )
            if key.startswith("rating: "):
                label = f"Rating of {key.removeprefix('rating: ')}"
            else:
                label = self.CHANGE_LABELS.get(key, key.replace("_", " ").capitalize())
            lines.append((label, _change_value(before), _change_value(after)))
        return lines


def _change_value(value):
    """A recorded value for the page: an ISO date as a date, "" as None."""
    if value in ("", None):
        return None
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


class HabitCheckIn(TenantModel):
    """One day of a micro-habit: done or skipped (D2). ``day`` is the mentee's day in their
    own time zone; one row per habit and day."""

    class State(models.TextChoices):
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    habit = models.ForeignKey(
        "mentoring.MicroHabit", on_delete=models.CASCADE, related_name="checkins"
    )
    day = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["habit", "-day"]
        constraints = [models.UniqueConstraint(fields=["habit", "day"], name="checkin_once_a_day")]


class JournalEntry(TenantModel):
    """A dated reflective entry by a mentee (D4): private (only the mentee) or shared with
    the mentor of ``pairing``, who may comment."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pairing = models.ForeignKey(
        "matching.Pairing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="journal_entries",
    )
    written_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    shared = models.BooleanField(
        default=False, help_text="Shared with your mentor, who may comment. Nobody else reads it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name_plural = "journal entries"


class JournalComment(TenantModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class HabitPause(TenantModel):
    """A stretch of days a micro-habit was paused (D2): from ``starts_on`` to ``ends_on``
    inclusive, open (``ends_on`` empty) while it is paused. The habit maths
    (``sessions.habits.Habit.paused``) reads these ranges: paused days are not due.
    ``MicroHabit.paused_at`` says the habit is paused now; the open row says since when."""

    habit = models.ForeignKey(
        "mentoring.MicroHabit", on_delete=models.CASCADE, related_name="pauses"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["habit", "starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["habit"], condition=models.Q(ends_on__isnull=True), name="one_open_pause"
            )
        ]

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "A pause cannot end before it starts."})
