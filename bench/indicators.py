"""Benchmark of the indicator snapshots at scale (issue 12, B5): PostgreSQL, Redis, a worker.

    python -m bench.indicators
    python -m bench.indicators --pairings 2000 --days 120     # a small try first
    python -m bench.indicators --reuse                        # the database built last time

What it does, in order:

1. builds a fresh PostgreSQL database (``--database-url``, default
   ``postgres://postgres@127.0.0.1:5432/mentorship_ind_bench``; dropped, created, migrated)
   and fills it in SQL (``INSERT ... SELECT generate_series``, no ORM, no signal): one
   organisation with 4 programs of 5 cohorts, ``--pairings`` pairings (each mentor has two
   mentees) accepted over the first weeks of ``--days`` days and meeting weekly (one pair in
   seven fortnightly; about 3 % no-shows and 3 % cancellations) up to today; three trainer
   signals per program scored in half the sessions of the last 120 days; an action after
   every other session (70 % done on time, 15 % late, 15 % never); a daily habit per pair
   from its second week with a check-in on about 85 % of the days; the mentee's pulse
   answer after every third session; kudos after every tenth; outcome events (hired, some
   promoted, some left, some moved department) for the participants and for as many people
   again who never took part. Prints ``rows`` (per table) and ``build_s``;
2. ``full_recompute_s``: ``snapshots_compute`` of the whole organisation for today (every
   level, every indicator), timed twice (the first on a cold cache);
3. ``event_to_snapshot_s``: starts a private ``redis-server`` and one Celery worker (as
   bench/nudges.py does), completes one session through the real service
   (``session_complete``) and times until the snapshots of its pair, cohort, program,
   mentor and organisation are rewritten (``computed_at`` after the commit), ``--events``
   times; prints the median from the call (the service's own transaction and receivers
   included), the median from its commit (``after_commit_s``: the debounce, the worker, the
   recomputation) and the worst, and ``pair_mentor_cohort_s``: the median from the call
   until the event's pair, mentor and cohort are rewritten (recomputed first, from their
   own rows; the program and the organisation follow on a task of their own);
   Before it (a fresh build only), six earlier days are computed (7 to 84 days back), so
   the trend charts have a history (``history_s``), and the snapshots are vacuumed;
4. ``dashboard_p95_ms`` and ``queries`` for the organisation, program and cohort dashboards
   (URL names ``dashboard``, ``dashboard_program``, ``dashboard_cohort``) served in this
   process by Django's handler to a signed-in leader, ``--requests`` each; where a page does
   not exist yet, the selectors it calls (``metrics.selectors.snapshots``: figures, trend,
   computed_at) are timed instead, and the line says ``page=selectors``.

The machine's load average is printed at the start and the end (a shared machine slows all
of it down).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.indicators_build import (  # noqa: E402
    COHORTS,
    LEADER_EMAIL,
    PROGRAMS,
    _connect,
    build,
    prepare_database,
    row_counts,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/mentorship_ind_bench"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--broker-url", default="", help="default: a private redis-server")
    parser.add_argument("--pairings", type=int, default=25_000, help="a multiple of 40")
    parser.add_argument("--days", type=int, default=365, help="the history, in days")
    parser.add_argument("--events", type=int, default=5, help="sessions completed one by one")
    parser.add_argument("--requests", type=int, default=40, help="per dashboard page")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    parser.add_argument("--build-only", action="store_true", help="build, count rows, stop")
    parser.add_argument("--no-worker", action="store_true", help="skip event_to_snapshot_s")
    parser.add_argument("--profile", default="", help="write a pyinstrument HTML of the recompute")
    args = parser.parse_args(argv)
    if args.pairings % (2 * COHORTS):
        parser.error(f"--pairings must be a multiple of {2 * COHORTS}")
    return args


# --- Django ---------------------------------------------------------------------------------


def setup_django(database_url, broker_url):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "REDIS_URL": broker_url,
            "CONN_MAX_AGE": "600",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "EMAIL_URL": "locmem:",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    # The production settings serve hashed static files (whitenoise's manifest), which the
    # dashboard pages name: collect them, as a deployment does.
    call_command("collectstatic", interactive=False, verbosity=0)


def organization():
    from mentorship.tenancy.models import Organization

    return Organization.objects.get(slug="ind-bench")


def full_recompute(profile=""):
    from metrics.services.snapshots import snapshots_compute

    org = organization()
    times = []
    written = 0
    for attempt in range(2):
        profiler = None
        if profile and attempt == 1:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        started, cpu = time.monotonic(), time.process_time()
        written = snapshots_compute(organization=org)
        times.append((time.monotonic() - started, time.process_time() - cpu))
        if profiler is not None:
            profiler.stop()
            Path(profile).write_text(profiler.output_html())
            log(profiler.output_text(unicode=False, color=False)[:6000])
    return times, written


def _event_session(org, pairing):
    """A confirmed session of ``pairing`` that began an hour ago, ready to complete."""
    from datetime import timedelta

    from django.utils import timezone

    from sessions.models import Session

    starts = timezone.now() - timedelta(hours=1)
    return Session.objects.create(
        organization=org,
        kind="one_to_one",
        pairing=pairing,
        cohort_id=pairing.cohort_id,
        mentor=pairing.mentor.user,
        mentee=pairing.mentee.user,
        proposed_by=pairing.mentor.user,
        title="Bench session",
        starts_at=starts,
        minutes=45,
        status=Session.Status.CONFIRMED,
        proposed_at=starts - timedelta(days=3),
        confirmed_at=starts - timedelta(days=2),
    )


NEAR = ("pair", "mentor", "cohort")  # recomputed first, from their own rows


def event_to_snapshot(args, broker, work_dir):
    """Complete sessions one by one through the service, a real worker computing; the seconds
    from the call until every level it touches has snapshots computed after the commit."""
    from django.db.models import Min

    from matching.models import Pairing
    from mentorship.celery import app as celery_app
    from metrics.models import RecomputeRequest, Snapshot
    from metrics.services.outcomes import organization_today
    from sessions.services.logging import session_complete
    from tests.notifications.worker_processes import app_env, celery_publishing_to, worker

    org = organization()
    RecomputeRequest.objects.for_org(org).delete()
    queue = f"bench-indicators-{uuid.uuid4().hex[:8]}"
    env = app_env(database=args.database_url, broker=broker, queue=queue)
    process = worker(env, work_dir / "worker.log", queue=queue, concurrency=1)
    pairings = list(
        Pairing.objects.for_org(org)
        .filter(ended_at__isnull=True)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")[: args.events * 97 : 97]
    )
    times = []
    with celery_publishing_to(celery_app, broker, queue):
        try:
            process.start().wait_for("ready.", timeout=120)
            for pairing in pairings:
                session = _event_session(org, pairing)
                day = organization_today(org)
                levels = {
                    "organisation": org.pk,
                    "program": pairing.cohort.program_id,
                    "cohort": pairing.cohort_id,
                    "pair": pairing.pk,
                    "mentor": pairing.mentor.user_id,
                }
                time.sleep(0.5)  # no request left over from the previous one
                started_wall = _db_now()
                started = time.monotonic()
                session_complete(session=session, by=pairing.mentor.user)
                committed = time.monotonic()  # the service's transaction, its receivers too
                near_done = None
                while time.monotonic() - started < 60:
                    fresh = {
                        level: (
                            Snapshot.objects.for_org(org)
                            .filter(level=level, object_id=oid, day=day, **_changed(level))
                            .aggregate(at=Min("computed_at"))["at"]
                        )
                        for level, oid in levels.items()
                    }
                    fresh = {
                        level: at is not None and at > started_wall for level, at in fresh.items()
                    }
                    if near_done is None and all(fresh[level] for level in NEAR):
                        near_done = time.monotonic()
                    if all(fresh.values()):
                        break
                    time.sleep(0.02)
                else:
                    raise SystemExit("no snapshot within 60 s:\n" + process.log()[-3000:])
                done = time.monotonic()
                near_done = near_done or done
                times.append((done - started, done - committed, near_done - started))
                log(
                    f"  event {len(times)}: {times[-1][0]:.2f} s ({times[-1][1]:.2f} after "
                    f"commit); its pair, mentor and cohort {times[-1][2]:.2f} s"
                )
        finally:
            process.stop()
    return times


def _changed(level):
    """The figures of ``level`` an event recomputes: those of pairs' rows (the people's
    figures of the cohort, program and organisation levels, time to match, careers and
    certification, which no pair's event changes, stay the full computation's while today's
    parts are stored: metrics/services/snapshots.py)."""
    from metrics.selectors.inputs import PART_KEYS

    return {"indicator__in": PART_KEYS}


def _db_now():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def dashboards(n):
    """``{page: (p95_ms, median_ms, queries, how)}`` for the three dashboard levels."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from matching.models import Pairing
    from metrics import catalogue
    from metrics.selectors import snapshots as read

    org = organization()
    pairing = Pairing.objects.for_org(org).select_related("cohort").order_by("pk").first()
    program_id, cohort_id = pairing.cohort.program_id, pairing.cohort_id
    client = Client(HTTP_HOST="testserver")
    client.force_login(get_user_model().objects.get(email=LEADER_EMAIL))
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    pages = {
        "organisation": ("dashboard", {}, "organisation", org.pk),
        "program": ("dashboard_program", {"program_id": program_id}, "program", program_id),
        "cohort": ("dashboard_cohort", {"cohort_id": cohort_id}, "cohort", cohort_id),
    }
    out = {}
    for label, (name, kwargs, level, object_id) in pages.items():
        try:
            path = reverse(name, kwargs={"org_slug": org.slug, **kwargs})
        except NoReverseMatch:
            path = None

        if path is not None:

            def call(path=path):
                response = client.get(path, secure=True)
                if response.status_code != 200:
                    raise SystemExit(f"GET {path} answered {response.status_code}")

            how = "page"
        else:
            keys = [i.key for i in catalogue.at_level(level)]

            def call(level=level, object_id=object_id, keys=keys):
                read.figures(organization=org, level=level, object_ids=[object_id])
                read.trend(organization=org, level=level, object_id=object_id, indicators=keys)
                read.computed_at(organization=org, level=level, object_ids=[object_id])

            how = "selectors"
        for _ in range(3):
            call()
        with connection.execute_wrapper(counter):
            count[0] = 0
            call()
        queries = count[0]
        times = []
        for _ in range(n):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        out[label] = (p95, statistics.median(times), queries, how)
    return out


def history(days_back=(7, 14, 21, 28, 56, 84)):
    """A few earlier days of snapshots, so the trend charts read a history (timed apart)."""
    from datetime import timedelta

    from metrics.services.outcomes import organization_today
    from metrics.services.snapshots import snapshots_compute

    org = organization()
    today = organization_today(org)
    for back in days_back:
        snapshots_compute(organization=org, day=today - timedelta(days=back))


def _vacuum(database_url):
    """What autovacuum does after a full recompute rewrote every row of the day (the dead rows
    and the planner's statistics), done now so the pages are timed as they would be served."""
    with _connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE metrics_snapshot")


def main(argv=None):
    args = parse_args(argv)
    from tests.notifications.worker_processes import RedisServer, free_port

    load_start = os.getloadavg()
    work_dir = Path(tempfile.mkdtemp(prefix="bench-indicators-"))
    redis = None
    broker = args.broker_url
    try:
        if not args.no_worker and not broker:
            if shutil.which("redis-server") is None:
                sys.exit("redis-server is not installed; give --broker-url or --no-worker")
            redis = RedisServer(free_port(), work_dir / "redis.log").start()
            broker = redis.url
        print(
            f"setup: pairings={'reused' if args.reuse else args.pairings} "
            f"days={'reused' if args.reuse else args.days} programs={PROGRAMS} "
            f"cohorts={COHORTS} cpus={os.cpu_count()}",
            flush=True,
        )
        if not args.reuse:
            log("preparing the database", args.database_url)
            prepare_database(args.database_url)
            log("building the rows")
            print(f"build_s={build(args.database_url, pairings=args.pairings, days=args.days):.1f}")
        counts = row_counts(args.database_url)
        print("rows: " + " ".join(f"{k}={v}" for k, v in counts.items()), flush=True)
        if args.build_only:
            return
        setup_django(args.database_url, broker)

        times, written = full_recompute(args.profile)
        print(
            f"full_recompute_s={times[1][0]:.2f} cpu_s={times[1][1]:.2f} "
            f"cold_s={times[0][0]:.2f} snapshot_rows={written}",
            flush=True,
        )
        if not args.reuse:
            log("earlier days, for the trends")
            started = time.monotonic()
            history()
            print(f"history_days=6 history_s={time.monotonic() - started:.1f}", flush=True)
        _vacuum(args.database_url)
        if not args.no_worker:
            times = event_to_snapshot(args, broker, work_dir)
            print(
                f"event_to_snapshot_s={statistics.median(t[0] for t in times):.2f} "
                f"after_commit_s={statistics.median(t[1] for t in times):.2f} "
                f"worst_s={max(t[0] for t in times):.2f} "
                f"pair_mentor_cohort_s={statistics.median(t[2] for t in times):.2f} "
                f"events={len(times)}",
                flush=True,
            )
        for label, (p95, median, queries, how) in dashboards(args.requests).items():
            print(
                f"dashboard_{label}: dashboard_p95_ms={p95:.1f} median_ms={median:.1f} "
                f"queries={queries} page={how}",
                flush=True,
            )
        print(
            "load_average: start={:.2f},{:.2f},{:.2f} end={:.2f},{:.2f},{:.2f}".format(
                *load_start, *os.getloadavg()
            )
        )
    finally:
        if redis is not None:
            redis.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
