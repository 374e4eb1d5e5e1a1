"""Storing nudges and their e-mails, once and only once (B6).

:func:`nudge_store` (through :func:`~.emails.nudge_send`) writes the nudge under its unique
key in the caller's transaction and decides, from the recipient's preferences, what becomes
of its e-mail:

- its category's channel is "in the inbox only": no e-mail;
- "in the daily digest": it waits for the person's digest (:func:`digests_build`);
- "at once": an outbox row (:class:`~.models.Message`) is written now, to be sent after the
  person's quiet hours if it is quiet time for them, unless they have had their daily cap of
  e-mails on that day already: then it waits for the digest too.

Required kinds (invitations, account e-mails) ignore the channel and the cap, not the quiet
hours. The recipient's preference row is locked while this is decided, so two transactions
nudging the same person count the cap one after the other.

After commit, one delivery task per organisation is queued (:func:`delivery_kick`); if the
broker is down the request still succeeds, every row is stored, and the delivery sweep
(every 20 s, ``settings.CELERY_BEAT_SCHEDULE``) sends them once it is back.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import policy
from .models import Channel, Message, Nudge, NudgePreference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
DIGEST_KIND = "notifications.digest"


def enqueue_on_commit(task, *args):
    """Send a task to the broker after the surrounding transaction commits.

    If the broker is unreachable the request still succeeds: the rows are stored and the
    scheduled sweep queues the work again.
    """

    def _send():
        try:
            task.delay(*args)
        except Exception:  # the broker is down: the sweep picks it up
            logger.warning("Could not enqueue %s%r; the sweep will retry.", task.name, args)

    transaction.on_commit(_send)


_deferred_kicks: ContextVar = ContextVar("deferred_delivery_kicks", default=None)


def delivery_kick(organization_id):
    """Queue the organisation's delivery after this transaction commits (at once outside a
    transaction). Inside :func:`kicks_deferred`, once for the whole block instead."""
    deferred = _deferred_kicks.get()
    if deferred is not None:
        deferred.add(organization_id)
        return
    _queue_delivery_on_commit(organization_id)


def _queue_delivery_on_commit(organization_id):
    """One delivery of the organisation after commit, however many e-mails the transaction
    stored: a request that stores three hundred queues one task, not three hundred. Each
    store registers its callback (so a savepoint rolled back takes only its own), and the
    callbacks registered since the organisation's last delivery was queued share a flag:
    the first of them to run queues it, the others see the flag and do nothing."""
    from .tasks import deliver_due

    connection = transaction.get_connection()
    flags = connection.__dict__.setdefault("nudge_delivery_flags", {})
    flag = flags.get(organization_id)
    if flag is None or flag["queued"]:
        flag = flags[organization_id] = {"queued": False}

    def _send():
        if flag["queued"]:
            return
        flag["queued"] = True
        try:
            deliver_due.delay(organization_id)
        except Exception:  # the broker is down: the sweep picks it up
            logger.warning("Could not queue delivery for %s; the sweep will.", organization_id)

    transaction.on_commit(_send)


@contextmanager
def kicks_deferred():
    """Within the block, e-mails stored queue one delivery per organisation (at its end,
    after commit) instead of one each: for sweeps that store many."""
    if _deferred_kicks.get() is not None:  # nested: the outer block queues them
        yield
        return
    kicks = set()
    token = _deferred_kicks.set(kicks)
    try:
        yield
    finally:
        _deferred_kicks.reset(token)
    for organization_id in sorted(kicks):
        _queue_delivery_on_commit(organization_id)


def preference_of(*, organization, user, lock=False):
    """The person's preferences (created with the defaults the first time)."""
    queryset = NudgePreference.objects.for_org(organization)
    if lock:
        queryset = queryset.select_for_update()
    preference = queryset.filter(user=user).first()
    if preference is not None:
        return preference
    try:
        with transaction.atomic():
            return NudgePreference.objects.create(organization=organization, user=user)
    except IntegrityError:  # created meanwhile by another transaction
        return queryset.get(user=user)


def quiet_until(preference, local):
    """The end of the quiet hours ``local`` (an aware datetime of the person's day) is in,
    as an aware datetime, or None when it is not quiet time."""
    if not preference.in_quiet_hours(local.timetz().replace(tzinfo=None)):
        return None
    day = local.date()
    if preference.quiet_until_next_day and local.time() >= preference.quiet_from:
        day += timedelta(days=1)
    end = datetime.combine(day, preference.quiet_until, tzinfo=local.tzinfo)
    # A wall time that does not exist (the clocks went forward) normalises through UTC.
    return end.astimezone(UTC).astimezone(local.tzinfo)


def emails_on(*, organization, user, day):
    """How many e-mails (digests aside) the person is sent on ``day``, their local date."""
    return (
        Message.objects.for_org(organization)
        .filter(recipient=user, send_on=day)
        .exclude(kind=DIGEST_KIND)
        .count()
    )


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
    category="account",
    unsubscribable=False,
    not_before=None,
    send_on=None,
):
    """Store one e-mail under its unique key and queue its delivery on commit.

    Returns ``(message, created)``; a second call with the same key returns the first row
    and queues nothing, so a retried caller never sends twice.
    """
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
                category=category,
                unsubscribable=unsubscribable,
                not_before=not_before,
                send_on=send_on,
            )
    except IntegrityError:
        return Message.objects.filter(**key).get(), False
    if not_before is None:
        delivery_kick(organization.pk)
    return message, True


def nudge_store(
    nudge_kind,
    *,
    organization,
    subject_key,
    context,
    user=None,
    recipient_email="",
    audience="",
    period="",
    attachments=(),
    link="",
    now=None,
):
    """See :func:`mentorship.notifications.emails.nudge_send`."""
    from .emails import email_render, inbox_render

    if user is None:
        # An address with no account yet (an invitation) has no inbox: its e-mail is the
        # nudge, stored under the same unique key in the outbox.
        subject, body = email_render(nudge_kind, context, audience=audience)
        return message_queue(
            organization=organization,
            kind=nudge_kind.kind,
            subject_key=subject_key,
            recipient_email=recipient_email,
            subject=subject,
            body=body,
            period=period,
            attachments=attachments,
            category=nudge_kind.category,
        )
    address = user.email.lower()
    key = {
        "organization": organization,
        "kind": nudge_kind.kind,
        "subject_key": subject_key,
        "recipient_email": address,
        "period": period,
    }
    existing = Nudge.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    title, detail = inbox_render(nudge_kind, context, audience=audience)
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(
                **key,
                category=nudge_kind.category,
                recipient=user,
                title=title[:200],
                detail=detail,
                link=(link or context.get("link") or context.get("session_link") or "")[:500],
            )
            if nudge_kind.email:
                subject, body = email_render(nudge_kind, context, audience=audience)
                _route_email(
                    nudge,
                    nudge_kind,
                    subject=subject,
                    body=body,
                    attachments=attachments,
                    now=now or timezone.now(),
                )
    except IntegrityError:
        return Nudge.objects.filter(**key).get(), False
    return nudge, True


def _route_email(nudge, nudge_kind, *, subject, body, attachments, now):
    organization, user = nudge.organization, nudge.recipient
    fields = {
        "organization": organization,
        "kind": nudge.kind,
        "subject_key": nudge.subject_key,
        "recipient_email": nudge.recipient_email,
        "period": nudge.period,
        "recipient": user,
        "subject": subject,
        "body": body,
        "attachments": attachments,
        "category": nudge.category,
    }
    preference = preference_of(organization=organization, user=user, lock=True)
    channel = Channel.NOW if nudge_kind.required else preference.channel(nudge.category)
    if channel == Channel.INBOX:
        return  # Nudge.Email.NONE: the inbox only
    if channel == Channel.DIGEST:
        nudge.email = Nudge.Email.DIGEST
        nudge.save(update_fields=["email"])
        return
    zone = policy.zone_of(organization=organization, user=user)
    local = now.astimezone(zone)
    later = quiet_until(preference, local)
    send_on = (later or local).date()
    if not nudge_kind.required:
        cap = policy.daily_cap(organization=organization, user=user)
        if emails_on(organization=organization, user=user, day=send_on) >= cap:
            nudge.email = Nudge.Email.CAPPED
            nudge.save(update_fields=["email"])
            return
    nudge.message, _ = message_queue(
        **fields,
        unsubscribable=not nudge_kind.required,
        not_before=later,
        send_on=send_on,
    )
    nudge.email = Nudge.Email.QUIET if later else Nudge.Email.NOW
    nudge.save(update_fields=["message", "email"])


# --- the inbox -------------------------------------------------------------------------------


def nudge_mark_read(*, organization, user, nudge_id=None, now=None):
    """Mark one of the person's nudges read (or all of them, with no ``nudge_id``); returns
    how many changed. Someone else's nudge changes nothing."""
    queryset = Nudge.objects.for_org(organization).filter(recipient=user).unread()
    if nudge_id is not None:
        queryset = queryset.filter(pk=nudge_id)
    return queryset.update(read_at=now or timezone.now())


def nudge_mark_unread(*, organization, user, nudge_id):
    return (
        Nudge.objects.for_org(organization).filter(recipient=user, pk=nudge_id).update(read_at=None)
    )


# --- the daily digest ------------------------------------------------------------------------


def digests_build(*, organization, now=None):
    """Write today's digest e-mail of each person of ``organization`` whose digest hour has
    come (in their zone) and who has nudges waiting for it; returns how many were written.

    One digest a person a day (its key is the person and their local date): nudges that come
    after it wait for the next day's. Idempotent: a second run finds the day's row.
    """
    from django.template.loader import render_to_string

    from mentorship.core.urls import absolute_url

    now = now or timezone.now()
    waiting = list(
        Nudge.objects.for_org(organization)
        .awaiting_digest()
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "pk")
    )
    if not waiting:
        return 0
    by_person = {}
    for nudge in waiting:
        by_person.setdefault(nudge.recipient_id, []).append(nudge)
    zones = policy.zones_of(organization=organization, user_ids=list(by_person))
    preferences = {
        p.user_id: p
        for p in NudgePreference.objects.for_org(organization).filter(user_id__in=list(by_person))
    }
    written = 0
    for user_id, nudges in by_person.items():
        preference = preferences.get(user_id) or NudgePreference(digest_hour=17)
        local = now.astimezone(zones[user_id])
        if local.hour < preference.digest_hour:
            continue
        period = local.date().isoformat()
        if (
            Message.objects.for_org(organization)
            .filter(kind=DIGEST_KIND, subject_key=f"user:{user_id}", period=period)
            .exists()
        ):
            continue  # today's digest went out: these wait for tomorrow's
        user = nudges[0].recipient
        items = [
            (
                nudge,
                absolute_url_of(nudge.link) if nudge.link else "",
            )
            for nudge in nudges
        ]
        text = render_to_string(
            "notifications/email/digest.txt",
            {
                "person": user,
                "organization": organization,
                "items": items,
                "inbox": absolute_url("inbox", organization.slug),
                "preferences": absolute_url("nudge_preferences", organization.slug),
            },
        )
        subject, _, body = text.lstrip("\n").partition("\n")
        with transaction.atomic():
            message, created = message_queue(
                organization=organization,
                kind=DIGEST_KIND,
                subject_key=f"user:{user_id}",
                period=period,
                recipient=user,
                recipient_email=user.email,
                subject=" ".join(subject.split()),
                body=body.lstrip("\n"),
                category="account",
                # Its one-click link stops the digest (its categories go to the inbox only).
                unsubscribable=True,
                # Nothing is e-mailed in quiet hours: a digest hour inside them waits too.
                not_before=quiet_until(preference, local),
                send_on=local.date(),
            )
            Nudge.objects.for_org(organization).filter(
                pk__in=[n.pk for n in nudges], message__isnull=True
            ).update(message=message)
        written += int(created)
    return written


def absolute_url_of(link):
    from django.conf import settings

    if link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL.rstrip("/") + link
