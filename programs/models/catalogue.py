"""Competencies (P3), blueprints (P2) and programs with their charter (P1)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantModel, TenantQuerySet, tenant_manager
from metrics import catalogue as metrics_catalogue


class CompetencyArea(TenantModel):
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="area_unique_name")
        ]

    def __str__(self):
        return self.name


class Competency(TenantModel):
    area = models.ForeignKey(CompetencyArea, on_delete=models.CASCADE, related_name="competencies")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["area__order", "area__name", "name"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="competency_unique_name")
        ]

    def __str__(self):
        return self.name


class CompetencyLevel(TenantModel):
    """The organisation's level scale, e.g. 1 Aware … 5 Expert."""

    # Five steps: intakes offer and matching scores competencies on a 1-5 scale.
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="From 1 to 5: mentors offer competencies, and matching weighs them, on "
        "this scale.",
    )
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "value"], name="level_unique_value")
        ]

    def __str__(self):
        return f"{self.value} · {self.name}"


class Blueprint(TenantModel):
    """Phases over time that a program follows; a cohort's dates turn it into milestones."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    source_key = models.CharField(
        max_length=40, blank=True, help_text="The built-in blueprint this one started from."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def duration_weeks(self):
        return max((phase.end_week for phase in self.phases.all()), default=0)


class BlueprintPhase(TenantModel):
    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=120)
    start_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    end_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "start_week"]

    def __str__(self):
        return f"{self.name} (weeks {self.start_week}–{self.end_week})"

    def clean(self):
        if self.start_week and self.end_week and self.end_week < self.start_week:
            raise ValidationError({"end_week": "A phase cannot end before it starts."})


class BlueprintActivity(TenantModel):
    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment"
        MODULE = "module", "Module assignment"
        SESSION = "session", "Paired session"
        REVIEW = "review", "Remote review"
        HABIT = "habit", "Micro-habit"
        EVALUATION = "evaluation", "Evaluation"
        CERTIFICATION = "certification", "Certification"
        CHECKIN = "checkin", "Check-in"
        PLAN = "plan", "Plan milestone"

    phase = models.ForeignKey(BlueprintPhase, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=160)
    due_week = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Week the activity is due; the phase's end if empty."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class ProgramQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Program(TenantModel):
    class Format(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one"
        MICRO = "micro", "Micro-mentoring"
        COHORT = "cohort", "Cohort"
        NETWORK = "network", "Network"

    # X1: the indicators a program can be judged by, from the one catalogue
    # (metrics.catalogue): key → (name, kind). The keys are the ones stored in ``indicators``.
    INDICATORS = metrics_catalogue.for_programs()

    name = models.CharField(max_length=120)
    purpose = models.TextField(help_text="What the program is for, in a sentence or two.")
    code_of_conduct = models.TextField(blank=True)
    confidentiality = models.TextField(blank=True)
    escalation_path = models.TextField(blank=True)
    charter_version = models.PositiveIntegerField(default=1, editable=False)
    notes_shared_with_team = models.BooleanField(
        "session notes are shared with the program team",
        default=False,
        help_text=(
            "Part of the charter participants acknowledge. When off, admins and leaders see "
            "that a session took place, its length, template, signals and which outputs were "
            "given, but not its notes."
        ),
    )
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.ONE_TO_ONE)
    cadence_days = models.PositiveSmallIntegerField(
        "target session cadence (days)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="A pair should meet at least this often.",
    )
    micro_touch_cap = models.PositiveSmallIntegerField(
        "micro-touches per mentee per week",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        help_text="1–2 a week avoids mentorship fatigue.",
    )
    mentees_per_mentor = models.PositiveSmallIntegerField(
        "mentees per mentor",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="The mentor-to-mentee ratio: 1:6 for cohorts.",
    )
    indicators = models.JSONField(default=list, blank=True)
    blueprint = models.ForeignKey(
        Blueprint, null=True, blank=True, on_delete=models.SET_NULL, related_name="programs"
    )
    rubric = models.ForeignKey(
        "programs.Rubric",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programs",
        help_text="The rubric its baseline and final assessments use.",
    )
    certification_threshold = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=3.5,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="Average score a final assessment needs to certify (out of 5).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager(ProgramQuerySet)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def has_charter(self):
        return bool(self.code_of_conduct or self.confidentiality or self.escalation_path)

    def indicator_labels(self):
        return [self.INDICATORS[code][0] for code in self.indicators if code in self.INDICATORS]

    def clean(self):
        unknown = [code for code in self.indicators or [] if code not in self.INDICATORS]
        if unknown:
            raise ValidationError({"indicators": f"Unknown indicators: {', '.join(unknown)}."})


class CharterAcknowledgement(TenantModel):
    """A participant read and accepted a version of the program's charter."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    charter_version = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "charter_version"], name="charter_ack_once"
            )
        ]
