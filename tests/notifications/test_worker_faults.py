"""Nudges arrive once under faults, with real processes (issue 11, "Once, under faults").

(a) A prefork worker (concurrency 2) is SIGKILLed, with its pool, in the middle of a batch of
300 e-mails, and started again: no nudge lost, no in-app duplicate, and at most one e-mail
repeated per killed pool process, each repeat with the same Message-ID. The dead worker's
claims are taken again after NUDGE_CLAIM_TIMEOUT (3 s here); beat's delivery sweep (every
20 s) queues the work again.

(b) The broker is down while an admin makes requests that create nudges (three invitations,
e-mail only, and "remind everyone" of a cohort's unfinished intakes, in-app and e-mail; a
private redis-server on a free port, stopped, then started again on the same port): each
request succeeds quickly, every nudge and e-mail is stored, and once the broker is back the worker
and beat (started before the outage) send all of them, each once, within 60 s of its return.

PostgreSQL and Redis are needed (``.ci/run`` has both); elsewhere these skip, except in CI,
where they fail (``require_service``). Marked ``worker``: tasks go to real processes.
"""

import shutil
import time
import uuid
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from mentorship.celery import app as celery_app
from mentorship.notifications import tasks
from mentorship.notifications.models import Category, Message, Nudge
from mentorship.notifications.services import kicks_deferred
from mentorship.tenancy.models import Role
from tests.factories import MembershipFactory, OrganizationFactory
from tests.programs.factories import enrol, make_cohort
from tests.utils import require_service

from .nudge_kinds import send, test_kinds  # noqa: F401  (the fixture)
from .recording_backend import recorded
from .worker_processes import (
    RedisServer,
    app_env,
    beat,
    celery_publishing_to,
    database_url,
    free_port,
    worker,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECORDING = "tests.notifications.recording_backend.EmailBackend"
CONCURRENCY = 2
PEOPLE = 100  # three nudges each: under the daily cap, all e-mailed at once
SEND_TIMEOUT = 60


def _require_postgres():
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "the worker shares the test database; set DATABASE_URL=postgres://…",
    )


def _broker_reachable():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:
        return False


def _forget_queue(broker_url, queue):
    """Remove the test's queue from the broker (tidying only)."""
    try:
        with celery_app.connection_for_write(broker_url) as conn:
            channel = conn.default_channel
            channel.queue_delete(queue)
            client = getattr(channel, "client", None)
            if client is not None:
                client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    except Exception:
        pass


def _wait_all_sent(organization, expected, timeout, processes):
    messages = Message.objects.for_org(organization)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if messages.filter(status=Message.Status.SENT).count() == expected:
            return True
        for process in processes:
            if not process.alive():
                pytest.fail(f"{process.command[5]} died:\n{process.log()[-4000:]}")
        time.sleep(0.25)
    return False


def _logs(*processes):
    return "\n\n".join(f"--- {p.log_path.name}\n{p.log()[-3000:]}" for p in processes)


@pytest.fixture
def processes():
    started = []
    yield started
    for process in started:
        process.stop()


def test_a_worker_killed_mid_batch_loses_no_nudge_and_repeats_at_most_one_email_per_process(
    tmp_path,
    processes,
    test_kinds,  # noqa: F811
):
    _require_postgres()
    require_service("a Celery broker", bool(settings.CELERY_BROKER_URL), "set CELERY_BROKER_URL")
    require_service("the Celery broker", _broker_reachable(), settings.CELERY_BROKER_URL)
    queue = f"test-kill-{uuid.uuid4().hex[:12]}"
    record = tmp_path / "sent.tsv"
    env = app_env(
        database=database_url(connection.settings_dict),
        broker=settings.CELERY_BROKER_URL,
        queue=queue,
        NUDGE_CLAIM_TIMEOUT=3,
        EMAIL_BACKEND=RECORDING,
        RECORDING_EMAIL_FILE=record,
        RECORDING_EMAIL_DELAY=0.01,
    )
    organization = OrganizationFactory(slug="kill-test", name="Kill Test")
    people = [MembershipFactory(organization=organization).user for _ in range(PEOPLE)]
    categories = (Category.SESSIONS, Category.PLANS, Category.PROGRAM)
    total = PEOPLE * len(categories)

    with celery_publishing_to(celery_app, settings.CELERY_BROKER_URL, queue):
        try:
            first = worker(env, tmp_path / "worker-1.log", queue=queue, concurrency=CONCURRENCY)
            processes.append(first.start())
            the_beat = beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule").start()
            processes.append(the_beat)
            first.wait_for("ready.", timeout=60)

            with transaction.atomic(), kicks_deferred():  # one delivery queued on commit
                for n, person in enumerate(people):
                    for category in categories:
                        send(organization, person, category, n=n)
            tasks.deliver_due.delay(organization.pk)  # a second task: both pool processes send

            deadline = time.monotonic() + 30
            while len(recorded(record)) < total // 5 and time.monotonic() < deadline:
                time.sleep(0.02)
            at_kill = len(recorded(record))
            killed = first.kill()
            assert 0 < at_kill < total, f"the kill did not land mid-batch ({at_kill} sent)"
            assert killed == CONCURRENCY + 1, "the worker and its pool were killed"
            left_claimed = (
                Message.objects.for_org(organization)
                .filter(status=Message.Status.PENDING)
                .exclude(claimed_by="")
                .count()
            )
            assert left_claimed > 0, "the dead worker left no claim: nothing was proved"

            second = worker(env, tmp_path / "worker-2.log", queue=queue, concurrency=CONCURRENCY)
            processes.append(second.start())
            all_sent = _wait_all_sent(organization, total, SEND_TIMEOUT, [second, the_beat])
        finally:
            for process in processes:
                process.stop()
            _forget_queue(settings.CELERY_BROKER_URL, queue)

    messages = Message.objects.for_org(organization)
    assert all_sent, (
        f"{messages.exclude(status=Message.Status.SENT).count()} of {total} not sent"
        f"\n{_logs(*processes)}"
    )
    # In-app: every nudge once, each with its e-mail.
    nudges = Nudge.objects.for_org(organization)
    assert nudges.count() == total
    assert nudges.filter(message__isnull=True).count() == 0
    assert len(set(nudges.values_list("kind", "subject_key", "recipient_email", "period"))) == total
    # E-mail: none lost, and the only repeats are the e-mails being sent at the kill.
    lines = recorded(record)
    by_id = Counter(message_id for message_id, _to, _subject in lines)
    expected_ids = {m.message_id for m in messages}
    assert set(by_id) == expected_ids
    repeats = {message_id: count for message_id, count in by_id.items() if count > 1}
    assert sum(count - 1 for count in repeats.values()) <= CONCURRENCY, repeats
    assert all(count == 2 for count in repeats.values()), repeats
    for message_id in repeats:  # the same message: same Message-ID, address and subject
        assert len({line for line in lines if line[0] == message_id}) == 1


def test_a_broker_outage_during_requests_loses_nothing_and_all_go_once_after_it_returns(
    tmp_path, processes
):
    _require_postgres()
    require_service("redis-server", shutil.which("redis-server") is not None, "install redis")
    queue = f"test-outage-{uuid.uuid4().hex[:12]}"
    record = tmp_path / "sent.tsv"
    redis = RedisServer(free_port(), tmp_path / "redis.log").start()
    env = app_env(
        database=database_url(connection.settings_dict),
        broker=redis.url,
        queue=queue,
        EMAIL_BACKEND=RECORDING,
        RECORDING_EMAIL_FILE=record,
    )
    organization = OrganizationFactory(slug="outage-test", name="Outage Test")
    admin = MembershipFactory(organization=organization, role=Role.ADMIN).user
    client = Client()
    client.force_login(admin)
    addresses = [f"newcomer{n}@example.org" for n in range(3)]  # no account: e-mail only
    cohort = make_cohort(organization)
    members = [enrol(cohort).user for _ in range(2)]  # intake unfinished: in-app and e-mail
    everyone = sorted(addresses + [m.email for m in members])

    with celery_publishing_to(celery_app, redis.url, queue):
        try:
            first = worker(env, tmp_path / "worker.log", queue=queue, concurrency=CONCURRENCY)
            processes.append(first.start())
            processes.append(beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule").start())
            first.wait_for("ready.", timeout=60)

            redis.stop()
            for address in addresses:
                started = time.monotonic()
                response = client.post(
                    reverse("invitation_list", args=[organization.slug]),
                    {"email": address, "name": "", "role": Role.MEMBER},
                )
                assert response.status_code == 302, response.content[:2000]
                assert time.monotonic() - started < 10, "a request waited on the broker"
            started = time.monotonic()
            response = client.post(
                reverse("cohort_intake_remind_all", args=[organization.slug, cohort.pk])
            )
            assert response.status_code == 302, response.content[:2000]
            assert time.monotonic() - started < 10, "a request waited on the broker"
            stored = Message.objects.for_org(organization)
            assert sorted(stored.values_list("recipient_email", flat=True)) == everyone
            assert set(stored.values_list("status", flat=True)) == {Message.Status.PENDING}
            inbox = Nudge.objects.for_org(organization)
            assert sorted(inbox.values_list("recipient_id", flat=True)) == sorted(
                m.pk for m in members
            )
            time.sleep(3)  # the outage lasts: nothing may be sent meanwhile
            assert recorded(record) == []

            redis.start()
            back = time.monotonic()
            all_sent = _wait_all_sent(organization, len(everyone), SEND_TIMEOUT, processes)
            took = time.monotonic() - back
        finally:
            for process in processes:
                process.stop()
            redis.stop()

    assert all_sent, f"not all sent within {SEND_TIMEOUT}s of the broker's return\n" + _logs(
        *processes
    )
    assert took <= 60
    lines = recorded(record)
    assert sorted(to for _id, to, _subject in lines) == everyone  # each once
    assert {message_id for message_id, _to, _subject in lines} == {
        m.message_id for m in Message.objects.for_org(organization)
    }
