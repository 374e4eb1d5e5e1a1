"""Helpers every test module may import.

Query budgets
-------------
Every page gets a test that its number of queries does not grow with its rows (an N+1 in
a template or a view is the commonest way a page dies at a thousand rows). Use::

    from tests.utils import assert_flat_queries, max_queries

    def test_cohort_list_query_budget(as_admin, org):
        url = reverse("cohort_list", args=[org.slug])
        assert_flat_queries(
            as_admin, url, grow=lambda: CohortFactory.create_batch(3, organization=org), n=15
        )

``assert_flat_queries`` renders the page once to warm per-process caches (content types,
sessions), calls ``grow()`` so the page is not empty (an empty page skips the query of its
rows), counts the queries of a render, calls ``grow()`` again, counts another render and
asserts that both counts are equal and, if ``n`` is given, at most ``n``. ``grow`` must add
rows the page shows, at least two a call, so that a query per row shows. On failure the
message lists the queries of both renders, so the extra ones can be read off.

``max_queries(n)`` is the same budget for any block of code::

    with max_queries(3):
        pairing_publish(run=run, by=admin)

Services
--------
``require_service(name, available)`` is how a test that needs PostgreSQL, Redis or a worker
says so: it skips when the service is missing on a developer's machine, and *fails* when the
environment variable ``CI`` is set, because in CI nothing may skip.
"""

import os
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

__all__ = ["assert_flat_queries", "max_queries", "require_service", "in_ci"]


def in_ci():
    """True in CI (the environment variable CI is set to anything but empty/0/false)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def require_service(name, available, reason=""):
    """Skip a test whose service is missing locally; fail it in CI, where nothing may skip."""
    if available:
        return
    message = f"{name} is not available{': ' + reason if reason else ''}"
    if in_ci():
        pytest.fail(f"{message}. In CI every service must run: nothing may skip.")
    pytest.skip(message)


def _format_queries(context):
    return "\n".join(
        f"  {i}. {query['sql']}" for i, query in enumerate(context.captured_queries, 1)
    )


@contextmanager
def max_queries(n, using=DEFAULT_DB_ALIAS):
    """Assert that the block runs at most ``n`` queries; yields the capture context."""
    with CaptureQueriesContext(connections[using]) as context:
        yield context
    count = len(context.captured_queries)
    assert count <= n, f"{count} queries, budget {n}:\n{_format_queries(context)}"


def _render(client, url, method, data, headers, expected_status):
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as context:
        response = getattr(client, method)(url, data or {}, headers=headers or {})
    assert response.status_code == expected_status, (
        f"{method.upper()} {url} answered {response.status_code}, expected {expected_status}"
    )
    return context


def assert_flat_queries(
    client,
    url,
    grow,
    n=None,
    *,
    method="get",
    data=None,
    headers=None,
    expected_status=200,
):
    """Assert that the page at ``url`` runs as many queries after ``grow()`` as before.

    ``grow`` adds rows the page displays (two or more); it is called twice, before each
    counted render. ``n``, if given, is the page's budget: neither render may run more
    queries. Returns the number of queries per render.
    """
    _render(client, url, method, data, headers, expected_status)  # warm caches
    grow()
    before = _render(client, url, method, data, headers, expected_status)
    grow()
    after = _render(client, url, method, data, headers, expected_status)
    count_before, count_after = len(before.captured_queries), len(after.captured_queries)
    assert count_before == count_after, (
        f"{url}: {count_before} queries, {count_after} after grow(): the page runs a "
        f"query per row.\nBefore:\n{_format_queries(before)}\nAfter:\n{_format_queries(after)}"
    )
    if n is not None:
        assert count_after <= n, (
            f"{url}: {count_after} queries, budget {n}:\n{_format_queries(after)}"
        )
    return count_after
