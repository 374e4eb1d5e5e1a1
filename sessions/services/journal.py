"""The reflective journal (D4): a mentee's dated entries, private (only the author) or
shared with the mentor of one of their pairings, who may comment (and the author may answer).
Nobody else reads an entry: admins and leaders never see journal text."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import JournalComment, JournalEntry
from ..selectors.people import zone_of


def _check_pairing(pairing, author):
    if pairing is not None and pairing.mentee.user_id != author.pk:
        raise ValidationError({"pairing": "Share only with a mentor of your own pairing."})


def _check_day(organization, author, written_on, now=None):
    if written_on is None:
        raise ValidationError({"written_on": "Give the entry its date."})
    now = now or timezone.now()
    today = now.astimezone(zone_of(organization=organization, user=author)).date()
    if written_on > today:
        raise ValidationError({"written_on": "An entry is dated today or earlier."})


@transaction.atomic
def journal_entry_create(
    *, organization, author, written_on, text, title="", pairing=None, now=None
):
    """A new entry by ``author``: shared with ``pairing``'s mentor when a pairing is given."""
    _check_pairing(pairing, author)
    _check_day(organization, author, written_on, now)
    entry = JournalEntry(
        organization=organization,
        author=author,
        pairing=pairing,
        written_on=written_on,
        title=(title or "").strip(),
        text=(text or "").strip(),
        shared=pairing is not None,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def journal_entry_update(*, entry, by, written_on, text, title="", pairing=None, now=None):
    """The author changes their entry (its date, words, and whom it is shared with)."""
    if by.pk != entry.author_id:
        raise ValidationError("Only the author changes a journal entry.")
    _check_pairing(pairing, by)
    _check_day(entry.organization, by, written_on, now)
    entry.written_on = written_on
    entry.title = (title or "").strip()
    entry.text = (text or "").strip()
    entry.pairing = pairing
    entry.shared = pairing is not None
    entry.full_clean()
    entry.save()
    return entry


def may_comment(entry, user):
    """The mentor of a shared entry's pairing, or its author, may comment."""
    if not entry.shared or entry.pairing_id is None:
        return False
    return user.pk in (entry.author_id, entry.pairing.mentor.user_id)


def journal_comment_add(*, entry, by, text):
    if not may_comment(entry, by):
        raise ValidationError({"text": "Only the mentor it is shared with comments on an entry."})
    comment = JournalComment(
        organization=entry.organization, entry=entry, author=by, text=(text or "").strip()
    )
    comment.full_clean()
    comment.save()
    return comment
