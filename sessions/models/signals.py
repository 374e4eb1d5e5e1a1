"""Signal types (S4, X8): what a program's mentors observe and record in a session. A rubric
(1 to 5, a word for each level), a number (with a unit and an allowed range: a percentage is
a number from 0 to 100 with unit "%") or yes/no; each may point at a competency, which the
plans (ramp time) and the dashboards read."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from mentorship.tenancy.scoping import TenantModel, TenantQuerySet, tenant_manager


class SignalTypeQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class SignalType(TenantModel):
    class Kind(models.TextChoices):
        RUBRIC = "rubric", "Rubric 1 to 5"
        NUMBER = "number", "Number"
        YES_NO = "yes_no", "Yes or no"

    RUBRIC_LEVELS = 5

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="signal_types"
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    competency = models.ForeignKey(
        "programs.Competency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signal_types",
    )
    # A rubric's word for each level, 1 to 5 ("Inconsistent", ..., "Consistent").
    level_words = models.JSONField(default=list, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    min_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    higher_is_better = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager(SignalTypeQuerySet)

    class Meta:
        ordering = ["program", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="signal_type_name_per_program")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.kind == self.Kind.RUBRIC:
            words = [str(w).strip() for w in self.level_words or []]
            if len(words) != self.RUBRIC_LEVELS or not all(words):
                errors["level_words"] = "A rubric needs a word for each of its five levels."
        if self.kind == self.Kind.NUMBER:
            if self.min_value is None or self.max_value is None:
                errors["max_value"] = (
                    "A number needs its allowed range: a lowest and a highest value."
                )
            elif self.min_value >= self.max_value:
                errors["max_value"] = "The highest value must be above the lowest."
        if errors:
            raise ValidationError(errors)

    def value_range(self):
        """(low, high) a value of this type may take."""
        if self.kind == self.Kind.RUBRIC:
            return Decimal(1), Decimal(self.RUBRIC_LEVELS)
        if self.kind == self.Kind.YES_NO:
            return Decimal(0), Decimal(1)
        return self.min_value, self.max_value

    def range_text(self):
        low, high = self.value_range()
        if self.kind == self.Kind.RUBRIC:
            return "1 to 5"
        if self.kind == self.Kind.YES_NO:
            return "yes or no"
        unit = f" {self.unit}" if self.unit and self.unit != "%" else (self.unit or "")
        return f"{low.normalize():f}{unit} to {high.normalize():f}{unit}"

    def check_value(self, value):
        """Raise ValidationError, with the range in the message, for a value out of range."""
        low, high = self.value_range()
        try:
            number = Decimal(str(value))
        except Exception as error:  # noqa: BLE001 - any unparsable input is the same refusal
            raise ValidationError(f"{self.name} takes a number, {self.range_text()}.") from error
        if not number.is_finite() or not low <= number <= high:
            raise ValidationError(f"{self.name} must be {self.range_text()}; {value} is outside.")
        if self.kind in (self.Kind.RUBRIC, self.Kind.YES_NO) and number != number.to_integral():
            raise ValidationError(f"{self.name} must be a whole level, {self.range_text()}.")
        return number

    def display(self, value):
        """A recorded value in words: "4 · Consistent", "68 %", "Yes"."""
        if value is None:
            return ""
        if self.kind == self.Kind.RUBRIC:
            level = int(value)
            words = self.level_words or []
            word = words[level - 1] if 0 < level <= len(words) else ""
            return f"{level} · {word}" if word else str(level)
        if self.kind == self.Kind.YES_NO:
            return "Yes" if int(value) else "No"
        text = f"{Decimal(value).normalize():f}"
        return f"{text} {self.unit}".strip() if self.unit != "%" else f"{text} %"
