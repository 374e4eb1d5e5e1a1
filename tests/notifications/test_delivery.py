"""Sending the outbox (B6): claim, commit, send, mark. A claim is a committed row, so a dead
worker's claim is taken again after NUDGE_CLAIM_TIMEOUT, with the same Message-ID; headers of
RFC 8058 on every switchable e-mail; backoff after a failure and giving up after
MAX_ATTEMPTS; one organisation's task never sends another's rows; on PostgreSQL, two
connections claiming at once take different rows (SKIP LOCKED). Tasks run in-process."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from mentorship.notifications import delivery, tasks
from mentorship.notifications.delivery import (
    claim_timeout,
    deliver_due,
    email_of,
    message_deliver,
    messages_claim,
    organizations_with_due_messages,
    retry_delay,
)
from mentorship.notifications.models import Message
from mentorship.notifications.services import MAX_ATTEMPTS, message_queue
from mentorship.notifications.tokens import unsubscribe_read
from mentorship.tenancy.scoping import UnscopedQueryError
from tests.utils import require_service

BACKEND = "tests.notifications.test_delivery"


class AlwaysFailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server said no")


class UnreachableBackend(LocmemBackend):
    def open(self):
        raise ConnectionRefusedError("no server on port 25")


def queue(org, n=1, *, user=None, **overrides):
    fields = {
        "organization": org,
        "kind": "tests.reminder",
        "subject_key": f"thing:{n}",
        "recipient_email": user.email if user else f"person{n}@example.org",
        "recipient": user,
        "subject": f"About thing {n}",
        "body": f"The body of {n}.",
        "category": "sessions",
        "unsubscribable": user is not None,
    }
    return message_queue(**{**fields, **overrides})[0]


def reload(message):
    message.refresh_from_db()
    return message


# --- claim, commit, send, mark ---------------------------------------------------------------


def test_a_claim_is_written_and_another_worker_cannot_take_it(org):
    first, second = queue(org, 1), queue(org, 2)

    claimed = messages_claim(organization=org, token="worker-a")

    assert [m.pk for m in claimed] == [first.pk, second.pk]
    assert {(m.claimed_by, m.status) for m in claimed} == {("worker-a", Message.Status.PENDING)}
    assert all(m.claimed_at is not None for m in claimed)
    assert messages_claim(organization=org, token="worker-b") == []
    assert mail.outbox == []


def test_deliver_sends_each_once_and_marks_them_sent(org):
    for n in range(3):
        queue(org, n)

    assert deliver_due(organization=org) == (3, 0)
    assert deliver_due(organization=org) == (0, 0)

    assert sorted(e.to[0] for e in mail.outbox) == [f"person{n}@example.org" for n in range(3)]
    rows = Message.objects.for_org(org)
    assert {(m.status, m.attempts, m.claimed_by, m.claimed_at) for m in rows} == {
        (Message.Status.SENT, 1, "", None)
    }
    assert all(m.sent_at is not None for m in rows)


def test_deliver_goes_batch_by_batch(org, monkeypatch):
    monkeypatch.setattr(delivery, "BATCH", 2)
    for n in range(5):
        queue(org, n)
    with mock.patch.object(delivery, "messages_claim", wraps=delivery.messages_claim) as claim:
        assert deliver_due(organization=org) == (5, 0)
    assert claim.call_count == 4  # 2 + 2 + 1, then an empty claim ends it
    assert len(mail.outbox) == 5


def test_a_mark_by_a_worker_whose_claim_was_retaken_changes_nothing(org):
    message = queue(org)
    [mine] = messages_claim(organization=org, token="worker-a")
    later = timezone.now() + claim_timeout() + timedelta(seconds=1)
    [retaken] = messages_claim(organization=org, token="worker-b", now=later)
    assert delivery.message_sent(mine, token="worker-a") == 0
    assert reload(message).status == Message.Status.PENDING
    assert delivery.message_sent(retaken, token="worker-b") == 1
    assert reload(message).status == Message.Status.SENT


def test_a_dead_workers_claim_is_taken_again_after_the_timeout_with_the_same_message_id(org):
    message = queue(org)
    [claimed] = messages_claim(organization=org, token="killed-worker")
    # It was sending when it died: the server may have accepted the e-mail; the row says
    # nothing of it. Until the timeout nobody takes it again...
    first_attempt = email_of(claimed).message()
    just_before = timezone.now() + claim_timeout() - timedelta(seconds=1)
    assert messages_claim(organization=org, token="next-worker", now=just_before) == []

    # ...then another worker does, and sends the same message.
    with mock.patch.object(
        timezone, "now", return_value=timezone.now() + claim_timeout() + timedelta(seconds=1)
    ):
        assert deliver_due(organization=org, token="next-worker") == (1, 0)

    [sent] = mail.outbox
    assert sent.message()["Message-ID"] == first_attempt["Message-ID"] == message.message_id
    assert message.message_id == f"<nudge-{org.pk}-{message.pk}@localhost>"
    assert (reload(message).status, message.attempts) == (Message.Status.SENT, 1)


def test_the_message_id_is_the_rows_on_every_attempt(org, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.AlwaysFailingBackend"
    message = queue(org)
    with pytest.raises(ConnectionRefusedError):
        message_deliver(organization=org, message_id=message.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Message.objects.for_org(org).filter(pk=message.pk).update(not_before=None)
    message_deliver(organization=org, message_id=message.pk)
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert reload(message).attempts == 2


# --- headers ---------------------------------------------------------------------------------


def test_a_switchable_email_carries_the_one_click_unsubscribe_link_and_headers(org, member):
    message = queue(org, user=member, category="plans")
    deliver_due(organization=org)
    [sent] = mail.outbox
    headers = sent.message()
    link = headers["List-Unsubscribe"]
    assert link.startswith("<http") and link.endswith(">")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = link.strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_read(token) == (org.pk, member.pk, "plans")
    assert link.strip("<>") in sent.body  # and in the text, for every mail program
    assert headers["Message-ID"] == message.message_id


def test_a_required_email_has_no_unsubscribe(org, member):
    queue(org, user=member, category="account", unsubscribable=False)
    deliver_due(organization=org)
    [sent] = mail.outbox
    headers = sent.message()
    assert headers["List-Unsubscribe"] is None
    assert headers["List-Unsubscribe-Post"] is None
    assert "Stop these e-mails" not in sent.body
    assert headers["Message-ID"]


def test_an_address_without_an_account_has_no_unsubscribe(org):
    queue(org, unsubscribable=True)  # no recipient: nobody to switch it off for
    deliver_due(organization=org)
    assert mail.outbox[0].message()["List-Unsubscribe"] is None


# --- failures --------------------------------------------------------------------------------


def test_a_failed_send_is_tried_again_after_its_backoff(org, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.AlwaysFailingBackend"
    message = queue(org)
    start = timezone.now()

    assert deliver_due(organization=org) == (0, 1)

    message = reload(message)
    assert (message.status, message.attempts, message.claimed_by) == (
        Message.Status.FAILED,
        1,
        "",
    )
    assert message.last_error == "ConnectionRefusedError: SMTP server said no"
    assert start + retry_delay(1) <= message.not_before <= timezone.now() + retry_delay(1)
    assert deliver_due(organization=org) == (0, 0)  # not due yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mock.patch.object(timezone, "now", return_value=message.not_before):
        assert deliver_due(organization=org) == (1, 0)
    assert (reload(message).status, message.attempts) == (Message.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_the_backoff_doubles_up_to_an_hour(settings):
    settings.NUDGE_RETRY_SECONDS = 30
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10)] == [30, 60, 120, 240, 3600]


def test_it_gives_up_after_the_last_attempt(org, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.AlwaysFailingBackend"
    message = queue(org)
    Message.objects.for_org(org).filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)

    assert deliver_due(organization=org) == (0, 1)

    message = reload(message)
    assert (message.status, message.attempts, message.not_before) == (
        Message.Status.GAVE_UP,
        MAX_ATTEMPTS,
        None,
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_due(organization=org) == (0, 0)
    assert organizations_with_due_messages() == []
    assert mail.outbox == []


def test_an_unreachable_server_releases_the_batch_with_backoff(org, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.UnreachableBackend"
    for n in range(3):
        queue(org, n)
    assert deliver_due(organization=org) == (0, 3)
    rows = Message.objects.for_org(org)
    assert {(m.status, m.attempts, m.claimed_by) for m in rows} == {(Message.Status.FAILED, 1, "")}
    assert all(m.not_before > timezone.now() for m in rows)


def test_the_task_retries_when_the_first_failed_email_may_be_tried_again(org, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.AlwaysFailingBackend"
    settings.NUDGE_RETRY_SECONDS = 7
    queue(org)
    retry = mock.patch.object(tasks.deliver_due, "retry", side_effect=Retry("again"))
    with retry as retry, pytest.raises(Retry):
        tasks.deliver_due.run(org)
    [call] = retry.call_args_list
    assert 6 <= call.kwargs["countdown"] <= 8


def test_the_task_does_not_retry_when_all_went(org):
    queue(org)
    with mock.patch.object(tasks.deliver_due, "retry") as retry:
        assert tasks.deliver_due.run(org) == (1, 0)
    retry.assert_not_called()


def test_the_task_retries_with_backoff_and_acknowledges_late():
    task = tasks.deliver_due
    assert (task.acks_late, task.autoretry_for, task.retry_backoff) == (True, (Exception,), 2)
    assert task.name == "notifications.deliver_due"


# --- organisations ---------------------------------------------------------------------------


def test_one_organisations_task_never_sends_another_organisations_rows(org, other_org):
    ours, theirs = queue(org, 1), queue(other_org, 2)

    tasks.deliver_due.delay(org.pk)

    assert [e.to for e in mail.outbox] == [["person1@example.org"]]
    assert reload(ours).status == Message.Status.SENT
    assert reload(theirs).status == Message.Status.PENDING
    assert messages_claim(organization=org, token="x") == []
    with pytest.raises(Message.DoesNotExist):
        message_deliver(organization=org, message_id=theirs.pk)


def test_the_outbox_is_a_guarded_tenant_table(org):
    queue(org)
    with pytest.raises(UnscopedQueryError):
        Message.objects.count()


def test_the_delivery_sweep_queues_one_task_per_organisation_with_due_rows(org, other_org):
    queue(org, 1)
    queue(org, 2)
    queue(other_org, 3)
    sent = queue(org, 4)
    Message.objects.for_org(org).filter(pk=sent.pk).update(status=Message.Status.SENT)
    later = queue(other_org, 5, not_before=timezone.now() + timedelta(hours=1))
    assert later.not_before is not None

    with mock.patch.object(tasks.deliver_due, "delay") as delay:
        assert tasks.sweep_deliveries() == 2
    assert sorted(c.args for c in delay.call_args_list) == sorted([(org.pk,), (other_org.pk,)])


def test_the_sweep_sends_what_the_broker_missed(org, other_org):
    down = mock.patch.object(tasks.deliver_due, "delay", side_effect=OSError("redis down"))
    with down, transaction.atomic():
        queue(org, 1)
        queue(other_org, 2)
    assert mail.outbox == []
    assert tasks.sweep_deliveries.delay().get() == 2
    assert len(mail.outbox) == 2
    assert tasks.sweep_deliveries() == 0


def test_a_stored_email_queues_its_delivery_after_commit(org, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.deliver_due, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            queue(org)
            delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(org.pk)


def test_an_email_waiting_for_quiet_hours_is_not_sent_before_them(org):
    message = queue(org, not_before=timezone.now() + timedelta(hours=2))
    assert deliver_due(organization=org) == (0, 0)
    with mock.patch.object(timezone, "now", return_value=message.not_before):
        assert deliver_due(organization=org) == (1, 0)


# --- PostgreSQL: SKIP LOCKED -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_connections_claiming_at_once_take_different_rows(org):
    require_service("PostgreSQL", connection.vendor == "postgresql", "SKIP LOCKED needs PostgreSQL")
    with mock.patch.object(tasks.deliver_due, "delay"):  # committed at once: no eager send
        rows = [queue(org, n) for n in range(2 * delivery.BATCH)]
    other = {}

    def claim_in_another_connection():
        try:
            other["claimed"] = messages_claim(organization=org, token="worker-b")
        finally:
            connections.close_all()

    with transaction.atomic():
        # Worker A has locked its rows and not yet committed its claim.
        locked = list(
            Message.objects.for_org(org)
            .due(timezone.now(), claim_timeout())
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: delivery.BATCH]
        )
        thread = threading.Thread(target=claim_in_another_connection)
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the second claim waited for the first's locks"

    claimed_by_b = [m.pk for m in other["claimed"]]
    assert locked == [m.pk for m in rows[: delivery.BATCH]]
    assert claimed_by_b == [m.pk for m in rows[delivery.BATCH :]]
    assert set(locked).isdisjoint(claimed_by_b)


# --- the outbox's key (from the per-message design's tests, still true) ----------------------


def test_the_same_key_is_one_row_whatever_the_case_of_the_address(org):
    first = queue(org, 1, recipient_email="Mia@Example.org")
    again, created = message_queue(
        organization=org,
        kind="tests.reminder",
        subject_key="thing:1",
        recipient_email="MIA@example.org",
        subject="changed",
        body="changed",
    )
    assert (again, created) == (first, False)
    assert first.recipient_email == "mia@example.org"
    assert Message.objects.for_org(org).get().body == "The body of 1."


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "tests.other"},
        {"subject_key": "thing:2"},
        {"recipient_email": "leo@example.org"},
        {"period": "2026-03-02"},
    ],
    ids=["kind", "subject", "recipient", "period"],
)
def test_another_key_is_another_row(org, change):
    queue(org, 1)
    fields = {
        "organization": org,
        "kind": "tests.reminder",
        "subject_key": "thing:1",
        "recipient_email": "person1@example.org",
        "subject": "s",
        "body": "b",
        **change,
    }
    assert message_queue(**fields)[1] is True
    assert Message.objects.for_org(org).count() == 2


def test_a_racing_duplicate_returns_the_stored_row(org):
    first = queue(org, 1)
    with mock.patch("mentorship.notifications.models.MessageQuerySet.first", return_value=None):
        again = queue(org, 1)
    assert again == first
    assert Message.objects.for_org(org).count() == 1


def test_the_unique_key_is_in_the_database(org):
    first = queue(org, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            organization=org,
            kind=first.kind,
            subject_key=first.subject_key,
            recipient_email=first.recipient_email,
            period=first.period,
            subject="x",
            body="y",
        )


def test_a_retry_is_queued_with_the_organisations_id_not_the_organisation(org):
    seen = {}

    def record(*, organization):
        seen["organization"] = organization
        seen["request_args"] = tuple(tasks.deliver_due.request.args)
        return (0, 0)

    with mock.patch.object(tasks.delivery, "deliver_due", side_effect=record):
        tasks.deliver_due.delay(org.pk)
    assert seen == {"organization": org, "request_args": (org.pk,)}


def test_the_delivery_sweep_reads_one_row_per_organisation(org, other_org):
    for n in range(4):
        queue(org, n)
    queue(other_org, 9)
    assert sorted(organizations_with_due_messages()) == sorted([org.pk, other_org.pk])


@pytest.mark.django_db(transaction=True)
def test_delivery_does_not_wait_for_the_disk_and_restores_the_setting_after(org):
    require_service("PostgreSQL", connection.vendor == "postgresql", "a PostgreSQL setting")

    def synchronous_commit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    with mock.patch.object(tasks.deliver_due, "delay"):
        queue(org)
    before = synchronous_commit()
    seen = []
    real = delivery.message_sent

    def spy(message, **kwargs):
        seen.append(synchronous_commit())
        return real(message, **kwargs)

    with mock.patch.object(delivery, "message_sent", spy):
        assert deliver_due(organization=org) == (1, 0)
    assert seen == ["off"]
    assert synchronous_commit() == before != "off"
