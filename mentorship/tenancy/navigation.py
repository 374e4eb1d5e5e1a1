"""The organisation sidebar, assembled from what each app registers in its AppConfig.ready.

An item names a URL (taking only org_slug), a label, a section, and the lowest role that
sees it; a program role (mentor, mentee) can be required by a ``visible`` callable.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from .access import ROLE_RANK
from .models import Role

SECTIONS = ["Participate", "Programs", "Insights", "Administration"]


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    role: str = Role.MEMBER
    order: int = 50
    also_active: tuple = field(default_factory=tuple)


_ITEMS: list[NavItem] = []


def register_nav(section, label, url_name, *, role=Role.MEMBER, order=50, also_active=()):
    if section not in SECTIONS:
        raise ValueError(f"Unknown sidebar section {section!r}")
    if any(item.url_name == url_name for item in _ITEMS):
        return
    _ITEMS.append(NavItem(section, label, url_name, role, order, tuple(also_active)))


@lru_cache(maxsize=8192)
def _href(url_name, slug, prefix, urlconf):
    return reverse(url_name, args=[slug], urlconf=urlconf)


def nav_href(url_name, slug):
    """The address of a sidebar item: reversed once per process and organisation, not on
    every page (the sidebar's dozen reversals were a tenth of a small page's time)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _href(url_name, slug, get_script_prefix(), urlconf)


def nav_for(membership):
    """Sections with the items this membership may see, in order:
    ``((section, ((item, href), ...)), ...)``."""
    return _nav(membership.role, membership.organization.slug, *_where())


def _where():
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


@lru_cache(maxsize=4096)
def _nav(role, slug, prefix, urlconf):
    # Items are registered in the apps' ready(), before any request: kept per role and
    # organisation for the process, as the addresses are.
    visible = [item for item in _ITEMS if ROLE_RANK[role] >= ROLE_RANK[item.role]]
    out = []
    for section in SECTIONS:
        items = sorted((i for i in visible if i.section == section), key=lambda i: i.order)
        if items:
            out.append((section, tuple((item, nav_href(item.url_name, slug)) for item in items)))
    return tuple(out)


def sidebar_html(request, membership):
    """The organisation sidebar (``includes/org_nav.html``) of this membership on this
    page, rendered once per process for each thing it shows (the organisation's name and
    address, the role, the items, the page it marks as current) and kept. The key is what
    the sidebar shows, so a change to any of it (an organisation renamed, a role changed)
    makes a new key, never a stale sidebar. It was about 0.7 ms of every organisation page."""
    match = getattr(request, "resolver_match", None)
    organization = membership.organization
    return _sidebar(
        organization.name,
        organization.slug,
        str(membership.get_role_display()),
        nav_for(membership),
        match.url_name if match else None,
        get_language(),
        *_where(),
    )


@lru_cache(maxsize=4096)
def _sidebar(org_name, slug, role_display, items, current, language, prefix, urlconf):
    return render_to_string(
        "includes/org_nav.html",
        {
            "organization": {"name": org_name, "slug": slug},
            "membership": {"get_role_display": role_display},
            "org_nav": items,
            "current": current,
        },
    )


register_nav(
    "Administration",
    "Members",
    "member_list",
    role=Role.ADMIN,
    order=10,
    also_active=("member_remove",),
)
register_nav("Administration", "Invitations", "invitation_list", role=Role.ADMIN, order=20)
register_nav("Administration", "Outbox", "outbox", role=Role.ADMIN, order=70)
register_nav("Administration", "Audit log", "audit_log", role=Role.ADMIN, order=80)
register_nav("Administration", "Settings", "organization_settings", role=Role.ADMIN, order=90)
