"""The custom User (e-mail is the login) and allauth's sign-up, verification and rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import FieldDoesNotExist
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

NEW_PASSWORD = "a-long-unusual-passphrase-42"


# --- the user model --------------------------------------------------------------------------


def test_the_user_model_is_ours_with_email_as_login():
    assert get_user_model() is User
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert User.USERNAME_FIELD == "email"
    assert User.REQUIRED_FIELDS == []
    with pytest.raises(FieldDoesNotExist):
        User._meta.get_field("username")
    assert User._meta.get_field("email").unique


def test_create_user_normalises_the_address(db):
    user = User.objects.create_user(email="Grace.Hopper@Example.ORG", password="x" * 12)
    assert user.email == "grace.hopper@example.org"
    assert user.check_password("x" * 12)
    assert not user.is_staff and not user.is_superuser


def test_create_user_needs_an_address(db):
    with pytest.raises(ValueError, match="e-mail address is required"):
        User.objects.create_user(email="", password="x")


def test_create_superuser(db):
    user = User.objects.create_superuser(email="root@example.org", password="x" * 12)
    assert user.is_staff and user.is_superuser


@pytest.mark.parametrize(
    ("name", "email", "full", "short", "initials"),
    [
        ("Grace Hopper", "g@example.org", "Grace Hopper", "Grace", "GH"),
        ("", "grace.hopper@example.org", "grace.hopper@example.org", "grace.hopper", "GH"),
    ],
)
def test_user_names(name, email, full, short, initials):
    user = User(name=name, email=email)
    assert (str(user), user.get_full_name(), user.get_short_name(), user.initials) == (
        full,
        full,
        short,
        initials,
    )


# --- allauth settings ------------------------------------------------------------------------


def test_allauth_is_configured_for_email_login_with_mandatory_verification():
    assert set(settings.ACCOUNT_LOGIN_METHODS) == {"email"}
    assert settings.ACCOUNT_USER_MODEL_USERNAME_FIELD is None
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert settings.ACCOUNT_UNIQUE_EMAIL is True
    assert "allauth.mfa" in settings.INSTALLED_APPS
    assert set(settings.MFA_SUPPORTED_TYPES) >= {"totp"}


def test_allauth_rate_limits_are_on():
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits is not False
    for action in ["login_failed", "signup", "reset_password", "confirm_email"]:
        assert limits.get(action), f"no rate limit for {action}"


# --- sign-in -------------------------------------------------------------------------------


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_verified_person_signs_in_with_their_email(db):
    user = UserFactory(email="grace@example.org")
    client = Client()
    response = _login(client, "Grace@Example.org", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_unverified_person_cannot_sign_in_until_verified(db):
    UserFactory(email="late@example.org", unverified=True)
    client = Client()
    response = _login(client, "late@example.org", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # a fresh verification link


def test_repeated_failed_sign_ins_are_rate_limited(db):
    UserFactory(email="target@example.org")
    client = Client()
    for _ in range(5):
        response = _login(client, "target@example.org", "wrong-password")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    # Even the right password is refused now: the address is limited, not the guess.
    response = _login(client, "target@example.org", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- sign-up -------------------------------------------------------------------------------


def test_sign_up_requires_email_verification(db):
    client = Client()
    assert client.get(reverse("account_signup")).status_code == 200

    response = client.post(
        reverse("account_signup"),
        {
            "email": "New.Person@Example.org",
            "name": "New Person",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="new.person@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)

    # The link in the e-mail verifies the address (by POST) and signs the person in.
    link = re.search(r"https?://testserver(/accounts/confirm-email/[^\s]+/)", message.body)[1]
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_with_an_address_in_use_reveals_nothing_and_creates_nothing(db):
    """allauth prevents enumeration: the page is the usual one, the owner gets a notice."""
    UserFactory(email="taken@example.org")
    response = Client().post(
        reverse("account_signup"),
        {
            "email": "TAKEN@example.org",
            "name": "Taken",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    [notice] = mail.outbox
    assert notice.to == ["taken@example.org"]


def test_the_account_pages_use_our_layout(db):
    content = Client().get(reverse("account_login")).content.decode()
    assert 'class="topbar"' in content
    assert "/static/css/app.css" in content
