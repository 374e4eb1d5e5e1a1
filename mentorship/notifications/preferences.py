"""A person's nudge preferences (B6): the one write of the preferences page, and the read it
starts from. (The routing that obeys them is :mod:`mentorship.notifications.services`.)"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.core.models import model_update

from .models import CHOOSABLE_CATEGORIES, Category, Channel, NudgePreference
from .services import preference_of

EDITABLE = ("digest_hour", "quiet_from", "quiet_until", "quiet_until_next_day", "checkin_hour")
REQUIRED_REFUSAL = "Invitations and account e-mails cannot be switched off."


def preference_for_page(*, organization, user):
    """The person's preferences as stored, or the defaults (unsaved) when they have never
    changed them: a read never writes."""
    stored = NudgePreference.objects.for_org(organization).filter(user=user).first()
    return stored or NudgePreference(organization=organization, user=user)


def channels_refusals(channels):
    """``{"channel_<category>": message}`` for every choice :func:`preferences_update`
    refuses: a category that cannot be switched off (account) set to anything but e-mail, an
    unknown category, an unknown channel."""
    choosable = {c.value for c in CHOOSABLE_CATEGORIES}
    errors = {}
    for category, channel in (channels or {}).items():
        if category == Category.ACCOUNT:
            if channel != Channel.NOW:
                errors[f"channel_{category}"] = REQUIRED_REFUSAL
        elif category not in choosable:
            errors["__all__"] = f"There is no category {category!r} to choose for."
        elif channel not in Channel.values:
            errors[f"channel_{category}"] = "Choose e-mail at once, the daily digest or the inbox."
    return errors


@transaction.atomic
def preferences_update(*, organization, user, data):
    """Save the person's preferences in this organisation: ``data`` holds ``channels``
    (``{category: channel}``, the categories a person may choose for), ``digest_hour``,
    ``quiet_from``, ``quiet_until``, ``quiet_until_next_day`` and ``checkin_hour`` (any of
    them). Refused (``ValidationError`` naming the field, nothing saved): an hour outside
    0–23, quiet hours that end before they start, a category that must arrive switched off.
    Returns the changes (``{field: [before, after]}``)."""
    data = dict(data)
    channels = data.pop("channels", None)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise TypeError(f"preferences_update got unknown fields: {', '.join(sorted(unknown))}")
    if channels is not None:
        errors = channels_refusals(channels)
        if errors:
            raise ValidationError(errors)
    preference = preference_of(organization=organization, user=user, lock=True)
    if channels is not None:
        merged = dict(preference.channels or {})
        merged.update({str(category): str(channel) for category, channel in channels.items()})
        merged.pop(Category.ACCOUNT.value, None)  # always e-mailed: never stored
        data["channels"] = merged
    return model_update(preference, data, fields=(*EDITABLE, "channels"))


def digest_unsubscribe(*, organization, user):
    """The digest's one-click link: every category the person has in the daily digest goes
    to the inbox only; returns False when none was (a replayed link: nothing changed)."""
    with transaction.atomic():
        preference = preference_of(organization=organization, user=user, lock=True)
        digested = [
            category.value
            for category in CHOOSABLE_CATEGORIES
            if preference.channel(category) == Channel.DIGEST
        ]
        if not digested:
            return False
        preferences_update(
            organization=organization,
            user=user,
            data={"channels": dict.fromkeys(digested, Channel.INBOX)},
        )
    return True


def category_unsubscribe(*, organization, user, category):
    """Set one category's channel to "in the inbox only" (the one-click unsubscribe link);
    returns False when it was so already (a replayed link: nothing changed). Refused: a
    category that must arrive."""
    if category == Category.ACCOUNT or category not in {c.value for c in CHOOSABLE_CATEGORIES}:
        raise ValidationError({"category": REQUIRED_REFUSAL})
    with transaction.atomic():
        preference = preference_of(organization=organization, user=user, lock=True)
        if (preference.channels or {}).get(category) == Channel.INBOX:
            return False
        preferences_update(
            organization=organization, user=user, data={"channels": {category: Channel.INBOX}}
        )
    return True
