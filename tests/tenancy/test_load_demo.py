"""`manage.py load_demo` prints each demo person with their role in the demo, and nothing
else: no log line of the tasks the demo runs in-process."""

import io
import logging
import re

from django.core.management import call_command

from mentorship.tenancy.models import Membership, Organization
from programs.models import Participant

ROLES = {"admin", "leader", "mentor", "mentee", "facilitator", "member"}
LINE = re.compile(r"^  (?P<name>\S.*?)\s{2,}(?P<email>\S+@\S+)\s{2,}(?P<roles>[a-z, ]+)$")


def test_load_demo_prints_each_person_with_their_role_in_the_demo(db, caplog):
    caplog.set_level(logging.INFO)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()

    organization = Organization.objects.get(slug="northwind")
    people = {
        m.user.email: m for m in Membership.objects.for_org(organization).select_related("user")
    }
    lines = {}
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            lines[match["email"]] = match
    assert set(lines) == set(people), text
    for email, match in lines.items():
        roles = set(match["roles"].split(", "))
        assert roles <= ROLES, line
        membership = people[email]
        assert match["name"] == str(membership.user)
        in_cohorts = set(
            Participant.objects.for_org(organization)
            .filter(user=membership.user)
            .values_list("role", flat=True)
        )
        expected = set(in_cohorts)
        if membership.role != "member":
            expected.add(membership.role)
        assert roles == (expected or {"member"}), (email, roles, expected)
    # Every demo role is there to try, the admin first.
    shown = {role for match in lines.values() for role in match["roles"].split(", ")}
    assert {"admin", "leader", "mentor", "mentee", "facilitator"} <= shown
    first = next(LINE.match(line) for line in text.splitlines() if LINE.match(line))
    assert "admin" in first["roles"]

    noise = [
        r.getMessage()
        for r in caplog.records
        if r.levelno < logging.WARNING or "No hostname" in r.getMessage()
    ]
    assert not [m for m in noise if "succeeded" in m or "No hostname" in m], noise[:3]
