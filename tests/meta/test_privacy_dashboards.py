"""Privacy on the dashboards (issue 12): no dashboard, rows page, audit, review, comparison or
CSV download shows the text of a session's notes, a mentor's private note, a journal entry or
comment, or a pulse answer's comment, to anyone: leaders see aggregates, a mentor their own
pairs' figures.

Every text of those kinds in the demo is replaced by a unique marker; then every GET page of
the metrics app is opened as the admin, a leader and a mentor (aimed at the mentor's own pair
and own mentor page), with the links each page offers to its own variants (an indicator's
rows, another quarter, a CSV download) followed one level, and no marker may appear.
"""

import re
from html import unescape

import pytest

from matching.models import Pairing
from programs.models import Participant
from sessions.models import JournalComment, JournalEntry, PulseAnswer, Session, SessionBlock

from .urlwalk import GET_PATTERNS, build_url, url_kwargs

pytestmark = [pytest.mark.django_db]

MARK = "PRIVATEMARK"
METRIC_PATTERNS = [p for p in GET_PATTERNS if p.callback.__module__.startswith("metrics.")]
HREF = re.compile(r'href="([^"]+)"')


def _mark_every_private_text(organization):
    """Each private text of ``organization`` becomes MARK<n>, unique, at the database."""
    n = 0
    for model, fields in (
        (SessionBlock, ("notes",)),
        (Session, ("private_note", "peer_critique")),
        (JournalEntry, ("text", "title")),
        (JournalComment, ("text",)),
        (PulseAnswer, ("comment",)),
    ):
        for pk in model._base_manager.filter(organization=organization).values_list(
            "pk", flat=True
        ):
            n += 1
            model._base_manager.filter(pk=pk).update(**dict.fromkeys(fields, f"{MARK}{n}x"))
    return n


@pytest.fixture(scope="module")
def marked(alpha_only):
    assert _mark_every_private_text(alpha_only.alpha) > 10
    return alpha_only


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _own_variants(page_url, body):
    """The links of the page to itself with another query (an indicator, a quarter, CSV)."""
    path = page_url.split("?")[0]
    found = set()
    for href in HREF.findall(body):
        href = unescape(href)
        if href.startswith("?"):
            found.add(path + href)
        elif href.startswith(path + "?") or (href.startswith(path) and "format=csv" in href):
            found.add(href)
    return sorted(found)[:40]


def _mentor_and_pair(organization):
    pairing = (
        Pairing._base_manager.filter(organization=organization, status=Pairing.Status.ACTIVE)
        .select_related("mentor")
        .order_by("pk")
        .first()
    )
    return pairing.mentor.user, pairing


@pytest.mark.parametrize("who", ["admin", "leader", "mentor"])
def test_no_metrics_page_shows_a_private_text(marked, who):
    org = marked.alpha
    mentor, pairing = _mentor_and_pair(org)
    person = {"admin": marked.alpha_admin, "leader": marked.alpha_leader, "mentor": mentor}[who]
    client = marked.client_for(person)
    assert METRIC_PATTERNS, "the metrics app has pages"
    opened = 0
    for pattern in METRIC_PATTERNS:
        values = url_kwargs(pattern, org, None)
        if "pairing_id" in values:
            values["pairing_id"] = pairing.pk
        if "user_id" in values:
            values["user_id"] = mentor.pk
        url = build_url(pattern, values)
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        if response.status_code != 200:
            continue
        body = _body(response)
        assert MARK not in body, f"{url} as the {who} shows a private text"
        opened += 1
        for variant in _own_variants(url, body):
            answer = client.get(variant)
            if answer.status_code == 200:
                assert MARK not in _body(answer), f"{variant} as the {who} shows a private text"
                opened += 1
    assert opened >= (10 if who != "mentor" else 2)


def test_the_markers_show_where_the_text_belongs(marked):
    """The control: the mentor's own completed session shows its notes to them, marked."""
    from django.urls import reverse

    org = marked.alpha
    mentor, _ = _mentor_and_pair(org)
    session = (
        Session._base_manager.filter(
            organization=org, mentor=mentor, status=Session.Status.COMPLETED, blocks__notes__gt=""
        )
        .order_by("pk")
        .first()
    )
    page = marked.client_for(mentor).get(reverse("session_detail", args=[org.slug, session.pk]))
    assert page.status_code == 200 and MARK in page.content.decode()


def test_the_mentor_is_refused_the_pages_above_their_own_pairs(marked):
    org = marked.alpha
    mentor, pairing = _mentor_and_pair(org)
    client = marked.client_for(mentor)
    other = (
        Pairing._base_manager.filter(organization=org)
        .exclude(mentor__user=mentor)
        .order_by("pk")
        .first()
    )
    assert Participant._base_manager.filter(user=mentor, role="mentor").exists()
    for pattern in METRIC_PATTERNS:
        values = url_kwargs(pattern, org, None)
        if "pairing_id" in values:
            values["pairing_id"] = other.pk
        if "user_id" in values:
            continue  # their own mentor page is theirs; another person's is below
        assert client.get(build_url(pattern, values)).status_code == 403, pattern.id
