"""Benchmark of a session block's autosave (S4) as the mentor's browser gets it: gunicorn,
PostgreSQL, DEBUG off, the demo organisation.

    python -m bench.autosave                   # builds the demo database, then measures
    python -m bench.autosave --skip-build      # reuses it
    python -m bench.autosave --requests 200

What it does, in order:

1. builds a fresh PostgreSQL database (``--database-url``, default
   ``postgres://postgres@127.0.0.1:5432/mentorship_bench_autosave``: dropped and created),
   migrates it and loads the demo (``bench.pages.prepare_database``);
2. picks the demo's first confirmed one-to-one session of an active pairing that is not
   completed (when the demo has none, it writes one for the first active pairing, with the
   on-the-floor template's blocks, as the demo would);
3. serves the database with gunicorn with production settings (``bench.pages.start_server``),
   signs in as that session's mentor, opens the session page (for the CSRF cookie) and sends
   ``--requests`` autosaves of its second block one after another, as htmx sends them
   (``HX-Request``, the CSRF header, the notes and the version the previous answer gave):
   ``median_ms`` / ``p95_ms`` are the round trips as the browser sees them over loopback;
4. counts the queries of one autosave in this process with Django's test client against the
   same database (``queries``), and of the session page (``page_queries``).

It prints ``autosave: median_ms=.. p95_ms=.. queries=..``, the session page's figures and the
trivial view's (``/healthz/``: what the machine gives a request that does nothing, so a busy
machine shows); no test times anything. The target (issue 9): under 50 ms.
"""

import argparse
import os
import re
import statistics
import sys
import time
from urllib.parse import urlencode

from bench.pages import ROOT, Client, log, prepare_database, production_env, start_server

PASSWORD = "mentor-demo-2026"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/mentorship_bench_autosave"


def _django(database_url):
    os.environ.update(production_env(database_url))
    os.environ["DEBUG"] = "1"  # the test client speaks plain HTTP
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pick_session():
    """(session id, block id, mentor e-mail, organisation slug) of a session to autosave."""
    from datetime import timedelta

    from django.utils import timezone

    from matching.models import Pairing
    from mentorship.tenancy.models import Organization
    from sessions.models import Session, SessionKind, SessionTemplate
    from sessions.services.blocks import copy_template_blocks

    organization = Organization.objects.order_by("pk").first()
    session = (
        Session.objects.for_org(organization)
        .filter(
            kind=SessionKind.ONE_TO_ONE,
            status=Session.Status.CONFIRMED,
            pairing__status=Pairing.Status.ACTIVE,
        )
        .select_related("mentor")
        .order_by("starts_at")
        .first()
    )
    if session is None:
        pairing = (
            Pairing.objects.for_org(organization)
            .filter(status=Pairing.Status.ACTIVE)
            .select_related("mentor__user", "mentee__user", "cohort")
            .order_by("pk")
            .first()
        )
        template = SessionTemplate.objects.for_org(organization).get(key="on-the-floor")
        session = Session.objects.create(
            organization=organization,
            kind=SessionKind.ONE_TO_ONE,
            pairing=pairing,
            cohort=pairing.cohort,
            mentor=pairing.mentor.user,
            mentee=pairing.mentee.user,
            template=template,
            template_name=template.name,
            title=template.name,
            starts_at=timezone.now() + timedelta(days=1),
            minutes=template.minutes,
            status=Session.Status.CONFIRMED,
            confirmed_at=timezone.now(),
        )
        copy_template_blocks(session=session, template=template)
        log(f"the demo had no confirmed session: wrote session {session.pk}")
    block = session.blocks.order_by("position")[1]
    return session.pk, block.pk, block.version, session.mentor.email, organization.slug


VERSION = re.compile(rb'id="block-\d+-version" value="(\d+)" hx-swap-oob')


def measure(port, email, slug, session_id, block_id, version, n):
    client = Client(port)
    client.sign_in(email)
    page = f"/o/{slug}/sessions/{session_id}/"
    status, _, _ = client.get(page)
    if status != 200:
        raise SystemExit(f"GET {page} answered {status}")
    url = f"/o/{slug}/sessions/blocks/{block_id}/notes/"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "HX-Target": f"block-{block_id}-status",
        "X-CSRFToken": client.cookies["csrftoken"],
        "Referer": f"https://127.0.0.1{page}",
    }
    text = "Observed the trainee cue the first rep"
    times = []
    for i in range(n + 3):  # three to warm the worker
        body = urlencode({"notes": f"{text} ({i})", "version": version})
        start = time.perf_counter()
        status, _, content = client.request("POST", url, body=body, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
        match = VERSION.search(content)
        if status != 200 or match is None:
            raise SystemExit(f"autosave {i} answered {status}: {content[:300]!r}")
        version = int(match.group(1))
        if i >= 3:
            times.append(elapsed)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], version


def page_latency(port, email, path, n):
    from bench.pages import latency

    client = Client(port)
    client.sign_in(email)
    return latency(client, path, n)


def query_counts(email, slug, session_id, block_id):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from mentorship.tenancy.models import Organization
    from sessions.models import SessionBlock

    setup_test_environment()
    client = TestClient()
    client.force_login(get_user_model().objects.get(email=email))
    page = f"/o/{slug}/sessions/{session_id}/"
    client.get(page)
    with CaptureQueriesContext(connection) as context:
        client.get(page)
    page_queries = len(context.captured_queries)
    organization = Organization.objects.get(slug=slug)
    block = SessionBlock.objects.for_org(organization).get(pk=block_id)
    url = f"/o/{slug}/sessions/blocks/{block_id}/notes/"
    with CaptureQueriesContext(connection) as context:
        response = client.post(
            url, {"notes": "Counted once", "version": block.version}, HTTP_HX_REQUEST="true"
        )
    if response.status_code != 200:
        raise SystemExit(f"counting: the autosave answered {response.status_code}")
    return len(context.captured_queries), page_queries


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=100, help="sequential autosaves")
    parser.add_argument("--skip-build", action="store_true", help="reuse the database")
    args = parser.parse_args(argv)

    if not args.skip_build:
        log("building the demo database ...")
        prepare_database(args.database_url)
    _django(args.database_url)
    session_id, block_id, version, email, slug = pick_session()
    server = start_server(args.database_url, args.port, args.workers)
    try:
        median, p95, version = measure(
            args.port, email, slug, session_id, block_id, version, args.requests
        )
        page_median, page_p95 = page_latency(
            args.port, email, f"/o/{slug}/sessions/{session_id}/", max(10, args.requests // 4)
        )
        from bench.pages import TRIVIAL, latency

        trivial_median, trivial_p95 = latency(Client(args.port), TRIVIAL, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
    queries, page_queries = query_counts(email, slug, session_id, block_id)
    print(f"trivial view {TRIVIAL}: median_ms={trivial_median:.1f} p95_ms={trivial_p95:.1f}")
    print(
        f"autosave /o/{slug}/sessions/blocks/{block_id}/notes/: median_ms={median:.1f} "
        f"p95_ms={p95:.1f} queries={queries} requests={args.requests}"
    )
    print(
        f"session page /o/{slug}/sessions/{session_id}/: median_ms={page_median:.1f} "
        f"p95_ms={page_p95:.1f} queries={page_queries}"
    )


if __name__ == "__main__":
    main()
