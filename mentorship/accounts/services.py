"""Writes of invitations (create, resend, revoke, accept: each atomic and audited) and of a
person's own profile (name, photo, bio, time zone, languages)."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from mentorship.core.urls import absolute_url
from mentorship.notifications.emails import nudge_send
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import Membership, Role

from . import emails
from .invitations import InvalidInvitation, invitation_token
from .models import Invitation, Profile, User
from .selectors import invitation_by_token
from .signals import invitation_accepted


def _send_invitation(invitation, *, site_url):
    # Built outside a request (a task, the demo, a shell), there is no site_url: the
    # configured address of the site is used.
    link = absolute_url("invitation_accept", invitation_token(invitation), site_url=site_url)
    nudge_send(
        emails.INVITATION,
        organization=invitation.organization,
        subject_key=f"invitation:{invitation.pk}",
        period=f"send-{invitation.sent_count}",
        recipient_email=invitation.email,
        context={"invitation": invitation, "link": link},
    )


@transaction.atomic
def invitation_create(*, organization, email, role, by, site_url="", name="", note=""):
    """Invite a person by e-mail with a role; the e-mail goes out once, after commit."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid e-mail address."}) from exc
    if role not in Role.values:
        raise ValidationError({"role": "Choose admin, leader or member."})
    if User.objects.members_of(organization).filter(email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organization.name}."})
    if Invitation.objects.for_org(organization).pending().filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": f"{email} already has an open invitation: resend it from the list."}
        )
    invitation = Invitation(
        organization=organization,
        email=email,
        name=name.strip(),
        role=role,
        note=note.strip()[:300],
        invited_by=by,
        expires_at=Invitation.default_expiry(),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        organization=organization,
        actor=by,
        action="invitation.created",
        target=invitation,
        data={"email": email, "role": role},
    )
    _send_invitation(invitation, site_url=site_url)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation, by, site_url=""):
    """Send a fresh link (new nonce and expiry); the old link stops working."""
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError("Only an open or expired invitation can be sent again.")
    invitation.nonce = Invitation._meta.get_field("nonce").default()
    invitation.expires_at = Invitation.default_expiry()
    invitation.sent_count += 1
    invitation.save(update_fields=["nonce", "expires_at", "sent_count"])
    audit_record(
        organization=invitation.organization,
        actor=by,
        action="invitation.resent",
        target=invitation,
        data={"email": invitation.email},
    )
    _send_invitation(invitation, site_url=site_url)
    return invitation


@transaction.atomic
def invitation_remind(*, invitation, number, now=None, site_url=""):
    """Send an open invitation again on its own (the resend sweep's ``number``-th time,
    period ``resend-<number>``); returns (nudge, created), once per number.

    Unlike :func:`invitation_resend` (an admin's fresh link), it keeps the nonce and the
    expiry: the link the person already has, which they may be about to click, stays
    valid, and the e-mail carries a link to the same invitation. The row is locked and read
    again first, so an admin's resend or revocation meanwhile wins (the reminder then
    carries the fresh link, or is not sent: ``(None, False)``). Nothing is audited: no one
    acted, and the outbox shows what was sent to whom and when."""
    invitation = (
        Invitation.objects.for_org(invitation.organization)
        .select_for_update(of=("self",))  # invited_by is nullable: PostgreSQL refuses it
        .select_related("organization", "invited_by")
        .filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return None, False
    link = absolute_url("invitation_accept", invitation_token(invitation), site_url=site_url)
    return nudge_send(
        emails.INVITATION_REMINDER,
        organization=invitation.organization,
        subject_key=f"invitation:{invitation.pk}",
        period=f"resend-{number}",
        recipient_email=invitation.email,
        context={"invitation": invitation, "link": link},
        now=now,
    )


@transaction.atomic
def invitation_revoke(*, invitation, by):
    """Close an open invitation so its link no longer works."""
    if not invitation.is_open:
        raise ValidationError(f"This invitation is already {invitation.status}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        organization=invitation.organization,
        actor=by,
        action="invitation.revoked",
        target=invitation,
        data={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token, user: User):
    """Join the organisation through an open invitation addressed to this person's e-mail."""
    invitation = invitation_by_token(token=token)
    invitation = (
        Invitation.objects.for_org(invitation.organization)
        .select_for_update()
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at:
        raise InvalidInvitation("This invitation has already been used.")
    if invitation.email.lower() != user.email.lower():
        raise InvalidInvitation(
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign out and sign in with the invited address."
        )
    organization = invitation.organization
    membership, created = Membership.objects.for_org(organization).get_or_create(
        organization=organization, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if not user.name and invitation.name:
        user.name = invitation.name
        user.save(update_fields=["name"])
    invitation_accepted.send(
        sender=Invitation, invitation=invitation, membership=membership, user=user
    )
    audit_record(
        organization=organization,
        actor=user,
        action="invitation.accepted",
        target=invitation,
        data={"email": invitation.email, "role": membership.role, "new_member": created},
    )
    return membership


# --- profiles (issue 10) ---------------------------------------------------------------------

PHOTO_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
PHOTO_REFUSED = "Choose a photo: a JPEG, PNG, GIF or WebP image."


def _photo_too_large():
    megabytes = Profile.PHOTO_MAX_BYTES // (1024 * 1024)
    return ValidationError({"photo": f"This photo is too large: choose one under {megabytes} MB."})


def photo_square_jpeg(upload):
    """The uploaded image as a ``PHOTO_SIZE`` square JPEG (centre-cropped, turned upright by
    its EXIF orientation, then stripped of every metadata: EXIF, GPS, ICC, comments), as a
    ContentFile. Refuses a file over ``PHOTO_MAX_BYTES``, one that is not an image Pillow can
    read, and an image of too many pixels (a decompression bomb)."""
    if upload.size is not None and upload.size > Profile.PHOTO_MAX_BYTES:
        raise _photo_too_large()
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise ValidationError({"photo": PHOTO_REFUSED})
            probe.verify()  # a truncated or corrupt file fails here
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = ImageOps.fit(
                image.convert("RGB"),
                (Profile.PHOTO_SIZE, Profile.PHOTO_SIZE),
                method=Image.Resampling.LANCZOS,
            )
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError({"photo": PHOTO_REFUSED}) from exc
    out = io.BytesIO()
    # A fresh RGB image carries no info: nothing of the original's metadata is written.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


@transaction.atomic
def profile_update(*, organization, user, data, by, photo=None, remove_photo=False):
    """Write ``user``'s profile in ``organization`` (created on the first save) and their
    name: ``data`` holds name, bio, time_zone, languages. A new photo replaces the old one
    (whose file is deleted after commit); ``remove_photo`` deletes it. Only the person
    themselves edits their profile.

    A new photo's file is written last, once every row is saved: a step that fails
    before it leaves no file behind, and a write that fails raises, so the rows roll back
    and none points at a missing file. (Called inside a caller's own transaction that
    later rolls back, the file would stay: the views call it on its own.)"""
    if by.pk != user.pk:
        raise ValidationError("Only the person themselves can change their profile.")
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "Enter your name: it is how people here know you."})
    processed = photo_square_jpeg(photo) if photo else None
    profile = Profile.objects.for_org(organization).select_for_update().filter(
        user=user
    ).first() or Profile(organization=organization, user=user)
    old_photo = profile.photo.name if profile.photo else ""
    for field in ("bio", "time_zone", "languages"):
        setattr(profile, field, (data.get(field) or "").strip())
    if processed is not None:
        # The name only, for now: the file is written after the rows are saved.
        profile.photo.name = profile.photo.field.generate_filename(profile, processed.name)
    elif remove_photo:
        profile.photo = ""
    profile.full_clean()
    profile.save()
    if user.name != name[:150]:
        user.name = name[:150]
        user.full_clean(validate_unique=False)
        user.save(update_fields=["name"])
    if processed is not None:
        _photo_write(profile, processed)
    new_photo = profile.photo.name if profile.photo else ""
    if old_photo and old_photo != new_photo:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    return profile


def _photo_write(profile, content):
    """Write the photo's file under the name its saved row holds (the storage keeps a name
    that is free; a random one of 24 hex digits is, but should it pick another, the row
    follows), deleting the file again if the row cannot follow."""
    storage = profile.photo.storage
    wanted = profile.photo.name
    stored = storage.save(wanted, content)
    try:
        if stored != wanted:
            profile.photo.name = stored
            profile.save(update_fields=["photo"])
    except BaseException:
        storage.delete(stored)
        raise
