"""Sessions (S2–S4, S6): a meeting of a pair (one-to-one or micro-mentoring) or of a cohort
(group), run from a copy of its template's blocks.

Status: proposed → confirmed → completed; or cancelled (with a reason), or a no-show (after the
start time). ``uid`` is the stable iCalendar UID; ``sequence`` rises on every reschedule and on
cancellation (RFC 5546), so calendar applications take the newest message.

Who takes part: ``mentor`` (the host: the pair's mentor, the office-hours host, a group
session's facilitator) and, for a one-to-one or micro session, ``mentee``. A group session's
people are its cohort's participants, with an :class:`Attendance` row each once taken.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from mentorship.tenancy.scoping import TenantModel, TenantQuerySet, tenant_manager

from .templates import Output, SessionKind


class SessionQuerySet(TenantQuerySet):
    def of_user(self, user):
        """Sessions the person takes part in: as mentor or mentee, or as a participant of a
        group session's cohort."""
        return self.filter(
            Q(mentor=user)
            | Q(mentee=user)
            | Q(kind=SessionKind.GROUP, cohort__participants__user=user)
        ).distinct()

    def live(self):
        return self.filter(status__in=Session.LIVE_STATUSES)

    def counting_for_cap(self):
        """Sessions that count against the weekly micro-touch cap (P1): one-to-one and micro
        sessions that are proposed, confirmed or took place. Group sessions do not count."""
        return self.filter(
            kind__in=[SessionKind.ONE_TO_ONE, SessionKind.MICRO],
            status__in=[
                Session.Status.PROPOSED,
                Session.Status.CONFIRMED,
                Session.Status.COMPLETED,
            ],
        )


class Session(TenantModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    LIVE_STATUSES = [Status.PROPOSED, Status.CONFIRMED]

    kind = models.CharField(
        max_length=12, choices=SessionKind.choices, default=SessionKind.ONE_TO_ONE
    )
    pairing = models.ForeignKey(
        "matching.Pairing", null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    cohort = models.ForeignKey(
        "programs.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions_as_mentor",
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions_as_mentee",
    )
    template = models.ForeignKey(
        "mentoring.SessionTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    template_name = models.CharField(max_length=120, blank=True)
    title = models.CharField(max_length=160)
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    location = models.CharField(
        max_length=300, blank=True, help_text="A room, or the link to the video call."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Scheduling (S2)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    # True when cancelled less than a day before the start (the late-cancel rate, X1).
    cancelled_late = models.BooleanField(default=False)
    no_show_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who did not come.",
    )
    no_show_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    reschedule_reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was last moved."
    )
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    # Pre-work (S3)
    pre_work = models.TextField(blank=True)
    pre_work_at = models.DateTimeField(null=True, blank=True)
    # Logging (S4): the outputs that are one value per session; notes are per block.
    started_at = models.DateTimeField(null=True, blank=True)
    cue = models.CharField("cue to refine", max_length=300, blank=True)
    practice_target = models.CharField(max_length=300, blank=True)
    follow_up_on = models.DateField("follow-up date", null=True, blank=True)
    micro_outcome = models.CharField(max_length=300, blank=True)
    clip_url = models.URLField("clip link", max_length=500, blank=True)
    peer_critique = models.TextField(blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who presented (a group session).",
    )
    private_note = models.TextField(
        blank=True, help_text="The mentor's own note: nobody else sees it."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_after = models.BooleanField(
        default=False, help_text="Logged after the fact (\u201cwe met yesterday\u201d)."
    )
    missing_outputs = models.JSONField(default=list, blank=True)
    completion_reason = models.CharField(max_length=300, blank=True)
    flagged_for_audit = models.BooleanField(default=False)
    # Micro-mentoring (M7): the directory request this session delivers.
    offering_request = models.OneToOneField(
        "matching.OfferingRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="session",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = tenant_manager(SessionQuerySet)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(
                fields=["organization", "mentee", "starts_at"], name="session_mentee_time"
            ),
            models.Index(
                fields=["organization", "mentor", "starts_at"], name="session_mentor_time"
            ),
            models.Index(
                fields=["organization", "status", "starts_at"], name="session_status_time"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def is_group(self):
        return self.kind == SessionKind.GROUP

    @property
    def is_live(self):
        return self.status in self.LIVE_STATUSES


class SessionBlock(TenantModel):
    """A session's copy of one of its template's blocks, with the notes written in it.
    ``version`` rises on every save of the notes: a save that names an older version is
    refused (two tabs editing the same block never silently lose text)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    minutes = models.PositiveSmallIntegerField()
    prompt = models.TextField(blank=True)
    outputs = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="session_block_position")
        ]

    def __str__(self):
        return f"{self.title} ({self.minutes} min)"

    def output_labels(self):
        return [Output(code).label for code in self.outputs or [] if code in Output.values]


class SignalValue(TenantModel):
    """One signal observed in one session, about the session's mentee (or, in a group
    session, about one attendee: ``subject``)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="signal_values")
    signal_type = models.ForeignKey(
        "mentoring.SignalType", on_delete=models.CASCADE, related_name="values"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whom it is about.",
    )
    value = models.DecimalField(max_digits=10, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "signal_type__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "signal_type", "subject"], name="signal_once_per_session"
            )
        ]

    def display(self):
        return self.signal_type.display(self.value)


class Correction(TenantModel):
    """One of a session's actionable corrections (the seeds: three, from documented cues and
    metrics)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="corrections")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="correction_position")
        ]

    def __str__(self):
        return self.text


class MicroHabit(TenantModel):
    """A small daily practice assigned in a session; the mentee checks it in (D2, the next
    issue: check-ins, streaks and strength build on this row)."""

    class Cadence(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKDAYS = "weekdays", "Weekdays"
        PER_WEEK = "per_week", "Times a week"

    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="habits"
    )
    pairing = models.ForeignKey(
        "matching.Pairing", null=True, blank=True, on_delete=models.CASCADE, related_name="habits"
    )
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=200)
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.DAILY)
    times_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.text

    def cadence_text(self):
        if self.cadence == self.Cadence.PER_WEEK:
            return f"{self.times_per_week} times a week"
        return self.get_cadence_display()

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.cadence == self.Cadence.PER_WEEK and not (1 <= (self.times_per_week or 0) <= 7):
            raise ValidationError({"times_per_week": "Say how many times a week: 1 to 7."})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "A habit cannot end before it starts."})


class ActionItem(TenantModel):
    """An action agreed in a session, with its owner and due date (D3)."""

    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    pairing = models.ForeignKey(
        "matching.Pairing", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.text


class Attendance(TenantModel):
    """Who came to a group session (S6)."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        ABSENT = "absent", "Absent"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        "programs.Participant", on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "participant"]
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="attendance_once")
        ]


class OfficeHoursSlot(TenantModel):
    """A time a cohort's mentor or facilitator offers; a mentee books it as a micro session."""

    cohort = models.ForeignKey(
        "programs.Cohort", on_delete=models.CASCADE, related_name="office_hours"
    )
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=20)
    location = models.CharField(max_length=300, blank=True)
    session = models.OneToOneField(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="office_hours_slot"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
