"""The home page's panels: the registry (no database), then what the apps' panels show on
``org_home`` to a person enrolled, to a person with nothing, and never from another
organisation. The page's query budget, panels included, is in ``test_views.py``."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from mentorship.tenancy import home
from programs.models import Participant
from tests.factories import MembershipFactory
from tests.matching.factories import PairingFactory
from tests.programs.factories import (
    enrol,
    make_cohort,
    make_person,
)

# --- the registry --------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(home, "_PANELS", [])
    return home


def test_panels_that_answer_are_shown_in_order_and_silent_ones_are_left_out(registry):
    request = SimpleNamespace(user="ada")
    registry.register_home_panel("second", lambda r: ("b.html", {"who": r.user}), order=20)
    registry.register_home_panel("silent", lambda r: None, order=5)
    registry.register_home_panel("first", lambda r: ("a.html", {}), order=10)

    shown = registry.home_panels(request)

    assert [(p.key, p.template_name, p.context) for p in shown] == [
        ("first", "a.html", {}),
        ("second", "b.html", {"who": "ada"}),
    ]


def test_a_panel_registered_twice_is_shown_once(registry):
    registry.register_home_panel("mine", lambda r: ("a.html", {}))
    registry.register_home_panel("mine", lambda r: ("other.html", {}))

    assert [p.template_name for p in registry.home_panels(SimpleNamespace())] == ["a.html"]


def test_the_apps_register_their_panels():
    assert {"my-programs", "my-mentoring"} <= {panel.key for panel in home._PANELS}


# --- on the home page ----------------------------------------------------------------------


def _home(client, org):
    return client.get(reverse("org_home", args=[org.slug]))


def pair(mentee, mentor, status=Pairing.Status.ACTIVE):
    now = timezone.now()
    return PairingFactory(
        mentee=mentee,
        mentor=mentor,
        status=status,
        accepted_at=now if status == Pairing.Status.ACTIVE else None,
        accept_by=now + timedelta(days=5) if status == Pairing.Status.PENDING else None,
    )


@pytest.fixture
def enrolled(org, member):
    """The member is a mentee of Spring (mentored by Mona) and a mentor in Autumn (of Theo,
    and asked to mentor Wren and Xavi, who wait for the answer)."""
    spring = make_cohort(org, name="Spring 2026")
    autumn = make_cohort(org, name="Autumn 2026")
    as_mentee = enrol(spring, user=member)
    as_mentor = enrol(autumn, user=member, role=Participant.Role.MENTOR)
    mona = enrol(spring, user=make_person(org, name="Mona Mentor"), role="mentor")
    pair(as_mentee, mona)
    pair(enrol(autumn, user=make_person(org, name="Theo Mentee")), as_mentor)
    for name in ["Wren Waiting", "Xavi Waiting"]:
        pair(enrol(autumn, user=make_person(org, name=name)), as_mentor, Pairing.Status.PENDING)
    return SimpleNamespace(as_mentee=as_mentee, as_mentor=as_mentor)


def test_an_enrolled_member_sees_their_programs_and_mentoring(org, enrolled, as_member):
    response = _home(as_member, org)

    assert response.status_code == 200
    # The sessions panels (tests/sessions/test_home_panels.py) come first.
    assert [p.key for p in response.context["home_panels"]] == [
        "my-day",
        "my-mentees",
        "my-programs",
        "my-mentoring",
    ]
    content = response.content.decode()
    assert 'aria-labelledby="home-programs-heading"' in content
    assert 'aria-labelledby="home-mentoring-heading"' in content
    assert "Spring 2026" in content and "Autumn 2026" in content
    assert reverse("my_programs", args=[org.slug]) in content
    # Each cohort's next step: the charter first, as on My programs.
    for participant in [enrolled.as_mentee, enrolled.as_mentor]:
        assert reverse("participant_charter", args=[org.slug, participant.pk]) in content
    assert "2 pairings waiting for your answer" in content
    assert reverse("my_mentoring", args=[org.slug]) in content
    assert "Theo Mentee" in content and "Mona Mentor" in content
    assert "Getting started" not in content


def test_a_member_with_nothing_gets_the_getting_started_card(org, member, as_member):
    response = _home(as_member, org)

    assert response.context["home_panels"] == []
    content = response.content.decode()
    assert "Getting started" in content
    assert "home-programs-heading" not in content and "home-mentoring-heading" not in content


def test_a_mentor_with_only_a_pairing_to_answer_is_asked_for_it(org, member, as_member):
    cohort = make_cohort(org, name="Summer 2026")
    as_mentor = enrol(cohort, user=member, role="mentor")
    pair(enrol(cohort), as_mentor, Pairing.Status.PENDING)

    content = _home(as_member, org).content.decode()

    assert "1 pairing waiting for your answer" in content
    assert "Accept or decline" in content


def test_a_leader_sees_the_panels_too_without_getting_started(org, leader, as_leader):
    enrol(make_cohort(org, name="Leaders 2026"), user=leader, role="facilitator")

    response = _home(as_leader, org)

    assert [p.key for p in response.context["home_panels"]] == ["my-cohorts", "my-programs"]
    assert "Leaders 2026" in response.content.decode()
    assert "Getting started" not in response.content.decode()


def test_nothing_of_another_organisation_appears(org, other_org, member, as_member):
    MembershipFactory(organization=other_org, user=member)
    elsewhere = make_cohort(other_org, name="Globex Cohort")
    as_mentor = enrol(elsewhere, user=member, role="mentor")
    pair(enrol(elsewhere, user=make_person(other_org, name="Gina Globex")), as_mentor)
    pair(enrol(elsewhere, user=make_person(other_org, name="Pat Pending")), as_mentor, "pending")

    here = _home(as_member, org)

    assert here.context["home_panels"] == []
    content = here.content.decode()
    for text in ["Globex Cohort", "Gina Globex", "waiting for your answer"]:
        assert text not in content
    assert "Getting started" in content
    # The same person sees them in the organisation they belong to.
    there = _home(as_member, other_org).content.decode()
    assert "Globex Cohort" in there and "Gina Globex" in there
