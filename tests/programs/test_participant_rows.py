"""A row of a cohort's participants list is written by Python
(``programs/templatetags/participant_rows.py``) with the markup the template wrote before.
The reference, ``participant_row_reference.html`` beside this file, is that template (the
``participant-row`` partial with its checklist include inlined, as of 62c4132). They are
compared line by line, whitespace aside, for people of every role and status, with and
without a manager, a department, a readiness score, a charter and a primer, seen by an
admin, a leader and a member, and as a swapped row with its error."""

import itertools
from pathlib import Path

import pytest
from django.template import Context, engines

from mentorship.tenancy.models import Membership
from programs.models import Participant
from programs.selectors.people import participants_with_state
from programs.templatetags.participant_rows import participant_row
from tests.programs.factories import enrol, make_cohort, make_person, make_program, score

pytestmark = pytest.mark.django_db

REFERENCE = engines["django"].from_string(
    (Path(__file__).parent / "participant_row_reference.html").read_text()
)


def _lines(html):
    return [line.strip() for line in str(html).splitlines() if line.strip()]


def _people(org, cohort, *, names):
    boss = make_person(org, name="Bea Boss")
    enrol(cohort, role=Participant.Role.FACILITATOR, user=make_person(org, name=names[0]))
    mentor = enrol(
        cohort,
        role=Participant.Role.MENTOR,
        user=make_person(org, name=names[1]),
        department="Sales & <Ops>",
        manager=boss,
    )
    score(mentor, (5, 4, 4))
    enrol(cohort, role=Participant.Role.MENTOR, user=make_person(org, name=""))
    for status, manager_email in itertools.product(
        Participant.Status.values, ["", "boss@elsewhere.example"]
    ):
        enrol(cohort, status=status, manager_email=manager_email)
    return participants_with_state(organization=org, cohort=cohort)


@pytest.mark.parametrize("charter", [True, False])
def test_a_row_is_the_markup_the_template_wrote(org, admin, leader, member, charter):
    cohort = make_cohort(org, program=make_program(org, charter=charter), name='Spring "A" & <B>')
    rows = list(_people(org, cohort, names=["Fay O'Neil", "Max <Mentor>"]))
    assert {p.status for p in rows} == set(Participant.Status.values)
    views = Membership.objects.for_org(org).filter(user__in=[admin, leader, member])
    written = []
    for view, primer, (saved, error) in itertools.product(
        views, [True, False], [(False, None), (True, None), (False, "Can't <withdraw>.")]
    ):
        for participant in rows:
            context = {
                "participant": participant,
                "organization": org,
                "membership": view,
                "cohort": cohort,
                "primer_exists": primer,
                "csrf_token": "tok<en>",
                "row_saved": saved,
                "row_error": error,
            }
            expected = REFERENCE.render(context)
            ours = participant_row(Context(context))
            assert _lines(ours) == _lines(expected), (view.role, participant.status)
            written.append(ours)
    every = "".join(written)
    for shown in (
        "Manager: Bea Boss",
        "(invited)",
        "Not scored",
        "<strong>4.3</strong>",
        "Mark completed",
        "Certify",
        "hx-confirm",
        "row-saved",
        "Can&#x27;t",
    ):
        assert shown in every, shown


def test_the_rows_checklist_is_the_checklist_include_the_intake_page_still_uses(org):
    """The row writes the onboarding checklist itself; the cohort's intake page still
    includes ``programs/people/includes/checklist.html``: the two must not drift apart."""
    from django.template.loader import get_template
    from django.utils.html import conditional_escape

    from programs.templatetags.participant_rows import _checklist

    include = get_template("programs/people/includes/checklist.html")
    cohort = make_cohort(org, name="Checklist cohort")
    rows = list(_people(org, cohort, names=["Ann <A>", "Bo B"]))
    for participant, primer in itertools.product(rows, [True, False]):
        expected = include.render({"participant": participant, "primer_exists": primer})
        ours = _checklist(participant, conditional_escape(str(participant.user)), primer)
        assert _lines(ours) == _lines(expected), participant.role
