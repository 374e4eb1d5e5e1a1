"""Sending the outbox: claim, commit, send, mark (B6).

A worker claims up to :data:`BATCH` due rows of one organisation with ``SELECT … FOR UPDATE
SKIP LOCKED`` (two workers never claim the same row), writes its claim and commits, and only
then sends, one e-mail at a time over one connection, marking each sent in its own short
transaction. So:

- a row is never sent by two live workers;
- a worker killed mid-batch leaves its claims: they are taken again once
  ``settings.NUDGE_CLAIM_TIMEOUT`` seconds have passed. The only e-mail that can go out twice
  is the one it was sending when it died (the server may have accepted it before the row was
  marked), and that one carries the same ``Message-ID`` both times;
- a failed send is tried again with backoff (``not_before``), and gives up after
  :data:`~.services.MAX_ATTEMPTS` attempts.

On PostgreSQL the claims and marks are committed with ``synchronous_commit`` off (for the
delivery's own connection, while it delivers): a commit is visible to every other session at
once, but is not waited on to reach the disk, which was most of the time of a mark on a busy
machine (about 12 ms a commit). A worker killed after a commit loses nothing; only a crash of
the database server itself can forget the last fraction of a second of marks, and the
e-mails it forgets go out again with the same Message-ID.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from contextlib import contextmanager
from datetime import timedelta
from email.mime.application import MIMEApplication
from email.mime.text import MIMEText
from functools import cache

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Message
from .services import DIGEST_KIND, MAX_ATTEMPTS, absolute_url_of
from .tokens import DIGEST

logger = logging.getLogger(__name__)

BATCH = 50


def claim_timeout():
    return timedelta(seconds=getattr(settings, "NUDGE_CLAIM_TIMEOUT", 120))


def worker_token():
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retry_delay(attempts):
    """Backoff after the ``attempts``-th failure: ``settings.NUDGE_RETRY_SECONDS`` (30 s),
    then twice as long each time (1, 2, 4 … minutes), at most an hour."""
    base = getattr(settings, "NUDGE_RETRY_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def messages_claim(*, organization, token, now=None, limit=None):
    """Claim up to ``limit`` due rows of ``organization`` for ``token`` and commit the claim;
    returns the claimed rows.

    On PostgreSQL the claim is one statement, committed on its own (``UPDATE … WHERE id IN
    (SELECT … FOR UPDATE SKIP LOCKED) RETURNING id``); elsewhere a transaction that selects
    and then updates. Either way two workers never claim the same row."""
    now = now or timezone.now()
    limit = limit or BATCH
    due = (
        Message.objects.for_org(organization)
        .due(now, claim_timeout())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if connection.vendor == "postgresql":
        select, params = due[:limit].query.sql_with_params()
        table = connection.ops.quote_name(Message._meta.db_table)
        with connection.cursor() as cursor:  # one statement: its own transaction
            cursor.execute(
                f"UPDATE {table} SET claimed_at = %s, claimed_by = %s "
                f"WHERE id IN ({select} FOR UPDATE SKIP LOCKED) RETURNING id",
                [now, token, *params],
            )
            ids = [row[0] for row in cursor.fetchall()]
    else:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True)[:limit])
            if ids:
                Message.objects.for_org(organization).filter(pk__in=ids).update(
                    claimed_at=now, claimed_by=token
                )
    if not ids:
        return []
    rows = list(
        Message.objects.for_org(organization).filter(pk__in=ids, claimed_by=token).order_by("pk")
    )
    for row in rows:
        row.organization = organization
    return rows


def email_of(message, *, connection=None):
    """The e-mail of one outbox row, with its stable Message-ID and, where the recipient may
    switch its category off, the one-click unsubscribe link and headers (RFC 8058)."""
    from .tokens import unsubscribe_url

    body = message.body
    headers = {"Message-ID": message.message_id}
    if message.unsubscribable and message.recipient_id:
        link = absolute_url_of(
            unsubscribe_url(
                organization_id=message.organization_id,
                user_id=message.recipient_id,
                category=DIGEST if message.kind == DIGEST_KIND else message.category,
            )
        )
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        body = f"{body.rstrip()}\n\n--\nStop these e-mails: {link}\n"
    email = mail.EmailMessage(
        subject=message.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient_email],
        headers=headers,
        connection=connection,
    )
    for attachment in message.attachments or []:
        email.attach(_mime_attachment(attachment))
    return email


def message_sent(message, *, token, now=None):
    """Mark one claimed row sent (unless its claim was taken by another worker meanwhile);
    returns 1, or 0 when it was not this worker's. One short statement, written out: it runs
    once per e-mail, and the ORM's building of it was most of a mark's time on a busy
    machine."""
    with connection.cursor() as cursor:
        cursor.execute(
            _mark_sent_sql(), [now or timezone.now(), message.pk, message.organization_id, token]
        )
        return cursor.rowcount


@cache
def _mark_sent_sql():
    table = connection.ops.quote_name(Message._meta.db_table)
    return (
        f"UPDATE {table} SET status = '{Message.Status.SENT.value}', sent_at = %s, "
        "attempts = attempts + 1, last_error = '', claimed_at = NULL, claimed_by = '' "
        "WHERE id = %s AND organization_id = %s AND claimed_by = %s"
    )


def message_failed(message, error, *, token, now=None):
    now = now or timezone.now()
    attempts = message.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    Message.objects.for_org(message.organization).filter(pk=message.pk, claimed_by=token).update(
        attempts=F("attempts") + 1,
        last_error=f"{type(error).__name__}: {error}"[:500],
        status=Message.Status.GAVE_UP if gave_up else Message.Status.FAILED,
        not_before=None if gave_up else now + retry_delay(attempts),
        claimed_at=None,
        claimed_by="",
    )
    return gave_up


def deliver_due(*, organization, token=None, limit=None):
    """Send every due e-mail of ``organization``, batch by batch, until none is left (or
    ``limit`` were tried); returns ``(sent, failed)``."""
    token = token or worker_token()
    with _commits_not_awaited():
        return _deliver_batches(organization=organization, token=token, limit=limit)


@contextmanager
def _commits_not_awaited():
    """``synchronous_commit`` off for this connection, outside a transaction on PostgreSQL
    (inside one, as in a test, the caller's transaction decides); otherwise nothing."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        if connection.connection is not None and not connection.in_atomic_block:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET synchronous_commit")
            except Exception:  # a broken connection is closed and replaced anyway
                logger.warning("Could not reset synchronous_commit", exc_info=True)


def _deliver_batches(*, organization, token, limit):
    sent = failed = 0
    while limit is None or sent + failed < limit:
        batch = messages_claim(organization=organization, token=token)
        if not batch:
            break
        connection = mail.get_connection()
        try:
            connection.open()
        except Exception as exc:  # the server is unreachable: the batch waits for its retry
            logger.warning("Could not reach the mail server: %s", exc)
            for message in batch:
                message_failed(message, exc, token=token)
            failed += len(batch)
            break
        try:
            for message in batch:
                try:
                    email_of(message, connection=connection).send()
                except Exception as exc:
                    logger.warning("Sending %s failed: %s", message.pk, exc)
                    message_failed(message, exc, token=token)
                    failed += 1
                else:
                    message_sent(message, token=token)
                    sent += 1
        finally:
            connection.close()
    return sent, failed


def next_retry_in(*, organization, now=None):
    """Seconds until the organisation's first failed e-mail may be tried again (at least
    one), or None when none waits for a retry."""
    now = now or timezone.now()
    first = (
        Message.objects.for_org(organization)
        .filter(status=Message.Status.FAILED, not_before__isnull=False)
        .order_by("not_before")
        .values_list("not_before", flat=True)
        .first()
    )
    if first is None:
        return None
    return max(1, int((first - now).total_seconds() + 0.999))


def message_deliver(*, organization, message_id):
    """Send one stored e-mail now unless it was sent (or is claimed by a live worker);
    raises what the send raised, after recording the failure. For tests and the admin."""
    token = worker_token()
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Message.objects.for_org(organization)
            .undelivered()
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout()))
            .filter(pk=message_id)
            .update(claimed_at=now, claimed_by=token)
        )
    message = Message.objects.for_org(organization).get(pk=message_id)
    if not claimed:
        return message
    try:
        email_of(message).send()
    except Exception as exc:
        message_failed(message, exc, token=token)
        raise
    message_sent(message, token=token)
    message.refresh_from_db()
    return message


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


def organizations_with_due_messages(now=None):
    """Ids of the organisations with e-mails to send now. Cross-tenant on purpose: the
    delivery sweep serves every organisation and queues one scoped task for each."""
    now = now or timezone.now()
    return list(
        Message.objects.unscoped()
        .due(now, claim_timeout())
        .filter(attempts__lt=MAX_ATTEMPTS)
        .order_by()  # no ordering column in the DISTINCT: one row per organisation
        .values_list("organization_id", flat=True)
        .distinct()
    )
