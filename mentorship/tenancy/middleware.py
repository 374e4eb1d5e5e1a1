"""Resolve the organisation from /o/<slug>/ once per request.

Anonymous people are sent to sign in (whether or not the slug exists, so nothing is
revealed); signed-in non-members get 404. The organisation's time zone is activated for
the request.

With DEBUG on, Django answers a 404 with its technical page; under /o/ the product's own
page answers instead (as it does with DEBUG off), so what a person meets while the site is
developed or demonstrated is what they meet in production.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.defaults import page_not_found

from .selectors import memberships_of_user


class OrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        try:
            response = self.get_response(request)
            if (
                settings.DEBUG
                and response.status_code == 404
                and request.path_info.startswith("/o/")
            ):
                # No view answers 404 itself (they raise Http404): this is Django's page.
                response = page_not_found(request, Http404())
        finally:
            timezone.deactivate()
        # Lists answer an htmx request with a fragment at the same URL as the page: caches
        # (the browser's back button included) must keep the two apart.
        patch_vary_headers(response, ("HX-Request",))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("org_slug")
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # All of the person's memberships in one query: the page's organisation switcher
        # (the context processor) reuses them instead of asking again.
        request.memberships = list(memberships_of_user(user=request.user))
        membership = next((m for m in request.memberships if m.organization.slug == slug), None)
        if membership is None:
            raise Http404("No such organisation.")
        request.membership = membership
        request.organization = membership.organization
        timezone.activate(membership.organization.zoneinfo)
        return None
