"""One settings module configured by environment variables. Each case runs in a fresh
process with exactly the variables it names, as a deployment would."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CONFIG_VARIABLES = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "CELERY_QUEUE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "EMAIL_URL",
    "EMAIL_BACKEND",
    "CACHE_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_CLIENT_IP_HEADER",
}
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "example.org",
}

PRINT_SETTINGS = """
import json
from mentorship import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "DB": {k: s.DATABASES["default"].get(k) for k in ("NAME", "HOST", "PORT", "USER")},
    "EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "BROKER": s.CELERY_BROKER_URL,
    "QUEUE": s.CELERY_TASK_DEFAULT_QUEUE,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL": {k: getattr(s, k, None) for k in (
        "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS", "EMAIL_USE_SSL",
        "EMAIL_FILE_PATH")},
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "MIDDLEWARE": s.MIDDLEWARE,
    "SECRET_KEY_LENGTH": len(s.SECRET_KEY),
}, default=str))
"""


def run(args, env=None):
    """Run ``args`` in the project folder with only the configuration in ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    return subprocess.run(
        args,
        cwd=BASE_DIR,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with_code(code, env=None):
    """Run ``code`` (which prints JSON) in a fresh process with only ``env`` configured."""
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def settings_with(env=None):
    return settings_with_code(PRINT_SETTINGS, env)


def test_check_deploy_is_silent_with_production_values():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_defaults_need_no_server():
    config = settings_with()
    assert config["DEBUG"] is True
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(config["DB"]["NAME"]) == BASE_DIR / "db.sqlite3"
    assert config["EAGER"] is True
    assert config["BROKER"] == ""
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert config["SECRET_KEY_LENGTH"] >= 50


def test_database_url_selects_postgresql_through_psycopg_3():
    config = settings_with({"DATABASE_URL": "postgres://app:s3cret@db.example:5433/mentorship"})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["DB"] == {
        "NAME": "mentorship",
        "HOST": "db.example",
        "PORT": 5433,
        "USER": "app",
    }
    import psycopg  # noqa: F401  (Django picks psycopg 3 when it is installed)


@pytest.mark.parametrize("variable", ["CELERY_BROKER_URL", "REDIS_URL"])
def test_a_broker_url_sends_tasks_to_the_broker(variable):
    config = settings_with({variable: "redis://cache.example:6379/0", "CELERY_QUEUE": "q-1"})
    assert config["EAGER"] is False
    assert config["BROKER"] == "redis://cache.example:6379/0"
    assert config["QUEUE"] == "q-1"


@pytest.mark.parametrize(
    ("url", "backend", "expected"),
    [
        (
            "smtp://mailer:p%40ss@smtp.example:2525",
            "smtp.EmailBackend",
            {"EMAIL_HOST": "smtp.example", "EMAIL_PORT": 2525, "EMAIL_HOST_USER": "mailer"},
        ),
        ("smtps://smtp.example", "smtp.EmailBackend", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        ("smtp://smtp.example?tls=0", "smtp.EmailBackend", {"EMAIL_USE_TLS": False}),
        ("file:///tmp/mentorship-mail", "filebased.EmailBackend", {}),
        ("locmem:", "locmem.EmailBackend", {}),
    ],
    ids=["smtp", "smtps", "no-tls", "file", "locmem"],
)
def test_email_url(url, backend, expected):
    config = settings_with({"EMAIL_URL": url})
    assert config["EMAIL_BACKEND"] == f"django.core.mail.backends.{backend}"
    for key, value in expected.items():
        assert config["EMAIL"][key] == value
    if url.startswith("file:"):
        assert config["EMAIL"]["EMAIL_FILE_PATH"] == "/tmp/mentorship-mail"


def test_production_values_turn_debug_off_and_compress_static_files():
    config = settings_with(PRODUCTION)
    assert config["DEBUG"] is False
    assert config["ALLOWED_HOSTS"] == ["example.org"]
    assert config["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    middleware = config["MIDDLEWARE"]
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = run([sys.executable, "-c", "import mentorship.settings"], {"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_beat_schedule_names_registered_tasks():
    """Every periodic job of the beat schedule is a task the worker knows, and the checks
    the product promises (the nudge sweeps, which run pairing care with every app's
    reminders, directory expiry, the snapshots' sweeps) are there; the names a deployed beat
    still sends stay registered tasks."""
    from celery.schedules import crontab  # noqa: PLC0415
    from django.conf import settings as django_settings  # noqa: PLC0415

    from mentorship.celery import app  # noqa: PLC0415

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "notifications.sweep_deliveries",
        "notifications.sweep_reminders",
        "matching.expire_offering_requests",
        "metrics.sweep_recompute_requests",
        "metrics.sweep_nightly",
    } <= scheduled
    # Names older beat schedules send: still tasks, so a deploy loses nothing.
    assert {
        "matching.check_pairings",
        "mentorship.notifications.tasks.sweep_pending_messages",
    } <= set(app.tasks)
    missing = scheduled - set(app.tasks)
    assert not missing, f"beat names tasks no worker has: {missing}"
    for entry in django_settings.CELERY_BEAT_SCHEDULE.values():  # seconds, or a crontab
        assert isinstance(entry["schedule"], crontab) or entry["schedule"] > 0


SESSION_CODE = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)
from importlib import import_module
store = import_module(settings.SESSION_ENGINE).SessionStore
session = store()
session["who"] = "me"
session.save()
print(json.dumps({"ENGINE": settings.SESSION_ENGINE, "read": store(session.session_key)["who"]}))
"""


def test_the_session_is_read_from_redis_when_the_cache_is_redis_and_from_the_database_else(
    tmp_path,
):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    plain = settings_with_code(SESSION_CODE, database)
    assert plain == {"ENGINE": "django.contrib.sessions.backends.db", "read": "me"}
    # Redis unreachable: the session is written through to the database and read from it.
    cached = settings_with_code(SESSION_CODE, {**database, "CACHE_URL": "redis://127.0.0.1:1/0"})
    assert cached == {"ENGINE": "django.contrib.sessions.backends.cached_db", "read": "me"}
