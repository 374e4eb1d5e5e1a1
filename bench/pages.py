"""Benchmark of the main pages as a user gets them: gunicorn, PostgreSQL, DEBUG off.

    python -m bench.pages                      # the demo organisation
    python -m bench.pages --requests 60 --clients 50 --seconds 5
    python -m bench.pages --scale 10           # the demo with ten times its people

What it does, in order:

1. builds a fresh PostgreSQL database (``--database-url``, default
   ``postgres://postgres@127.0.0.1:5432/mentorship_bench``; it is dropped and created), migrates
   it and loads the demo organisation; with ``--scale N`` it then copies the demo's people
   N - 1 times over (``bench.scale``: members, participants of the same cohorts with their
   intakes, audit events, open invitations), in a database of its own (``<name>_x<N>``);
2. serves it with gunicorn as deployed (``gunicorn.conf.py``, with ``--workers``, default 2,
   and any ``--gunicorn-arg``) with production settings (``DEBUG=0``; the cache and the
   sessions in Redis as docker-compose deploys them, ``--redis-url``, default database 3 of
   the local Redis, flushed first; ``--redis-url ""`` for none;
   requests say ``X-Forwarded-Proto: https``, as a proxy would, so the secure cookies and the
   HTTPS redirect behave as in production);
3. signs in as the demo admin and the demo mentee, and for each main page:
   * ``median_ms`` / ``p95_ms``: the time of ``--requests`` requests one after another, as the
     client sees it over loopback (the server's time plus a fraction of a millisecond);
   * ``cpu_ms``: the CPU time the server spent per request during those requests (its
     gunicorn workers and their PostgreSQL backends, read from /proc): on a shared machine
     the wall time includes waiting for a core, this does not;
   * ``queries``: the page's number of queries, counted in this process with Django's test
     client against the same database;
   * ``ratio``: the page's throughput under ``--clients`` concurrent clients for ``--seconds``,
     divided by the throughput of the trivial view (``/healthz/``) measured the same way in
     the same run, so the figure does not depend on how fast this machine is today.

It prints one line per page (``page: median_ms=.. p95_ms=.. queries=.. rps=.. ratio=..``) and
the trivial view's figures; nothing is timed by a test.

    python -m bench.pages --skip-build --in-process   # no server: CPU per page, in-process

``--in-process`` serves each page with Django's handler in this process instead (see
:func:`in_process`): the figures to compare two versions of the code on a busy machine.
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mentor-demo-2026"
ADMIN = "amara.okafor@northwind.example"

# (label, who, path): the pages people open most, as the demo's admin and a demo mentee.
PAGES = [
    ("org home (admin)", "admin", "/o/northwind/"),
    ("programs", "admin", "/o/northwind/programs/"),
    ("cohorts", "admin", "/o/northwind/cohorts/"),
    ("cohort", "admin", "/o/northwind/cohorts/{active_cohort}/"),
    ("cohort participants", "admin", "/o/northwind/cohorts/{active_cohort}/participants/"),
    ("cohort matching", "admin", "/o/northwind/cohorts/{matching_cohort}/matching/"),
    ("members", "admin", "/o/northwind/members/"),
    ("invitations", "admin", "/o/northwind/invitations/"),
    ("audit log", "admin", "/o/northwind/audit/"),
    ("org home (mentee)", "mentee", "/o/northwind/"),
    ("my programs (mentee)", "mentee", "/o/northwind/me/programs/"),
    ("my mentoring (mentee)", "mentee", "/o/northwind/me/mentoring/"),
]
TRIVIAL = "/healthz/"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- the database and the server -----------------------------------------------------------


def prepare_database(database_url):
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    env = {**os.environ, "DATABASE_URL": admin_url}
    drop = f'DROP DATABASE IF EXISTS "{name}"'
    create = f'CREATE DATABASE "{name}"'
    for sql in (drop, create):
        subprocess.run([sys.executable, "-c", _SQL_SNIPPET, sql], check=True, env=env, cwd=ROOT)
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": "", "REDIS_URL": ""}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT
    )
    subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


_SQL_SNIPPET = """
import sys, psycopg, os
from urllib.parse import urlsplit
u = urlsplit(os.environ["DATABASE_URL"])
with psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres",
                     password=u.password, dbname="postgres", autocommit=True) as c:
    c.execute(sys.argv[1])
"""


# The deployed stack (docker-compose.yml) has Redis: the cache, and the sessions read from it
# (``cached_db``). ``--redis-url ""`` measures without it (the local-memory cache and sessions
# read from the database on every request).
REDIS_URL = "redis://127.0.0.1:6379/3"


def production_env(database_url, redis_url=None):
    redis_url = REDIS_URL if redis_url is None else redis_url
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": redis_url,
        "EMAIL_URL": "console:",
    }


def start_server(database_url, port, workers, extra_args=()):
    if REDIS_URL:  # the bench's own Redis database: no cache or session of another run
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    # Production settings serve hashed static files (whitenoise's manifest): collect them.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        check=True,
        env=production_env(database_url),
        cwd=ROOT,
    )
    # The deployed settings (gunicorn.conf.py), on this port, with this many workers.
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        *extra_args,
    ]
    # No access log, and no worker recycling: a worker restarting (about every 2000
    # requests as deployed) would land in one page's window and not another's.
    env = {**production_env(database_url), "GUNICORN_ACCESS_LOG": "", "GUNICORN_MAX_REQUESTS": "0"}
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = Client(port).get(TRIVIAL)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


# --- an HTTP client with cookies, as a browser behind an HTTPS proxy --------------------------


class Client:
    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.connection = None

    def _connection(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.connection

    def request(self, method, path, body=None, headers=None):
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            connection = self._connection()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection = None
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content

    def get(self, path):
        return self.request("GET", path)

    def sign_in(self, email):
        _, _, page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token})
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": "https://127.0.0.1/accounts/login/",
            },
        )
        if status != 302:
            raise SystemExit(f"signing in as {email} answered {status}")


# --- the figures -----------------------------------------------------------------------------


def _cpu_seconds(pid):
    """User and system CPU time of a process so far (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerCPU:
    """CPU time the server spends: its gunicorn workers and their PostgreSQL backends.

    On a shared machine a request's wall time includes waiting for a core other programs
    hold; the CPU the server spent on it does not, so ``cpu_ms`` (this, per request) is the
    figure to compare between runs when the load differs."""

    def __init__(self, server_pid, database_url):
        self.server_pid = server_pid
        self.database = urlsplit(database_url).path.lstrip("/")
        self.database_url = database_url

    def _pids(self):
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.server_pid:
                workers.append(int(stat.parent.name))
        import psycopg

        u = urlsplit(self.database_url)
        with psycopg.connect(
            host=u.hostname,
            port=u.port or 5432,
            user=u.username or "postgres",
            password=u.password,
            dbname=self.database,
        ) as c:
            backends = [
                pid
                for (pid,) in c.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()",
                    (self.database,),
                )
            ]
        return workers + backends

    def snapshot(self):
        return {pid: _cpu_seconds(pid) for pid in self._pids()}

    @staticmethod
    def spent(before, after):
        """CPU seconds spent between two snapshots by the processes alive at the second (a
        process started in between counts from zero)."""
        return sum(max(cpu - before.get(pid, 0.0), 0.0) for pid, cpu in after.items())


def latency(client, path, n, cpu=None):
    for _ in range(3):
        client.get(path)  # warm the worker's caches and the connection
    times = []
    before = cpu.snapshot() if cpu else {}
    for _ in range(n):
        start = time.perf_counter()
        status, _, _ = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
    cpu_ms = cpu.spent(before, cpu.snapshot()) * 1000 / n if cpu else float("nan")
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], cpu_ms


def throughput(port, cookies, path, clients, seconds):
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def work(i):
        client = Client(port)
        client.cookies = dict(cookies)
        while time.monotonic() < stop:
            status, _, _ = client.get(path)
            if status == 200:
                counts[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def query_counts(database_url, people, pages):
    """Each page's queries, counted in-process by Django's test client (same database)."""
    os.environ.update(production_env(database_url))
    os.environ["DEBUG"] = "1"  # the test client speaks plain HTTP
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    counts = {}
    clients = {}
    for who, email in people.items():
        client = TestClient()
        client.force_login(get_user_model().objects.get(email=email))
        clients[who] = client
    for label, who, path in pages:
        clients[who].get(path)
        with CaptureQueriesContext(connection) as context:
            clients[who].get(path)
        counts[label] = len(context.captured_queries)
    return counts


def setup_in_process(database_url):
    """Django set up in this process as :func:`production_env` deploys it (``DEBUG=0``, the
    cached template loader, no test environment: ``setup_test_environment`` would
    instrument every template render), answering the test client's host."""
    os.environ.update(production_env(database_url))
    os.environ["ALLOWED_HOSTS"] += ",testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def signed_in_client(email):
    """Django's test client signed in as ``email``, its requests as a proxy passes them
    (``X-Forwarded-Proto: https``; call ``get(..., secure=True)``)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(get_user_model().objects.get(email=email))
    return client


def in_process(database_url, people, pages, n):
    """Each page served by Django's own handler in this process, as deployed (``DEBUG=0``,
    the cached template loader, no test environment: ``setup_test_environment`` would
    instrument every template render), without HTTP or gunicorn: per request the median
    CPU time of this process (``cpu_ms``), its minimum (the least disturbed by other
    programs on a shared machine), and the CPU its PostgreSQL backend spent
    (``db_cpu_ms``, from /proc). Figures to compare two versions of the code on one
    machine, alternating them, when the load makes the served figures say more about the
    machine than about the pages."""
    setup_in_process(database_url)
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    clients = {who: signed_in_client(email) for who, email in people.items()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    print(f"in-process, {n} requests a page, load={os.getloadavg()[0]:.1f}")
    for label, who, path in pages:
        client = clients[who]
        for _ in range(3):
            status = client.get(path, secure=True).status_code
            if status != 200:
                raise SystemExit(f"GET {path} answered {status}")
        with connection.execute_wrapper(counter):
            count[0] = 0
            client.get(path, secure=True)
        cpus = []
        db_before = _cpu_seconds(backend)
        for _ in range(n):
            start = time.process_time()
            client.get(path, secure=True)
            cpus.append((time.process_time() - start) * 1000)
        db_ms = (_cpu_seconds(backend) - db_before) * 1000 / n
        print(
            f"{label} {path}: cpu_ms={statistics.median(cpus):.1f} min_cpu_ms={min(cpus):.1f} "
            f"db_cpu_ms={db_ms:.1f} queries={count[0]}",
            flush=True,
        )


def demo_facts(database_url):
    """The demo's active and matching cohorts and a mentee (read with psycopg)."""
    import psycopg

    u = urlsplit(database_url)
    with psycopg.connect(
        host=u.hostname,
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password,
        dbname=u.path.lstrip("/"),
    ) as c:
        cohort = dict(c.execute("SELECT status, min(id) FROM programs_cohort GROUP BY status"))
        mentee = c.execute(
            "SELECT u.email FROM programs_participant p JOIN accounts_user u ON u.id = p.user_id "
            "JOIN matching_pairing m ON m.mentee_id = p.id "
            "WHERE p.role = 'mentee' AND m.status = 'active' ORDER BY p.id LIMIT 1"
        ).fetchone()[0]
    return {"active_cohort": cohort["active"], "matching_cohort": cohort["matching"]}, mentee


def main(argv=None):
    global REDIS_URL
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/mentorship_bench"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=40, help="sequential requests a page")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=3.0, help="throughput window a page")
    parser.add_argument("--skip-build", action="store_true", help="reuse the database")
    parser.add_argument(
        "--gunicorn-arg",
        action="append",
        default=[],
        help="an extra gunicorn argument, over gunicorn.conf.py (e.g. --gunicorn-arg=--threads=2)",
    )
    parser.add_argument(
        "--scale", type=int, default=1, help="the demo's people N times over (bench.scale)"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no server: each page's CPU time in this process and its database backend",
    )
    parser.add_argument(
        "--redis-url",
        default=None,
        help='the cache and sessions, as deployed ("" for none: local memory and the database)',
    )
    args = parser.parse_args(argv)
    if args.redis_url is not None:
        REDIS_URL = args.redis_url
    if args.scale > 1:
        parts = urlsplit(args.database_url)
        args.database_url = parts._replace(path=f"{parts.path}_x{args.scale}").geturl()

    if args.skip_build:
        # The code may have new migrations since the database was built.
        env = {**os.environ, "DATABASE_URL": args.database_url, "CELERY_BROKER_URL": ""}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            check=True,
            env={**env, "REDIS_URL": ""},
            cwd=ROOT,
        )
    else:
        log("building the demo database ...")
        prepare_database(args.database_url)
        if args.scale > 1:
            from bench.scale import scale_demo

            log(f"copying the demo's people {args.scale - 1} times ...")
            scale_demo(args.database_url, args.scale)
    facts, mentee = demo_facts(args.database_url)
    pages = [(label, who, path.format(**facts)) for label, who, path in PAGES]
    people = {"admin": ADMIN, "mentee": mentee}
    if args.in_process:
        in_process(args.database_url, people, pages, args.requests)
        return

    server = start_server(args.database_url, args.port, args.workers, args.gunicorn_arg)
    try:
        clients = {}
        for who, email in people.items():
            clients[who] = Client(args.port)
            clients[who].sign_in(email)
        trivial_rps = throughput(args.port, {}, TRIVIAL, args.clients, args.seconds)
        cpu = ServerCPU(server.pid, args.database_url)
        trivial_median, trivial_p95, trivial_cpu = latency(
            Client(args.port), TRIVIAL, args.requests, cpu
        )
        print(
            f"trivial view {TRIVIAL}: median_ms={trivial_median:.1f} p95_ms={trivial_p95:.1f} "
            f"cpu_ms={trivial_cpu:.1f} rps={trivial_rps:.0f} load={os.getloadavg()[0]:.1f}"
        )
        rows = []
        for label, who, path in pages:
            median, p95, cpu_ms = latency(clients[who], path, args.requests, cpu)
            rps = throughput(args.port, clients[who].cookies, path, args.clients, args.seconds)
            rows.append((label, path, median, p95, cpu_ms, rps))
            log(
                f"{label}: median_ms={median:.1f} cpu_ms={cpu_ms:.1f} load={os.getloadavg()[0]:.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    queries = query_counts(args.database_url, people, pages)
    for label, path, median, p95, cpu_ms, rps in rows:
        print(
            f"{label} {path}: median_ms={median:.1f} p95_ms={p95:.1f} cpu_ms={cpu_ms:.1f} "
            f"queries={queries[label]} rps={rps:.0f} ratio={rps / trivial_rps:.3f}"
        )


if __name__ == "__main__":
    main()
