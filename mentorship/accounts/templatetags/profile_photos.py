"""The address of a stored profile photo, for the top bar (base.html), which has its stored
name from the person's membership (``memberships_of_user``'s ``profile_photo``) and no
Profile row to ask ``photo.url`` of."""

from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def photo_url(name):
    """The storage's address of the photo stored as ``name`` (served to members of its
    organisation by ``mentorship.accounts.views.media_photo``), or "" without one."""
    return default_storage.url(name) if name else ""


@register.simple_tag
def topbar_photo(membership, memberships):
    """The stored name of the photo the top bar shows: on an organisation's page, the
    person's photo there ("" without one: their initials, as that organisation knows them);
    elsewhere (their account pages), the first of their organisations' photos. The
    memberships carry the names already (``memberships_of_user``): no query."""
    if membership is not None:
        return getattr(membership, "profile_photo", "") or ""
    return next((m.profile_photo for m in memberships or () if m.profile_photo), "")
