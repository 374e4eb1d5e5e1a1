"""The audit log: the organisation's events newest first, filtered by action, person and
dates (only the organisation's people may be chosen), htmx results, fifty a page, and its
query budget. Refusals for every organisation page are in test_views.py."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from mentorship.tenancy.models import AuditEvent
from tests.factories import AuditEventFactory, MembershipFactory
from tests.utils import assert_flat_queries

from .pages import HTMX, url

# --- audit log -------------------------------------------------------------------------------


@pytest.fixture
def audit_events(org, admin, member, leader):
    def event(action, actor, day):
        row = AuditEventFactory(organization=org, actor=actor, action=action)
        when = datetime(2026, 3, day, 12, 0, tzinfo=UTC)
        AuditEvent.objects.for_org(org).filter(pk=row.pk).update(created_at=when)
        return row

    return {
        "invite": event("invitation.created", admin, 1),
        "role": event("membership.role_changed", admin, 5),
        "accept": event("invitation.accepted", member, 10),
    }


def _shown(response):
    return {e.pk for e in response.context["page"].object_list}


def test_audit_log_lists_the_organisations_events_newest_first(
    org, other_org, stranger, audit_events, as_admin
):
    AuditEventFactory(organization=other_org, actor=stranger, action="invitation.created")
    response = as_admin.get(url("audit_log", org))
    events = list(response.context["page"].object_list)
    assert [e.pk for e in events] == [
        audit_events["accept"].pk,
        audit_events["role"].pk,
        audit_events["invite"].pk,
    ]
    assert "Changed a role" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "membership.role_changed"}, {"role"}),
        ({"since": "2026-03-05"}, {"role", "accept"}),
        ({"until": "2026-03-05"}, {"invite", "role"}),
        ({"since": "2026-03-02", "until": "2026-03-09"}, {"role"}),
        ({"action": "invitation.created", "since": "2026-03-02"}, set()),
    ],
    ids=["action", "since", "until", "range", "none"],
)
def test_audit_log_filters(query, expected, org, audit_events, as_admin):
    response = as_admin.get(url("audit_log", org), query)
    assert _shown(response) == {audit_events[k].pk for k in expected}


def test_audit_log_filters_by_actor(org, member, audit_events, as_admin):
    response = as_admin.get(url("audit_log", org), {"actor": member.pk})
    assert _shown(response) == {audit_events["accept"].pk}


def _actor_options(response):
    select = re.search(r'<select name="actor".*?</select>', response.content.decode(), re.S)
    return set(re.findall(r'<option value="(\d+)"', select.group(0)))


def test_the_who_menu_offers_admins_leaders_and_the_chosen_person_not_every_member(
    org, admin, leader, member, audit_events, as_admin
):
    """A menu of every member grew with the organisation; any member still filters."""
    others = [MembershipFactory(organization=org).user for _ in range(3)]
    offered = _actor_options(as_admin.get(url("audit_log", org)))
    assert offered == {str(admin.pk), str(leader.pk)}

    response = as_admin.get(url("audit_log", org), {"actor": others[0].pk})
    assert _actor_options(response) == {str(admin.pk), str(leader.pk), str(others[0].pk)}
    assert not response.context["filter"].form.errors
    assert f'<option value="{others[0].pk}" selected>' in response.content.decode()


def test_audit_log_offers_only_the_organisations_people_as_actors(
    org, admin, member, stranger, audit_events, as_admin
):
    response = as_admin.get(url("audit_log", org), {"actor": stranger.pk})
    actor_field = response.context["filter"].form.fields["actor"]
    assert stranger not in actor_field.queryset
    assert admin in actor_field.queryset
    assert "actor" in response.context["filter"].form.errors
    assert stranger.email not in response.content.decode()
    assert all(e.organization_id == org.pk for e in response.context["page"].object_list)


def test_audit_log_htmx_returns_only_the_results(org, audit_events, as_admin):
    response = as_admin.get(
        url("audit_log", org),
        {"action": "membership.role_changed"},
        headers={**HTMX, "HX-Target": "audit-results"},
    )
    content = response.content.decode()
    assert "<html" not in content
    assert "Changed a role" in content
    assert "Accepted an invitation" not in content


def test_audit_log_paginates_by_fifty(org, admin, as_admin):
    AuditEvent.objects.bulk_create(
        [AuditEvent(organization=org, actor=admin, action="invitation.created") for _ in range(55)]
    )
    response = as_admin.get(url("audit_log", org), {"page": 2})
    assert len(response.context["page"].object_list) == 5
    assert "Page 2 of 2 · 55 in all" in response.content.decode()


# --- query budget --------------------------------------------------------------------------


def test_audit_log_query_budget(org, admin, as_admin):
    def grow():
        for action in ["invitation.created", "membership.removed", "organization.updated"]:
            person = MembershipFactory(organization=org).user
            AuditEventFactory(organization=org, actor=person, action=action)

    assert_flat_queries(as_admin, reverse("audit_log", args=[org.slug]), grow, n=9)


# --- values as people read them --------------------------------------------------------------


def _details(response):
    """The Details cells of the page, as text."""
    import re  # noqa: PLC0415

    cells = re.findall(r'<td class="small muted">(.*?)</td>', response.content.decode(), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_audit_details_read_as_words_not_python(org, admin, as_admin):
    """None, booleans, empty lists and ISO timestamps are stored as JSON; the page shows
    "none", "yes"/"no", dates in the organisation's time zone and changes as before → after.
    The stored row is not rewritten."""
    data = {
        "due_on": None,
        "passed": True,
        "new_member": False,
        "skipped": [],
        "starts_on": "2026-07-05",
        "sent_at": "2026-07-05T14:30:00+00:00",
        "title": ["Old title", "New title"],
        "ends_on": [None, "2026-09-01"],
        "format": "one_to_one",
    }
    event = AuditEventFactory(
        organization=org, actor=admin, action="resource.updated", data=dict(data)
    )
    response = as_admin.get(url("audit_log", org))
    (details,) = _details(response)
    for shown in [
        "Due on: none",
        "Passed: yes",
        "New member: no",
        "Skipped: none",
        "Starts on: 5 Jul 2026",
        "Sent at: 5 Jul 2026, 15:30",  # Europe/London in summer
        "Title: Old title → New title",
        "Ends on: none → 1 Sep 2026",
        "Format: one to one",
    ]:
        assert shown in details, details
    for python in ["None", "True", "False", "[]", "2026-07-05", "due_on", "_"]:
        assert python not in details, details
    event.refresh_from_db()
    assert event.data == data


def test_audit_lists_read_as_lists_even_with_two_items(org, admin, as_admin):
    AuditEventFactory(
        organization=org,
        actor=admin,
        action="rubric.updated",
        data={"criteria": ["Clarity", "Depth"], "scale_max": [4, 5]},
    )
    (details,) = _details(as_admin.get(url("audit_log", org)))
    assert "Criteria: Clarity, Depth" in details
    assert "Scale max: 4 → 5" in details


def test_audit_log_names_people_by_name(org, admin, as_admin):
    admin.name = "Ada Lovelace"
    admin.save(update_fields=["name"])
    member = MembershipFactory(organization=org, user__name="Grace Hopper").user
    AuditEventFactory(
        organization=org,
        actor=admin,
        action="invitation.accepted",
        data={"email": member.email, "role": "member"},
    )
    AuditEventFactory(
        organization=org,
        actor=admin,
        action="invitation.created",
        data={"email": "new.person@example.org"},
    )
    response = as_admin.get(url("audit_log", org))
    table = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert "<td>Ada Lovelace</td>" in table
    assert admin.email not in table
    invited, accepted = _details(response)  # newest first
    assert f"E-mail: Grace Hopper ({member.email})" in accepted
    assert "E-mail: new.person@example.org" in invited


def test_audit_log_with_details_keeps_its_query_budget(org, admin, as_admin):
    def grow():
        for _ in range(2):
            person = MembershipFactory(organization=org).user
            AuditEventFactory(
                organization=org,
                actor=person,
                action="invitation.accepted",
                data={"email": person.email, "new_member": True, "at": "2026-03-01T10:00:00"},
            )

    assert_flat_queries(as_admin, reverse("audit_log", args=[org.slug]), grow, n=10)


def test_a_re_pairing_is_logged_with_names_not_ids(org, admin, as_admin):
    from matching.services import rematch  # noqa: PLC0415
    from tests.matching.factories import cohort_with_people, pair  # noqa: PLC0415

    _cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=1)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    rematch.pairing_repair(pairing=pairing, mentor=mentors[1], by=admin)

    event = AuditEvent.objects.for_org(org).get(action="matching.repair")
    mentor_name = mentors[1].user.name or mentors[1].user.email
    old_name = mentors[0].user.name or mentors[0].user.email
    assert event.data["mentor"] == mentor_name
    (details,) = _details(as_admin.get(url("audit_log", org), {"action": "matching.repair"}))
    assert f"Previous mentor: {old_name}" in details
    assert f"Mentor: {mentor_name}" in details
    assert "pairing" not in details.lower()


def test_a_rows_time_is_the_organisations_and_its_details_are_escaped(org, admin, as_admin):
    """The row's time and details are written by the reader (audit_describe), as the
    ``date`` filter and a loop in the template wrote them: the organisation's zone, the
    same format, each value escaped, "—" without details."""
    org.time_zone = "Asia/Tokyo"
    org.save()
    with_data = AuditEventFactory(
        organization=org,
        actor=admin,
        action="organization.updated",
        data={"name": ["<Old>", "New & Co"]},
    )
    bare = AuditEventFactory(organization=org, actor=admin, action="invitation.created", data={})
    for row, day in ((with_data, 2), (bare, 3)):
        when = datetime(2026, 3, day, 23, 5, tzinfo=UTC)  # the next day in Tokyo
        AuditEvent.objects.for_org(org).filter(pk=row.pk).update(created_at=when)
    page = " ".join(as_admin.get(url("audit_log", org)).content.decode().split())
    assert '<time datetime="2026-03-03T08:05:00+09:00">3 Mar 2026, 08:05</time>' in page
    assert '<time datetime="2026-03-04T08:05:00+09:00">4 Mar 2026, 08:05</time>' in page
    assert "&lt;Old&gt; → New &amp; Co" in page
    assert '<td class="small muted">—</td>' in page
