"""Helpers of the matching page tests."""

from django.urls import reverse


def page_url(name, org, *args):
    """The URL named ``name`` for ``org`` and the objects' ids ``args``."""
    return reverse(name, args=[org.slug, *args])
