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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/mentorship_ind_bench"
PROGRAMS, COHORTS_PER_PROGRAM = 4, 5
COHORTS = PROGRAMS * COHORTS_PER_PROGRAM
LEADER_EMAIL = "leader@ind.bench.example"
SIGNALS = (
    ("Technique consistency", "rubric", "", None, None),
    ("Independent problem-solving", "rubric", "", None, None),
    ("Client retention when the trainee leads", "number", "%", 0, 100),
)
TABLES = (
    "accounts_user",
    "tenancy_membership",
    "programs_program",
    "programs_cohort",
    "programs_participant",
    "matching_pairing",
    "mentoring_session",
    "mentoring_signaltype",
    "mentoring_signalvalue",
    "mentoring_actionitem",
    "mentoring_microhabit",
    "mentoring_habitcheckin",
    "mentoring_pulseanswer",
    "mentoring_kudos",
    "metrics_outcomeevent",
    "metrics_snapshot",
)


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


# --- The database --------------------------------------------------------------------------


def _connect(database_url, dbname=None, autocommit=False):
    import psycopg

    u = urlsplit(database_url)
    return psycopg.connect(
        host=u.hostname,
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password,
        dbname=dbname or u.path.lstrip("/"),
        autocommit=autocommit,
    )


def prepare_database(database_url):
    import subprocess

    name = urlsplit(database_url).path.lstrip("/")
    with _connect(database_url, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": "", "REDIS_URL": ""}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT
    )


def _sql_number(value):
    return "NULL" if value is None else str(value)


# Every statement reads: %(org)s, %(p)s pairings, %(m)s mentors (p / 2), %(start)s the first
# day, %(today)s, %(now)s, %(days)s. Users 1..p are the mentees, p+1..p+m the mentors,
# p+m+1..2p+m people who never took part, then the leader. Participants: mentees 1..p,
# mentors p+1..p+m. Pairing g: mentee g, mentor p + ((g-1) % m) + 1, cohort ((g-1) % 20) + 1.
BUILD = [
    (
        "organisation",
        """INSERT INTO tenancy_organization (id, name, slug, time_zone, created_at)
        VALUES (%(org)s, 'Indicators Bench', 'ind-bench', 'Europe/London', %(now)s)""",
    ),
    (
        "users",
        """INSERT INTO accounts_user (id, password, is_superuser, email, name, is_active,
            is_staff, date_joined)
        SELECT g, '!', false, 'person' || g || '@ind.bench.example', 'Person ' || g, true,
            false, %(now)s
        FROM generate_series(1, 2 * %(p)s + %(m)s) g
        UNION ALL
        SELECT 2 * %(p)s + %(m)s + 1, '!', false, '"""
        + LEADER_EMAIL
        + """', 'The Leader', true, false, %(now)s""",
    ),
    (
        "memberships",
        """INSERT INTO tenancy_membership (role, department, joined_at, user_id, organization_id)
        SELECT CASE WHEN g = 2 * %(p)s + %(m)s + 1 THEN 'leader' ELSE 'member' END,
            'Department ' || (g %% 8), %(now)s - interval '400 days', g, %(org)s
        FROM generate_series(1, 2 * %(p)s + %(m)s + 1) g""",
    ),
    (
        "programs",
        """INSERT INTO programs_program (id, name, purpose, code_of_conduct, confidentiality,
            escalation_path, charter_version, format, cadence_days, micro_touch_cap,
            mentees_per_mentor, indicators, certification_threshold, created_at,
            organization_id, notes_shared_with_team)
        SELECT g, 'Program ' || g, '', '', '', '', 1, 'one_to_one',
            CASE WHEN g <= 2 THEN 7 ELSE 14 END, 3, 2, '[]'::jsonb, 3.0, %(now)s, %(org)s, false
        FROM generate_series(1, """
        + str(PROGRAMS)
        + """) g""",
    ),
    (
        "cohorts",
        """INSERT INTO programs_cohort (id, name, starts_on, ends_on, capacity, status,
            created_at, organization_id, program_id)
        SELECT c, 'Cohort ' || c, %(start)s::date + ((c - 1) %% 5) * 7,
            CASE WHEN (c - 1) %% 5 = 0 THEN %(today)s::date - 30
                 ELSE %(today)s::date + 60 END,
            2000, CASE WHEN (c - 1) %% 5 = 0 THEN 'completed' ELSE 'active' END,
            %(now)s, %(org)s, (c - 1) / 5 + 1
        FROM generate_series(1, """
        + str(COHORTS)
        + """) c""",
    ),
    (
        "participants",
        """INSERT INTO programs_participant (id, role, status, department, enrolled_at,
            cohort_id, organization_id, user_id, manager_email)
        SELECT g, CASE WHEN g <= %(p)s THEN 'mentee' ELSE 'mentor' END, 'active',
            'Department ' || (g %% 8),
            (%(start)s::date + ((((g - 1) %% 20)) %% 5) * 7 - 14)::timestamp
                AT TIME ZONE 'Europe/London' + interval '9 hours',
            ((g - 1) %% 20) + 1, %(org)s, g, ''
        FROM generate_series(1, %(p)s + %(m)s) g""",
    ),
    (
        "pairings",
        """INSERT INTO matching_pairing (id, kind, status, components, created_at, accepted_at,
            ended_at, end_reason, cohort_id, mentee_id, mentor_id, organization_id)
        SELECT g, 'core', CASE WHEN ended < %(now)s THEN 'concluded' ELSE 'active' END,
            '{}'::jsonb, accepted - interval '2 days', accepted,
            CASE WHEN ended < %(now)s THEN ended END, '', ((g - 1) %% 20) + 1, g,
            %(p)s + ((g - 1) %% %(m)s) + 1, %(org)s
        FROM (
            SELECT g, accepted,
                CASE WHEN g %% 20 = 0 THEN accepted + interval '180 days' END AS ended
            FROM (
                SELECT g, (%(start)s::date + (((g - 1) %% 20) %% 5) * 7 + g %% 10)::timestamp
                    AT TIME ZONE 'Europe/London' + interval '10 hours' AS accepted
                FROM generate_series(1, %(p)s) g
            ) a
        ) b""",
    ),
    (
        "sessions",
        """INSERT INTO mentoring_session (kind, template_name, title, starts_at, minutes,
            location, status, proposed_at, cancelled_at, cancel_reason, cancelled_late,
            reschedule_count, uid, sequence, pre_work, cue, practice_target, micro_outcome,
            clip_url, peer_critique, private_note, completed_at, logged_after,
            missing_outputs, completion_reason, flagged_for_audit, updated_at, cohort_id,
            completed_by_id, mentee_id, mentor_id, organization_id, pairing_id,
            proposed_by_id, reschedule_reason, cancelled_by_id)
        SELECT 'one_to_one', '', 'Weekly session', s.starts_at, 45, '',
            s.status, s.starts_at - interval '5 days',
            CASE WHEN s.status = 'cancelled' THEN s.starts_at - interval '1 day' END, '',
            s.status = 'cancelled' AND s.h = 5, 0, gen_random_uuid(), 0, '', '', '', '', '',
            '', '', CASE WHEN s.status = 'completed' THEN s.starts_at + interval '1 hour' END,
            false, '[]'::jsonb, '', false, s.starts_at, s.cohort_id,
            CASE WHEN s.status = 'completed' THEN s.mentor_user END, s.mentee_user,
            s.mentor_user, %(org)s, s.pairing_id, s.mentor_user, '',
            CASE WHEN s.status = 'cancelled' THEN s.mentee_user END
        FROM (
            SELECT p.id AS pairing_id, p.cohort_id, p.mentee_id AS mentee_user,
                p.mentor_id AS mentor_user,
                p.accepted_at + (k * 7 + 1) * interval '1 day' AS starts_at,
                (p.id * 31 + k * 17) %% 100 AS h,
                CASE WHEN (p.id * 31 + k * 17) %% 100 < 3 THEN 'no_show'
                     WHEN (p.id * 31 + k * 17) %% 100 < 6 THEN 'cancelled'
                     ELSE 'completed' END AS status, k
            FROM matching_pairing p
            CROSS JOIN LATERAL generate_series(0, %(days)s / 7 + 1) k
            WHERE p.organization_id = %(org)s
        ) s
        JOIN matching_pairing p ON p.id = s.pairing_id
        WHERE s.starts_at < %(now)s - interval '3 hours'
          AND (p.ended_at IS NULL OR s.starts_at < p.ended_at)
          AND NOT (s.pairing_id %% 7 = 0 AND s.k %% 2 = 1)""",
    ),
    (
        "signal types",
        """INSERT INTO mentoring_signaltype (id, name, description, kind, level_words, unit,
            min_value, max_value, higher_is_better, position, created_at, organization_id,
            program_id)
        SELECT (p - 1) * 3 + t.n, t.name, '', t.kind,
            CASE WHEN t.kind = 'rubric'
                THEN '["Not yet", "Starting", "Steady", "Strong", "Expert"]'::jsonb
                ELSE '[]'::jsonb END,
            t.unit, t.low, t.high, true, t.n, %(now)s, %(org)s, p
        FROM generate_series(1, """
        + str(PROGRAMS)
        + """) p
        CROSS JOIN (VALUES """
        + ", ".join(
            f"({n}, '{name}', '{kind}', '{unit.replace('%', '%%')}', "
            f"{_sql_number(low)}::numeric, {_sql_number(high)}::numeric)"
            for n, (name, kind, unit, low, high) in enumerate(SIGNALS, 1)
        )
        + """) AS t(n, name, kind, unit, low, high)""",
    ),
    (
        "signal values",
        """INSERT INTO mentoring_signalvalue (value, recorded_at, organization_id,
            recorded_by_id, session_id, signal_type_id, subject_id)
        SELECT CASE WHEN t.kind = 'rubric'
                THEN 1 + least(4, (s.id %% 3) + (%(today)s::date - s.starts_at::date) / -40 + 3)
                ELSE 60 + (s.id * 7 + t.id) %% 40 END,
            s.completed_at, %(org)s, s.mentor_id, s.id, t.id, s.mentee_id
        FROM mentoring_session s
        JOIN programs_cohort c ON c.id = s.cohort_id
        JOIN mentoring_signaltype t ON t.program_id = c.program_id
        WHERE s.organization_id = %(org)s AND s.status = 'completed'
          AND s.starts_at >= %(now)s - interval '120 days' AND s.id %% 2 = 0""",
    ),
    (
        "actions",
        """INSERT INTO mentoring_actionitem (text, due_on, done_at, created_at, created_by_id,
            done_by_id, organization_id, owner_id, pairing_id, session_id)
        SELECT 'Practise the step again', a.due_on,
            CASE WHEN a.h < 70 AND a.due_on - 1 <= %(today)s::date
                    THEN a.due_on - 1 + time '18:00'
                 WHEN a.h < 85 AND a.due_on + 3 <= %(today)s::date
                    THEN a.due_on + 3 + time '18:00' END
                 AT TIME ZONE 'Europe/London',
            a.completed_at, a.mentor_id,
            CASE WHEN a.h < 70 AND a.due_on - 1 <= %(today)s::date
                   OR a.h < 85 AND a.due_on + 3 <= %(today)s::date THEN a.mentee_id END,
            %(org)s,
            a.mentee_id, a.pairing_id, a.id
        FROM (
            SELECT s.*, (s.starts_at AT TIME ZONE 'Europe/London')::date + 7 AS due_on,
                (s.id * 13) %% 100 AS h
            FROM mentoring_session s
            WHERE s.organization_id = %(org)s AND s.status = 'completed' AND s.id %% 2 = 1
        ) a""",
    ),
    (
        "habits",
        """INSERT INTO mentoring_microhabit (id, text, cadence, starts_on, created_at,
            created_by_id, mentee_id, organization_id, pairing_id)
        SELECT p.id, 'Ten minutes of deliberate practice', 'daily',
            (p.accepted_at AT TIME ZONE 'Europe/London')::date + 7, p.accepted_at,
            p.mentor_id, p.mentee_id, %(org)s, p.id
        FROM (
            SELECT mp.id, mp.accepted_at, mentor.user_id AS mentor_id,
                mentee.user_id AS mentee_id
            FROM matching_pairing mp
            JOIN programs_participant mentor ON mentor.id = mp.mentor_id
            JOIN programs_participant mentee ON mentee.id = mp.mentee_id
            WHERE mp.organization_id = %(org)s
        ) p""",
    ),
    (
        "habit check-ins",
        """INSERT INTO mentoring_habitcheckin (day, state, created_at, habit_id, organization_id)
        SELECT d::date, CASE WHEN (h.id * 7 + (d::date - h.starts_on) * 13) %% 100 < 80
                THEN 'done' ELSE 'skipped' END,
            d + interval '20 hours', h.id, %(org)s
        FROM mentoring_microhabit h
        CROSS JOIN LATERAL generate_series(h.starts_on, %(today)s::date, interval '1 day') d
        WHERE h.organization_id = %(org)s
          AND (h.id * 7 + (d::date - h.starts_on) * 13) %% 100 < 85""",
    ),
    (
        "pulse answers",
        """INSERT INTO mentoring_pulseanswer (role, score, comment, requested_at, answered_at,
            organization_id, respondent_id, session_id)
        SELECT 'mentee', 2 + (s.id %% 4), '', s.completed_at,
            s.completed_at + interval '2 hours', %(org)s, s.mentee_id, s.id
        FROM mentoring_session s
        WHERE s.organization_id = %(org)s AND s.status = 'completed' AND s.id %% 3 = 0""",
    ),
    (
        "kudos",
        """INSERT INTO mentoring_kudos (text, created_at, giver_id, organization_id,
            recipient_id, session_id)
        SELECT 'Thank you', s.completed_at + interval '3 hours', s.mentee_id, %(org)s,
            s.mentor_id, s.id
        FROM mentoring_session s
        WHERE s.organization_id = %(org)s AND s.status = 'completed' AND s.id %% 10 = 0""",
    ),
    (
        "outcome events",
        """INSERT INTO metrics_outcomeevent (email, event, occurred_on, department, role,
            imported_at, source, organization_id, user_id)
        SELECT u.email, e.event, e.occurred_on, e.department, e.role, %(now)s, 'bench',
            %(org)s, u.id
        FROM accounts_user u
        CROSS JOIN LATERAL (
            SELECT 'hired' AS event, %(start)s::date - 400 - (u.id %% 300)::int AS occurred_on,
                'Department ' || (u.id %% 8) AS department, 'Associate' AS role
            UNION ALL
            SELECT 'promoted', %(today)s::date - (u.id %% 330)::int, '', 'Senior associate'
            WHERE u.id %% 5 = 0
            UNION ALL
            SELECT 'department_change', %(today)s::date - (u.id %% 200)::int,
                'Department ' || ((u.id + 1) %% 8), ''
            WHERE u.id %% 13 = 0
            UNION ALL
            SELECT 'left', %(today)s::date - (u.id %% 250)::int, '', ''
            WHERE u.id %% 11 = 0
        ) e
        WHERE u.id <= 2 * %(p)s + %(m)s AND (u.id <= %(p)s OR u.id > %(p)s + %(m)s)""",
    ),
]

SEQUENCES = (
    "accounts_user",
    "programs_program",
    "programs_cohort",
    "programs_participant",
    "matching_pairing",
    "mentoring_signaltype",
    "mentoring_microhabit",
    "tenancy_organization",
)


def build(database_url, *, pairings, days):
    """Fill the database (one transaction); returns the seconds it took."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Europe/London"))
    today = now.date()
    from psycopg.types.numeric import Int4  # not int2: psycopg types small ints by value

    params = {
        "org": Int4(1),
        "p": Int4(pairings),
        "m": Int4(pairings // 2),
        "days": Int4(days),
        "today": today,
        "start": today - timedelta(days=days),
        "now": now,
    }
    started = time.monotonic()
    with _connect(database_url) as conn:
        conn.execute("SET synchronous_commit = off")
        # No foreign-key trigger per row (the statements join what they reference): the
        # checks of ten million rows would take longer than writing them.
        conn.execute("SET session_replication_role = replica")
        defaulted = _temporary_defaults(conn)
        for label, sql in BUILD:
            t = time.monotonic()
            conn.execute(sql, params)
            log(f"  {label}: {time.monotonic() - t:.1f} s")
        for table, column in defaulted:
            conn.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" DROP DEFAULT')
        for table in SEQUENCES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        conn.commit()
    with _connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.monotonic() - started


ZERO = {
    "character varying": "''",
    "text": "''",
    "boolean": "false",
    "smallint": "0",
    "integer": "0",
    "bigint": "0",
    "numeric": "0",
    "double precision": "0",
    "jsonb": "'{}'::jsonb",
    "date": "CURRENT_DATE",
    "timestamp with time zone": "now()",
}


def _temporary_defaults(conn):
    """Columns the statements do not name (added since they were written) get a zero default
    for the build (Django keeps defaults in Python, not in the table); dropped after."""
    tables = sorted({sql.split("INSERT INTO ")[1].split()[0] for _, sql in BUILD})
    rows = conn.execute(
        """SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ANY(%s) AND is_nullable = 'NO'
          AND column_default IS NULL AND is_identity = 'NO' AND column_name <> 'id'
          AND NOT column_name LIKE '%%\\_id'""",
        (tables,),
    ).fetchall()
    defaulted = []
    for table, column, data_type in rows:
        if data_type in ZERO:
            conn.execute(
                f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT {ZERO[data_type]}'
            )
            defaulted.append((table, column))
    return defaulted


def row_counts(database_url):
    with _connect(database_url) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES
        }
        counts["completed_sessions"] = conn.execute(
            "SELECT count(*) FROM mentoring_session WHERE status = 'completed'"
        ).fetchone()[0]
    return counts


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

    django.setup()


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
                            .filter(level=level, object_id=oid, day=day)
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
