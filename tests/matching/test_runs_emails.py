"""matching.emails: declared kinds, their templates, and the one new-pairing e-mail."""

import pytest
from django.template.loader import get_template

from matching.emails import PAIRING_OFFERED
from matching.services.notify import pairing_offered_notify
from mentorship.notifications.emails import KINDS, declare
from mentorship.notifications.models import Message

from .factories import PairingFactory, make_cohort, make_competencies


def test_matching_declares_its_kinds_with_their_templates():
    kinds = [kind for kind in KINDS.values() if kind.app == "matching"]
    assert len(kinds) >= 7, "matching declares its e-mail kinds"
    for kind in kinds:
        for name in kind.templates():
            get_template(name)


def test_a_kind_without_the_prefix_or_declared_twice_is_refused():
    with pytest.raises(ValueError):
        declare("pairing_published", "no prefix", category="matching")
    with pytest.raises(ValueError):
        declare(PAIRING_OFFERED.kind, "twice", category="matching")


@pytest.mark.django_db
def test_the_new_pairing_email_tells_each_side_once_with_why(org, settings):
    settings.SITE_URL = "https://mentor.example"
    pairing = PairingFactory(
        mentee__cohort=make_cohort(org),
        status="pending",
        components=[["competency", "Competency fit", 4.0, 0.9, "Listening: offers 4 for 3"]],
    )
    pairing_offered_notify(pairing=pairing)
    pairing_offered_notify(pairing=pairing)
    messages = Message.objects.for_org(org).filter(kind="matching.pairing_offered")
    assert messages.count() == 2
    to_mentor = messages.get(recipient=pairing.mentor.user)
    to_mentee = messages.get(recipient=pairing.mentee.user)
    assert to_mentor.subject.startswith("New mentee: ")
    assert "accept or decline" in to_mentor.body
    assert f"https://mentor.example/o/{org.slug}/me/mentoring/" in to_mentor.body
    assert "Why you were matched:" in to_mentor.body and "Listening" in to_mentor.body
    assert to_mentee.subject.startswith("Your mentor: ")


@pytest.mark.django_db
def test_a_topic_mentor_is_named_so(org):
    topic = make_competencies(org, "Feedback")[0]
    pairing = PairingFactory(
        mentee__cohort=make_cohort(org), status="pending", kind="topic", topic=topic
    )
    pairing_offered_notify(pairing=pairing)
    subjects = set(Message.objects.for_org(org).values_list("subject", flat=True))
    assert any("topic mentor for Feedback" in s for s in subjects)


@pytest.mark.django_db
def test_the_migration_renames_stored_pairing_published_rows(org):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("matching.migrations.0006_message_kind_pairing_offered")
    Message.objects.create(
        organization=org,
        kind="pairing_published",
        subject_key="pairing:1",
        recipient_email="a@example.com",
        subject="New mentee",
        body="",
    )
    migration.forwards(apps, None)
    assert list(Message.objects.for_org(org).values_list("kind", flat=True)) == [
        "matching.pairing_offered"
    ]
