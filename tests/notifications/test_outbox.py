"""The outbox: a message is a row with a unique key before it is an e-mail, so however often
a task runs, is retried or swept, a person gets it once. Tasks run in-process here."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import IntegrityError
from django.utils import timezone

from mentorship.notifications import tasks
from mentorship.notifications.models import Message, MessageQuerySet
from mentorship.notifications.services import MAX_ATTEMPTS, message_deliver, message_queue
from mentorship.tenancy.scoping import UnscopedQueryError
from tests.factories import MessageFactory

BACKEND = "tests.notifications.test_outbox"


class AlwaysFailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server said no")


class FailsOnceBackend(LocmemBackend):
    """Fails the first send after ``reset()``, then delivers to ``mail.outbox``."""

    failures_left = 1

    @classmethod
    def reset(cls):
        cls.failures_left = 1

    def send_messages(self, messages):
        if FailsOnceBackend.failures_left:
            FailsOnceBackend.failures_left -= 1
            raise ConnectionResetError("connection dropped")
        return super().send_messages(messages)


def queue(org, **overrides):
    fields = {
        "organization": org,
        "kind": "reminder",
        "subject_key": "session:7",
        "recipient_email": "Mia@Example.org",
        "subject": "Your session tomorrow",
        "body": "See you at 10:00.",
        "period": "2026-03-01",
    }
    return message_queue(**{**fields, **overrides})


# --- message_queue -------------------------------------------------------------------------


def test_queue_stores_a_pending_row_and_enqueues_delivery_on_commit(
    org, django_capture_on_commit_callbacks
):
    with mock.patch.object(tasks.deliver_message, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            message, created = queue(org)
        assert created
        assert len(callbacks) == 1
        delay.assert_called_once_with(org.pk, message.pk)
    assert (message.status, message.attempts, message.recipient_email) == (
        Message.Status.PENDING,
        0,
        "mia@example.org",
    )


def test_queue_is_idempotent_on_its_key(org, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.deliver_message, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            first, _ = queue(org)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            again, created = queue(org, recipient_email="MIA@example.org", body="changed")

    assert (again, created) == (first, False)
    assert callbacks == []
    assert delay.call_count == 1
    assert Message.objects.for_org(org).count() == 1
    assert Message.objects.for_org(org).get().body == "See you at 10:00."


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "nudge"},
        {"subject_key": "session:8"},
        {"recipient_email": "leo@example.org"},
        {"period": "2026-03-02"},
    ],
    ids=["kind", "subject", "recipient", "period"],
)
def test_another_key_is_another_message(change, org):
    queue(org)
    _, created = queue(org, **change)
    assert created
    assert Message.objects.for_org(org).count() == 2


def test_the_same_key_in_another_organisation_is_another_message(org, other_org):
    queue(org)
    _, created = queue(other_org)
    assert created


def test_a_racing_duplicate_returns_the_stored_row(org):
    """Two callers pass the existence check at once; the unique key decides, quietly."""
    first, _ = queue(org)
    with mock.patch.object(MessageQuerySet, "first", return_value=None):
        again, created = queue(org)
    assert (again, created) == (first, False)


def test_the_unique_key_is_in_the_database(org):
    first, _ = queue(org)
    with pytest.raises(IntegrityError):
        Message.objects.create(
            organization=org,
            kind=first.kind,
            subject_key=first.subject_key,
            recipient_email=first.recipient_email,
            period=first.period,
            subject="x",
            body="y",
        )


# --- message_deliver -----------------------------------------------------------------------


def test_deliver_sends_once(org):
    message, _ = queue(org)

    message_deliver(organization=org, message_id=message.pk)
    message_deliver(organization=org, message_id=message.pk)

    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (
        ["mia@example.org"],
        "Your session tomorrow",
        "See you at 10:00.",
    )
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Message.Status.SENT, 1, "")
    assert message.sent_at is not None


def test_deliver_records_a_failure_and_raises(org, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.AlwaysFailingBackend"
    message, _ = queue(org)

    with pytest.raises(ConnectionRefusedError):
        message_deliver(organization=org, message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 1)
    assert message.last_error == "ConnectionRefusedError: SMTP server said no"
    assert message.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message_deliver(organization=org, message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Message.Status.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_deliver_gives_up_after_the_last_attempt(org, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.AlwaysFailingBackend"
    message, _ = queue(org)
    Message.objects.for_org(org).filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)

    with pytest.raises(ConnectionRefusedError):
        message_deliver(organization=org, message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.GAVE_UP, MAX_ATTEMPTS)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message_deliver(organization=org, message_id=message.pk)
    assert mail.outbox == []


def test_deliver_is_scoped_to_the_organisation_it_is_given(org, other_org):
    message, _ = queue(org)
    with pytest.raises(Message.DoesNotExist):
        message_deliver(organization=other_org, message_id=message.pk)
    assert mail.outbox == []


def test_the_outbox_is_a_guarded_tenant_table(org):
    queue(org)
    with pytest.raises(UnscopedQueryError):
        Message.objects.count()


# --- the task, retried in-process ------------------------------------------------------------


def test_the_task_retries_after_a_failure_and_sends_exactly_one_email(
    org, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{BACKEND}.FailsOnceBackend"
    FailsOnceBackend.reset()

    with django_capture_on_commit_callbacks(execute=True):
        message, _ = queue(org)

    message.refresh_from_db()
    assert len(mail.outbox) == 1
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    # Run again, as a redelivered task would: still one e-mail.
    tasks.deliver_message.delay(org.pk, message.pk)
    assert len(mail.outbox) == 1


def test_a_retry_is_queued_with_the_organisations_id_not_the_organisation(org):
    """The task receives the Organization; what a retry would re-queue is its id again."""
    seen = {}

    def record(*, organization, message_id):
        seen["organization"] = organization
        seen["request_args"] = tuple(tasks.deliver_message.request.args)

    with mock.patch.object(tasks, "message_deliver", side_effect=record):
        tasks.deliver_message.delay(org.pk, 7)
    assert seen == {"organization": org, "request_args": (org.pk, 7)}


def test_the_task_is_configured_to_retry_with_backoff_and_ack_late():
    task = tasks.deliver_message
    assert task.autoretry_for == (Exception,)
    assert task.retry_backoff == 2
    assert task.acks_late is True
    assert task.max_retries == MAX_ATTEMPTS - 1
    assert task.name == "notifications.deliver_message"


# --- the sweep -----------------------------------------------------------------------------


def _stored(org, key, status=Message.Status.PENDING, age=timedelta(minutes=10), attempts=0):
    message = MessageFactory(
        organization=org,
        subject_key=key,
        recipient_email="mia@example.org",
        subject=f"About {key}",
        status=status,
        attempts=attempts,
    )
    Message.objects.for_org(org).filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


def test_the_sweep_re_enqueues_stale_undelivered_messages_of_every_organisation(org, other_org):
    stale = _stored(org, "stale")
    failed = _stored(other_org, "failed", status=Message.Status.FAILED, attempts=2)
    _stored(org, "fresh", age=timedelta(seconds=10))
    _stored(org, "sent", status=Message.Status.SENT)
    _stored(org, "gave-up", status=Message.Status.GAVE_UP, attempts=MAX_ATTEMPTS)
    _stored(org, "exhausted", status=Message.Status.FAILED, attempts=MAX_ATTEMPTS)

    with mock.patch.object(tasks.deliver_message, "delay") as delay:
        assert tasks.sweep_pending_messages() == 2

    assert sorted(c.args for c in delay.call_args_list) == sorted(
        [(org.pk, stale.pk), (other_org.pk, failed.pk)]
    )


def test_the_sweep_delivers_what_the_broker_missed(org):
    stale = _stored(org, "stale")
    assert tasks.sweep_pending_messages.delay().get() == 1
    stale.refresh_from_db()
    assert stale.status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert tasks.sweep_pending_messages() == 0


def test_a_broker_outage_does_not_break_the_write(org, django_capture_on_commit_callbacks):
    down = mock.patch.object(tasks.deliver_message, "delay", side_effect=OSError("redis down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        message, created = queue(org)
    assert created
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING  # the sweep will pick it up
