"""The reflective journal (sessions/{services,views}/journal.py): only the author reads an
entry; a shared one its mentor too, who comments; admins and leaders never see journal text
on any page they can open. Negatives first; bad input; query budgets."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from sessions.models import JournalComment, JournalEntry
from sessions.services import journal as services
from tests.programs.factories import client_for
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "Private: I froze on the second set and did not say so"
SHARED_TEXT = "Shared: the cue about breathing finally clicked"


@pytest.fixture
def entries(pairing, mentee_user):
    org = pairing.organization
    today = timezone.localdate()
    private = services.journal_entry_create(
        organization=org, author=mentee_user, written_on=today, text=PRIVATE_TEXT
    )
    shared = services.journal_entry_create(
        organization=org,
        author=mentee_user,
        written_on=today - timedelta(days=1),
        title="Breathing",
        text=SHARED_TEXT,
        pairing=pairing,
    )
    services.journal_comment_add(entry=shared, by=pairing.mentor.user, text="Great: keep it.")
    return private, shared


def _url(name, org, *args):
    return reverse(name, args=[org.slug, *args])


# --- who reads what: negatives first


def test_a_stranger_gets_404(entries, as_stranger, pairing):
    private, shared = entries
    org = pairing.organization
    for url in (
        _url("journal_entry_detail", org, private.pk),
        _url("journal_entry_edit", org, shared.pk),
        _url("pairing_journal", org, pairing.pk),
    ):
        assert as_stranger.get(url).status_code == 404


@pytest.mark.parametrize("who", ["admin", "leader", "member"])
def test_staff_and_other_members_get_404_on_every_journal_page(entries, pairing, who, request):
    client = request.getfixturevalue(f"as_{who}")
    private, shared = entries
    org = pairing.organization
    for entry in entries:
        assert client.get(_url("journal_entry_detail", org, entry.pk)).status_code == 404
        assert client.get(_url("journal_entry_edit", org, entry.pk)).status_code == 404
    assert client.get(_url("pairing_journal", org, pairing.pk)).status_code == 404
    response = client.post(_url("journal_comment_add", org, shared.pk), {"text": "Hello"})
    assert response.status_code == 404
    assert JournalComment.objects.for_org(org).count() == 1


def test_the_mentor_cannot_open_the_mentees_entries_and_sees_only_the_shared(entries, pairing):
    private, shared = entries
    org = pairing.organization
    mentor = client_for(pairing.mentor.user)
    assert mentor.get(_url("journal_entry_detail", org, private.pk)).status_code == 404
    assert mentor.get(_url("journal_entry_detail", org, shared.pk)).status_code == 404
    assert mentor.get(_url("journal_entry_edit", org, shared.pk)).status_code == 404
    html = mentor.get(_url("pairing_journal", org, pairing.pk)).content.decode()
    assert SHARED_TEXT in html and PRIVATE_TEXT not in html
    response = mentor.post(_url("journal_comment_add", org, private.pk), {"text": "Peek"})
    assert response.status_code == 404


def test_the_mentee_cannot_open_their_mentors_pairing_journal(entries, pairing, mentee_user):
    response = client_for(mentee_user).get(
        _url("pairing_journal", pairing.organization, pairing.pk)
    )
    assert response.status_code == 404


def test_another_pairs_mentor_gets_404(entries, pair_cohort, pairing):
    client = client_for(pair_cohort[2].mentor.user)
    org = pairing.organization
    assert client.get(_url("pairing_journal", org, pairing.pk)).status_code == 404
    response = client.post(_url("journal_comment_add", org, entries[1].pk), {"text": "Hi"})
    assert response.status_code == 404


def test_admins_and_leaders_never_see_journal_text_on_any_page_they_open(
    entries, pairing, admin, leader
):
    """Every GET page of the organisation reachable with this pairing's, its sessions' or
    the entries' ids (and every page with no id: home, lists, dashboards, exports)."""
    from tests.meta.urlwalk import GET_PATTERNS, build_url
    from tests.sessions.factories import make_session

    session = make_session(pairing, starts_in=-timedelta(days=1))
    values = {
        "org_slug": pairing.organization.slug,
        "pairing_id": pairing.pk,
        "journalentry_id": entries[1].pk,
        "session_id": session.pk,
        "cohort_id": pairing.cohort_id,
        "program_id": pairing.cohort.program_id,
        "participant_id": pairing.mentee_id,
    }
    seen = 0
    for user in (admin, leader):
        client = client_for(user)
        for pattern in GET_PATTERNS:
            if not pattern.routable or not set(pattern.kwargs) <= set(values):
                continue
            url = build_url(pattern, values)
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = client.get(url, **headers)
                body = response.content.decode(errors="replace")
                assert PRIVATE_TEXT not in body and SHARED_TEXT not in body, url
                assert "Great: keep it." not in body, url
                seen += response.status_code == 200
    assert seen > 20  # the walk did open pages


# --- the author


def test_write_a_private_entry_then_share_it(pairing, mentee_user):
    client = client_for(mentee_user)
    org = pairing.organization
    response = client.post(
        _url("journal_entry_create", org),
        {"written_on": timezone.localdate().isoformat(), "title": "", "text": "First lines"},
    )
    entry = JournalEntry.objects.for_org(org).get()
    assert response.url == _url("journal_entry_detail", org, entry.pk)
    assert not entry.shared and entry.pairing is None
    html = client.get(response.url).content.decode()
    assert "private: only you read it" in html
    client.post(
        _url("journal_entry_edit", org, entry.pk),
        {"written_on": entry.written_on.isoformat(), "text": "First lines", "pairing": pairing.pk},
    )
    entry.refresh_from_db()
    assert entry.shared and entry.pairing == pairing
    html = client_for(pairing.mentor.user).get(_url("pairing_journal", org, pairing.pk))
    assert "First lines" in html.content.decode()


def test_bad_input_is_refused_next_to_the_field(pairing, mentee_user, pair_cohort):
    client = client_for(mentee_user)
    org = pairing.organization
    tomorrow = timezone.localdate() + timedelta(days=2)
    response = client.post(
        _url("journal_entry_create", org), {"written_on": tomorrow.isoformat(), "text": "Soon"}
    )
    assert response.status_code == 400
    assert "An entry is dated today or earlier." in response.content.decode()
    response = client.post(
        _url("journal_entry_create", org),
        {"written_on": timezone.localdate().isoformat(), "text": "x", "pairing": pair_cohort[2].pk},
    )
    assert response.status_code == 400  # another mentee's pairing is not a choice
    assert not JournalEntry.objects.for_org(org).exists()
    with pytest.raises(ValidationError):
        services.journal_entry_create(
            organization=org,
            author=mentee_user,
            written_on=timezone.localdate(),
            text="x",
            pairing=pair_cohort[2],
        )


def test_comments_go_back_and_forth_on_a_shared_entry(entries, pairing, mentee_user):
    private, shared = entries
    org = pairing.organization
    mentee = client_for(mentee_user)
    response = mentee.post(_url("journal_comment_add", org, shared.pk), {"text": "Thanks!"})
    assert response.url.startswith(_url("journal_entry_detail", org, shared.pk))
    html = mentee.get(_url("journal_entry_detail", org, shared.pk)).content.decode()
    assert "Great: keep it." in html and "Thanks!" in html
    assert (
        mentee.post(_url("journal_comment_add", org, private.pk), {"text": "x"}).status_code == 404
    )
    mentor = client_for(pairing.mentor.user)
    response = mentor.post(_url("journal_comment_add", org, shared.pk), {"text": ""})
    assert response.status_code == 302
    assert JournalComment.objects.for_org(org).count() == 2


def test_empty_states(org, mentee_user, pairing):
    html = client_for(mentee_user).get(_url("my_journal", org)).content.decode()
    assert "No entries yet" in html
    assert _url("pairing_journal", org, pairing.pk) not in html  # she mentors nobody
    # A mentor's own journal points to what their mentees share with them.
    html = client_for(pairing.mentor.user).get(_url("my_journal", org)).content.decode()
    assert _url("pairing_journal", org, pairing.pk) in html
    assert f"{escape(str(pairing.mentee.user))}'s journal" in html
    html = client_for(pairing.mentor.user).get(_url("pairing_journal", org, pairing.pk))
    assert "Nothing shared yet" in html.content.decode()


def test_my_journal_filter(entries, pairing, mentee_user):
    client = client_for(mentee_user)
    url = _url("my_journal", pairing.organization)
    html = client.get(url, {"shared": "no"}).content.decode()
    assert "Private: I froze" in html and "Breathing" not in html
    html = client.get(url, {"shared": "yes"}).content.decode()
    assert "Breathing" in html and "Private: I froze" not in html


# --- budgets


def _grow(pairing, mentee_user):
    def grow():
        for n in range(2):
            entry = services.journal_entry_create(
                organization=pairing.organization,
                author=mentee_user,
                written_on=timezone.localdate(),
                text=f"Entry {n}",
                pairing=pairing,
            )
            services.journal_comment_add(entry=entry, by=pairing.mentor.user, text="Noted")

    return grow


def test_my_journal_query_budget(pairing, mentee_user):
    assert_flat_queries(
        client_for(mentee_user),
        reverse("my_journal", args=[pairing.organization.slug]),
        _grow(pairing, mentee_user),
        n=8,
    )


def test_pairing_journal_query_budget(pairing, mentee_user):
    assert_flat_queries(
        client_for(pairing.mentor.user),
        reverse("pairing_journal", args=[pairing.organization.slug, pairing.pk]),
        _grow(pairing, mentee_user),
        n=10,
    )


def test_entry_pages_query_budget(entries, pairing, mentee_user):
    shared = entries[1]

    def grow():
        for _ in range(2):
            services.journal_comment_add(entry=shared, by=pairing.mentor.user, text="More")

    client = client_for(mentee_user)
    org = pairing.organization
    assert_flat_queries(
        client, reverse("journal_entry_detail", args=[org.slug, shared.pk]), grow, n=8
    )
    assert_flat_queries(
        client, reverse("journal_entry_edit", args=[org.slug, shared.pk]), grow, n=8
    )
    assert_flat_queries(client, reverse("journal_entry_create", args=[org.slug]), grow, n=8)


def test_a_new_entry_is_dated_today_in_the_date_field(org, mentee_user):
    html = client_for(mentee_user).get(_url("journal_entry_create", org)).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
