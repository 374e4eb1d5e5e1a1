"""The admin's outbox (B6): what was sent to whom and when, for this organisation, filtered
by kind, status, person and dates; never a body, and no subject line of the private
categories (sessions, plans), whose kind's words are shown instead."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.models import Message
from tests.factories import MessageFactory
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

SESSION_KIND = "sessions.session_confirmed"
MATCHING_KIND = "matching.pairing_offered"


def _url(org):
    return reverse("outbox", args=[org.slug])


def _message(org, **fields):
    fields.setdefault("subject", "A subject line")
    fields.setdefault("body", "The secret body of the e-mail.")
    return MessageFactory(organization=org, **fields)


# --- refused first ---------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, org):
    assert client.get(_url(org)).status_code == 302


def test_a_stranger_gets_404(as_stranger, org):
    assert as_stranger.get(_url(org)).status_code == 404


def test_leaders_and_members_get_403(as_leader, as_member, org):
    assert as_leader.get(_url(org)).status_code == 403
    assert as_member.get(_url(org)).status_code == 403


def test_another_organisations_messages_are_not_shown(as_admin, org, other_org):
    _message(other_org, recipient_email="someone@globex.example", subject="Globex only")
    html = as_admin.get(_url(org)).content.decode()
    assert "Globex only" not in html and "someone@globex.example" not in html


def test_no_bodies_and_no_private_subject_lines(as_admin, org, member):
    _message(
        org,
        kind=SESSION_KIND,
        category="sessions",
        recipient=member,
        recipient_email=member.email,
        subject="Session on knee surgery confirmed",
    )
    _message(
        org,
        kind="sessions.action_reminder",
        category="plans",
        recipient=member,
        recipient_email=member.email,
        subject="Due today: quit the job",
    )
    _message(org, kind=MATCHING_KIND, category="matching", subject="You are paired with Mia")
    html = as_admin.get(_url(org)).content.decode()
    assert "The secret body" not in html
    assert "knee surgery" not in html and "quit the job" not in html
    assert "Sessions: session confirmed" in html
    assert "Sessions: action reminder" in html
    assert "You are paired with Mia" in html  # not a private category


def test_a_filter_for_another_organisations_person_finds_nothing(as_admin, org, other_org):
    _message(other_org, recipient_email="someone@globex.example")
    html = as_admin.get(_url(org) + "?person=globex").content.decode()
    assert "No e-mails match" in html


# --- what the admin sees ---------------------------------------------------------------------


def test_the_rows_say_to_whom_status_and_when(as_admin, org, member):
    sent = timezone.now() - timedelta(hours=1)
    _message(
        org,
        kind=MATCHING_KIND,
        category="matching",
        recipient=member,
        recipient_email=member.email,
        status=Message.Status.SENT,
        sent_at=sent,
        attempts=1,
    )
    _message(
        org,
        status=Message.Status.FAILED,
        attempts=3,
        last_error="SMTP 451: try again later",
        recipient_email="pending@acme.example",
    )
    html = as_admin.get(_url(org)).content.decode()
    assert member.name in html and member.email in html
    assert "Sent" in html and "Failed, will retry" in html
    assert "SMTP 451: try again later" in html
    assert "pending@acme.example" in html


def test_filter_by_kind_status_person_and_dates(as_admin, org, member):
    old = _message(org, kind=MATCHING_KIND, category="matching", subject="Old offer")
    Message.objects.for_org(org).filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    _message(
        org,
        kind=MATCHING_KIND,
        category="matching",
        subject="New offer",
        status=Message.Status.SENT,
    )
    _message(
        org,
        kind="accounts.invitation",
        category="account",
        subject="Join Acme",
        recipient_email="new.person@acme.example",
    )
    by_kind = as_admin.get(_url(org) + f"?kind={MATCHING_KIND}").content.decode()
    assert "Old offer" in by_kind and "New offer" in by_kind and "Join Acme" not in by_kind
    by_status = as_admin.get(_url(org) + "?status=sent").content.decode()
    assert "New offer" in by_status and "Old offer" not in by_status
    by_person = as_admin.get(_url(org) + "?person=new.person").content.decode()
    assert "Join Acme" in by_person and "New offer" not in by_person
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    by_date = as_admin.get(_url(org) + f"?since={since}").content.decode()
    assert "New offer" in by_date and "Old offer" not in by_date


def test_the_kind_menu_speaks_words(as_admin, org):
    html = as_admin.get(_url(org)).content.decode()
    assert f'<option value="{MATCHING_KIND}">Matching: pairing offered</option>' in html
    assert '<option value="notifications.digest">Daily digest</option>' in html


def test_the_empty_state(as_admin, org):
    assert "Nothing sent yet" in as_admin.get(_url(org)).content.decode()


def test_htmx_filtering_answers_the_results_partial(as_admin, org):
    _message(org, kind=MATCHING_KIND, category="matching", subject="Partial offer")
    response = as_admin.get(
        _url(org) + "?status=pending",
        headers={"HX-Request": "true", "HX-Target": "outbox-results"},
    )
    html = response.content.decode()
    assert "<html" not in html and "Partial offer" in html


def test_the_sidebar_links_the_outbox_for_admins_only(as_admin, as_leader, org):
    home = reverse("org_home", args=[org.slug])
    assert f'href="{_url(org)}"' in as_admin.get(home).content.decode()
    assert f'href="{_url(org)}"' not in as_leader.get(home).content.decode()


def test_outbox_query_budget(as_admin, org, member):
    def grow():
        for _ in range(3):
            _message(org, recipient=member, recipient_email=member.email)

    assert_flat_queries(as_admin, reverse("outbox", args=[org.slug]), grow, n=8)
