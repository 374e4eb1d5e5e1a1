"""Test-only nudge kinds, one per category, with their templates in memory.

The ``test_kinds`` fixture (imported by the routing and delivery tests) registers them in
the one registry for the test's duration and adds their templates with a locmem loader, so
the service under test runs exactly as for a real kind, and no real kind's wording is
assumed. ``send(...)`` stores one nudge through :func:`nudge_send`.
"""

import copy

import pytest

from mentorship.notifications.emails import KINDS, NudgeKind, nudge_send
from mentorship.notifications.models import Category

EVENTS = {
    Category.SESSIONS: "sessions_ping",
    Category.PLANS: "plans_ping",
    Category.MATCHING: "matching_ping",
    Category.PROGRAM: "program_ping",
    Category.ACCOUNT: "account_ping",
}

TEST_KINDS = {
    category: NudgeKind(
        kind=f"tests.{event}",
        description=f"a test nudge about {category.label.lower()}",
        category=str(category),
        required=category == Category.ACCOUNT,
    )
    for category, event in EVENTS.items()
}

TEMPLATES = {}
for _event in EVENTS.values():
    TEMPLATES[f"tests/email/{_event}.txt"] = (
        "{% autoescape off %}" + _event + " {{ n }}\n\nThe body of {{ n }}.\n{% endautoescape %}"
    )
    TEMPLATES[f"tests/inbox/{_event}.txt"] = (
        "{% autoescape off %}" + _event + " {{ n }}\nA line of detail.\n{% endautoescape %}"
    )


@pytest.fixture
def test_kinds(settings, monkeypatch):
    templates = copy.deepcopy(settings.TEMPLATES)
    engine = templates[0]
    engine["APP_DIRS"] = False
    engine["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", TEMPLATES),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = templates
    for kind in TEST_KINDS.values():
        monkeypatch.setitem(KINDS, kind.kind, kind)
    return TEST_KINDS


def send(organization, user, category=Category.SESSIONS, *, n=1, period="", now=None, **extra):
    """One nudge of the test kind of ``category`` about ``thing:<n>``."""
    return nudge_send(
        TEST_KINDS[category],
        organization=organization,
        subject_key=f"thing:{n}",
        context={"n": n, "link": f"/o/{organization.slug}/things/{n}/"},
        user=user,
        period=period,
        now=now,
        **extra,
    )
