"""Who reaches the pages of calibration, rematch, responsiveness, circles and topic
mentors: a stranger gets 404, a member 403 on admin pages, a leader reads but does not
write, a pair's pages are only for the two people."""

import pytest
from django.urls import reverse

from matching.models import Circle, Pairing, UnresponsiveReport
from tests.matching.pages import page_url as _url

pytestmark = pytest.mark.django_db


def test_stranger_gets_404_everywhere(org, as_stranger, paired_cohort):
    cohort, _, _, _, pairing = paired_cohort
    for name, args in [
        ("calibration", ()),
        ("pairing_repair", (pairing.pk,)),
        ("cohort_circles", (cohort.pk,)),
        ("cohort_topic_mentors", (cohort.pk,)),
        ("my_mentoring", ()),
        ("pairing_calibration", (pairing.pk,)),
        ("pairing_rematch", (pairing.pk,)),
    ]:
        assert as_stranger.get(_url(name, org, *args)).status_code == 404, name


def test_member_gets_403_on_admin_pages(org, as_member, paired_cohort):
    cohort, _, _, _, pairing = paired_cohort
    for name, args in [
        ("calibration", ()),
        ("pairing_repair", (pairing.pk,)),
        ("cohort_circles", (cohort.pk,)),
        ("cohort_topic_mentors", (cohort.pk,)),
    ]:
        assert as_member.get(_url(name, org, *args)).status_code == 403, name


def test_leader_reads_circles_and_topics_but_not_calibration_nor_writes(
    org, as_leader, paired_cohort
):
    cohort, mentors, mentees, comps, pairing = paired_cohort
    # Rematch requests are for admins only: the calibration page is closed to leaders.
    assert as_leader.get(reverse("calibration", args=[org.slug])).status_code == 403
    assert as_leader.get(reverse("cohort_circles", args=[org.slug, cohort.pk])).status_code == 200
    assert as_leader.post(reverse("cohort_circles", args=[org.slug, cohort.pk])).status_code == 403
    assert (
        as_leader.get(reverse("cohort_topic_mentors", args=[org.slug, cohort.pk])).status_code
        == 200
    )
    data = {"mentee": mentees[1].pk, "mentor": mentors[1].pk, "topic": comps[0].pk}
    assert (
        as_leader.post(
            reverse("cohort_topic_mentors", args=[org.slug, cohort.pk]), data
        ).status_code
        == 403
    )
    assert not Circle.objects.for_org(org).exists()
    assert not Pairing.objects.for_org(org).filter(kind="topic").exists()


def test_pair_pages_are_only_for_the_two_people(org, as_member, as_admin, paired_cohort):
    _, _, _, _, pairing = paired_cohort
    for client in (as_member, as_admin):
        for name in ("pairing_calibration", "pairing_rematch"):
            assert client.get(_url(name, org, pairing.pk)).status_code == 404
        assert (
            client.post(reverse("pairing_report", args=[org.slug, pairing.pk])).status_code == 404
        )
    assert not UnresponsiveReport.objects.for_org(org).exists()
