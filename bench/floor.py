"""What every organisation page pays before its own content, and what one ORM read costs.

    python -m bench.floor                      # on bench.pages' database (built first)
    python -m bench.floor --database-url postgres://postgres@127.0.0.1:5432/mentorship_bench

It runs in this process with the production settings ``bench.pages`` serves with (DEBUG
off, the cache and the sessions in Redis), signed in as the demo admin, and prints the
median and minimum wall time in microseconds of:

* ``trivial view``: ``/healthz/`` through Django's handler and every middleware (no session,
  no database), the denominator of ``bench.pages``' throughput ratio;
* ``organisation page, no content``: ``/o/northwind/me/programs/`` with its one read of
  the page's own rows answering no row, so what is left is what every organisation page
  does: the session and the person (Redis, one query), the memberships (one query), the
  layout, the context processors and the middleware;
* one ORM read of a few cohorts with their programs, in its parts: building the queryset,
  compiling it to SQL, executing that SQL with the cursor and fetching the rows, and the
  whole read (``list(queryset)``, which also makes the model instances).

A page whose throughput is a tenth of the trivial view's may cost about ten trivial views of
CPU (its gunicorn worker and its PostgreSQL backend together); these figures say how much of
that the floor and each read take. Nothing is timed by a test.
"""

import argparse
import os
import statistics
import time

from bench.pages import ADMIN, setup_in_process, signed_in_client

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mentorship_bench"


def timed(label, call, n):
    for _ in range(max(n // 10, 10)):
        call()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e6)
    print(
        f"{label}: median_us={statistics.median(times):.0f} min_us={min(times):.0f}",
        flush=True,
    )
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args(argv)

    setup_in_process(args.database_url)
    from django.db import connection

    import programs.selectors.people as program_selectors
    from mentorship.tenancy.models import Organization
    from programs.models import Cohort

    n = args.requests
    client = signed_in_client(ADMIN)
    print(f"in-process, {n} requests each, load={os.getloadavg()[0]:.1f}")

    def get(path):
        def call():
            response = client.get(path, secure=True)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")

        return call

    trivial = timed("trivial view", get("/healthz/"), n)
    real = program_selectors.my_participations
    program_selectors.my_participations = lambda **kwargs: []
    try:
        floor = timed("organisation page, no content", get("/o/northwind/me/programs/"), n)
    finally:
        program_selectors.my_participations = real

    organization = Organization.objects.get(slug="northwind")

    def queryset():
        return Cohort.objects.for_org(organization).select_related("program").order_by("pk")[:5]

    cursor = connection.cursor()
    sql, params = queryset().query.get_compiler(connection=connection).as_sql()

    def execute():
        cursor.execute(sql, params)
        cursor.fetchall()

    timed("one read: build the queryset", queryset, n)
    timed("one read: build and compile", lambda: queryset().query.sql_with_params(), n)
    timed("one read: execute its SQL and fetch", execute, n)
    read = timed("one read: whole (list of models)", lambda: list(queryset()), n)
    print(f"floor: {floor / trivial:.0f} trivial views in process; one read: {read / trivial:.0f}")


if __name__ == "__main__":
    main()
