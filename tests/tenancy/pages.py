"""What the tenancy page tests share: URLs, the state an admin page could change, flashed
messages."""

from django.contrib.messages import get_messages
from django.urls import reverse

from mentorship.accounts.models import Invitation
from mentorship.tenancy.models import AuditEvent, Membership, Organization

ADMIN_PAGES = ["member_list", "invitation_list", "audit_log", "organization_settings"]
HTMX = {"HX-Request": "true"}


def url(name, org, *args):
    return reverse(name, args=[org.slug, *args])


def membership_of(org, user):
    return Membership.objects.for_org(org).get(user=user)


def snapshot(org):
    """What an admin page could change: memberships, roles, invitations, audit, the org."""
    org_row = Organization.objects.filter(pk=org.pk).values("name", "time_zone").get()
    return (
        sorted(Membership.objects.for_org(org).values_list("user_id", "role")),
        Invitation.objects.for_org(org).count(),
        AuditEvent.objects.for_org(org).count(),
        org_row,
    )


def page_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]
