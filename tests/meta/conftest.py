"""The demo organisations the meta-tests walk, built once per test module.

``tenants``: alpha and beta, two full demos (``mentorship.demo.build_demo``); beta's free
text is renamed with a marker (``urlwalk.rename_free_text``) so that any of its names found on
alpha's pages is a leak. Built inside a transaction rolled back at the module's end (each test
runs in a savepoint inside it, as Django's setUpTestData does). ``alpha_only``: alpha alone.
Every person of alpha is signed in once, in the module's transaction (``Tenants.client_for``).
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from mentorship.demo import build_demo
from mentorship.tenancy.models import Organization, Role

from .urlwalk import first_member, rename_free_text


@dataclass
class Tenants:
    alpha: Organization
    beta: Organization | None
    alpha_admin: object
    alpha_leader: object = None
    alpha_member: object = None
    beta_strings: set = field(default_factory=set)
    _clients: dict = field(default_factory=dict)
    visitors: dict = field(default_factory=dict)  # pattern id -> the person who visits it

    def sign_in_everyone(self):
        """A signed-in client for every person of alpha, made while the module's
        transaction is open: sessions are rows, and a session made inside a test's savepoint
        would be rolled back before the next test reuses the client."""
        people = get_user_model()._base_manager.filter(memberships__organization=self.alpha)
        for user in people.distinct():
            client = Client()
            client.force_login(user)
            self._clients[user.pk] = client

    def client_for(self, user):
        """The signed-in test client of an alpha person, reused within the module."""
        if user.pk not in self._clients:  # not a member of alpha when the module began
            client = Client()
            client.force_login(user)
            return client
        return self._clients[user.pk]

    def role_user(self, role):
        return {
            Role.ADMIN: self.alpha_admin,
            Role.LEADER: self.alpha_leader,
            Role.MEMBER: self.alpha_member,
        }[role]


def build_alpha_beta(with_beta=True):
    alpha = build_demo(slug="alpha", name="Alpha Academy", email_domain="alpha.example")
    beta, strings = None, set()
    if with_beta:
        beta = build_demo(slug="beta", name="Beta Institute", email_domain="beta.example")
        strings = rename_free_text(beta)
        beta.refresh_from_db()
    tenants = Tenants(
        alpha=alpha,
        beta=beta,
        alpha_admin=first_member(alpha, Role.ADMIN),
        alpha_leader=first_member(alpha, Role.LEADER),
        alpha_member=first_member(alpha, Role.MEMBER),
        beta_strings=strings,
    )
    tenants.sign_in_everyone()
    return tenants


@pytest.fixture(scope="module")
def tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_alpha_beta()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def alpha_only(django_db_setup, django_db_blocker):
    """alpha alone (``beta`` is None), for checks inside one organisation."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_alpha_beta(with_beta=False)
        transaction.set_rollback(True)
