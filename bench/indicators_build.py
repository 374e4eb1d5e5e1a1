"""The indicators benchmark's organisation, built in PostgreSQL by SQL (``INSERT ... SELECT
generate_series``, no ORM, foreign-key triggers off for the build): see ``bench/indicators.py``
for what it builds and what is timed on it."""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def log(*args):
    print(*args, file=sys.stderr, flush=True)


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
