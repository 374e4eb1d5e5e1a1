"""Fixtures shared by every test.

Autouse: a fast password hasher, Celery tasks run in-process (except in tests marked
``worker``, which talk to a real worker), a clean cache (allauth keeps its rate-limit
counters there). E-mail goes to ``django.core.mail.outbox`` (pytest-django's locmem backend).

People: ``org`` has an ``admin``, a ``leader`` and a ``member``; ``stranger`` is the admin of
``other_org`` and no member of ``org``. ``as_admin``, ``as_leader``, ``as_member`` and
``as_stranger`` are test clients signed in as each of them.
"""

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.test.utils import override_settings
from pytest_django.plugin import blocking_manager_key

from mentorship.celery import app as celery_app
from mentorship.tenancy.models import Role

from .factories import MembershipFactory, OrganizationFactory, UserFactory

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def pytest_configure(config):
    # whitenoise warns once per handler that `collectstatic` has not run; tests need no
    # collected files (STATICFILES_DIRS are served in DEBUG), so the warning is noise.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning:django")


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Check a shared fixture's deferred constraints once, when it is built.

    A module's shared rows (the meta-tests' demo organisations, tests/meta/conftest.py) are
    written in a transaction the module holds open, and PostgreSQL defers their foreign-key
    checks to its end. After each test, Django checks the constraints (``SET CONSTRAINTS ALL
    IMMEDIATE``) and rolls the test's savepoint back, and rolling back a savepoint puts the
    checks it fired back in the queue: every test paid again for the checks of every row of
    the module's fixture (half a second a test with two demos). Firing them here, in the
    module's transaction and outside any test's savepoint, checks those rows once; each test
    still has its own rows checked after it."""
    result = yield
    if fixturedef.scope != "function":
        for connection in connections.all(initialized_only=True):
            if (
                connection.in_atomic_block
                and connection.features.can_defer_constraint_checks
                and not connection.needs_rollback
            ):
                with request.config.stash[blocking_manager_key].unblock():
                    connection.check_constraints()
    return result


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(autouse=True, scope="session")
def _local_memory_cache():
    """The site's cache is shared (the database or Redis); tests use one in memory, so a test
    without the database can clear it (tests/accounts/test_rate_limits.py runs the shared one
    in separate processes)."""
    with override_settings(CACHES=LOCAL_CACHE):
        yield


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process unless the test is marked ``worker`` (then a real worker runs)."""
    eager = request.node.get_closest_marker("worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth's rate limits count in the cache; one test's failures must not limit the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme Mentoring", slug="acme", time_zone="Europe/London")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Globex Coaching", slug="globex", time_zone="America/New_York")


def _member(organization, role, email):
    return MembershipFactory(
        organization=organization, role=role, user=UserFactory(email=email)
    ).user


@pytest.fixture
def admin(org):
    return _member(org, Role.ADMIN, "ada.admin@acme.example")


@pytest.fixture
def leader(org):
    return _member(org, Role.LEADER, "leo.leader@acme.example")


@pytest.fixture
def member(org):
    return _member(org, Role.MEMBER, "mia.member@acme.example")


@pytest.fixture
def stranger(other_org):
    """Signed in and an admin elsewhere, but no member of ``org``."""
    return _member(other_org, Role.ADMIN, "sam.stranger@globex.example")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_admin(admin):
    return _client_for(admin)


@pytest.fixture
def as_leader(leader):
    return _client_for(leader)


@pytest.fixture
def as_member(member):
    return _client_for(member)


@pytest.fixture
def as_stranger(stranger):
    return _client_for(stranger)
