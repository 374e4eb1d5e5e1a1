"""Outbox attachments: a message may carry text files (a calendar invitation); they are
stored with the row and attached when the task sends it, content type parameters kept."""

from django.core import mail

from mentorship.notifications.delivery import message_deliver
from mentorship.notifications.services import message_queue

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def _queue(org, **extra):
    return message_queue(
        organization=org,
        kind="tests.invite",
        subject_key="session:1",
        recipient_email="mia@example.org",
        subject="Your session",
        body="See the invitation.",
        **extra,
    )


def test_a_message_without_attachments_stores_an_empty_list(org):
    message, _ = _queue(org)
    assert message.attachments == []


def test_the_attachment_is_stored_and_sent_with_its_method(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    attachment = {
        "filename": "invite.ics",
        "content_type": "text/calendar; method=REQUEST",
        "content": ICS,
    }
    message, _ = _queue(org, attachments=[attachment])
    message.refresh_from_db()
    assert message.attachments == [attachment]

    message_deliver(organization=org, message_id=message.pk)

    assert len(mail.outbox) == 1
    sent = mail.outbox[0].message()
    parts = [part for part in sent.walk() if part.get_filename() == "invite.ics"]
    assert len(parts) == 1
    part = parts[0]
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_payload(decode=True).decode() == ICS
    assert sent.get_payload()[0].get_payload() == "See the invitation."


def test_a_message_is_sent_with_its_attachment_once(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    attachment = {"filename": "a.ics", "content_type": "text/calendar", "content": ICS}
    message, created = _queue(org, attachments=[attachment])
    again, created_again = _queue(org, attachments=[attachment])
    assert (created, created_again, again.pk) == (True, False, message.pk)
    message_deliver(organization=org, message_id=message.pk)
    message_deliver(organization=org, message_id=message.pk)
    assert len(mail.outbox) == 1
