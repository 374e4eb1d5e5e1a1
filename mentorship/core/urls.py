"""Absolute links for e-mails and feeds: the one place that knows the site's address."""

from django.conf import settings
from django.urls import reverse


def site_root(*, request=None, site_url=""):
    """The site's address without a trailing slash.

    Inside a request it is the address the person used; outside one (a task, beat, the demo,
    a shell) it is ``site_url`` if given, else ``settings.SITE_URL``.
    """
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return (site_url or getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute_url(path_or_name, *args, request=None, site_url="", **kwargs):
    """An absolute link: ``absolute_url("/o/acme/")`` or
    ``absolute_url("cohort_detail", org.slug, cohort.pk)`` (a URL name and its arguments)."""
    if path_or_name.startswith("/"):
        path = path_or_name
    else:
        path = reverse(path_or_name, args=args or None, kwargs=kwargs or None)
    return site_root(request=request, site_url=site_url) + path
