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
