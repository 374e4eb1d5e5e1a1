"""Benchmark of nudge delivery under worker kills (issue 11): PostgreSQL, Redis, a real worker.

    python -m bench.nudges
    python -m bench.nudges --nudges 10000 --kills 3 --concurrency 2
    python -m bench.nudges --email-delay 0.002      # an SMTP server answering in 2 ms

What it does, in order:

1. builds a fresh PostgreSQL database (``--database-url``, default
   ``postgres://postgres@127.0.0.1:5432/mentorship_nudges_bench``; dropped and created) and
   migrates it; starts a private ``redis-server`` on a free port (``--broker-url`` to use
   another), so no other worker or run shares its queues;
2. creates three organisations of ``--people`` people each (members) and ``--nudges`` due
   nudges across them, each with its e-mail waiting in the outbox, as ``nudge_send`` leaves
   them (written in bulk: the benchmark times sending, not storing);
3. **run 1**: starts one worker (``celery worker``, prefork, ``--concurrency`` 2), queues one
   delivery per organisation (as the commits that stored them would) and times until every
   e-mail is marked sent: ``send_s`` and ``per_s``;
4. **run 2**: as many new nudges again; the same, while the worker (its main process and its
   pool) is killed with SIGKILL ``--kills`` times, each after another slice of the e-mails
   went out, and started again at once. A dead worker's claims are taken again after
   ``NUDGE_CLAIM_TIMEOUT`` (``--claim-timeout``, 5 s here: 120 s in production);
5. for each run prints ``send_s``, ``per_s``, ``lost`` (nudges whose e-mail was not sent, or
   marked sent but never handed to the mail backend), ``duplicate_inbox`` (nudges sharing a
   key, or e-mails with more than one nudge), ``duplicate_email`` (e-mails handed to the
   backend more than once) and, for run 2, ``kills`` and ``killed_processes``; and the load
   average at the start and the end (a shared machine slows everything down).

While a run lasts, the delivery sweep (``notifications.sweep_deliveries``, beat's task every
20 s in production) runs every ``--sweep-seconds`` (5 s) in this process. E-mails go to a
recording backend (``tests/notifications/recording_backend.py``: one line per e-mail with its
Message-ID, appended to a file), which is how sent e-mails are counted; ``--email-delay``
makes each one take that long, as an SMTP server's answer does.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/mentorship_nudges_bench"
RECORDING = "tests.notifications.recording_backend.EmailBackend"
CATEGORIES = ("sessions", "plans", "matching", "program")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--broker-url", default="", help="default: a private redis-server")
    parser.add_argument("--nudges", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=1_000, help="per organisation")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--claim-timeout", type=int, default=5)
    parser.add_argument("--sweep-seconds", type=float, default=5.0)
    parser.add_argument("--email-delay", type=float, default=0.0)
    parser.add_argument("--timeout", type=float, default=600.0, help="per run, seconds")
    return parser.parse_args(argv)


def prepare_database(database_url):
    """Drop and create the benchmark's database, then migrate it (as bench.pages does)."""
    import subprocess
    from urllib.parse import urlsplit

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    env = {**os.environ, "DATABASE_URL": parts._replace(path="/postgres").geturl()}
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run([sys.executable, "-c", _SQL_SNIPPET, sql], check=True, env=env, cwd=ROOT)
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": "", "REDIS_URL": ""}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT
    )


_SQL_SNIPPET = """
import sys, psycopg, os
from urllib.parse import urlsplit
u = urlsplit(os.environ["DATABASE_URL"])
with psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres",
                     password=u.password, dbname="postgres", autocommit=True) as c:
    c.execute(sys.argv[1])
"""


def setup_django(database_url, broker_url, claim_timeout):
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentorship.settings"
    # The sweep runs here: it must see a dead worker's claims expire when the worker does.
    os.environ["NUDGE_CLAIM_TIMEOUT"] = str(claim_timeout)
    os.environ["DATABASE_URL"] = database_url
    os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ["REDIS_URL"] = broker_url
    os.environ["CONN_MAX_AGE"] = "0"
    os.environ.setdefault("EMAIL_URL", "locmem:")
    import django

    django.setup()


def create_people(per_organisation):
    from mentorship.accounts.models import User
    from mentorship.tenancy.models import Membership, Organization, Role

    organisations = []
    for n, zone in enumerate(("Europe/London", "America/New_York", "Asia/Tokyo"), 1):
        organization = Organization.objects.create(
            name=f"Bench Org {n}", slug=f"bench-{n}", time_zone=zone
        )
        users = User.objects.bulk_create(
            [
                User(email=f"person{i}@org{n}.bench.example", name=f"Person {i} of org {n}")
                for i in range(per_organisation)
            ]
        )
        Membership.objects.bulk_create(
            [Membership(organization=organization, user=u, role=Role.MEMBER) for u in users]
        )
        organisations.append((organization, users))
    return organisations


def create_due_nudges(organisations, total, run):
    """``total`` nudges across the organisations, each with its e-mail pending, as
    nudge_send leaves a nudge whose person takes e-mail at once."""
    from django.utils import timezone

    from mentorship.notifications.models import Message, Nudge

    today = timezone.now().date()
    per_org = [total // len(organisations)] * len(organisations)
    per_org[0] += total - sum(per_org)
    for (organization, users), count in zip(organisations, per_org, strict=True):
        rows = []
        for i in range(count):
            user = users[i % len(users)]
            category = CATEGORIES[i % len(CATEGORIES)]
            rows.append(
                (
                    user,
                    category,
                    f"thing:{i}",
                    f"A reminder about thing {i}",
                    f"Hello {user.name},\n\nThing {i} is due. See {organization.slug}/things/{i}/."
                    "\n\nThe mentorship programme",
                )
            )
        messages = Message.objects.bulk_create(
            [
                Message(
                    organization=organization,
                    kind="bench.reminder",
                    category=category,
                    subject_key=key,
                    period=run,
                    recipient_email=user.email,
                    recipient=user,
                    subject=subject,
                    body=body,
                    unsubscribable=True,
                    send_on=today,
                )
                for user, category, key, subject, body in rows
            ],
            batch_size=2000,
        )
        Nudge.objects.bulk_create(
            [
                Nudge(
                    organization=organization,
                    kind="bench.reminder",
                    category=category,
                    subject_key=key,
                    period=run,
                    recipient=user,
                    recipient_email=user.email,
                    title=subject,
                    link=f"/o/{organization.slug}/things/{key}/",
                    email=Nudge.Email.NOW,
                    message=message,
                )
                for (user, category, key, subject, _body), message in zip(
                    rows, messages, strict=True
                )
            ],
            batch_size=2000,
        )


def sent_count(run):
    from mentorship.notifications.models import Message

    # Cross-tenant on purpose: the benchmark counts every organisation's e-mails.
    return Message.objects.unscoped().filter(period=run, status=Message.Status.SENT).count()


def results(run, record_path, elapsed):
    from django.db.models import Count

    from mentorship.notifications.models import Message, Nudge
    from tests.notifications.recording_backend import recorded

    messages = Message.objects.unscoped().filter(period=run)  # every organisation's
    ids = {
        f"<nudge-{org_id}-{pk}@{_domain()}>": status
        for pk, org_id, status in messages.values_list("pk", "organization_id", "status")
    }
    handed = Counter(line[0] for line in recorded(record_path) if line[0] in ids)
    lost = sum(
        1
        for message_id, status in ids.items()
        if status != Message.Status.SENT or handed[message_id] == 0
    )
    nudges = Nudge.objects.unscoped().filter(period=run)
    same_key = (
        nudges.values("organization_id", "kind", "subject_key", "recipient_email", "period")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    shared_email = (
        nudges.exclude(message=None).values("message_id").annotate(n=Count("pk")).filter(n__gt=1)
    ).count()
    return {
        "nudges": nudges.count(),
        "send_s": round(elapsed, 2),
        "per_s": round(len(ids) / elapsed, 1) if elapsed else 0,
        "lost": lost,
        "duplicate_inbox": same_key + shared_email,
        "duplicate_email": sum(n - 1 for n in handed.values() if n > 1),
    }


def _domain():
    from django.conf import settings

    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"


def run(label, args, organisations, env, work_dir, kills=0):
    from mentorship.notifications import tasks
    from tests.notifications.worker_processes import worker

    run_id = f"bench-{label}"
    record = work_dir / f"{label}.tsv"
    env = {**env, "RECORDING_EMAIL_FILE": str(record)}
    log(f"{label}: creating {args.nudges} due nudges")
    create_due_nudges(organisations, args.nudges, run_id)
    queue = env["CELERY_QUEUE"]

    def start(n):
        process = worker(
            env, work_dir / f"{label}-worker-{n}.log", queue=queue, concurrency=args.concurrency
        ).start()
        process.wait_for("ready.", timeout=120)
        return process

    current = start(0)
    killed_processes = 0
    thresholds = [args.nudges * (k + 1) // (kills + 1) for k in range(kills)]
    from tests.notifications.recording_backend import recorded

    started = time.monotonic()
    for organization, _users in organisations:  # as the commits that stored them would
        tasks.deliver_due.delay(organization.pk)
    last_sweep = started
    done = 0
    while time.monotonic() - started < args.timeout:
        done = sent_count(run_id)
        if done >= args.nudges:
            break
        if thresholds and len(recorded(record)) >= thresholds[0]:
            thresholds.pop(0)
            killed_processes += current.kill()
            log(f"{label}: killed the worker after {len(recorded(record))} e-mails")
            current = start(killed_processes)
        if time.monotonic() - last_sweep >= args.sweep_seconds:
            tasks.sweep_deliveries()  # what beat triggers every 20 s in production
            last_sweep = time.monotonic()
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    current.stop()
    figures = results(run_id, record, elapsed)
    if kills:
        figures["kills"] = kills - len(thresholds)
        figures["killed_processes"] = killed_processes
    if done < args.nudges:
        figures["timed_out"] = True
    return figures


def main(argv=None):
    args = parse_args(argv)
    from tests.notifications.worker_processes import RedisServer, app_env, free_port

    load_start = os.getloadavg()
    work_dir = Path(tempfile.mkdtemp(prefix="bench-nudges-"))
    redis = None
    broker = args.broker_url
    if not broker:
        if shutil.which("redis-server") is None:
            sys.exit("redis-server is not installed; give --broker-url")
        redis = RedisServer(free_port(), work_dir / "redis.log").start()
        broker = redis.url
    try:
        log("preparing the database", args.database_url)
        prepare_database(args.database_url)
        setup_django(args.database_url, broker, args.claim_timeout)
        organisations = create_people(args.people)
        env = app_env(
            database=args.database_url,
            broker=broker,
            queue=f"bench-nudges-{uuid.uuid4().hex[:8]}",
            NUDGE_CLAIM_TIMEOUT=args.claim_timeout,
            EMAIL_BACKEND=RECORDING,
            RECORDING_EMAIL_DELAY=args.email_delay,
        )
        from mentorship.celery import app as celery_app

        celery_app.conf.task_default_queue = env["CELERY_QUEUE"]
        for attribute in ("queues", "router", "default_queue"):
            celery_app.amqp.__dict__.pop(attribute, None)

        print(
            f"setup: nudges={args.nudges} organisations=3 people={3 * args.people} "
            f"concurrency={args.concurrency} claim_timeout_s={args.claim_timeout} "
            f"sweep_s={args.sweep_seconds} email_delay_s={args.email_delay} cpus={os.cpu_count()}"
        )
        for label, kills in (("plain", 0), ("kills", args.kills)):
            figures = run(label, args, organisations, env, work_dir, kills=kills)
            print(f"{label}: " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
        load_end = os.getloadavg()
        print(
            "load_average: start={:.2f},{:.2f},{:.2f} end={:.2f},{:.2f},{:.2f}".format(
                *load_start, *load_end
            )
        )
    finally:
        if redis is not None:
            redis.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
