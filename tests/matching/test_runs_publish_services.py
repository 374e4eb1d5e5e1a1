"""Publishing a run once, every side told once, and the rules checked again first."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from matching.models import (
    MatchRun,
    Pairing,
)
from matching.services.exclusions import exclusion_create
from matching.services.publish import matchrun_publish
from matching.services.review import proposal_set_status
from matching.services.run import matchrun_start
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent
from tests.matching.factories import (
    matching_cohort,
)

pytestmark = pytest.mark.django_db


def _errors(exc):
    return " ".join(exc.value.messages)


# --- publish -------------------------------------------------------------------------------


def test_publish_creates_pending_pairings_and_mails_each_side_once(
    org, admin, django_capture_on_commit_callbacks
):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=3)
    run = matchrun_start(cohort=cohort, by=admin)
    rejected = run.proposals.filter(mentor__isnull=False).first()
    proposal_set_status(proposal=rejected, status="rejected", by=admin)

    with django_capture_on_commit_callbacks(execute=True):
        run, pairings = matchrun_publish(run=run, by=admin)
    with django_capture_on_commit_callbacks(execute=True):
        again, none = matchrun_publish(run=run, by=admin)

    assert run.status == MatchRun.Status.PUBLISHED and none == []
    assert len(pairings) == 2
    assert all(p.status == Pairing.Status.PENDING and p.accept_by for p in pairings)
    assert Pairing.objects.for_org(org).count() == 2
    assert Message.objects.for_org(org).count() == 4
    assert len(mail.outbox) == 4
    keys = {m.subject_key for m in Message.objects.for_org(org)}
    assert keys == {f"pairing:{p.pk}" for p in pairings}
    assert AuditEvent.objects.for_org(org).filter(action="matchrun.published").count() == 1


def test_a_run_with_nothing_to_publish_is_refused(org, admin):
    cohort, *_ = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    for p in run.proposals.all():
        proposal_set_status(proposal=p, status="rejected", by=admin)
    with pytest.raises(ValidationError) as error:
        matchrun_publish(run=run, by=admin)
    assert "Nothing to publish" in _errors(error)
    assert not Pairing.objects.for_org(org).exists()


# --- publishing checks the rules again (M2) ---------------------------------------------


def _publish_refused(run, admin):
    with pytest.raises(ValidationError) as error:
        matchrun_publish(run=run, by=admin)
    assert not Pairing.objects.for_org(run.organization).filter(run=run).exists()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.REVIEW
    return _errors(error)


def test_publishing_refuses_a_person_withdrawn_since_the_run(org, admin):
    from programs.services.enrolment import participant_withdraw  # noqa: PLC0415

    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=2)
    run = matchrun_start(cohort=cohort, by=admin)
    participant_withdraw(participant=mentees[0], by=admin)

    errors = _publish_refused(run, admin)
    assert "no longer active in the cohort" in errors
    assert "Nothing was published" in errors


def test_publishing_refuses_an_exclusion_added_since_the_run(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    exclusion_create(organization=org, mentee=mentees[0].user, mentor=mentors[0].user, by=admin)
    errors = _publish_refused(run, admin)
    assert mentees[0].user.name in errors and mentors[0].user.name in errors


def test_publishing_refuses_a_mentor_filled_since_the_run(org, admin):
    from matching.services import topic_mentors  # noqa: PLC0415

    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=3, capacity=2)
    run = matchrun_start(cohort=cohort, by=admin)
    matched = run.proposals.filter(mentor__isnull=False)
    assert matched.count() == 2
    # The unmatched mentee gets the mentor as a topic mentor meanwhile: one place left.
    left_out = run.proposals.get(mentor__isnull=True).mentee
    topic_mentors.topic_mentor_add(mentee=left_out, mentor=mentors[0], topic=comps[0], by=admin)
    errors = _publish_refused(run, admin)
    assert "would have 2 new mentees but has 1 place left" in errors
