"""People (e-mail is the login) and invitations into an organisation."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from mentorship.tenancy.models import TIME_ZONE_CHOICES, Organization, Role
from mentorship.tenancy.scoping import TenantModel, TenantQuerySet, tenant_manager


class UserQuerySet(models.QuerySet):
    def members_of(self, organization):
        """The people who are members of ``organization``: the one read every form, filter
        and service uses to list or check people (a person is listed once)."""
        return self.filter(memberships__organization=organization)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. One person may belong to several organisations."""

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name.split()[0] if self.name else self.email.split("@")[0]).strip()

    @property
    def initials(self):
        parts = (self.name or self.email.split("@")[0]).replace(".", " ").split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"


def _new_nonce():
    return secrets.token_urlsafe(16)


class InvitationQuerySet(TenantQuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TenantModel):
    """An invitation to join an organisation with a role, by a signed, expiring,
    single-use link. The link carries a signature over (id, nonce); the row says whether
    it is still open."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations", editable=False
    )
    email = models.EmailField("e-mail address")
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    # Said in the e-mail, e.g. the cohort an invitation enrols the person in.
    note = models.CharField(max_length=300, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nonce = models.CharField(max_length=32, default=_new_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveSmallIntegerField(default=1)

    objects = tenant_manager(InvitationQuerySet)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email}"

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_open(self):
        return self.status == "pending"


def _profile_photo_path(profile, filename):
    # The organisation and a random name: a photo's address tells nothing about its owner.
    return f"profiles/{profile.organization_id}/{secrets.token_hex(12)}.jpg"


class Profile(TenantModel):
    """A person's profile in one organisation (issue 10): photo, short bio, time zone,
    languages. Competencies offered or sought come from their intakes; kudos and time-bank
    credits from the sessions and the directory. The photo is checked and resized by the
    service before it is stored on Django's storage (local files by default)."""

    PHOTO_SIZE = 256  # pixels, square
    PHOTO_MAX_BYTES = 5 * 1024 * 1024

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    photo = models.ImageField(upload_to=_profile_photo_path, blank=True)
    bio = models.TextField(blank=True, max_length=1000)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="e.g. English, Spanish")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="profile_once_per_org")
        ]

    def __str__(self):
        return f"Profile of {self.user}"
