"""An event reaches its snapshots through a real Celery worker within seconds (B5: "with a
worker running, an event shows on the dashboard within a few seconds").

PostgreSQL and a Celery broker are needed (``.ci/run`` has both); elsewhere this skips,
except in CI, where it fails (``require_service``). Marked ``worker``: tasks go to a real
process on a queue of its own.
"""

import time
import uuid

import pytest
from django.conf import settings
from django.db import connection, transaction

from mentorship.celery import app as celery_app
from metrics.models import RecomputeRequest, Snapshot
from metrics.selectors.inputs import PART_KEYS
from metrics.services.outcomes import organization_today
from metrics.services.snapshots import snapshots_compute
from sessions.models import Session
from sessions.signals import session_completed
from tests.factories import OrganizationFactory
from tests.metrics.conftest import at, build_pairs
from tests.notifications.worker_processes import (
    app_env,
    celery_publishing_to,
    database_url,
    worker,
)
from tests.sessions.factories import make_session
from tests.utils import require_service

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WITHIN_SECONDS = 5  # the event's own transaction (its receivers), then what follows
AFTER_COMMIT_SECONDS = 2  # the debounce (0.25 s), then every level at once: today's parts are
# stored (the full computation above), so the pair's part is read again and the others' loaded


def _broker_reachable():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:
        return False


def test_a_completed_session_reaches_its_snapshots_through_a_worker_within_seconds(tmp_path):
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "the worker shares the test database; set DATABASE_URL=postgres://…",
    )
    require_service("a Celery broker", bool(settings.CELERY_BROKER_URL), "set CELERY_BROKER_URL")
    require_service("the Celery broker", _broker_reachable(), settings.CELERY_BROKER_URL)
    org = OrganizationFactory(slug="snapshot-worker")
    cohort = build_pairs(org, pairs=2)
    snapshots_compute(organization=org)
    RecomputeRequest.objects.for_org(org).delete()
    pairing = cohort.pairings.order_by("pk").first()
    day = organization_today(org)

    def delivered():
        return Snapshot.objects.for_org(org).get(
            level="mentor",
            object_id=pairing.mentor.user_id,
            indicator="mentor_recognition",
            day=day,
        )

    before = delivered()

    def above_computed():
        # the figures of pairs' rows (the people's are the full computation's: no pair's
        # event changes them)
        stamps = Snapshot.objects.for_org(org).filter(
            level__in=("program", "organisation"), day=day, indicator__in=PART_KEYS
        )
        return not stamps.filter(computed_at__lte=before.computed_at).exists()

    queue = f"test-snapshots-{uuid.uuid4().hex[:12]}"
    env = app_env(
        database=database_url(connection.settings_dict),
        broker=settings.CELERY_BROKER_URL,
        queue=queue,
    )
    process = worker(env, tmp_path / "worker.log", queue=queue, concurrency=1)
    with celery_publishing_to(celery_app, settings.CELERY_BROKER_URL, queue):
        try:
            process.start().wait_for("ready.", timeout=60)
            started = time.monotonic()
            with transaction.atomic():
                session = make_session(
                    pairing, starts_at=at(org, -1), status=Session.Status.COMPLETED
                )
                session_completed.send(sender=Session, session=session, by=pairing.mentor.user)
            committed = time.monotonic()
            deadline = started + 30
            while time.monotonic() < deadline:
                if delivered().value != before.value:
                    break
                time.sleep(0.05)
            elapsed = time.monotonic() - started
            # its program and the organisation (in the same run)
            while time.monotonic() < deadline:
                if above_computed() and not RecomputeRequest.objects.for_org(org).exists():
                    break
                time.sleep(0.05)
            elapsed_all = time.monotonic() - started
        finally:
            process.stop()
    after = delivered()
    assert after.value == before.value + 1, process.log()[-3000:]
    assert after.computed_at > before.computed_at
    after_commit = elapsed - (committed - started)
    all_after_commit = elapsed_all - (committed - started)
    print(
        f"event_to_snapshot_s={elapsed:.2f} after_commit_s={after_commit:.2f} "
        f"all_levels_s={elapsed_all:.2f} all_after_commit_s={all_after_commit:.2f}"
    )
    assert elapsed < WITHIN_SECONDS, f"{elapsed:.1f} s"
    assert after_commit < AFTER_COMMIT_SECONDS, f"{after_commit:.1f} s after the commit"
    assert above_computed(), "the program's and the organisation's figures were not recomputed"
    assert all_after_commit < AFTER_COMMIT_SECONDS, f"all levels {all_after_commit:.1f} s"
    assert not RecomputeRequest.objects.for_org(org).exists()  # run, then deleted
