"""Pages of the people area: refusals first (a stranger gets 404, a lower role 403, someone
else's intake 404), then what each page does, htmx partials and flat query budgets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentorship.accounts.models import Invitation
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent
from mentorship.tenancy.pagination import PAGE_SIZE
from programs.models import (
    CharterAcknowledgement,
    CompetencyLevel,
    MenteeIntake,
    MentorReadiness,
    Participant,
    PendingEnrolment,
)
from programs.services import people as services
from tests.programs.factories import (
    client_for,
    enrol,
    make_cohort,
    make_competencies,
    make_person,
    score,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def cohort(org):
    return make_cohort(org, name="Spring trainers")


@pytest.fixture
def mentee(cohort, member):
    """The ``member`` fixture takes part as a mentee."""
    return enrol(cohort, user=member)


@pytest.fixture
def mentor(cohort):
    return enrol(cohort, role=Participant.Role.MENTOR)


@pytest.fixture
def ids(cohort, mentee):
    return {"cohort_id": cohort.pk, "participant_id": mentee.pk}


def _url(name, org, ids, kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **{k: ids[k] for k in kwargs}})


LEADER_PAGES = [
    ("cohort_participants", ["cohort_id"]),
    ("cohort_intake", ["cohort_id"]),
    ("participant_detail", ["participant_id"]),
]
ADMIN_PAGES = [
    ("cohort_participant_add", ["cohort_id"]),
    ("cohort_import", ["cohort_id"]),
    ("cohort_import_example", ["cohort_id"]),
]
ADMIN_POSTS = [
    ("cohort_participant_add", ["cohort_id"]),
    ("cohort_participant_invite", ["cohort_id"]),
    ("cohort_import", ["cohort_id"]),
    ("cohort_intake_remind_all", ["cohort_id"]),
    ("participant_status", ["participant_id"]),
    ("participant_readiness", ["participant_id"]),
    ("participant_remind", ["participant_id"]),
]
OWN_PAGES = [
    ("participant_intake", ["participant_id"]),
    ("participant_charter", ["participant_id"]),
]
ALL = LEADER_PAGES + ADMIN_PAGES + ADMIN_POSTS + OWN_PAGES + [("my_programs", [])]


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), ALL, ids=lambda v: v if isinstance(v, str) else "")
def test_a_stranger_gets_404_everywhere(name, kwargs, org, ids, as_stranger):
    url = _url(name, org, ids, kwargs)
    assert as_stranger.get(url).status_code == 404
    assert as_stranger.post(url).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(org, ids, client):
    response = client.get(_url("cohort_participants", org, ids, ["cohort_id"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(("name", "kwargs"), LEADER_PAGES + ADMIN_PAGES)
def test_a_member_gets_403_on_admin_and_leader_pages(name, kwargs, org, ids, as_member):
    assert as_member.get(_url(name, org, ids, kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_POSTS)
def test_a_member_cannot_write(name, kwargs, org, ids, as_member, cohort):
    before = cohort.participants.count()
    assert as_member.post(_url(name, org, ids, kwargs)).status_code == 403
    assert cohort.participants.count() == before


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_a_leader_gets_403_on_admin_pages(name, kwargs, org, ids, as_leader):
    assert as_leader.get(_url(name, org, ids, kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_POSTS)
def test_a_leader_reads_but_does_not_write(name, kwargs, org, ids, as_leader, mentee):
    response = as_leader.post(_url(name, org, ids, kwargs), {"action": "withdraw"})
    assert response.status_code == 403
    mentee.refresh_from_db()
    assert mentee.status == "active"
    assert not AuditEvent.objects.for_org(org).filter(action__startswith="participant.").exists()


@pytest.mark.parametrize(("name", "kwargs"), LEADER_PAGES)
def test_a_leader_reads_the_participant_pages_without_write_buttons(
    name, kwargs, org, ids, as_leader
):
    response = as_leader.get(_url(name, org, ids, kwargs))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Add or invite" not in body
    assert 'value="withdraw"' not in body
    assert "Remind all" not in body


@pytest.mark.parametrize(("name", "kwargs"), OWN_PAGES)
def test_someone_elses_participation_is_not_found(name, kwargs, org, ids, as_admin, mentor):
    # Even the admin: intake answers are reached by their owner only.
    assert as_admin.get(_url(name, org, ids, kwargs)).status_code == 404
    other = client_for(mentor.user)
    assert other.get(_url(name, org, ids, kwargs)).status_code == 404
    assert other.post(_url(name, org, ids, kwargs)).status_code == 404


def test_another_organisations_cohort_is_not_found_in_ones_own(org, other_org, as_admin):
    theirs = make_cohort(other_org)
    url = reverse("cohort_participants", args=[org.slug, theirs.pk])
    assert as_admin.get(url).status_code == 404


# --- the participants list ---------------------------------------------------------------


def test_the_list_shows_people_with_intake_readiness_and_checklist(org, cohort, as_admin, mentor):
    score(mentor, (5, 4, 3))
    services.participant_charter_acknowledge(participant=mentor)

    response = as_admin.get(reverse("cohort_participants", args=[org.slug, cohort.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert mentor.user.email in body
    assert "4</strong>" in body  # readiness score
    assert 'Charter<span class="sr-only">: acknowledged' in body
    assert 'Intake<span class="sr-only">: not finished' in body
    assert response.context["summary"]["mentors"] == 1


def test_the_list_filters_and_answers_htmx_with_the_results_only(
    org, cohort, as_admin, mentee, mentor
):
    url = reverse("cohort_participants", args=[org.slug, cohort.pk])

    response = as_admin.get(
        url, {"role": "mentor"}, headers={**HTMX, "HX-Target": "participant-results"}
    )

    body = response.content.decode()
    assert "<html" not in body
    assert mentor.user.email in body
    assert mentee.user.email not in body


def test_the_lists_page_two_comes_in_place_with_htmx(org, cohort, as_admin, mentor):
    for number in range(1, PAGE_SIZE + 3):
        enrol(cohort, user=make_person(org, name=f"Mentee {number:02}"))
    url = reverse("cohort_participants", args=[org.slug, cohort.pk])

    response = as_admin.get(
        url, {"role": "mentee", "page": 2}, headers={**HTMX, "HX-Target": "participant-results"}
    )

    body = response.content.decode()
    assert "<html" not in body and 'id="participant-results"' not in body  # the partial only
    assert [p.user.name for p in response.context["page"].object_list] == [
        f"Mentee {number:02}" for number in range(PAGE_SIZE + 1, PAGE_SIZE + 3)
    ]
    assert "Mentee 01<" not in body and mentor.user.email not in body
    assert 'href="?role=mentee&amp;page=1" hx-get="?role=mentee&amp;page=1"' in body
    assert "hx-target=\"closest [id$='-results'], body\"" in body
    assert 'hx-push-url="true"' in body


def test_an_empty_cohort_says_what_to_do(org, as_admin):
    empty = make_cohort(org)
    response = as_admin.get(reverse("cohort_participants", args=[org.slug, empty.pk]))
    assert "No one in this cohort yet" in response.content.decode()


def test_the_list_query_budget_stays_flat(org, admin, cohort, as_admin, mentor):
    competencies = make_competencies(org, "Cueing", "Regressions")
    rounds = iter(range(100))

    def grow():
        round_ = next(rounds)
        for _ in range(3):
            person = enrol(cohort, role=Participant.Role.MENTOR)
            score(person)
            services.participant_charter_acknowledge(participant=person)
            services.mentor_intake_save(
                participant=person,
                competencies={competencies[0]: 4},
                capacity=2,
                availability=["mon-am"],
                time_zone="Europe/London",
            )
            enrol(cohort, manager=make_person(org))
        services.participant_invite(
            cohort=cohort, email=f"new{round_}@example.org", role="mentee", by=admin, site_url="x"
        )

    url = reverse("cohort_participants", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, url, grow=grow, n=16)


def test_a_row_changes_status_in_place_with_htmx(org, as_admin, mentee):
    url = reverse("participant_status", args=[org.slug, mentee.pk])

    response = as_admin.post(
        url, {"action": "complete"}, headers={**HTMX, "HX-Target": f"participant-{mentee.pk}"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="participant-{mentee.pk}" class="row-saved"')
    assert "Completed" in body
    mentee.refresh_from_db()
    assert mentee.status == "completed"


def test_a_refused_status_change_says_why_in_the_row(org, as_admin, mentor):
    response = as_admin.post(
        reverse("participant_status", args=[org.slug, mentor.pk]),
        {"action": "certify"},
        headers={**HTMX, "HX-Target": f"participant-{mentor.pk}"},
    )
    assert "Only mentees are certified." in response.content.decode()


def test_withdraw_without_javascript_redirects_with_a_message(org, cohort, as_admin, mentee):
    response = as_admin.post(
        reverse("participant_status", args=[org.slug, mentee.pk]), {"action": "withdraw"}
    )
    assert response.status_code == 302
    assert response.url == reverse("cohort_participants", args=[org.slug, cohort.pk])
    mentee.refresh_from_db()
    assert mentee.status == "withdrawn"


# --- adding and inviting -----------------------------------------------------------------


def test_the_add_page_offers_only_this_organisations_members_not_yet_in(
    org, other_org, cohort, as_admin, mentee
):
    newcomer = make_person(org, name="Nina Newcomer")
    outsider = make_person(other_org, name="Otto Outsider")

    response = as_admin.get(reverse("cohort_participant_add", args=[org.slug, cohort.pk]))

    choices = list(response.context["add_form"].fields["people"].queryset)
    assert newcomer in choices
    assert outsider not in choices
    assert mentee.user not in choices


def test_adding_members_enrols_them(org, cohort, as_admin):
    people = [make_person(org), make_person(org)]
    response = as_admin.post(
        reverse("cohort_participant_add", args=[org.slug, cohort.pk]),
        {"people": [p.pk for p in people], "role": "mentor"},
    )
    assert response.status_code == 302
    assert set(cohort.participants.values_list("user_id", flat=True)) == {p.pk for p in people}


def test_a_person_of_another_organisation_cannot_be_posted(org, other_org, cohort, as_admin):
    outsider = make_person(other_org)
    response = as_admin.post(
        reverse("cohort_participant_add", args=[org.slug, cohort.pk]),
        {"people": [outsider.pk], "role": "mentee"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not cohort.participants.exists()


def test_a_full_cohort_says_so_next_to_the_form(org, as_admin):
    full = make_cohort(org, capacity=1)
    enrol(full)
    response = as_admin.post(
        reverse("cohort_participant_add", args=[org.slug, full.pk]),
        {"people": [make_person(org).pk], "role": "mentee"},
    )
    assert response.status_code == 400
    assert "is at capacity: it takes 1 mentors and mentees" in response.content.decode()


def test_inviting_by_email_creates_a_pending_enrolment(org, cohort, as_admin):
    response = as_admin.post(
        reverse("cohort_participant_invite", args=[org.slug, cohort.pk]),
        {"email": "fresh@example.org", "name": "Fresh Face", "role": "mentee"},
        follow=True,
    )
    assert "Invitation sent to fresh@example.org" in response.content.decode()
    pending = PendingEnrolment.objects.for_org(org).get()
    assert (pending.cohort, pending.invitation.name) == (cohort, "Fresh Face")


def test_inviting_a_bad_address_says_so_next_to_the_field(org, cohort, as_admin):
    response = as_admin.post(
        reverse("cohort_participant_invite", args=[org.slug, cohort.pk]),
        {"email": "not-an-address", "role": "mentee"},
    )
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert not Invitation.objects.for_org(org).exists()


# --- CSV import --------------------------------------------------------------------------


def _csv(text, name="people.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_bad_file_lists_every_bad_row_and_saves_nothing(org, cohort, as_admin):
    data = (
        "email,name,role\n"
        "ok@example.org,Ok,mentee\n"
        "bad,Bad,mentee\n"
        "x@example.org,X,captain\n"
        "ok@example.org,Ok again,mentor\n"
    )
    response = as_admin.post(
        reverse("cohort_import", args=[org.slug, cohort.pk]), {"file": _csv(data)}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was imported." in body
    assert [e.line for e in response.context["errors"]] == [3, 4, 5]
    assert "Unknown role “captain”" in body
    assert not cohort.participants.exists()
    assert not Invitation.objects.for_org(org).exists()


def test_a_good_file_shows_the_summary(org, cohort, as_admin):
    make_person(org, email="known@acme.example")
    data = "email,name,role\nknown@acme.example,Known,mentor\nnew@example.org,New,mentee\n"

    response = as_admin.post(
        reverse("cohort_import", args=[org.slug, cohort.pk]), {"file": _csv(data)}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "1 enrolled at once, 1 invited by e-mail." in body
    assert AuditEvent.objects.for_org(org).filter(action="participant.imported").count() == 1


def test_the_upload_is_required(org, cohort, as_admin):
    response = as_admin.post(reverse("cohort_import", args=[org.slug, cohort.pk]), {})
    assert response.status_code == 400
    assert "Choose a CSV file to import." in response.content.decode()


def test_the_example_csv_downloads_and_imports_cleanly(org, cohort, as_admin):
    response = as_admin.get(reverse("cohort_import_example", args=[org.slug, cohort.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().startswith("email,name,role,department,manager_email")


# --- intake status and reminders ---------------------------------------------------------


def test_the_intake_page_lists_who_has_not_finished(org, cohort, as_admin, mentee, mentor):
    competencies = make_competencies(org, "Cueing", "Regressions")
    services.mentor_intake_save(
        participant=mentor,
        competencies={competencies[0]: 4},
        capacity=2,
        availability=["mon-am"],
        time_zone="Europe/London",
    )
    response = as_admin.get(reverse("cohort_intake", args=[org.slug, cohort.pk]))
    people = [p.pk for p in response.context["page"].object_list]
    assert people == [mentee.pk]
    assert "Remind all (1)" in response.content.decode()


def test_remind_then_remind_again_says_already_reminded_today(org, cohort, as_admin, mentee):
    url = reverse("participant_remind", args=[org.slug, mentee.pk])

    first = as_admin.post(url, follow=True)
    second = as_admin.post(url, follow=True)

    assert f"Reminder on its way to {mentee.user}" in first.content.decode()
    assert "was already reminded today" in second.content.decode()
    assert Message.objects.for_org(org).filter(kind="intake_reminder").count() == 1
    assert "Reminded today" in second.content.decode()


def test_remind_all_reports_how_many(
    org, cohort, as_admin, mentee, mentor, django_capture_on_commit_callbacks
):
    url = reverse("cohort_intake_remind_all", args=[org.slug, cohort.pk])

    with django_capture_on_commit_callbacks(execute=True):  # the task runs after commit
        first = as_admin.post(url, follow=True)
    second = as_admin.post(url, follow=True)

    assert "Reminders are on their way to 2 people." in first.content.decode()
    assert "already reminded today" in second.content.decode()
    assert Message.objects.for_org(org).filter(kind="intake_reminder").count() == 2


def test_the_intake_page_query_budget_stays_flat(org, cohort, as_admin, mentee):
    def grow():
        for _ in range(3):
            services.intake_reminder_send(participant=enrol(cohort), by=None)
            enrol(cohort, role=Participant.Role.MENTOR)

    url = reverse("cohort_intake", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, url, grow=grow, n=14)


# --- one participant: readiness ----------------------------------------------------------


def test_the_admin_scores_a_mentors_readiness(org, as_admin, mentor):
    url = reverse("participant_readiness", args=[org.slug, mentor.pk])
    response = as_admin.post(
        url,
        {
            "coaching_aptitude": "5",
            "time_availability": "3",
            "domain_credibility": "4",
            "notes": "Great on the floor",
        },
    )
    assert response.status_code == 302
    readiness = MentorReadiness.objects.for_org(org).get(participant=mentor)
    assert (readiness.score, readiness.notes) == (4, "Great on the floor")
    assert AuditEvent.objects.for_org(org).filter(action="readiness.scored").exists()


def test_a_readiness_score_off_the_scale_is_refused_next_to_the_field(org, as_admin, mentor):
    response = as_admin.post(
        reverse("participant_readiness", args=[org.slug, mentor.pk]),
        {"coaching_aptitude": "9", "time_availability": "3", "domain_credibility": "4"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["coaching_aptitude"]
    assert not MentorReadiness.objects.for_org(org).exists()


def test_the_detail_page_shows_the_intake_and_its_query_budget_stays_flat(org, as_admin, mentee):
    competencies = make_competencies(org, "Cueing", "Regressions", "Rapport", "Flow")
    services.mentee_intake_save(
        participant=mentee,
        goals="Cue in three words",
        competencies={competencies[0]: 1},
        availability=["tue-pm"],
        time_zone="Europe/London",
    )
    url = reverse("participant_detail", args=[org.slug, mentee.pk])
    assert "Cue in three words" in as_admin.get(url).content.decode()

    def grow():
        services.mentee_intake_save(
            participant=mentee,
            goals="Cue in three words",
            competencies=dict.fromkeys(competencies, 2),
            availability=["tue-pm", "wed-am"],
            time_zone="Europe/London",
        )

    assert_flat_queries(as_admin, url, grow=grow, n=14)


# --- the participant's own pages ---------------------------------------------------------


def test_my_programs_shows_my_cohorts_and_next_steps(org, as_member, mentee, cohort):
    response = as_member.get(reverse("my_programs", args=[org.slug]))
    body = response.content.decode()
    assert cohort.name in body
    assert "Read and acknowledge the program&#x27;s charter" in body
    assert reverse("participant_charter", args=[org.slug, mentee.pk]) in body


def test_my_programs_has_an_empty_state(org, as_member):
    response = as_member.get(reverse("my_programs", args=[org.slug]))
    assert "You are not in a program yet" in response.content.decode()


def test_my_programs_query_budget_stays_flat(org, member, as_member, mentee):
    def grow():
        for _ in range(3):
            enrol(make_cohort(org), user=member, role=Participant.Role.MENTOR)

    assert_flat_queries(as_member, reverse("my_programs", args=[org.slug]), grow=grow, n=10)


def test_the_intake_waits_for_the_charter(org, as_member, mentee):
    intake_url = reverse("participant_intake", args=[org.slug, mentee.pk])
    charter_url = reverse("participant_charter", args=[org.slug, mentee.pk])

    assert as_member.get(intake_url).url == charter_url
    refused = as_member.post(charter_url, {}, follow=True)
    assert "Tick the box" in refused.content.decode()
    accepted = as_member.post(charter_url, {"accept": "yes"})

    assert accepted.url == intake_url
    assert CharterAcknowledgement.objects.for_org(org).filter(user=mentee.user).exists()
    assert as_member.get(intake_url).status_code == 200


@pytest.fixture
def acknowledged(mentee):
    services.participant_charter_acknowledge(participant=mentee)
    return mentee


def test_an_empty_mentee_intake_shows_each_message_next_to_its_field(org, as_member, acknowledged):
    make_competencies(org, "Cueing")
    response = as_member.post(reverse("participant_intake", args=[org.slug, acknowledged.pk]), {})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["goals"] == ["Say in a sentence or two what you want to grow."]
    assert errors["competencies"] == ["Choose at least one competency."]
    assert errors["availability"] == ["Tick at least one time of the week."]
    body = response.content.decode()
    assert 'id="id_availability_error"' in body
    assert 'aria-describedby="id_competencies_error' in body


def test_a_mentee_fills_in_the_intake_and_can_edit_it(org, other_org, as_member, acknowledged):
    cueing, regressions = make_competencies(org, "Cueing", "Regressions")
    [theirs] = make_competencies(other_org, "Theirs")
    url = reverse("participant_intake", args=[org.slug, acknowledged.pk])
    data = {
        "goals": "Run a session on my own",
        f"competencies-{cueing.pk}": "1",
        f"competencies-{regressions.pk}": "3",
        f"competencies-{theirs.pk}": "1",  # not offered: ignored
        "availability": ["mon-am", "thu-eve"],
        "time_zone": "Europe/London",
        "learning_style": "observe",
        "preferred_format": "one_to_one",
    }

    response = as_member.post(url, data)

    assert response.status_code == 302
    intake = MenteeIntake.objects.for_org(org).get(participant=acknowledged)
    assert intake.completed_at is not None
    assert intake.availability == ["mon-am", "thu-eve"]
    assert {(g.competency, g.priority) for g in intake.goal_items.all()} == {
        (cueing, 1),
        (regressions, 3),
    }
    page = as_member.get(url).content.decode()
    assert 'value="thu-eve" id="id_availability_thu_eve" checked' in page
    assert "Save changes" in page


def test_the_availability_grid_is_labelled_for_screen_readers(org, as_member, acknowledged):
    make_competencies(org, "Cueing")
    body = as_member.get(
        reverse("participant_intake", args=[org.slug, acknowledged.pk])
    ).content.decode()
    assert '<label class="people-slot" for="id_availability_tue_am">' in body
    assert '<span class="sr-only">Tuesday morning</span>' in body
    assert "<legend>When are you available?" in body


def test_the_time_zone_defaults_to_the_organisations(org, as_member, acknowledged):
    org.time_zone = "Africa/Nairobi"
    org.save()
    response = as_member.get(reverse("participant_intake", args=[org.slug, acknowledged.pk]))
    assert response.context["form"]["time_zone"].value() == "Africa/Nairobi"


def test_the_mentor_intake_uses_the_organisations_level_names(org, cohort):
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    services.participant_charter_acknowledge(participant=mentor)
    [cueing] = make_competencies(org, "Cueing")
    CompetencyLevel.objects.create(organization=org, value=4, name="Coach of coaches")
    client = client_for(mentor.user)
    url = reverse("participant_intake", args=[org.slug, mentor.pk])

    page = client.get(url).content.decode()
    assert "4 · Coach of coaches" in page
    assert "5 · Expert" in page  # the default name where the scale has none

    response = client.post(
        url,
        {
            f"competencies-{cueing.pk}": "4",
            "capacity": "3",
            "availability": ["tue-am"],
            "time_zone": "Europe/London",
            "formats": ["one_to_one", "micro"],
            "coaching_styles": ["hands_on"],
        },
    )
    assert response.status_code == 302
    assert mentor.mentor_intake.offers.get().level == 4


def test_a_facilitator_is_told_there_is_no_intake(org, cohort):
    facilitator = enrol(cohort, role=Participant.Role.FACILITATOR)
    services.participant_charter_acknowledge(participant=facilitator)
    response = client_for(facilitator.user).get(
        reverse("participant_intake", args=[org.slug, facilitator.pk])
    )
    assert response.status_code == 200
    assert "No intake for facilitators" in response.content.decode()
