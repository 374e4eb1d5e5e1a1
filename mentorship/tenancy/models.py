"""Organisations (tenants), memberships with roles, and the audit log of admin actions."""

import zoneinfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property

from .scoping import TenantModel, TenantQuerySet, tenant_manager

TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())

RESERVED_SLUGS = {"new", "admin", "api", "static", "media", "www", "app", "o", "settings"}

slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$",
    "Use 2 to 50 lower-case letters, digits and hyphens, starting and ending with a letter "
    "or digit.",
)


class Organization(models.Model):
    """A tenant. Every page of it lives under /o/<slug>/."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=50,
        unique=True,
        validators=[slug_validator],
        help_text="Used in addresses: /o/<slug>/. Lower-case letters, digits and hyphens.",
    )
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @cached_property
    def zoneinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    LEADER = "leader", "Leader"
    MEMBER = "member", "Member"


# What each role does, as the home page's subtitle says it to the person ("You are an admin
# here. You set up ...").
ROLE_HELP = {
    Role.ADMIN: "You set up programs, invite people, run matching and see the audit log.",
    Role.LEADER: "You see every program, cohort and matching run, without changing them.",
    Role.MEMBER: "You take part in programs as a mentor, a mentee or a facilitator.",
}


class MembershipQuerySet(TenantQuerySet):
    def of_user(self, user):
        """A person's own memberships, across organisations: the switcher's one query."""
        return self.filter(user=user).unscoped()

    def admins(self):
        return self.filter(role=Role.ADMIN)


class Membership(TenantModel):
    """A person's place in an organisation, with one role."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    department = models.CharField(max_length=120, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager(MembershipQuerySet)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_one_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user} in {self.organization} ({self.get_role_display()})"

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    @property
    def is_leader(self):
        return self.role in {Role.ADMIN, Role.LEADER}


class AuditEvent(TenantModel):
    """Who changed what, when: one row per admin action (T5)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", editable=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self):
        return f"{self.action} {self.target_repr}"

    @property
    def summary(self):
        """The action in words, for the log page."""
        return AUDIT_ACTIONS.get(self.action, self.action.replace("_", " ").capitalize())


# Every audit action the product records, in words. Later apps add theirs with
# ``register_audit_actions`` so the log's filter lists them all.
AUDIT_ACTIONS = {
    "organization.created": "Created the organisation",
    "organization.updated": "Changed the organisation's settings",
    "invitation.created": "Invited a person",
    "invitation.revoked": "Revoked an invitation",
    "invitation.resent": "Sent an invitation again",
    "invitation.accepted": "Accepted an invitation",
    "membership.role_changed": "Changed a role",
    "membership.removed": "Removed a member",
}


def register_audit_actions(actions):
    AUDIT_ACTIONS.update(actions)
