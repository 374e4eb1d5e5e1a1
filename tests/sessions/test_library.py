"""The built-in template library (S1): in every organisation, with the seeds' timings."""

import pytest

from sessions.library import LIBRARY, check_library
from sessions.models import SessionTemplate
from sessions.services.templates import library_install
from tests.factories import OrganizationFactory


def test_every_template_adds_up():
    check_library()
    assert {entry["key"] for entry in LIBRARY} == {
        "on-the-floor",
        "remote-review",
        "micro-mentoring",
        "cohort-weekly-module",
        "monthly-check-in",
        "shadowing-day",
        "calibration-call",
    }


@pytest.mark.django_db
def test_a_new_organisation_gets_the_library_with_the_seeds_timings():
    organization = OrganizationFactory()
    floor = SessionTemplate.objects.for_org(organization).get(key="on-the-floor")
    assert floor.minutes == 30
    assert [(b.title, b.minutes) for b in floor.blocks.all()] == [
        ("Brief debrief", 5),
        ("Observation", 10),
        ("Reflective feedback", 10),
        ("Micro-habit", 5),
    ]
    assert floor.blocks.get(title="Reflective feedback").outputs == ["notes", "corrections"]
    remote = SessionTemplate.objects.for_org(organization).get(key="remote-review")
    assert remote.minutes == 20
    micro = SessionTemplate.objects.for_org(organization).get(key="micro-mentoring")
    assert (micro.min_minutes, micro.max_minutes, micro.requires_pre_work) == (15, 45, True)


@pytest.mark.django_db
def test_installing_again_adds_nothing():
    organization = OrganizationFactory()
    assert library_install(organization=organization) == []
    assert SessionTemplate.objects.for_org(organization).count() == len(LIBRARY)
