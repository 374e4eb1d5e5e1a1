"""The data-quality audit (X4): who may see it, each finding appearing for a crafted row and
going when mended, the filter (and its choices narrowed to the organisation), the CSV of a
whole section, privacy, and a query count that does not grow with the rows."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from metrics.models import OutcomeEvent
from metrics.selectors import quality, quality_findings
from metrics.services.outcomes import organization_today
from programs.models import Cohort, MenteeIntake, MentorIntake, Participant
from sessions.models import Plan, PlanEvent, Session, SessionBlock, SignalValue
from tests.matching.factories import pair
from tests.metrics.conftest import at
from tests.programs.factories import enrol, make_active_cohort, make_program
from tests.sessions.factories import PulseAnswerFactory, make_session, number_signal, rubric_signal
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def url(org, **query):
    base = reverse("data_quality", args=[org.slug])
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def sections(client, org, **query):
    response = client.get(url(org, **query))
    assert response.status_code == 200, response.status_code
    return {section.key: section for section in response.context["sections"]}


def texts(section):
    """Every cell of a section's rows, as text."""
    return [" | ".join(str(cell.value) for cell in row.cells) for row in section.rows]


def finished_intake(participant):
    model = MenteeIntake if participant.role == Participant.Role.MENTEE else MentorIntake
    fields = {"goals": "Grow"} if model is MenteeIntake else {}
    model.objects.create(
        organization=participant.organization,
        participant=participant,
        completed_at=timezone.now(),
        **fields,
    )


def new_pair(cohort, *, days_ago=40, intake=True):
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    mentee = enrol(cohort, role=Participant.Role.MENTEE)
    if intake:
        finished_intake(mentor)
        finished_intake(mentee)
    return pair(mentee, mentor, days_ago=days_ago)


def completed(pairing, days_ago=2, notes="Went through the cues.", **fields):
    org = pairing.organization
    session = make_session(
        pairing,
        starts_at=at(org, -days_ago),
        status=Session.Status.COMPLETED,
        completed_at=at(org, -days_ago, 11),
        **fields,
    )
    if notes:
        SessionBlock.objects.for_org(org).filter(session=session).update(notes=notes)
    return session


@pytest.fixture
def cohort(org):
    program = make_program(org, charter=False, cadence_days=7, name="Floor coaching")
    return make_active_cohort(org, program=program, name="Autumn floor")


# --- who may see it (negative first) ---------------------------------------------------------


def test_a_stranger_gets_404(as_stranger, org):
    assert as_stranger.get(url(org)).status_code == 404
    assert as_stranger.get(url(org, format="csv", section="intake")).status_code == 404


def test_a_member_gets_403_even_a_mentor(as_member, member, org, cohort):
    mentor = enrol(cohort, user=member, role=Participant.Role.MENTOR)
    pair(enrol(cohort), mentor, days_ago=40)
    assert as_member.get(url(org)).status_code == 403
    assert as_member.get(url(org, format="csv", section="cadence")).status_code == 403


def test_leaders_and_admins_see_it(as_leader, as_admin, org):
    for client in (as_leader, as_admin):
        response = client.get(url(org))
        assert response.status_code == 200
        assert b"Data quality" in response.content


def test_the_sidebar_names_it_for_leaders_not_members(as_leader, as_member, org):
    link = url(org).encode()
    assert link in as_leader.get(url(org)).content
    assert link not in as_member.get(reverse("my_programs", args=[org.slug])).content


# --- empty --------------------------------------------------------------------------------


def test_an_organisation_with_nothing_wrong_says_none_in_every_section(as_admin, org):
    response = as_admin.get(url(org))
    content = response.content.decode()
    found = {s.key: s.total for s in response.context["sections"]}
    assert found == dict.fromkeys(quality.SECTION_KEYS, 0)
    assert content.count("None: ") == len(quality.SECTION_KEYS)
    assert "Nothing found" in content
    assert "Download CSV" not in content


# --- each finding appears, and goes when mended -------------------------------------------


def test_a_completed_session_without_notes_is_listed_by_date_pair_and_template(
    as_leader, org, cohort
):
    pairing = new_pair(cohort)
    session = completed(pairing, days_ago=3, notes="")
    found = sections(as_leader, org)["sessions"]
    assert found.total == 1
    row = found.rows[0]
    assert [c.label for c in row.cells] == ["Date", "Pair", "Template", "Missing"]
    assert row.cells[0].value == organization_today(org) - timedelta(days=3)
    assert row.cells[1].value == f"{pairing.mentor.user.name} → {pairing.mentee.user.name}"
    assert row.cells[2].value == session.template_name
    assert row.cells[3].value == "Notes"
    assert row.links == (
        ("Open the session", reverse("session_detail", args=[org.slug, session.pk])),
    )

    SessionBlock.objects.for_org(org).filter(session=session).update(notes="Now written.")
    assert sections(as_leader, org)["sessions"].total == 0


def test_a_session_completed_without_its_outputs_is_listed_without_any_text(as_admin, org, cohort):
    pairing = new_pair(cohort)
    session = completed(pairing, notes="SECRET-NOTE-TEXT")
    Session.objects.for_org(org).filter(pk=session.pk).update(
        flagged_for_audit=True,
        missing_outputs=["clip_link", "corrections"],
        completion_reason="SECRET-REASON",
        private_note="SECRET-PRIVATE",
    )
    response = as_admin.get(url(org))
    found = {s.key: s for s in response.context["sections"]}["sessions"]
    assert texts(found)[0].endswith("A clip link; Actionable corrections")
    content = response.content.decode()
    for secret in ("SECRET-NOTE-TEXT", "SECRET-REASON", "SECRET-PRIVATE"):
        assert secret not in content
    csv_text = as_admin.get(url(org, format="csv", section="sessions")).getvalue().decode()
    assert "SECRET" not in csv_text

    Session.objects.for_org(org).filter(pk=session.pk).update(
        flagged_for_audit=False, missing_outputs=[]
    )
    assert sections(as_admin, org)["sessions"].total == 0


def test_a_pair_without_a_session_in_its_cadence_window_is_listed(as_leader, org, cohort):
    quiet = new_pair(cohort, days_ago=40)
    completed(quiet, days_ago=20)
    new_pair(cohort, days_ago=3)  # too early to tell: a week has not passed
    met = new_pair(cohort, days_ago=40)
    completed(met, days_ago=2)

    found = sections(as_leader, org)["cadence"]
    assert found.total == 1
    cells = {c.label: c.value for c in found.rows[0].cells}
    assert cells["Target (days)"] == 7
    assert cells["Last completed session"] == organization_today(org) - timedelta(days=20)
    assert cells["Days without"] == 20
    assert found.rows[0].links[0][1] == reverse("pairing_sessions", args=[org.slug, quiet.pk])

    completed(quiet, days_ago=1)
    assert sections(as_leader, org)["cadence"].total == 0


def test_a_pair_that_never_met_counts_from_its_acceptance(as_leader, org, cohort):
    new_pair(cohort, days_ago=10)
    cells = {c.label: c.value for c in sections(as_leader, org)["cadence"].rows[0].cells}
    assert cells["Last completed session"] is None and cells["Days without"] == 10


@pytest.mark.skipif(
    not quality_findings.has_cohort_cadence(), reason="cohorts have no cadence of their own yet"
)
def test_a_cohorts_own_cadence_overrides_its_programs(as_leader, org, cohort):
    quiet = new_pair(cohort, days_ago=40)
    completed(quiet, days_ago=20)
    assert sections(as_leader, org)["cadence"].total == 1
    Cohort.objects.for_org(org).filter(pk=cohort.pk).update(cadence_days=30)
    assert sections(as_leader, org)["cadence"].total == 0


def test_a_signal_outside_its_scale_is_listed(as_admin, org, cohort):
    pairing = new_pair(cohort)
    session = completed(pairing)
    rubric = rubric_signal(cohort.program)
    velocity = number_signal(cohort.program, low=0, high=100)
    inside = SignalValue.objects.create(
        organization=org, session=session, signal_type=rubric, subject=session.mentee, value=4
    )
    outside = SignalValue.objects.create(
        organization=org,
        session=session,
        signal_type=velocity,
        subject=session.mentee,
        value=Decimal("150"),
    )
    found = sections(as_admin, org)["signals"]
    assert found.total == 1
    cells = {c.label: c.value for c in found.rows[0].cells}
    assert cells["Signal"] == "Velocity"
    assert cells["Value"] == "150 reps/min"
    assert cells["Its scale"] == "0 reps/min to 100 reps/min"
    labels = [label for label, _ in found.rows[0].links]
    assert labels == ["Open the session", "Edit the signal type"]

    SignalValue.objects.for_org(org).filter(pk=inside.pk).update(value=9)
    assert sections(as_admin, org)["signals"].total == 2
    SignalValue.objects.for_org(org).filter(pk=inside.pk).update(value=5)
    velocity.max_value = Decimal(200)
    velocity.save()
    assert sections(as_admin, org)["signals"].total == 0
    assert outside.pk


def test_leaders_are_not_sent_to_edit_a_signal_type(as_leader, org, cohort):
    session = completed(new_pair(cohort))
    SignalValue.objects.create(
        organization=org,
        session=session,
        signal_type=rubric_signal(cohort.program),
        subject=session.mentee,
        value=0,
    )
    row = sections(as_leader, org)["signals"].rows[0]
    assert [label for label, _ in row.links] == ["Open the session"]


def test_a_plan_unchanged_for_thirty_days_is_listed(as_leader, org, cohort):
    pairing = new_pair(cohort, days_ago=45)
    today = organization_today(org)
    plan = Plan.objects.create(
        organization=org,
        pairing=pairing,
        starts_on=today - timedelta(days=45),
        ends_on=today + timedelta(days=45),
    )
    old = timezone.now() - timedelta(days=31)
    Plan.objects.for_org(org).filter(pk=plan.pk).update(updated_at=old)
    event = PlanEvent.objects.create(organization=org, plan=plan, summary="Objective added")
    PlanEvent.objects.for_org(org).filter(pk=event.pk).update(created_at=old)

    found = sections(as_leader, org)["plans"]
    assert found.total == 1
    cells = {c.label: c.value for c in found.rows[0].cells}
    assert cells["Days since"] == 31
    assert found.rows[0].links[0][1] == reverse("plan_detail", args=[org.slug, pairing.pk])

    PlanEvent.objects.create(organization=org, plan=plan, summary="Milestone done")
    assert sections(as_leader, org)["plans"].total == 0


def test_a_participant_without_intake_is_listed_until_they_finish_it(as_leader, org, cohort):
    mentee = enrol(cohort, role=Participant.Role.MENTEE)
    found = sections(as_leader, org)["intake"]
    assert found.total == 1
    assert {c.label: c.value for c in found.rows[0].cells}["Role"] == "Mentee"
    assert found.rows[0].links[0][1] == reverse("cohort_intake", args=[org.slug, cohort.pk])

    finished_intake(mentee)
    assert sections(as_leader, org)["intake"].total == 0


def test_a_withdrawn_participant_or_a_completed_cohort_is_not_a_finding(as_leader, org, cohort):
    enrol(cohort, status=Participant.Status.WITHDRAWN)
    done = make_active_cohort(org, program=cohort.program, status=Cohort.Status.COMPLETED)
    enrol(done)
    assert sections(as_leader, org)["intake"].total == 0


def test_outcome_events_of_e_mails_that_match_no_one_are_listed_for_admins(
    as_admin, as_leader, org, admin, member
):
    for event, on in (("hired", "2025-01-10"), ("left", "2026-02-01")):
        OutcomeEvent.objects.create(
            organization=org, email="ann.gone@elsewhere.example", event=event, occurred_on=on
        )
    OutcomeEvent.objects.create(
        organization=org, email=member.email, event="promoted", occurred_on="2026-01-01"
    )  # a member now, not linked: imported before they joined
    found = sections(as_admin, org)["outcomes"]
    assert found.total == 2
    assert texts(found) == [
        "mia.member@acme.example | 1 | 2026-01-01 | Yes: imported before they joined",
        "ann.gone@elsewhere.example | 2 | 2026-02-01 | No",
    ]

    assert found.rows[1].links == (
        (
            "Its events",
            reverse("outcome_list", args=[org.slug]) + "?q=ann.gone%40elsewhere.example",
        ),
    )

    leader_view = as_leader.get(url(org))
    leaders = {s.key: s for s in leader_view.context["sections"]}["outcomes"]
    assert leaders.total == 2 and leaders.rows == [] and leaders.rows_hidden
    assert b"ann.gone@elsewhere.example" not in leader_view.content
    assert as_leader.get(url(org, format="csv", section="outcomes")).status_code == 404

    OutcomeEvent.objects.for_org(org).filter(email=member.email).update(user=member)
    OutcomeEvent.objects.for_org(org).filter(email="ann.gone@elsewhere.example").update(user=admin)
    assert sections(as_admin, org)["outcomes"].total == 0


def test_cohorts_and_mentors_with_fewer_than_five_pulse_answers_are_listed(as_leader, org, cohort):
    pairing = new_pair(cohort)
    sessions = [completed(pairing, days_ago=d) for d in (2, 4, 6, 8, 10)]
    for session in sessions[:4]:
        PulseAnswerFactory(session=session, score=4, answered_at=at(org, -1))
    old = PulseAnswerFactory(
        session=sessions[4], score=4, answered_at=at(org, -40)
    )  # outside the 28 days
    found = sections(as_leader, org)["pulse"]
    assert texts(found) == [
        "Cohort | Autumn floor (Floor coaching) | 4",
        f"Mentor | {pairing.mentor.user.name} | 4",
    ]
    assert found.rows[0].links[0][0] == "The cohort"

    old.answered_at = at(org, -2)
    old.save()
    assert sections(as_leader, org)["pulse"].total == 0


# --- the filter ---------------------------------------------------------------------------


def test_the_filter_narrows_every_section_but_the_outcome_events(as_admin, org, cohort):
    other = make_active_cohort(org, program=make_program(org, charter=False, name="Sales"))
    enrol(cohort)
    enrol(other)
    enrol(other)
    OutcomeEvent.objects.create(
        organization=org, email="x@elsewhere.example", event="hired", occurred_on="2026-01-01"
    )
    assert sections(as_admin, org)["intake"].total == 3
    assert sections(as_admin, org, program=cohort.program_id)["intake"].total == 1
    narrowed = sections(as_admin, org, cohort=other.pk)
    assert narrowed["intake"].total == 2
    assert narrowed["outcomes"].total == 1 and "Not narrowed" in narrowed["outcomes"].note


def test_a_cohort_of_another_program_is_refused_next_to_the_field(as_admin, org, cohort):
    other = make_active_cohort(org, program=make_program(org, charter=False, name="Sales"))
    response = as_admin.get(url(org, program=cohort.program_id, cohort=other.pk))
    assert response.status_code == 400
    assert "is not a cohort of Floor coaching" in response.content.decode()


def test_the_filter_offers_only_this_organisations_programs_and_cohorts(
    as_admin, org, other_org, cohort
):
    theirs = make_active_cohort(
        other_org, program=make_program(other_org, charter=False, name="Globex secret program")
    )
    response = as_admin.get(url(org))
    form = response.context["form"]
    assert list(form.fields["program"].queryset) == [cohort.program]
    assert list(form.fields["cohort"].queryset) == [cohort]
    assert b"Globex secret program" not in response.content

    refused = as_admin.get(url(org, program=theirs.program_id, cohort=theirs.pk))
    assert refused.status_code == 400
    content = refused.content.decode()
    assert "Choose one of your organisation&#x27;s programs." in content
    assert "Choose one of your organisation&#x27;s cohorts." in content
    # A refused choice narrows nothing: the whole organisation is shown.
    assert refused.context["program"] is None and refused.context["cohort"] is None


# --- CSV and the cap ----------------------------------------------------------------------


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_a_section_shows_its_first_rows_and_downloads_whole(as_leader, org, cohort, monkeypatch):
    monkeypatch.setattr(quality, "CAP", 2)
    for _ in range(5):
        enrol(cohort)
    evil = enrol(cohort)
    evil.user.name = "=HYPERLINK(1)"
    evil.user.save()
    response = as_leader.get(url(org))
    found = {s.key: s for s in response.context["sections"]}["intake"]
    assert found.total == 6 and found.shown == 2 and found.capped
    assert "The first 2 of 6" in response.content.decode()
    assert "?format=csv&amp;section=intake" in response.content.decode()

    rows = _csv(as_leader.get(url(org, format="csv", section="intake")))
    assert rows[0] == ["participant_id", "person", "role", "cohort", "enrolled"]
    assert len(rows) == 7
    assert [r[1] for r in rows if "HYPERLINK" in r[1]] == ["'=HYPERLINK(1)"]


def test_the_csv_keeps_the_filter(as_leader, org, cohort):
    other = make_active_cohort(org, program=make_program(org, charter=False, name="Sales"))
    enrol(cohort)
    enrol(other)
    response = as_leader.get(url(org, cohort=other.pk))
    assert f"cohort={other.pk}&amp;format=csv&amp;section=intake" in response.content.decode()
    rows = _csv(as_leader.get(url(org, cohort=other.pk, format="csv", section="intake")))
    assert len(rows) == 2 and rows[1][3] == other.name


def test_every_section_downloads_with_its_header(as_admin, org):
    for key in quality.SECTION_KEYS:
        rows = _csv(as_admin.get(url(org, format="csv", section=key)))
        assert rows == [list(quality.SPEC_BY_KEY[key].csv_header)]


def test_an_unknown_section_is_404(as_admin, org):
    assert as_admin.get(url(org, format="csv", section="nope")).status_code == 404


# --- queries ------------------------------------------------------------------------------


def test_data_quality_query_budget(as_admin, org, cohort):
    """Rows in every section; the count stays the same however many there are."""

    def grow():
        for _ in range(2):
            pairing = new_pair(cohort, days_ago=40, intake=False)  # intake and cadence
            session = completed(pairing, days_ago=20, notes="")  # no notes
            PulseAnswerFactory(session=session, score=3, answered_at=at(org, -1))
            SignalValue.objects.create(
                organization=org,
                session=session,
                signal_type=rubric_signal(cohort.program, name=f"Signal {session.pk}"),
                subject=session.mentee,
                value=8,
            )
            today = organization_today(org)
            plan = Plan.objects.create(
                organization=org,
                pairing=pairing,
                starts_on=today - timedelta(days=40),
                ends_on=today + timedelta(days=50),
            )
            Plan.objects.for_org(org).filter(pk=plan.pk).update(
                updated_at=timezone.now() - timedelta(days=40)
            )
            OutcomeEvent.objects.create(
                organization=org,
                email=f"gone{session.pk}@elsewhere.example",
                event="left",
                occurred_on="2026-01-01",
            )

    assert_flat_queries(as_admin, reverse("data_quality", args=[org.slug]), grow, n=24)
    found = sections(as_admin, org)
    assert all(found[key].total >= 4 for key in quality.SECTION_KEYS), {
        k: s.total for k, s in found.items()
    }
    assert Pairing.objects.for_org(org).count() == 4


def test_each_section_says_how_it_is_counted_and_when(as_leader, org):
    content = as_leader.get(url(org)).content.decode()
    for spec in quality.SPECS:
        assert spec.title in content and spec.rule.replace("'", "&#x27;") in content
    assert "Counted from the rows as they are now" in content


def test_the_filter_swaps_the_results_in_place_with_htmx(as_leader, org, cohort):
    response = as_leader.get(
        url(org, program=cohort.program_id),
        headers={"HX-Request": "true", "HX-Target": "quality-results"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" not in content and 'id="quality-intake"' in content
    assert f'<option value="{cohort.program_id}" selected>' in content
