"""A real Celery worker on the real broker and PostgreSQL: the invitation e-mail's delivery
runs, fails once, the task is retried when the e-mail's backoff (NUDGE_RETRY_SECONDS, 1 s
here) has passed, and exactly one e-mail goes out.

Runs when the database is PostgreSQL and CELERY_BROKER_URL is set (``.ci/run`` sets both);
elsewhere it skips, except in CI, where it fails (``require_service``). The worker listens on
a queue of its own, so other workers and other runs cannot take its task.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction

from mentorship.accounts.services import invitation_create
from mentorship.celery import app as celery_app
from mentorship.notifications.models import Message
from mentorship.tenancy.models import Role
from tests.factories import MembershipFactory, OrganizationFactory
from tests.utils import require_service

BASE_DIR = Path(settings.BASE_DIR)
TIMEOUT = 60


def _database_url():
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _broker_reachable():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:
        return False


def _reset_routing():
    # The app caches its queues and router; forget them so the default queue is read anew.
    for attribute in ("queues", "router", "default_queue"):
        celery_app.amqp.__dict__.pop(attribute, None)


@pytest.fixture
def real_worker(transactional_db, tmp_path):
    """A `celery worker` subprocess on a queue of its own, with a flaky e-mail backend."""
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "the worker shares the test database; set DATABASE_URL=postgres://…",
    )
    require_service(
        "a Celery broker",
        bool(settings.CELERY_BROKER_URL),
        "set CELERY_BROKER_URL=redis://…",
    )
    require_service("the Celery broker", _broker_reachable(), settings.CELERY_BROKER_URL)

    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    mail_dir, marker_dir = tmp_path / "mail", tmp_path / "markers"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"file://{mail_dir}",
        "EMAIL_BACKEND": "tests.notifications.flaky_backend.EmailBackend",
        "FLAKY_EMAIL_MARKER_DIR": str(marker_dir),
        "NUDGE_RETRY_SECONDS": "1",  # the first backoff (30 s in production)
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "mentorship",
        "worker",
        "--pool=solo",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    _reset_routing()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield {"process": process, "mail_dir": mail_dir, "log": log_path, "queue": queue}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        celery_app.conf.task_default_queue = previous_queue
        _reset_routing()
        _forget_queue(queue)


def _forget_queue(queue):
    """Remove the queue and its exchange binding from the broker (tidying only)."""
    try:
        with celery_app.connection_for_write() as conn:
            channel = conn.default_channel
            channel.queue_delete(queue)
            client = getattr(channel, "client", None)  # Redis: kombu keeps bindings in keys
            if client is not None:
                client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    except Exception:  # the queue is empty and uniquely named; leaving it does no harm
        pass


@pytest.mark.worker
def test_a_real_worker_retries_the_invitation_email_and_sends_it_once(real_worker):
    assert celery_app.conf.task_always_eager is False
    organization = OrganizationFactory(slug="worker-test", name="Worker Test Org")
    admin = MembershipFactory(organization=organization, role=Role.ADMIN).user

    with transaction.atomic():
        invitation = invitation_create(
            organization=organization,
            email="newcomer@example.org",
            role=Role.MEMBER,
            by=admin,
            site_url="https://mentor.example/",
        )

    messages = Message.objects.for_org(organization).filter(
        subject_key=f"invitation:{invitation.pk}"
    )
    deadline = time.monotonic() + TIMEOUT
    message = messages.get()
    while message.status != Message.Status.SENT and time.monotonic() < deadline:
        if real_worker["process"].poll() is not None:
            pytest.fail("The worker died:\n" + real_worker["log"].read_text())
        time.sleep(0.25)
        message = messages.get()

    log = real_worker["log"].read_text()
    assert message.status == Message.Status.SENT, (
        f"Not sent within {TIMEOUT}s (status {message.status}, attempts {message.attempts}, "
        f"last error {message.last_error!r}).\nWorker log:\n{log}"
    )
    assert message.attempts == 2, log
    assert "Retry in" in log  # Celery's own line for the retry it scheduled
    # The file backend writes a file per connection (the failed attempt's is empty).
    content = "".join(f.read_text() for f in sorted(real_worker["mail_dir"].iterdir()))
    assert content.count("Subject: You are invited to Worker Test Org") == 1
    assert "To: newcomer@example.org" in content
