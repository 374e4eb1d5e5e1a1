"""Stored indicator figures (B5): one row per organisation, level, object, indicator and day,
written in the background (``metrics.services.snapshots``) so a dashboard page only reads.

``object_id`` is the id of the object at its level: the organisation's own id at the
organisation level, a ``programs.Program``, a ``programs.Cohort``, a ``matching.Pairing``
(level "pair") or the mentor's ``accounts.User``. It is not a foreign key, because it points
at a different table by level; the rows go with their organisation.
"""

from django.db import models

from mentorship.tenancy.scoping import TenantModel

from .. import catalogue


class Snapshot(TenantModel):
    LEVEL_CHOICES = [(level, level.capitalize()) for level in catalogue.LEVELS]

    level = models.CharField(max_length=12, choices=LEVEL_CHOICES)
    object_id = models.PositiveBigIntegerField()
    indicator = models.CharField(max_length=40)
    day = models.DateField()
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    n = models.PositiveIntegerField(default=0)
    not_yet = models.PositiveIntegerField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField()

    # What a computation writes of a row, beside its key (the upsert's columns, the reads').
    FIGURE_FIELDS = (
        "value",
        "numerator",
        "denominator",
        "n",
        "not_yet",
        "extra",
        "note",
        "computed_at",
    )

    class Meta:
        ordering = ["level", "object_id", "indicator", "-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "level", "object_id", "indicator", "day"],
                name="metrics_snapshot_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "level", "object_id", "day"], name="metrics_snapshot_obj"
            ),
            models.Index(
                fields=["organization", "level", "indicator", "day"], name="metrics_snapshot_ind"
            ),
            # the latest day of an organisation (every dashboard reads it first)
            models.Index(fields=["organization", "day"], name="metrics_snapshot_day"),
        ]

    def __str__(self):
        return f"{self.indicator} of {self.level} {self.object_id} on {self.day}: {self.value}"

    @property
    def definition(self):
        return catalogue.BY_KEY.get(self.indicator)


class RecomputeRequest(TenantModel):
    """An event asked for the recomputation of a scope ("organisation", "program:3",
    "cohort:7", "pairing:12"). Stored in the transaction of the event, so it survives a
    broker outage; the task queued after commit (or the sweep every few seconds) runs it and
    deletes it. One row per scope: events in a burst share it (the debounce)."""

    scope = models.CharField(max_length=40)
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "scope"], name="metrics_recompute_once_per_scope"
            )
        ]
        indexes = [models.Index(fields=["due_at"], name="metrics_recompute_due")]

    def __str__(self):
        return f"recompute {self.scope} after {self.due_at}"


class IndicatorPart(TenantModel):
    """A pair's (or a mentor's) part of the day's figures (``metrics.indicators.parts``),
    kept so that an event recomputes the levels above its pair from the other pairs' parts,
    not from every row of the organisation (``metrics.services.parts``).

    Written for the organisation's today only: by every full computation (every pair's,
    with the organisation's own row, kind "organisation", saying when they were read), and
    by each event's computation (its pairs' and mentors'). The rows of earlier days are
    deleted by the next full computation."""

    PAIR, MENTOR, ORGANISATION = "pair", "mentor", "organisation"
    KIND_CHOICES = [(PAIR, "Pair"), (MENTOR, "Mentor"), (ORGANISATION, "Organisation")]

    day = models.DateField()
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    object_id = models.PositiveBigIntegerField()
    data = models.JSONField(default=dict)
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "day", "kind", "object_id"], name="metrics_part_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} on {self.day}"
