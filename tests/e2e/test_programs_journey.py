"""The programs journey (issue 3), through the pages as people use them: an admin creates a
program from the 8-week blueprint, a cohort, imports its people from a CSV file (a bad file
first: nothing is enrolled), a mentee acknowledges the charter and completes the intake, and
the admin moves the cohort to enrolling, then to matching.

Locators are accessible ones (label, role and name), as in the foundation's journeys.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.e2e,
    # whitenoise looks for STATIC_ROOT, which only collectstatic makes; the live server
    # serves static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PASSWORD = "a-long-Journey-passphrase-42"
SLUG = "tidewater"


def field(page, label):
    """The form control labelled exactly ``label`` (a required field's label ends in a star
    that is hidden from screen readers)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def person(email, name):
    from allauth.account.models import EmailAddress

    from mentorship.accounts.models import User

    user = User.objects.create_user(email=email, password=PASSWORD, name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible()


def upload(page, name, text):
    field(page, "CSV file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}
    )
    page.get_by_role("button", name="Check and import").click()


@pytest.fixture
def tidewater():
    """An organisation with an admin, two members who will be enrolled by the import, and a
    competency for the intake."""
    from mentorship.tenancy.models import Membership, Role
    from mentorship.tenancy.services import organization_create
    from programs.services import competencies as learning

    admin = person("ines.admin@example.org", "Ines Admin")
    organization = organization_create(
        name="Tidewater Coaching", slug=SLUG, time_zone="Europe/Lisbon", by=admin
    )
    members = {
        "mentor": person("marta.mentor@example.org", "Marta Mentor"),
        "mentee": person("noah.mentee@example.org", "Noah Mentee"),
    }
    for user in members.values():
        Membership.objects.create(organization=organization, user=user, role=Role.MEMBER)
    area = learning.competency_area_create(organization=organization, name="Coaching", by=admin)
    learning.competency_create(
        organization=organization, area=area, name="Giving feedback", by=admin
    )
    learning.competency_create(
        organization=organization, area=area, name="Session planning", by=admin
    )
    return organization, admin, members


def test_program_cohort_import_intake_and_matching(
    live_server, new_context, tidewater, mailoutbox, snap
):
    from programs.models import Cohort, Participant, PendingEnrolment

    organization, admin_user, members = tidewater
    base = live_server.url
    home = f"{base}/o/{SLUG}"

    # 1. The admin creates a program from the built-in 8-week blueprint.
    admin = new_context()
    sign_in(admin, base, admin_user.email)
    admin.goto(f"{home}/programs/new/")
    field(admin, "Name").fill("Trainer rollout 2027")
    field(admin, "Purpose").fill("New trainers coach with confidence within eight weeks.")
    field(admin, "Blueprint").select_option(label="8-week trainer rollout")
    field(admin, "Code of conduct").fill("Be kind, be on time, be candid.")
    field(admin, "Confidentiality").fill("What is said in a session stays in the session.")
    field(admin, "Escalation path").fill("Talk to the cohort's facilitator first.")
    admin.get_by_role("button", name=re.compile(r"^(Create|Save)")).click()
    expect(admin.get_by_role("heading", name="Trainer rollout 2027")).to_be_visible()
    expect(admin.get_by_role("status")).to_contain_text("Trainer rollout 2027 is created")
    expect(admin.locator("main")).to_contain_text("Paired practice")
    snap(admin, "programs-01-program")

    # 2. The admin creates a cohort of it; the blueprint dates its milestones.
    admin.goto(f"{home}/cohorts/new/")
    field(admin, "Program").select_option(label="Trainer rollout 2027")
    field(admin, "Name").fill("Spring 2027")
    field(admin, "First day").fill("2027-03-01")
    field(admin, "Capacity").fill("12")
    field(admin, "Facilitator").select_option(label="Ines Admin (ines.admin@example.org)")
    admin.get_by_role("button", name=re.compile(r"^(Create|Save)")).click()
    expect(admin.get_by_role("heading", name="Spring 2027")).to_be_visible()
    cohort = Cohort.objects.for_org(organization).get(name="Spring 2027")
    assert cohort.status == Cohort.Status.DRAFT
    assert str(cohort.ends_on) == "2027-04-25"  # eight weeks
    assert cohort.milestones.count() == 7
    # The facilitator the admin chose takes part as the cohort's facilitator.
    assert list(cohort.participants.values_list("user__email", "role")) == [
        ("ines.admin@example.org", "facilitator")
    ]
    snap(admin, "programs-02-cohort")

    # 3. A file with a bad row: the error page lists it, and no one is enrolled from it.
    admin.goto(f"{home}/cohorts/{cohort.pk}/import/")
    expect(admin.get_by_role("heading", name="Import participants from a CSV file")).to_be_visible()
    bad = (
        "email,name,role,department,manager_email\n"
        "marta.mentor@example.org,Marta Mentor,mentor,Coaching,\n"
        "noah.mentee@example.org,Noah Mentee,coach,Coaching,\n"
        "not-an-address,Pat Nobody,mentee,,\n"
    )
    upload(admin, "bad-people.csv", bad)
    alert = admin.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was imported.")
    problems = admin.get_by_role("table", name="Problems found in the file, by line")
    expect(problems.get_by_role("row").filter(has_text="noah.mentee@example.org")).to_contain_text(
        "3"
    )
    expect(problems.get_by_role("row")).to_have_count(3)  # the header and two bad rows
    snap(admin, "programs-03-import-errors")
    assert Participant.objects.for_org(organization).filter(cohort=cohort).count() == 1
    assert not PendingEnrolment.objects.for_org(organization).exists()

    # 4. The fixed file: two members enrolled at once, two new people invited.
    good = (
        "email,name,role,department,manager_email\n"
        "marta.mentor@example.org,Marta Mentor,mentor,Coaching,\n"
        "noah.mentee@example.org,Noah Mentee,mentee,Coaching,marta.mentor@example.org\n"
        "ola.new@example.org,Ola New,mentor,Operations,\n"
        "pia.new@example.org,Pia New,mentee,Operations,ola.new@example.org\n"
    )
    upload(admin, "people.csv", good)
    expect(admin.get_by_role("heading", name="Import complete")).to_be_visible()
    expect(admin.get_by_role("status")).to_contain_text("2 enrolled at once, 2 invited by e-mail")
    snap(admin, "programs-04-import-done")
    enrolled = Participant.objects.for_org(organization).filter(cohort=cohort)
    assert sorted(enrolled.values_list("user__email", "role")) == [
        ("ines.admin@example.org", "facilitator"),
        ("marta.mentor@example.org", "mentor"),
        ("noah.mentee@example.org", "mentee"),
    ]
    assert {m.to[0] for m in mailoutbox} >= {"ola.new@example.org", "pia.new@example.org"}

    # 5. The mentee signs in: My programs says to acknowledge the charter first.
    mentee = new_context()
    sign_in(mentee, base, members["mentee"].email)
    mentee.goto(f"{home}/me/programs/")
    card = mentee.get_by_role("region", name="Spring 2027")
    card.get_by_role("link", name="Read and acknowledge the program's charter").click()
    expect(
        mentee.get_by_role("heading", name="The charter of Trainer rollout 2027")
    ).to_be_visible()
    expect(mentee.locator("main")).to_contain_text("Be kind, be on time, be candid.")
    mentee.get_by_label(re.compile(r"I have read the charter")).check()
    mentee.get_by_role("button", name="Acknowledge and continue").click()
    expect(mentee.get_by_role("status")).to_contain_text("you acknowledged the charter")
    snap(mentee, "programs-05-charter")

    # 6. The charter leads straight to the intake: goals, a competency with its priority,
    #    learning style, format, career drivers, availability, time zone, feedback.
    expect(mentee).to_have_url(f"{home}/me/participations/{enrolled.get(role='mentee').pk}/intake/")
    field(mentee, "Your goals").fill("Run a full session on my own by week 6.")
    mentee.get_by_label("Giving feedback").select_option(label="1 · Top priority")
    mentee.get_by_label("How do you learn best?").select_option(index=1)
    mentee.get_by_label("Preferred format").select_option(index=1)
    field(mentee, "Career drivers").fill("Becoming a lead trainer.")
    mentee.get_by_label("Tuesday morning").check()
    mentee.get_by_label("Thursday afternoon").check()
    field(mentee, "Your time zone").select_option("Europe/Lisbon")
    field(mentee, "How do you like to receive feedback?").fill("Straight after the session.")
    snap(mentee, "programs-06-intake")
    mentee.get_by_role("button", name=re.compile(r"^(Save|Submit|Finish)")).click()
    expect(mentee).to_have_url(f"{home}/me/programs/")
    expect(mentee.get_by_role("status")).to_contain_text("your intake is complete")
    expect(mentee.get_by_role("region", name="Spring 2027")).to_contain_text("You are all set")
    noah = enrolled.get(role="mentee")
    assert noah.mentee_intake.completed_at is not None
    assert sorted(noah.mentee_intake.availability) == ["thu-pm", "tue-am"]
    assert noah.mentee_intake.goal_items.get().priority == 1

    # 7. The admin opens enrolment, then starts matching (a mentor and a mentee enrolled,
    #    each with a finished intake: the mentor's is written directly here).
    from tests.programs.factories import MentorIntakeFactory

    MentorIntakeFactory(participant=enrolled.get(role="mentor"))
    admin.goto(f"{home}/cohorts/{cohort.pk}/")
    admin.get_by_role("button", name="Open enrolment").click()
    expect(admin.get_by_role("status")).to_contain_text("nrolling")
    admin.get_by_role("button", name="Start matching").click()
    expect(admin.get_by_role("status")).to_contain_text("atching")
    snap(admin, "programs-07-matching")
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.MATCHING
