"""The sessions journey (issue 9), through the pages as people use them: a mentor proposes an
on-the-floor session; the mentee confirms it and the .ics invitation is in the outbox; the
mentee writes pre-work; the mentor runs the session (starts it, notes each block, taps the
signals, writes three corrections, sets a micro-habit and an action) and completes it; the
mentee receives the summary and the pulse survey and answers it; an admin sees the session's
metadata but not its notes. Every page shown passes ``check_page`` (axe-core, no overflow,
at 1280 and 390 px)."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.tenancy.models import Role
from sessions.calendar import uid_of
from tests.e2e.conftest import check_page
from tests.e2e.people import field, named, sign_in
from tests.matching.factories import cohort_with_people, make_person, pair
from tests.sessions.factories import builtin, number_signal, rubric_signal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

NOTES = {
    "Brief debrief": "Goal: cue the goblet squat before each rep, warm-up under eight minutes.",
    "Observation": "Cues landed after the rep on three of five sets; demonstrated four times.",
    "Reflective feedback": "Watched the clip markers together; the late cues were plain to see.",
}
CORRECTIONS = [
    "Give the cue before the descent, not after the rep.",
    "Demonstrate once, then coach from the side.",
    "Cut the warm-up to three drills and time it.",
]
HABIT = "Write tomorrow's three key cues on a card before the first client."
ACTION = "Send the clip of Thursday's squat set before Friday."
PRE_WORK = "My client's knees cave at depth on the squat; I want one cue that works."


def test_propose_confirm_prework_run_complete_pulse_and_the_admin_sees_no_notes(
    live_server, new_context, transactional_db, mailoutbox
):
    from mentorship.notifications.models import Message
    from mentorship.tenancy.models import Organization
    from sessions.models import PulseAnswer, Session

    org = Organization.objects.create(name="Journey Org", slug="journey", time_zone="Europe/London")
    admin = make_person(org, Role.ADMIN, name="Ada Admin", email="ada@journey.example")
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    mentor = named(mentors[0].user, "Maya Mentor")
    mentee = named(mentees[0].user, "Tess Trainee")
    pairing = pair(mentees[0], mentors[0], days_ago=10)
    program = cohort.program
    technique = rubric_signal(
        program,
        level_words=["Rarely", "Sometimes", "Often", "Usually", "Always"],
        description="Cueing and demonstration against the technique rubric.",
    )
    velocity = number_signal(program, unit="m/s", low="0.10", high="2.00")
    template = builtin(org, "on-the-floor")
    base = live_server.url
    home = f"{base}/o/{org.slug}"
    problems = []

    def snap(page, name):
        """check_page, with every page's problems reported together at the end."""
        try:
            check_page(page, name)
        except AssertionError as error:
            problems.append(f"{name}: {error}")

    # The mentor proposes an on-the-floor session tomorrow at 09:00 (their time zone).
    mentor_page = new_context()
    sign_in(mentor_page, base, mentor)
    mentor_page.goto(f"{home}/pairings/{pairing.pk}/sessions/")
    snap(mentor_page, "sessions-pairing")
    mentor_page.get_by_role("link", name="Propose a session").first.click()
    expect(mentor_page.get_by_role("heading", name="Propose a session")).to_be_visible()
    field(mentor_page, "Template").select_option(value=str(template.pk))
    tomorrow = timezone.now().date() + timedelta(days=1)  # the pair's intakes say UTC
    field(mentor_page, "Date").fill(tomorrow.isoformat())
    mentor_page.get_by_label(re.compile(r"^Time \(")).fill("09:00")
    field(mentor_page, "Where").fill("Studio 1, by the racks")
    snap(mentor_page, "sessions-propose")
    mentor_page.get_by_role("button", name="Propose").click()
    expect(mentor_page.get_by_text(re.compile(r"is proposed"))).to_be_visible()
    session = Session.objects.for_org(org).get(pairing=pairing)
    assert session.status == Session.Status.PROPOSED
    assert session.template_id == template.pk
    session_url = f"{home}/sessions/{session.pk}/"

    # The mentee confirms it from My sessions; the invitation (.ics) is in the outbox.
    mentee_page = new_context()
    sign_in(mentee_page, base, mentee)
    mentee_page.goto(f"{home}/me/sessions/")
    snap(mentee_page, "sessions-my-sessions")
    mentee_page.get_by_role("link", name=session.title).first.click()
    expect(mentee_page).to_have_url(re.compile(rf"/sessions/{session.pk}/"))
    mentee_page.get_by_role("button", name=re.compile(r"^Confirm")).click()
    expect(mentee_page.get_by_text("Confirmed").first).to_be_visible()
    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED
    invitations = Message.objects.for_org(org).filter(kind="sessions.session_confirmed")
    assert {m.recipient_id for m in invitations} == {mentor.pk, mentee.pk}
    for message in invitations:
        (ics,) = [a for a in message.attachments if a["filename"].endswith(".ics")]
        calendar = icalendar.Calendar.from_ical(ics["content"])
        assert str(calendar["METHOD"]) == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == uid_of(session)
        assert event.decoded("DTSTART") == session.starts_at

    # The mentee writes pre-work.
    field(mentee_page, "Your pre-work").fill(PRE_WORK)
    mentee_page.get_by_role("button", name="Save my pre-work").click()
    expect(mentee_page.get_by_text(re.compile(r"^Saved "))).to_be_visible()
    snap(mentee_page, "sessions-confirmed-mentee")
    session.refresh_from_db()
    assert session.pre_work == PRE_WORK and session.pre_work_at is not None

    # The mentor sees the pre-work, starts the session and logs it block by block.
    mentor_page.goto(session_url)
    expect(mentor_page.get_by_text(PRE_WORK)).to_be_visible()
    mentor_page.get_by_role("button", name="Start the session").click()
    expect(mentor_page.get_by_text(re.compile(r"^Started "))).to_be_visible()
    for title, text in NOTES.items():
        block = mentor_page.locator(
            ".session-block", has=mentor_page.get_by_role("heading", name=title, exact=True)
        )
        block.get_by_label(f"Notes of {title}").fill(text)
        expect(block.get_by_text(re.compile(r"^Saved \d\d:\d\d"))).to_be_visible()
    mentor_page.get_by_role(
        "button", name=re.compile(r"^3 Often for Technique consistency")
    ).click()
    expect(mentor_page.locator(f"#signal-{technique.pk}").get_by_text("3 · Often")).to_be_visible()
    mentor_page.locator(f"#signal-value-{velocity.pk}").fill("0.55")
    mentor_page.get_by_role("button", name="Save Velocity").click()
    expect(mentor_page.locator(f"#signal-{velocity.pk}").get_by_text("0.55 m/s")).to_be_visible()
    for number, text in enumerate(CORRECTIONS, 1):
        field(mentor_page, f"Correction {number}").fill(text)
    mentor_page.get_by_role("button", name="Save corrections").click()
    mentor_page.wait_for_load_state("networkidle")  # the htmx save has answered
    mentor_page.get_by_role("textbox", name="Micro-habit", exact=True).fill(HABIT)
    mentor_page.get_by_role("button", name="Save the micro-habit").click()
    mentor_page.wait_for_load_state("networkidle")
    actions = mentor_page.locator("#actions")
    field(actions, "Action").fill(ACTION)
    field(actions, "Owner").select_option(value="mentee")
    field(actions, "Due").fill((tomorrow + timedelta(days=4)).isoformat())
    actions.get_by_role("button", name="Add the action").click()
    expect(actions.get_by_role("button", name=f"Remove {ACTION}")).to_be_visible()
    snap(mentor_page, "sessions-running")
    mentor_page.get_by_role("button", name="Complete the session").click()
    expect(mentor_page.get_by_text(re.compile(r"Session completed"))).to_be_visible()
    snap(mentor_page, "sessions-completed-mentor")

    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED
    assert not session.flagged_for_audit and session.missing_outputs == []
    blocks = {b.title: b.notes for b in session.blocks.all()}
    assert all(blocks[title] == text for title, text in NOTES.items())
    assert [c.text for c in session.corrections.order_by("position")] == CORRECTIONS
    assert session.habits.get().text == HABIT
    assert session.actions.get().owner_id == mentee.pk
    assert session.signal_values.count() == 2
    pairing.refresh_from_db()
    assert pairing.last_activity_at == session.completed_at

    # The mentee receives the summary and the pulse survey, and answers it.
    followup = Message.objects.for_org(org).filter(kind="sessions.followup")
    assert followup.filter(recipient=mentee).count() == 1
    body = followup.get(recipient=mentee).body
    assert all(text in body for text in CORRECTIONS) and HABIT in body and ACTION in body
    link = re.search(r"https?://\S+/me/pulse/\d+/", body).group(0)
    mentee_page.goto(base + urlparse(link).path)
    expect(mentee_page.get_by_role("heading", name="How useful was the session?")).to_be_visible()
    mentee_page.get_by_label("4: Very useful").check()
    field(mentee_page, "Comment (optional)").fill("The clip markers made it obvious.")
    snap(mentee_page, "sessions-pulse")
    mentee_page.get_by_role("button", name="Send my answer").click()
    expect(mentee_page.get_by_text(re.compile(r"You answered"))).to_be_visible()
    answer = PulseAnswer.objects.for_org(org).get(session=session, respondent=mentee)
    assert answer.score == 4 and answer.answered_at is not None

    # An admin sees that the session took place, its template, length and signals, and
    # which outputs were given, but not its notes, corrections, habit or pre-work.
    admin_page = new_context()
    sign_in(admin_page, base, admin)
    admin_page.goto(session_url)
    expect(admin_page.get_by_role("heading", name=re.compile(session.title))).to_be_visible()
    expect(admin_page.get_by_text(re.compile(r"Its notes are the pair's"))).to_be_visible()
    expect(admin_page.get_by_text("3 · Often").first).to_be_visible()
    expect(admin_page.get_by_text(template.name).first).to_be_visible()
    snap(admin_page, "sessions-admin")
    content = admin_page.content()
    hidden = [*NOTES.values(), *CORRECTIONS, HABIT, ACTION, PRE_WORK, answer.comment]
    assert [text for text in hidden if text in content] == []
    assert not problems, "\n".join(problems)
