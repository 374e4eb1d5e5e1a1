"""Words that read right and say only what is true now (issue 8, "Words"): articles before
roles and styles, a subject in the home's subtitle, no promise of what does not exist yet."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from matching.engine.scoring import MenteeProfile, MentorProfile, _format
from mentorship.accounts.invitations import invitation_token
from programs.forms.catalogue import ProgramForm
from programs.models import Participant
from tests.programs.factories import ParticipantFactory

from .pages import membership_of, url


@pytest.mark.parametrize(
    ("style", "offered", "text"),
    [
        ("observe", True, "coaching style suits an observe-first learner"),
        ("observe", False, "no coaching style for an observe-first learner"),
        ("hands_on", True, "coaching style suits a hands-on learner"),
        ("read", False, "no coaching style for a read-and-reflect learner"),
    ],
)
def test_the_learning_style_reason_has_the_right_article(style, offered, text):
    mentee = MenteeProfile(id=1, learning_style=style)
    mentor = MentorProfile(id=2, styles=frozenset({style}) if offered else frozenset())
    _score, reason = _format(mentee, mentor)
    assert text in reason


def _subtitle(response):
    html = response.content.decode()
    match = re.search(r"<h1>Welcome, [^<]*</h1><p>(.*?)</p>", html, re.S)
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("client_name", "start"),
    [
        ("as_admin", "You are an admin here. You "),
        ("as_leader", "You are a leader here. You "),
        ("as_member", "You are a member here. You "),
    ],
)
def test_the_home_subtitle_says_who_does_what(request, org, client_name, start):
    """Each sentence has its subject ("You set up programs", not "Configures programs")."""
    client = request.getfixturevalue(client_name)
    subtitle = _subtitle(client.get(url("org_home", org)))
    assert subtitle.startswith(start), subtitle
    for sentence in filter(None, (s.strip() for s in subtitle.split("."))):
        assert sentence.startswith("You"), subtitle
    assert "dashboard" not in subtitle.lower()  # no dashboards yet
    assert " as mentor" not in subtitle


def test_the_member_removal_page_says_what_stays(org, member, as_admin):
    """Removing a member deletes the membership only: their account and their cohort places
    stay. No sessions or notes exist yet, so the page does not promise them."""
    participant = ParticipantFactory(cohort__program__organization=org, user=member)
    membership = membership_of(org, member)
    page = as_admin.get(url("member_remove", org, membership.pk)).content.decode()
    assert "sessions and notes" not in page
    assert "Their account stays" in page
    assert "cohort places" in page

    as_admin.post(url("member_remove", org, membership.pk))
    assert Participant.objects.for_org(org).filter(pk=participant.pk).exists()


def test_the_program_forms_indicator_help_says_where_they_show(org):
    """No dashboard exists yet: the indicators show on the program's own page."""
    field = ProgramForm(organization=org).fields["indicators"]
    assert "Dashboard" not in field.help_text
    assert "program's page" in field.help_text


@pytest.mark.parametrize(
    ("role", "words"),
    [("member", "as a member"), ("admin", "as an admin"), ("leader", "as a leader")],
)
def test_an_invitation_names_the_role_with_its_article(
    org, admin, mailoutbox, django_capture_on_commit_callbacks, role, words
):
    from mentorship.accounts import services  # noqa: PLC0415

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organization=org, email="new.person@example.org", role=role, by=admin
        )
    token = invitation_token(invitation)
    page = Client().get(reverse("invitation_accept", args=[token])).content.decode()
    text = re.sub(r"<[^>]+>", "", page)
    assert f"join {words}." in text
    (email,) = [m for m in mailoutbox if "new.person@example.org" in m.to]
    assert f"on Mentorship {words}." in email.body


def test_the_landing_page_promises_only_what_exists(db):
    """No sessions or dashboards exist yet: the landing page does not sell them."""
    page = Client().get(reverse("home")).content.decode()
    assert "Match mentors and mentees" in page or "match mentors and mentees" in page
    assert "dashboard" not in page.lower()
    assert "sessions from timed templates" not in page


def test_the_home_of_a_member_in_no_cohort_promises_no_sessions(org, as_member):
    page = as_member.get(url("org_home", org)).content.decode()
    assert "once an admin enrols you in a cohort" in page
    # The sidebar lists "My sessions" (issue 9); the home's own words promise none.
    assert "sessions" not in page.split("<main", 1)[1]
