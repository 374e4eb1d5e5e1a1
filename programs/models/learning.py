"""Resources (P7) and assessments with rubrics and certification (P8)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantLinkModel, TenantModel

from .catalogue import Competency
from .cohorts import Cohort, Participant


class Resource(TenantModel):
    class Kind(models.TextChoices):
        MODULE = "module", "Micro-learning module"
        SCENARIO = "scenario", "Scenario exercise"
        CASE_STUDY = "case_study", "Case study"
        TEMPLATE = "template", "Template"

    title = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MODULE)
    body = models.TextField(blank=True)
    url = models.URLField(blank=True)
    minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="resources", through="ResourceCompetency"
    )
    is_coaching_primer = models.BooleanField(
        default=False, help_text="Mentors complete it as part of their onboarding."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.body and not self.url:
            raise ValidationError("Give the resource a body or a link.")


class ResourceCompetency(TenantLinkModel):
    """A competency a resource builds: the link row carries the organisation, like every
    tenant row."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantLinkModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "competency"], name="resource_competency_once"
            )
        ]


class ResourceAssignment(TenantModel):
    """A resource assigned to a whole cohort or to one person."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="assignments")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="resource_assignments",
    )
    participant_role = models.CharField(
        "for",
        max_length=16,
        choices=Participant.Role.choices,
        blank=True,
        help_text="Of a cohort, only the participants with this role; everyone when empty.",
    )
    due_on = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cohort__isnull=False) | models.Q(user__isnull=False),
                name="assignment_has_target",
            )
        ]


class ResourceCompletion(TenantModel):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_completions"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="resource_done_once")
        ]


class Rubric(TenantModel):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    scale_max = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RubricCriterion(TenantModel):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Assessment(TenantModel):
    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        FINAL = "final", "Final"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="assessments"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_on = models.DateField()
    notes = models.TextField(blank=True)
    average = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    passed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} assessment of {self.participant.user}"


class AssessmentScore(TenantModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_once")
        ]
