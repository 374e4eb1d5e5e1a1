"""A program's target for an indicator it is judged by (X8)."""

from django.core.exceptions import ValidationError
from django.db import models

from mentorship.tenancy.scoping import TenantModel

from .. import catalogue


class ProgramIndicator(TenantModel):
    """The target a program sets for one of its indicators, in the unit as people read it
    (a share in percent, a score on its scale, days, months, hours or a count)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="indicator_targets"
    )
    indicator = models.CharField(max_length=40)
    target = models.DecimalField(max_digits=10, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "indicator"], name="metrics_one_target_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.program}: {self.indicator} {self.target}"

    @property
    def definition(self):
        return catalogue.BY_KEY.get(self.indicator)

    def clean(self):
        super().clean()
        definition = self.definition
        if definition is None:
            raise ValidationError({"indicator": f"Unknown indicator “{self.indicator}”."})
        if self.target is not None:
            problem = definition.check_target(float(self.target))
            if problem:
                raise ValidationError({"target": problem})
