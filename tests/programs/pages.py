"""Helpers of the programs page tests."""

from django.urls import reverse

HTMX = {"HX-Request": "true"}


def page_url(name, org, ids, kwargs):
    """The URL named ``name`` for ``org`` with the ``kwargs`` it takes, read from ``ids``."""
    return reverse(name, kwargs={"org_slug": org.slug, **{k: ids[k] for k in kwargs}})
