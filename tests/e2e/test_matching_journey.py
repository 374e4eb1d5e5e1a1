"""The matching journey (issue 4), through the pages as people use them: the admin runs
matching for a cohort, swaps a pair, publishes; the mentor accepts; the mentee sees their
mentor and why they were matched."""

import re

import pytest
from playwright.sync_api import expect

from mentorship.tenancy.models import Role
from tests.factories import DEFAULT_PASSWORD
from tests.matching.factories import (
    add_mentee,
    add_mentor,
    make_cohort,
    make_person,
)
from tests.programs.factories import make_competencies

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def field(page, label):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def sign_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    field(page, "Email").fill(user.email)
    field(page, "Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)


def test_run_swap_publish_accept_and_the_mentee_sees_their_mentor(
    live_server, new_context, transactional_db, snap, mailoutbox
):
    from mentorship.tenancy.models import Organization

    org = Organization.objects.create(name="Journey Org", slug="journey", time_zone="UTC")
    admin = make_person(org, Role.ADMIN, name="Ada Admin", email="ada@journey.example")
    cohort = make_cohort(org, status="matching", name="Spring cohort")
    comps = make_competencies(org, "Listening", "Feedback")
    mentor_a = add_mentor(
        cohort, comps, capacity=1, user=make_person(org, name="Maya Mentor"), level=5
    )
    mentor_b = add_mentor(
        cohort, comps, capacity=1, user=make_person(org, name="Omar Mentor"), level=3
    )
    mentee_a = add_mentee(cohort, comps, user=make_person(org, name="Tess Mentee"))
    add_mentee(cohort, comps, user=make_person(org, name="Uma Mentee"))
    base = live_server.url

    page = new_context()
    sign_in(page, base, admin)
    page.goto(f"{base}/o/journey/cohorts/{cohort.pk}/matching/")
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Run \d+"))).to_be_visible()
    expect(page.get_by_text("Fit distribution")).to_be_visible()
    snap(page, "matching-review")

    # Swap Tess's mentor with Uma's.
    page.get_by_role("link", name="Swap Tess Mentee's mentor").click()
    # Each choice shows both mentees' fits now and after the swap.
    page.get_by_role("radio", name=re.compile(r"Uma Mentee \(now with")).check()
    snap(page, "matching-swap-in-place")
    page.get_by_role("button", name="Swap mentors").click()
    expect(page.get_by_text("Swapped: Tess Mentee and Uma Mentee")).to_be_visible()

    page.get_by_role("button", name=re.compile(r"^Publish 2 pairings")).click()
    expect(page.get_by_text(re.compile(r"Published 2 pairings"))).to_be_visible()
    assert len(mailoutbox) == 4

    from matching.models import Pairing

    tess_pairing = Pairing.objects.for_org(org).get(mentee=mentee_a)
    mentor = mentor_a if tess_pairing.mentor_id == mentor_a.pk else mentor_b
    mentor_page = new_context()
    sign_in(mentor_page, base, mentor.user)
    mentor_page.goto(f"{base}/o/journey/me/mentoring/")
    expect(mentor_page.get_by_role("heading", name="Waiting for your answer")).to_be_visible()
    mentor_page.get_by_role("button", name="Accept mentoring Tess Mentee").click()
    expect(mentor_page.get_by_text("You are now Tess Mentee's mentor")).to_be_visible()

    mentee_page = new_context()
    sign_in(mentee_page, base, mentee_a.user)
    mentee_page.goto(f"{base}/o/journey/me/mentoring/")
    mentors = mentee_page.get_by_role("region", name="My mentors")
    expect(mentors.get_by_role("heading", name=re.compile(str(mentor.user)))).to_be_visible()
    expect(mentors.get_by_text("Why we matched you")).to_be_visible()
    expect(mentors.get_by_text("Active", exact=True)).to_be_visible()
    snap(mentee_page, "matching-mentee")
