"""Links to the rows behind a figure (X2: "every figure links to the rows behind it").

``rows_url(org_slug, level, object_id, indicator)`` is the page that opens the rows an
indicator's stored figure was computed from, at a level (organisation, program, cohort, pair,
mentor) and for one object of it (the organisation's id, a program's, a cohort's, a pairing's
or the mentor's user id); ``indicator=None`` is the level's list of indicators. The indicator
is a query parameter, never a URL kwarg (the meta-tests walk the URL kwargs by model).

``pair_url`` and ``mentor_url`` are the dashboards of a pair and of a mentor when those pages
exist, else the rows pages of them (the link is never broken).
"""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from . import catalogue

ROWS_URL_NAMES = {
    catalogue.ORGANISATION: "dashboard_rows",
    catalogue.PROGRAM: "dashboard_program_rows",
    catalogue.COHORT: "dashboard_cohort_rows",
    catalogue.PAIR: "dashboard_pair_rows",
    catalogue.MENTOR: "dashboard_mentor_rows",
}
DASHBOARD_URL_NAMES = {
    catalogue.ORGANISATION: "dashboard",
    catalogue.PROGRAM: "dashboard_program",
    catalogue.COHORT: "dashboard_cohort",
    catalogue.PAIR: "dashboard_pair",
    catalogue.MENTOR: "dashboard_mentor",
}


def _args(org_slug, level, object_id):
    return [org_slug] if level == catalogue.ORGANISATION else [org_slug, object_id]


def rows_url(org_slug, level, object_id, indicator=None, **query) -> str:
    """The rows behind ``indicator``'s figure of ``object_id`` at ``level`` (``query``:
    further parameters, e.g. ``format="csv"``)."""
    url = reverse(ROWS_URL_NAMES[level], args=_args(org_slug, level, object_id))
    params = {"indicator": indicator} if indicator else {}
    params.update({k: v for k, v in query.items() if v not in (None, "")})
    return f"{url}?{urlencode(params)}" if params else url


def dashboard_url(org_slug, level, object_id) -> str:
    """The dashboard of the object, or its rows page while the dashboard has no URL."""
    try:
        return reverse(DASHBOARD_URL_NAMES[level], args=_args(org_slug, level, object_id))
    except NoReverseMatch:
        return rows_url(org_slug, level, object_id)


def pair_url(org_slug, pairing_id) -> str:
    return dashboard_url(org_slug, catalogue.PAIR, pairing_id)


def mentor_url(org_slug, user_id) -> str:
    return dashboard_url(org_slug, catalogue.MENTOR, user_id)
