"""Queueing and delivering messages, once and only once."""

import logging
from datetime import timedelta
from email.mime.application import MIMEApplication
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def enqueue_on_commit(task, *args):
    """Send a task to the broker after the surrounding transaction commits.

    If the broker is unreachable the request still succeeds: the row stays pending and the
    scheduled sweep enqueues it again.
    """

    def _send():
        try:
            task.delay(*args)
        except Exception:  # the broker is down: the sweep picks it up
            logger.warning("Could not enqueue %s%r; the sweep will retry.", task.name, args)

    transaction.on_commit(_send)


def message_queue(
    *,
    organization,
    kind,
    subject_key,
    recipient_email,
    subject,
    body,
    period="",
    recipient=None,
    attachments=(),
):
    """Store a message under its unique key and enqueue its delivery on commit.

    Returns ``(message, created)``; a second call with the same key returns the first row
    and enqueues nothing, so a retried caller never sends twice.
    """
    from .tasks import deliver_message

    key = {
        "organization": organization,
        "kind": kind,
        "subject_key": subject_key,
        "recipient_email": recipient_email.lower(),
        "period": period,
    }
    existing = Message.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = Message.objects.create(
                **key,
                recipient=recipient,
                subject=subject[:200],
                body=body,
                attachments=[dict(attachment) for attachment in attachments],
            )
    except IntegrityError:
        return Message.objects.filter(**key).get(), False
    enqueue_on_commit(deliver_message, organization.pk, message.pk)
    return message, True


def message_deliver(*, organization, message_id):
    """Send one stored message of ``organization`` unless it was already sent.

    The row is locked while sending, so two workers holding the same task (a redelivery
    after a lost acknowledgement) serialise and the second finds it sent.
    """
    failure = None
    with transaction.atomic():
        message = Message.objects.for_org(organization).select_for_update().get(pk=message_id)
        if message.status in {Message.Status.SENT, Message.Status.GAVE_UP}:
            return message
        try:
            email = EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.recipient_email],
            )
            for attachment in message.attachments or []:
                email.attach(_mime_attachment(attachment))
            email.send()
        except Exception as exc:
            failure = exc
        else:
            message.status = Message.Status.SENT
            message.sent_at = timezone.now()
            message.attempts += 1
            message.last_error = ""
            message.save(update_fields=["status", "sent_at", "attempts", "last_error"])
            return message
    attempts = message.attempts + 1
    Message.objects.for_org(organization).filter(pk=message_id).update(
        attempts=F("attempts") + 1,
        last_error=f"{type(failure).__name__}: {failure}"[:500],
        status=Message.Status.GAVE_UP if attempts >= MAX_ATTEMPTS else Message.Status.FAILED,
    )
    raise failure


def _mime_attachment(attachment):
    """A stored attachment as a MIME part: text content, its content type's parameters kept
    (``text/calendar; method=REQUEST`` is what calendar applications read an invitation by)."""
    content_type, *params = (part.strip() for part in attachment["content_type"].split(";"))
    maintype, _, subtype = content_type.partition("/")
    if maintype == "text":
        part = MIMEText(attachment["content"], subtype, "utf-8")
    else:
        part = MIMEApplication(attachment["content"].encode(), subtype)
    for param in params:
        name, _, value = param.partition("=")
        if name and name.lower() != "charset":
            part.set_param(name.strip(), value.strip().strip('"'))
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def message_sweep(*, older_than_seconds=120):
    """Queue again every message that never reached a worker (the broker was down at
    commit, or a worker died), of every organisation; returns how many were queued.

    Cross-tenant on purpose: the sweep serves every organisation and hands each delivery
    its organisation's id, so the delivery itself runs scoped. A message is queued directly
    (not through ``enqueue_on_commit``): the sweep writes nothing, so there is no commit to
    wait for.
    """
    from .tasks import deliver_message

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stale = (
        Message.objects.unscoped()
        .undelivered()
        .filter(created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .values_list("organization_id", "pk")
    )
    count = 0
    for organization_id, message_id in stale.iterator():
        deliver_message.delay(organization_id, message_id)
        count += 1
    return count
