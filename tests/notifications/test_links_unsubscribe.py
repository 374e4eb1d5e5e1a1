"""One-click unsubscribe (B6, RFC 8058): ``/nudges/unsubscribe/<token>/``, without signing
in. GET asks; POST (the page's button, or a mail client's ``List-Unsubscribe=One-Click``
with no cookies) sets the category to the inbox only. Forged, tampered or expired links, a
person who left, the account category: refused, nothing changed; a replay says so."""

from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from mentorship.notifications import tokens
from mentorship.notifications.delivery import email_of
from mentorship.notifications.models import NudgePreference
from mentorship.tenancy.models import Membership
from tests.factories import MessageFactory
from tests.notifications.factories import NudgePreferenceFactory

pytestmark = pytest.mark.django_db


def _url(org, person, category="sessions"):
    return tokens.unsubscribe_url(organization_id=org.pk, user_id=person.pk, category=category)


def _channels(org, person):
    stored = NudgePreference.objects.for_org(org).filter(user=person).first()
    return None if stored is None else stored.channels


def _one_click(url):
    """What a mail client sends: a form POST of List-Unsubscribe=One-Click, no cookies."""
    client = Client(enforce_csrf_checks=True)
    return client.post(
        url,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


# --- refused first ---------------------------------------------------------------------------


def test_a_forged_token_is_a_400_and_changes_nothing(client, org, member):
    for url in (
        reverse("nudge_unsubscribe", args=["not-a-token"]),
        _url(org, member)[:-8] + "tampered/",
    ):
        response = client.post(url)
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert _channels(org, member) is None


def test_a_token_signed_for_another_purpose_is_refused(client, org, member):
    # A check-in token is genuine, but not an unsubscribe link.
    token = tokens.checkin_token(
        organization_id=org.pk, user_id=member.pk, subject_key="habit:1", period="2026-01-01"
    )
    response = client.post(reverse("nudge_unsubscribe", args=[token]))
    assert response.status_code == 400
    assert _channels(org, member) is None


def test_an_expired_token_is_refused_with_its_own_words(client, org, member):
    url = _url(org, member)
    with mock.patch.object(tokens, "UNSUBSCRIBE_MAX_AGE", -1):
        response = client.post(url)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert _channels(org, member) is None


def test_a_person_who_left_the_organisation_is_refused(client, org, member):
    NudgePreferenceFactory(organization=org, user=member)
    Membership.objects.for_org(org).filter(user=member).delete()
    response = client.post(_url(org, member))
    assert response.status_code == 403
    assert "no longer a member" in response.content.decode()
    assert _channels(org, member) == {
        "sessions": "now",
        "plans": "now",
        "matching": "now",
        "program": "now",
    }


def test_the_account_category_cannot_be_switched_off(client, org, member):
    url = _url(org, member, category="account")
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 403
        assert "cannot be switched off" in response.content.decode()
    assert _channels(org, member) is None


def test_a_token_of_another_organisation_names_its_own_only(client, org, other_org, member):
    # The member's link of org, used while they are a member of other_org too: only org's
    # preference changes.
    Membership.objects.create(organization=other_org, user=member)
    client.post(_url(org, member))
    assert _channels(org, member)["sessions"] == "inbox"
    assert _channels(other_org, member) is None


def test_a_get_changes_nothing(client, org, member):
    response = client.get(_url(org, member))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop e-mails about sessions from Acme Mentoring?" in html
    assert '<form method="post">' in html
    assert _channels(org, member) is None


# --- done ------------------------------------------------------------------------------------


def test_the_button_stops_the_category_and_says_so(client, org, member):
    response = client.post(_url(org, member, "plans"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You will get no more e-mails about plan and habits" in html
    assert reverse("nudge_preferences", args=[org.slug]) in html
    assert _channels(org, member)["plans"] == "inbox"
    assert _channels(org, member)["sessions"] == "now"


def test_the_one_click_post_of_a_mail_client_works_without_cookies_or_csrf(org, member):
    response = _one_click(_url(org, member, "matching"))
    assert response.status_code == 200
    assert _channels(org, member)["matching"] == "inbox"


def test_a_replay_changes_nothing_and_says_so(client, org, member):
    url = _url(org, member)
    client.post(url)
    stored = NudgePreference.objects.for_org(org).get(user=member)
    response = client.post(url)
    assert "You had already stopped these e-mails" in response.content.decode()
    again = NudgePreference.objects.for_org(org).get(user=member)
    assert again.updated_at == stored.updated_at


def test_the_page_is_not_cached_indexed_or_referred(client, org, member):
    response = client.get(_url(org, member))
    assert response["Referrer-Policy"] == "same-origin"  # never to another site
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_the_link_in_a_real_email_unsubscribes(org, member):
    """End to end: the List-Unsubscribe header of an outbox row's e-mail, posted one-click."""
    message = MessageFactory(
        organization=org,
        recipient=member,
        recipient_email=member.email,
        category="sessions",
        unsubscribable=True,
    )
    header = email_of(message).extra_headers["List-Unsubscribe"]
    url = header.strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert _one_click(path).status_code == 200
    assert _channels(org, member)["sessions"] == "inbox"


def test_tokens_are_signed_with_their_own_salt(org, member):
    token = tokens.unsubscribe_token(organization_id=org.pk, user_id=member.pk, category="plans")
    with pytest.raises(signing.BadSignature):
        tokens.checkin_read(token)


# --- the daily digest's own link ------------------------------------------------------------


def test_the_digests_link_stops_the_digest_and_leaves_the_other_choices(org, member):
    NudgePreferenceFactory(
        organization=org,
        user=member,
        channels={"sessions": "digest", "plans": "digest", "matching": "now", "program": "inbox"},
    )
    url = _url(org, member, category=tokens.DIGEST)
    page = Client().get(url).content.decode()
    assert f"Stop the daily digest e-mails from {org.name}?" in page
    response = _one_click(url)
    assert response.status_code == 200
    assert _channels(org, member) == {
        "sessions": "inbox",
        "plans": "inbox",
        "matching": "now",
        "program": "inbox",
    }
    again = _one_click(url)
    assert "were stopped already: nothing changed" in again.content.decode()


def test_a_digest_email_carries_the_digests_one_click_link(org, member):
    from mentorship.notifications.services import DIGEST_KIND

    message = MessageFactory(
        organization=org, recipient=member, kind=DIGEST_KIND, unsubscribable=True
    )
    email = email_of(message)
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert tokens.unsubscribe_read(token) == (org.pk, member.pk, tokens.DIGEST)
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
