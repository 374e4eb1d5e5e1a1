"""Session templates (S1): a template is a list of timed blocks, each with a prompt for the
mentor and the outputs it asks for. Every organisation gets the built-in library (from the
seeds); admins clone and edit. A session keeps a copy of its template's blocks
(:class:`sessions.models.SessionBlock`), so editing a template never rewrites a past session."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantLinkModel, TenantModel, TenantQuerySet, tenant_manager


class Output(models.TextChoices):
    """What a block asks the session to produce. ``Session.outputs_given()`` says which of
    them a session has, and completing a session lists the ones that are missing."""

    NOTES = "notes", "Notes"
    SIGNALS = "signals", "Signals"
    CORRECTIONS = "corrections", "Actionable corrections"
    MICRO_HABIT = "micro_habit", "A micro-habit"
    CUE = "cue", "A cue to refine"
    PRACTICE_TARGET = "practice_target", "A practice target"
    FOLLOW_UP_DATE = "follow_up_date", "A follow-up date"
    MICRO_OUTCOME = "micro_outcome", "A micro-outcome"
    ACTION_ITEMS = "action_items", "Action items"
    CLIP_LINK = "clip_link", "A clip link"
    ATTENDANCE = "attendance", "Attendance"
    PEER_CRITIQUE = "peer_critique", "Peer critique"


class SessionKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    MICRO = "micro", "Micro-mentoring"
    GROUP = "group", "Group"


# The kinds a pair meets in (the weekly cap counts them; group sessions are the cohort's).
PAIR_KINDS = (SessionKind.ONE_TO_ONE, SessionKind.MICRO)


class SessionTemplateQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class SessionTemplate(TenantModel):
    """A timed agenda. ``minutes`` is its length; the blocks' minutes add up to it.
    A template with a range (micro-mentoring: 15 to 45 minutes) may be scheduled for any
    length in ``min_minutes``..``max_minutes``; its blocks describe the ``minutes`` version."""

    key = models.SlugField(
        max_length=40,
        blank=True,
        help_text="The built-in template this is (blank for an organisation's own).",
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=12, choices=SessionKind.choices, default=SessionKind.ONE_TO_ONE
    )
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    min_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    max_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    requires_pre_work = models.BooleanField(
        default=False, help_text="The mentee writes context notes before the session."
    )
    pre_work_prompt = models.CharField(max_length=300, blank=True)
    programs = models.ManyToManyField(
        "programs.Program",
        through="ProgramSessionTemplate",
        related_name="session_templates",
        blank=True,
        help_text="The programs that use this template.",
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager(SessionTemplateQuerySet)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="session_template_name"),
            models.UniqueConstraint(
                fields=["organization", "key"],
                condition=~models.Q(key=""),
                name="session_template_builtin_once",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def built_in(self):
        return bool(self.key)

    def length_range(self):
        return (self.min_minutes or self.minutes, self.max_minutes or self.minutes)

    def clean(self):
        low, high = self.length_range()
        if self.minutes and not low <= self.minutes <= high:
            raise ValidationError(
                {"minutes": f"The length must lie within its range ({low} to {high} minutes)."}
            )


class TemplateBlock(TenantModel):
    template = models.ForeignKey(SessionTemplate, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    prompt = models.TextField(blank=True, help_text="What the mentor does in this block.")
    outputs = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="template_block_position")
        ]

    def __str__(self):
        return f"{self.title} ({self.minutes} min)"

    def clean(self):
        unknown = [code for code in self.outputs or [] if code not in Output.values]
        if unknown:
            raise ValidationError({"outputs": f"Unknown outputs: {', '.join(unknown)}."})

    def output_labels(self):
        return [Output(code).label for code in self.outputs or [] if code in Output.values]


class ProgramSessionTemplate(TenantLinkModel):
    """The templates a program uses (chosen by its admins)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(SessionTemplate, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantLinkModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["program", "template"], name="program_template_once")
        ]
