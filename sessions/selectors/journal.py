"""Journal reads (D4): my entries, the pairings an entry may be shared with, an entry with its
comments, and the shared entries a mentor reads on their pairing's journal."""

from django.db.models import Count, Prefetch, Q

from matching.models import Pairing

from ..models import JournalComment, JournalEntry


def my_entries(*, organization, user):
    """The person's own entries, newest first, with their comment counts."""
    return (
        JournalEntry.objects.for_org(organization)
        .filter(author=user)
        .select_related("pairing__mentor__user")
        .annotate(comment_count=Count("comments"))
        .order_by("-written_on", "-pk")
    )


def mentored_pairings(*, organization, user):
    """The person's active pairings as a mentor, with their mentee: whose shared entries they
    read (and comment on) on each pairing's journal. One query."""
    return list(
        Pairing.objects.for_org(organization)
        .filter(mentor__user=user, status=Pairing.Status.ACTIVE)
        .select_related("mentee__user")
        .order_by("mentee__user__name", "pk")
    )


def share_pairings(*, organization, user, keep=None):
    """Pairings the person may share an entry with: their active pairings as a mentee (and
    ``keep``, the entry's current one, so editing an older entry keeps its choice)."""
    live = Q(status=Pairing.Status.ACTIVE)
    if keep is not None:
        live |= Q(pk=keep)
    return (
        Pairing.objects.for_org(organization)
        .filter(live, mentee__user=user)
        .select_related("mentor__user", "cohort")
        .order_by("-accepted_at", "-pk")
    )


def _comments(organization):
    return Prefetch(
        "comments",
        queryset=JournalComment.objects.for_org(organization)
        .select_related("author")
        .order_by("created_at", "pk"),
    )


def entry_with_comments(*, entry):
    """The entry's comments, oldest first, with their authors (one query)."""
    return list(
        JournalComment.objects.for_org(entry.organization)
        .filter(entry=entry)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def pairing_journal(*, organization, pairing):
    """The entries the pairing's mentee shared with its mentor, newest first, comments
    prefetched (two queries a page)."""
    return (
        JournalEntry.objects.for_org(organization)
        .filter(pairing=pairing, shared=True, author_id=pairing.mentee.user_id)
        .select_related("author")
        .prefetch_related(_comments(organization))
        .order_by("-written_on", "-pk")
    )
