"""Every template compiles (a syntax error anywhere fails here, before any page test), every
partial can be loaded by name, and the pages that need no data render with none."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import get_template, render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django.views import defaults

from mentorship.accounts.models import Invitation, User
from mentorship.tenancy.models import Organization, Role

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + sorted(
    p
    for p in BASE_DIR.glob("*/templates")
    if p.parent.name != ".venv" and p not in settings.TEMPLATES[0]["DIRS"]
)
PARTIAL = re.compile(r"{%\s*partialdef\s+([\w-]+)")


def _templates():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg"}:
                yield path.relative_to(directory).as_posix(), path


TEMPLATES = list(_templates())
PARTIALS = [
    f"{name}#{partial}" for name, path in TEMPLATES for partial in PARTIAL.findall(path.read_text())
]


def test_the_templates_are_found():
    names = {name for name, _ in TEMPLATES}
    assert {"base.html", "404.html", "tenancy/member_list.html"} <= names
    assert "tenancy/member_list.html#member-row" in PARTIALS


@pytest.mark.parametrize("name", [name for name, _ in TEMPLATES])
def test_template_compiles(name):
    get_template(name)


@pytest.mark.parametrize("name", PARTIALS)
def test_partial_loads(name):
    get_template(name)


@pytest.fixture
def anonymous_request(rf: RequestFactory):
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    request.organization = request.membership = None
    return request


def test_500_renders_without_a_request_context(anonymous_request):
    # Django renders 500.html with an empty Context: no request, no user, no processors.
    response = defaults.server_error(anonymous_request)
    assert response.status_code == 500
    assert b"<html" in response.content


def test_404_and_403_render(anonymous_request, db):
    not_found = defaults.page_not_found(anonymous_request, Http404())
    forbidden = defaults.permission_denied(anonymous_request, PermissionDenied())
    assert (not_found.status_code, forbidden.status_code) == (404, 403)
    assert b"Page not found" in not_found.content
    assert b"You cannot use this page" in forbidden.content


@pytest.mark.parametrize(
    "name", ["tenancy/landing.html", "accounts/invitation_invalid.html", "base.html"]
)
def test_pages_without_data_render_for_a_stranger(name, anonymous_request, db):
    html = render_to_string(name, {"error": "Because."}, request=anonymous_request)
    assert "</html>" in html


def test_the_invitation_email_renders_in_plain_text():
    invitation = Invitation(
        organization=Organization(name="Acme & Sons", slug="acme"),
        email="nina@example.org",
        name="Nina",
        role=Role.LEADER,
        invited_by=User(name="Ada Admin", email="ada@example.org"),
        expires_at=timezone.now(),
    )
    body = render_to_string(
        "accounts/email/invitation.txt",
        {"invitation": invitation, "link": "https://x.example/invitations/t/"},
    )
    assert "Hello Nina" in body
    assert "Ada Admin has invited you to join Acme & Sons" in body  # not HTML-escaped
    assert "as a leader" in body
    assert "https://x.example/invitations/t/" in body
