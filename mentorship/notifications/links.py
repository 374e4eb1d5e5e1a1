"""What the signed links in e-mails do, without signing in (B6): one-click unsubscribe and
the habit check-in. The signed token is the authority (:mod:`.tokens`): it names the
organisation and the person, so a link cannot be pointed at anyone else; each read here
checks that the person is still a member of that organisation.

A refusal is a :class:`LinkRefused` with the sentence the page shows and whether the link
itself is bad (forged, tampered, expired: a 400) or only cannot be used now (used, another
day, left the organisation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.tenancy.models import Membership, Organization

from . import tokens
from .models import Category, Nudge
from .preferences import category_unsubscribe, digest_unsubscribe
from .tokens import DIGEST

CHECKIN_KIND = "sessions.habit_checkin"
BAD_LINK = (
    "This link is not valid: it may have been copied incompletely or changed. "
    "Open it again from the e-mail, or sign in and use the page itself."
)
EXPIRED_LINK = "This link has expired. Sign in and use the page itself."
NOT_A_MEMBER = "This link is for a member of an organisation you are no longer a member of."


class LinkRefused(Exception):
    """``bad``: the link itself is forged, tampered or expired (the page answers 400).
    ``link``: the link is genuine and its page still shows (used, another day, a check-in
    the habit refuses), with this sentence instead of the buttons."""

    def __init__(self, message, *, bad=False, organization=None, link=None):
        super().__init__(message)
        self.message = message
        self.bad = bad
        self.organization = organization
        self.link = link


def _person(organization_id, user_id):
    """The organisation and the person a link names, if the person is still a member."""
    organization = Organization.objects.filter(pk=organization_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if organization is None or user is None:
        raise LinkRefused(BAD_LINK, bad=True)
    if not Membership.objects.for_org(organization).filter(user=user).exists():
        raise LinkRefused(NOT_A_MEMBER, organization=organization)
    return organization, user


def _read(reader, token):
    try:
        return reader(token)
    except signing.SignatureExpired as error:
        raise LinkRefused(EXPIRED_LINK, bad=True) from error
    except signing.BadSignature as error:
        raise LinkRefused(BAD_LINK, bad=True) from error


# --- unsubscribe -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribe:
    organization: Organization
    user: User
    category: str

    @property
    def category_label(self):
        return "The daily digest" if self.category == DIGEST else Category(self.category).label

    @property
    def what(self):
        """What the link stops, in words: "e-mails about sessions", "the daily digest"."""
        if self.category == DIGEST:
            return "the daily digest e-mails"
        return f"e-mails about {Category(self.category).label.lower()}"


def unsubscribe_link(token):
    """What a genuine unsubscribe link names; :class:`LinkRefused` otherwise (forged,
    expired, a category that cannot be switched off, a person who left)."""
    organization_id, user_id, category = _read(tokens.unsubscribe_read, token)
    if category not in Category.values and category != DIGEST:
        raise LinkRefused(BAD_LINK, bad=True)
    organization, user = _person(organization_id, user_id)
    if category == Category.ACCOUNT:
        raise LinkRefused(
            "Invitations and account e-mails cannot be switched off: they are how you get "
            "into your organisation.",
            organization=organization,
        )
    return Unsubscribe(organization, user, category)


def unsubscribe_apply(token):
    """Stop the link's category of e-mails (it goes to the inbox only); returns
    ``(unsubscribe, changed)``: ``changed`` is False for a replay (nothing changed)."""
    link = unsubscribe_link(token)
    try:
        if link.category == DIGEST:
            changed = digest_unsubscribe(organization=link.organization, user=link.user)
        else:
            changed = category_unsubscribe(
                organization=link.organization, user=link.user, category=link.category
            )
    except ValidationError as error:
        raise LinkRefused(" ".join(error.messages), organization=link.organization) from error
    return link, changed


# --- the habit check-in ----------------------------------------------------------------------


@dataclass
class CheckIn:
    organization: Organization
    user: User
    nudge: Nudge
    habit: object  # sessions.MicroHabit
    day: date
    streak: int | None = None


def _habit_of(organization, user, subject_key):
    from sessions.models import MicroHabit  # the check-in is the sessions app's (D2)

    prefix, _, pk = subject_key.partition(":")
    if prefix != "habit" or not pk.isdigit():
        raise LinkRefused(BAD_LINK, bad=True)
    habit = (
        MicroHabit.objects.for_org(organization)
        .filter(pk=int(pk), mentee=user)
        .select_related("pairing")
        .first()
    )
    if habit is None:
        raise LinkRefused("This habit no longer exists.", organization=organization)
    return habit


def checkin_link(token, *, lock=False):
    """What a genuine check-in link names: the nudge (found by its key), its habit and its
    day; :class:`LinkRefused` otherwise (forged, expired, a person who left, no such nudge).
    Used and another day's links are not refused here: the page says so (see
    :func:`checkin_refusal`)."""
    organization_id, user_id, subject_key, period = _read(tokens.checkin_read, token)
    organization, user = _person(organization_id, user_id)
    try:
        day = date.fromisoformat(period)
    except ValueError as error:
        raise LinkRefused(BAD_LINK, bad=True) from error
    nudges = Nudge.objects.for_org(organization).filter(
        kind=CHECKIN_KIND, subject_key=subject_key, recipient=user, period=period
    )
    if lock:
        nudges = nudges.select_for_update()
    nudge = nudges.first()
    if nudge is None:
        raise LinkRefused(BAD_LINK, bad=True)
    habit = _habit_of(organization, user, subject_key)
    return CheckIn(organization, user, nudge, habit, day)


def checkin_refusal(link, *, now=None):
    """Why the link cannot check in now (a sentence), or None: it was used, or it is for
    another day than the mentee's today."""
    from sessions.services.habits import mentee_today

    if link.nudge.acted_at is not None:
        return "This link was used: the habit is checked in for that day."
    if mentee_today(link.habit, now) != link.day:
        return f"This link was for {link.day:%A %-d %B %Y}; check in from your habits page."
    return None


def checkin_apply(token, *, state, now=None):
    """Check the habit in (done or skipped) for the link's day, once, through the sessions
    app's check-in (``habit_check_in_by_link``: the mentee's own, a due day, neither paused
    nor ended); the nudge is marked acted on in the same transaction. Returns the
    :class:`CheckIn` with the streak."""
    from sessions.services.habits import habit_check_in_by_link

    now = now or timezone.now()
    with transaction.atomic():
        link = checkin_link(token, lock=True)
        refusal = checkin_refusal(link, now=now)
        if refusal:
            raise LinkRefused(refusal, organization=link.organization, link=link)
        link.habit.organization = link.organization
        try:
            _, link.streak = habit_check_in_by_link(
                habit=link.habit, day=link.day, state=state, user=link.user, now=now
            )
        except ValidationError as error:
            raise LinkRefused(
                " ".join(error.messages), organization=link.organization, link=link
            ) from error
        link.nudge.acted_at = now
        link.nudge.read_at = link.nudge.read_at or now
        link.nudge.save(update_fields=["acted_at", "read_at"])
    return link
