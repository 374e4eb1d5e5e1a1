"""A participant's page with readiness, and the participant's own pages: My programs, the
charter and the intake."""

import pytest
from django.urls import reverse

from mentorship.tenancy.models import AuditEvent
from programs.models import (
    CharterAcknowledgement,
    CompetencyLevel,
    MenteeIntake,
    MentorReadiness,
    Participant,
)
from programs.services import intake as intake_services
from tests.programs.factories import acknowledged as with_charter
from tests.programs.factories import (
    client_for,
    enrol,
    make_cohort,
    make_competencies,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


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
    intake_services.mentee_intake_save(
        participant=with_charter(mentee),
        goals="Cue in three words",
        competencies={competencies[0]: 1},
        availability=["tue-pm"],
        time_zone="Europe/London",
    )
    url = reverse("participant_detail", args=[org.slug, mentee.pk])
    assert "Cue in three words" in as_admin.get(url).content.decode()

    def grow():
        intake_services.mentee_intake_save(
            participant=with_charter(mentee),
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
    intake_services.participant_charter_acknowledge(participant=mentee)
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
    intake_services.participant_charter_acknowledge(participant=mentor)
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
    intake_services.participant_charter_acknowledge(participant=facilitator)
    response = client_for(facilitator.user).get(
        reverse("participant_intake", args=[org.slug, facilitator.pk])
    )
    assert response.status_code == 200
    assert "No intake for facilitators" in response.content.decode()


def test_the_mentee_intake_form_query_budget_stays_flat(org, as_member, acknowledged):
    rounds = iter(range(100))

    def grow():
        round_ = next(rounds)
        make_competencies(org, f"Skill {round_}a", f"Skill {round_}b")

    url = reverse("participant_intake", args=[org.slug, acknowledged.pk])
    assert_flat_queries(as_member, url, grow=grow, n=10)


def test_the_mentor_intake_form_query_budget_stays_flat(org, cohort):
    mentor = with_charter(enrol(cohort, role=Participant.Role.MENTOR))
    rounds = iter(range(100))

    def grow():
        round_ = next(rounds)
        make_competencies(org, f"Skill {round_}a", f"Skill {round_}b")

    url = reverse("participant_intake", args=[org.slug, mentor.pk])
    assert_flat_queries(client_for(mentor.user), url, grow=grow, n=10)


def test_the_charter_page_query_budget_stays_flat(org, cohort, as_member, mentee):
    url = reverse("participant_charter", args=[org.slug, mentee.pk])
    assert_flat_queries(as_member, url, grow=lambda: (enrol(cohort), enrol(cohort)), n=7)


def test_the_readiness_address_sends_a_get_to_the_participant_within_its_budget(
    org, cohort, as_admin, mentor
):
    url = reverse("participant_readiness", args=[org.slug, mentor.pk])
    assert as_admin.get(url).url == reverse("participant_detail", args=[org.slug, mentor.pk])
    assert_flat_queries(
        as_admin,
        url,
        grow=lambda: (enrol(cohort), enrol(cohort)),
        n=6,
        expected_status=302,
    )
