"""Writes of organisations and memberships. Each is atomic, validated, and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.core.models import model_update

from .audit import audit_record
from .models import RESERVED_SLUGS, Membership, Organization, Role


@transaction.atomic
def organization_create(*, name, slug, time_zone, by):
    """Create an organisation and make its creator the first admin."""
    slug = slug.strip().lower()
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": "This address is reserved: choose another."})
    organization = Organization(name=name.strip(), slug=slug, time_zone=time_zone)
    organization.full_clean()
    organization.save()
    membership = Membership(organization=organization, user=by, role=Role.ADMIN)
    membership.full_clean()
    membership.save()
    audit_record(
        organization=organization, actor=by, action="organization.created", target=organization
    )
    return organization


@transaction.atomic
def organization_update(*, organization, name, time_zone, by):
    """Rename an organisation or change its time zone (the slug stays: links depend on it)."""
    # A bound ModelForm has already set the new values on the instance: compare with the row.
    organization.refresh_from_db(fields=["name", "time_zone"])
    changes = model_update(
        organization,
        {"name": name.strip(), "time_zone": time_zone},
        fields=["name", "time_zone"],
    )
    organization.__dict__.pop("zoneinfo", None)  # cached from the old time zone
    if changes:
        audit_record(
            organization=organization,
            actor=by,
            action="organization.updated",
            target=organization,
            data=changes,
        )
    return organization


def _lock_admins(organization):
    # Lock the admin rows so two concurrent demotions cannot both pass the last-admin check.
    return list(
        Membership.objects.for_org(organization)
        .admins()
        .select_for_update()
        .values_list("pk", flat=True)
    )


@transaction.atomic
def membership_change_role(*, membership, role, by):
    """Give a member another role. The last admin cannot step down."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose admin, leader or member."})
    if membership.role == role:
        return membership
    admin_ids = _lock_admins(membership.organization)
    if membership.role == Role.ADMIN and admin_ids == [membership.pk]:
        raise ValidationError(
            {"role": "This is the organisation's last admin: make someone else admin first."}
        )
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        organization=membership.organization,
        actor=by,
        action="membership.role_changed",
        target=membership.user,
        data={"from": old, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership, by):
    """Remove a person from the organisation. The last admin cannot be removed."""
    admin_ids = _lock_admins(membership.organization)
    if membership.role == Role.ADMIN and admin_ids == [membership.pk]:
        raise ValidationError(
            "This is the organisation's last admin and cannot be removed: make someone else "
            "admin first."
        )
    audit_record(
        organization=membership.organization,
        actor=by,
        action="membership.removed",
        target=membership.user,
        data={"role": membership.role},
    )
    membership.delete()
