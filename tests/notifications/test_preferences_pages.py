"""The preferences page (B6): a channel per category, the digest hour in the person's zone,
quiet hours, the check-in hour; saved through ``preferences_update``; bad input refused next
to the field with nothing changed (an hour outside 0–23, quiet hours that end before they
start, a forged switch-off of the account category)."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentorship.notifications.models import NudgePreference
from mentorship.notifications.preferences import preferences_update
from tests.notifications.factories import NudgePreferenceFactory
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

VALID = {
    "channel_sessions": "now",
    "channel_plans": "digest",
    "channel_matching": "inbox",
    "channel_program": "now",
    "digest_hour": "18",
    "quiet_from": "22:00",
    "quiet_until": "07:00",
    "quiet_until_next_day": "on",
    "checkin_hour": "9",
}


def _url(org):
    return reverse("nudge_preferences", args=[org.slug])


def _stored(org, person):
    return NudgePreference.objects.for_org(org).filter(user=person).first()


# --- refused first ---------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, org):
    assert client.get(_url(org)).status_code == 302


def test_a_stranger_gets_404(as_stranger, org, stranger):
    assert as_stranger.get(_url(org)).status_code == 404
    assert as_stranger.post(_url(org), VALID).status_code == 404
    assert _stored(org, stranger) is None


def test_a_digest_hour_outside_0_to_23_is_refused_next_to_the_field(as_member, org, member):
    before = NudgePreferenceFactory(organization=org, user=member, digest_hour=17)
    response = as_member.post(_url(org), {**VALID, "digest_hour": "24"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_digest_hour_error"' in html
    assert "Choose an hour from 0 to 23" in html
    stored = _stored(org, member)
    assert stored.digest_hour == 17 and stored.channels == before.channels


def test_quiet_hours_that_end_before_they_start_are_refused(as_member, org, member):
    response = as_member.post(
        _url(org),
        {**VALID, "quiet_from": "22:00", "quiet_until": "07:00", "quiet_until_next_day": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_quiet_until_error"' in html
    assert "Quiet hours end before they start" in html
    assert _stored(org, member) is None  # nothing written, not even the defaults


def test_one_end_of_quiet_hours_alone_is_refused(as_member, org, member):
    response = as_member.post(_url(org), {**VALID, "quiet_until": ""})
    assert response.status_code == 400
    assert "Give both ends of your quiet hours, or neither." in response.content.decode()
    assert _stored(org, member) is None


@pytest.mark.parametrize("field", ["channel_account", "channels[account]"])
def test_a_forged_switch_off_of_the_account_category_is_refused(as_member, org, member, field):
    response = as_member.post(_url(org), {**VALID, field: "inbox"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_channel_account_error"' in html
    assert "Invitations and account e-mails cannot be switched off." in html
    assert _stored(org, member) is None


def test_an_unknown_channel_is_refused_next_to_its_category(as_member, org, member):
    response = as_member.post(_url(org), {**VALID, "channel_sessions": "pigeon"})
    assert response.status_code == 400
    assert 'id="id_channel_sessions_error"' in response.content.decode()
    assert _stored(org, member) is None


def test_the_service_refuses_what_the_form_would(org, member):
    with pytest.raises(ValidationError) as error:
        preferences_update(organization=org, user=member, data={"channels": {"account": "inbox"}})
    assert "channel_account" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        preferences_update(
            organization=org, user=member, data={"quiet_from": time(9), "quiet_until": time(8)}
        )
    assert "quiet_until" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        preferences_update(organization=org, user=member, data={"digest_hour": 24})
    assert "digest_hour" in error.value.message_dict
    # the row preference_of created meanwhile is rolled back with the refusal
    assert _stored(org, member) is None


# --- every role edits their own --------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "leader", "member"])
def test_every_role_saves_their_own_preferences(request, org, admin, leader, member, who):
    person = request.getfixturevalue(who)
    client = request.getfixturevalue(f"as_{who}")
    response = client.post(_url(org), VALID, follow=True)
    assert "Your nudge preferences are saved." in response.content.decode()
    stored = _stored(org, person)
    assert stored.channels == {
        "sessions": "now",
        "plans": "digest",
        "matching": "inbox",
        "program": "now",
    }
    assert (stored.digest_hour, stored.checkin_hour) == (18, 9)
    assert (stored.quiet_from, stored.quiet_until, stored.quiet_until_next_day) == (
        time(22),
        time(7),
        True,
    )
    others = NudgePreference.objects.for_org(org).exclude(user=person)
    assert not others.exists()


def test_the_page_shows_the_stored_choices(as_member, org, member):
    NudgePreferenceFactory(
        organization=org,
        user=member,
        channels={"plans": "inbox"},
        digest_hour=6,
        quiet_from=time(21),
        quiet_until=time(23),
    )
    html = as_member.get(_url(org)).content.decode()
    assert 'name="channel_plans" value="inbox" id="id_channel_plans_2" required checked' in html
    assert 'name="channel_sessions" value="now" id="id_channel_sessions_0" required checked' in html
    assert '<option value="6" selected>06:00</option>' in html
    assert 'value="21:00"' in html and 'value="23:00"' in html


def test_a_get_writes_nothing(as_member, org, member):
    as_member.get(_url(org))
    assert _stored(org, member) is None


def test_the_page_says_the_zone_and_links_the_profile_and_the_account_rule(as_member, org):
    html = as_member.get(_url(org)).content.decode()
    assert "Hours are in your time zone, Europe/London" in html
    assert reverse("my_profile", args=[org.slug]) in html
    assert "Always e-mailed: invitations and account e-mails cannot be switched off" in html
    for label in ("E-mail at once", "In the daily digest", "In the inbox only"):
        assert label in html
    assert "<legend>Sessions</legend>" in html and "<legend>Plan and habits</legend>" in html


def test_the_zone_is_the_persons_own(as_member, org, member):
    from mentorship.accounts.models import Profile

    Profile.objects.create(organization=org, user=member, time_zone="Asia/Tokyo")
    html = as_member.get(_url(org)).content.decode()
    assert "Hours are in your time zone, Asia/Tokyo" in html


def test_the_account_menu_links_the_page(as_member, org):
    html = as_member.get(reverse("org_home", args=[org.slug])).content.decode()
    assert f'href="{_url(org)}"' in html


def test_preferences_query_budget(as_member, org, member, admin):
    # The page is one person's: its rows do not grow with the organisation; grow adds
    # other people's preferences, which it must not read.
    from tests.factories import MembershipFactory

    def grow():
        for _ in range(2):
            other = MembershipFactory(organization=org).user
            NudgePreferenceFactory(organization=org, user=other)

    assert_flat_queries(as_member, reverse("nudge_preferences", args=[org.slug]), grow, n=8)
