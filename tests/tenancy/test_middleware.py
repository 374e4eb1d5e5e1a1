"""Resolving /o/<slug>/: the organisation and membership once per request, 404 to outsiders."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.views import redirect_to_login
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.tenancy.models import AuditEvent
from tests.factories import AuditEventFactory


def test_a_signed_in_non_member_gets_404(org, as_stranger):
    response = as_stranger.get(reverse("org_home", args=[org.slug]))
    assert response.status_code == 404
    assert org.name.encode() not in response.content


def test_an_unknown_organisation_is_the_same_404(org, as_stranger):
    known = as_stranger.get(reverse("org_home", args=[org.slug]))
    unknown = as_stranger.get(reverse("org_home", args=["no-such-org"]))
    assert known.status_code == unknown.status_code == 404
    assert known.templates[0].name == unknown.templates[0].name == "404.html"


@pytest.mark.parametrize("slug", ["acme", "no-such-org"])
def test_anonymous_people_are_sent_to_sign_in(org, slug):
    url = reverse("member_list", args=[slug])
    response = Client().get(url + "?role=admin")
    assert response.status_code == 302
    assert response.url == redirect_to_login(url + "?role=admin").url
    assert response.url.startswith(reverse("account_login"))


def test_a_member_gets_the_organisation_and_membership_on_the_request(org, member, as_member):
    response = as_member.get(reverse("org_home", args=[org.slug]))
    assert response.status_code == 200
    assert response.wsgi_request.organization == org
    assert response.wsgi_request.membership.user == member
    assert response.context["organization"] == org


def test_a_member_of_one_organisation_is_a_stranger_to_the_other(other_org, as_member):
    assert as_member.get(reverse("org_home", args=[other_org.slug])).status_code == 404


def test_pages_outside_an_organisation_have_none(as_member):
    response = as_member.get(reverse("organization_create"))
    assert response.wsgi_request.organization is None
    assert response.wsgi_request.membership is None


def test_the_organisations_time_zone_is_active_for_the_request(org, admin, as_admin):
    org.time_zone = "Asia/Tokyo"
    org.save()
    event = AuditEventFactory(organization=org, actor=admin, action="organization.updated")
    AuditEvent.objects.for_org(org).filter(pk=event.pk).update(
        created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    )

    response = as_admin.get(reverse("audit_log", args=[org.slug]))

    assert response.status_code == 200
    assert "1 Mar 2026, 21:00" in response.content.decode()  # noon UTC is 21:00 in Tokyo
    assert timezone.get_current_timezone_name() == "UTC"  # and it is deactivated afterwards


def test_pages_vary_on_htmx_so_a_fragment_is_never_served_as_the_page(org, as_member):
    response = as_member.get(reverse("org_home", args=[org.slug]))
    assert "HX-Request" in response.headers["Vary"]


# --- the product's 404 page, with DEBUG on too -------------------------------------------------


def _is_product_404(response):
    content = response.content.decode()
    return (
        response.status_code == 404
        and "Page not found" in content
        and "There is nothing at this address" in content
        and "DEBUG = True" not in content
        and "URLconf" not in content
    )


@pytest.mark.parametrize(
    "path",
    [
        "/o/globex/",  # another organisation's home: the admin of acme is no member there
        "/o/no-such-org/",
        "/o/acme/no-such-page/",
        "/o/acme/members/999999/remove/",  # a view's access getter raises Http404
    ],
    ids=["other-org", "unknown-org", "unknown-page", "unknown-object"],
)
def test_with_debug_on_a_404_under_o_is_the_products_page(settings, org, other_org, as_admin, path):
    settings.DEBUG = True
    response = as_admin.get(path)
    assert _is_product_404(response), response.content.decode()[:300]
    assert "404.html" in [t.name for t in response.templates]


def test_with_debug_off_the_404_is_the_products_page_too(org, as_admin):
    assert _is_product_404(as_admin.get("/o/acme/no-such-page/"))
