"""Cohort mentor circles (M8)."""

from django.db import models

from mentorship.tenancy.scoping import TenantLinkModel, TenantModel
from programs.models import Cohort, Participant


class Circle(TenantModel):
    """A mentor circle of a cohort: one mentor and at most six mentees (M8)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="circles")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="circles_led")
    name = models.CharField(max_length=80)
    mentees = models.ManyToManyField(
        Participant, related_name="circles", blank=True, through="CircleMentee"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CircleMentee(TenantLinkModel):
    """A mentee's place in a circle: the link row carries the organisation."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantLinkModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["circle", "participant"], name="circle_mentee_once")
        ]
