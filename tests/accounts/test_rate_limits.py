"""Sign-in limits hold across workers and hosts.

allauth counts failed sign-ins in the cache. A per-process cache (local memory) lets every
gunicorn worker count on its own, so the limit multiplies by the number of workers. The
first test runs two separate Python processes, each with its own Django, on one file SQLite
database, as two workers of one server would, with no cache configured: the default cache
must be shared.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]
EMAIL = "target@example.org"
WRONG = "not-the-password"

# A worker: its own Django, answering one sign-in attempt per line read ("wrong"/"right").
WORKER = f"""
import sys
import django
django.setup()
from django.test import Client
from django.urls import reverse

client = Client()
print("ready", flush=True)
for line in sys.stdin:
    password = {DEFAULT_PASSWORD!r} if line.strip() == "right" else {WRONG!r}
    response = client.post(reverse("account_login"), {{"login": {EMAIL!r}, "password": password}})
    body = response.content.decode()
    if "_auth_user_id" in client.session:
        print("signed-in", flush=True)
    elif "Too many failed login attempts" in body:
        print("limited", flush=True)
    else:
        print("refused", flush=True)
"""

SETUP = f"""
import django
django.setup()
from allauth.account.models import EmailAddress
from mentorship.accounts.models import User
user = User.objects.create_user(email={EMAIL!r}, password={DEFAULT_PASSWORD!r})
EmailAddress.objects.create(user=user, email={EMAIL!r}, verified=True, primary=True)
"""

CONFIG_VARIABLES = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "CACHE_URL",
    "DEBUG",
    "SECRET_KEY",
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_CLIENT_IP_HEADER",
}


@pytest.fixture
def shared_database(tmp_path):
    """A fresh, migrated file database and the environment a worker process starts with."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="mentorship.settings",
        FAST_PASSWORD_HASHER="1",
    )
    for args in (["manage.py", "migrate", "--noinput", "-v", "0"], ["-c", SETUP]):
        result = subprocess.run(
            [sys.executable, *args],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
    return env


class Worker:
    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def attempt(self, which):
        self.process.stdin.write(which + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def test_the_failed_sign_in_limit_holds_across_two_worker_processes(shared_database):
    first, second = Worker(shared_database), Worker(shared_database)
    try:
        # allauth allows 5 failed attempts per address in 5 minutes, counted by both workers.
        assert [first.attempt("wrong") for _ in range(3)] == ["refused"] * 3
        assert [second.attempt("wrong") for _ in range(2)] == ["refused"] * 2
        assert second.attempt("wrong") == "limited"
        # The right password is refused too, in the worker that saw only three failures.
        assert first.attempt("right") == "limited"
    finally:
        first.stop()
        second.stop()


def test_the_default_cache_is_shared_and_redis_when_configured():
    from tests.meta.test_settings import settings_with_code  # noqa: PLC0415

    code = "import json; from mentorship import settings as s; print(json.dumps(s.CACHES))"
    default = settings_with_code(code)["default"]
    assert default["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    redis = settings_with_code(code, {"REDIS_URL": "redis://redis.example:6379/0"})["default"]
    assert redis["BACKEND"] == "mentorship.core.cache.ResilientRedisCache"
    assert redis["LOCATION"] == "redis://redis.example:6379/0"
    cache_url = settings_with_code(
        code, {"REDIS_URL": "redis://redis.example:6379/0", "CACHE_URL": "redis://c:6379/1"}
    )["default"]
    assert cache_url["LOCATION"] == "redis://c:6379/1"


def test_the_trusted_proxy_settings_come_from_the_environment():
    from tests.meta.test_settings import settings_with_code  # noqa: PLC0415

    code = (
        "import json; from mentorship import settings as s; print(json.dumps("
        "[s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER]))"
    )
    assert settings_with_code(code) == [0, None]
    assert settings_with_code(code, {"TRUSTED_PROXY_COUNT": "1"}) == [1, None]
    assert settings_with_code(code, {"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}) == [0, "X-Real-IP"]


def _fail_sign_in(client, email, **headers):
    return client.post(
        reverse("account_login"), {"login": email, "password": WRONG}, headers=headers
    )


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_one_shared_address_does_not_lock_everyone_out(db):
    """Every request reaches the server from the proxy's address; the client's own address
    is the last one the proxy appended to X-Forwarded-For."""
    assert "login_failed" in settings.ACCOUNT_RATE_LIMITS
    user = UserFactory(email="ana@example.org")
    client = Client(REMOTE_ADDR="10.0.0.2")
    # Ten clients fail once each: the per-address limit (10 a minute) would be used up if
    # they all counted as the proxy.
    for n in range(12):
        _fail_sign_in(client, f"guess{n}@example.org", x_forwarded_for=f"203.0.113.{n}")

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": DEFAULT_PASSWORD},
        headers={"x-forwarded-for": "198.51.100.7"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_one_client_is_still_limited(db):
    client = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(10):
        response = _fail_sign_in(
            client, f"guess{n}@example.org", x_forwarded_for="1.2.3.4, 203.0.113.9"
        )
        assert "Too many failed login attempts" not in response.content.decode()
    response = _fail_sign_in(client, "guess-last@example.org", x_forwarded_for="203.0.113.9")
    assert "Too many failed login attempts" in response.content.decode()
