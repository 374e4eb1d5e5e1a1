"""Reads for scheduling: the session page's scheduling panel, my sessions, a pairing's
sessions, calendar feeds. Each reads in a fixed number of queries."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from matching.models import Pairing

from ..models import PAIR_KINDS, CalendarFeed, Session
from .people import zones_of

LIST_RELATED = ("pairing", "cohort", "mentor", "mentee", "template")
FEED_PAST_DAYS = 180


def session_page_url(session):
    """The session's page; the pairing's sessions until the session page is there."""
    slug = session.organization.slug
    try:
        return reverse("session_detail", args=[slug, session.pk])
    except NoReverseMatch:
        if session.pairing_id:
            return reverse("pairing_sessions", args=[slug, session.pairing_id])
        return reverse("my_sessions", args=[slug])


def _with_links(rows, organization):
    for row in rows:
        row.organization = organization  # already known: no query for the link
        row.page_url = session_page_url(row)
    return rows


# --- My sessions -------------------------------------------------------------------------------


def my_sessions(*, organization, user):
    """Every session the person takes part in (as mentor, mentee, or in a group session of
    their cohort), ready for the list (the filter picks the section and orders it)."""
    return (
        Session.objects.for_org(organization)
        .of_user(user)
        .select_related(*LIST_RELATED)
        .order_by("starts_at", "pk")
    )


def section_filter(section, *, user, now=None):
    """The Q of one section of My sessions: upcoming (live, not started), to log (the
    mentor's confirmed sessions that have started), past (the rest)."""
    now = now or timezone.now()
    upcoming = Q(status__in=Session.LIVE_STATUSES, starts_at__gte=now)
    if section == "upcoming":
        return upcoming
    if section == "to_log":
        return Q(mentor=user, status=Session.Status.CONFIRMED, starts_at__lt=now)
    return ~upcoming


def my_section_counts(*, organization, user, now=None):
    """{section: count} for the tabs, in one query."""
    now = now or timezone.now()
    rows = (
        Session.objects.for_org(organization)
        .filter(pk__in=Session.objects.for_org(organization).of_user(user).values("pk"))
        .aggregate(
            upcoming=Count("pk", filter=section_filter("upcoming", user=user, now=now)),
            to_log=Count("pk", filter=section_filter("to_log", user=user, now=now)),
            past=Count("pk", filter=section_filter("past", user=user, now=now)),
        )
    )
    return rows


def my_pairings(*, organization, user):
    """The person's pairings (either side), for the filter's choices."""
    return (
        Pairing.objects.for_org(organization)
        .filter(Q(mentor__user=user) | Q(mentee__user=user))
        .select_related("mentor__user", "mentee__user", "cohort")
        .order_by("-created_at")
    )


def viewer_zone(*, organization, user):
    return zones_of(organization=organization, user_ids=[user.pk])[user.pk]


def page_rows(page, organization):
    page.object_list = _with_links(list(page.object_list), organization)
    return page


# --- a pairing's sessions ----------------------------------------------------------------------


def pairing_sessions(*, organization, pairing):
    return (
        Session.objects.for_org(organization)
        .filter(pairing=pairing)
        .select_related(*LIST_RELATED)
        .order_by("-starts_at", "-pk")
    )


def pairing_next_session_id(*, organization, pairing, now=None):
    """The id of the pairing's next live session (the first that has not started), or None."""
    now = now or timezone.now()
    return (
        Session.objects.for_org(organization)
        .filter(pairing=pairing, status__in=Session.LIVE_STATUSES, starts_at__gte=now)
        .order_by("starts_at")
        .values_list("pk", flat=True)
        .first()
    )


# --- the session page's scheduling panel --------------------------------------------------------


def session_schedule_panel(*, session, membership):
    """Context for ``sessions/scheduling/includes/session_panel.html`` on the session page
    (the time in the viewer's zone and the partner's, the scheduling controls the viewer
    may use, the pre-work). Two queries (the two zones), whatever the session holds."""
    from ..forms.scheduling import (
        CancelForm,
        CounterProposeForm,
        NoShowForm,
        PreWorkForm,
        RescheduleForm,
    )

    viewer = session.viewer
    user_id = membership.user_id
    organization = membership.organization
    in_pair = viewer.side in ("mentor", "mentee") and session.kind in PAIR_KINDS
    partner = None
    if in_pair:
        partner = session.mentee if viewer.side == "mentor" else session.mentor
    zones = zones_of(
        organization=organization,
        user_ids=[user_id] + ([partner.pk] if partner is not None else []),
    )
    zone = zones[user_id]
    partner_zone = zones.get(partner.pk) if partner is not None else None
    now = timezone.now()
    live = session.status in Session.LIVE_STATUSES
    started = session.starts_at <= now
    asked = (
        in_pair
        and session.status == Session.Status.PROPOSED
        and session.proposed_by_id != user_id
        and not started
    )
    template = session.template
    can = {
        "confirm": asked,
        "counter": asked,
        # Asked to confirm, one proposes another time (not both buttons for one thing).
        "reschedule": in_pair and live and not started and not asked,
        "cancel": in_pair and live,
        "no_show": in_pair and session.status == Session.Status.CONFIRMED and started,
    }
    shows_pre_work = session.kind in PAIR_KINDS and (in_pair or viewer.sees_notes)
    writes_pre_work = viewer.can_write_pre_work and live
    return {
        "schedule": {
            "zone": zone,
            "partner": partner,
            "partner_zone": partner_zone
            if partner_zone is not None and str(partner_zone) != str(zone)
            else None,
            "waiting_for": (
                session.mentee if session.proposed_by_id == session.mentor_id else session.mentor
            )
            if session.status == Session.Status.PROPOSED
            else None,
            "can": can,
            "any_action": any(can.values()),
            "counter_form": CounterProposeForm(zone=zone, session=session, prefix="counter")
            if can["counter"]
            else None,
            "reschedule_form": RescheduleForm(zone=zone, session=session, prefix="move")
            if can["reschedule"]
            else None,
            "cancel_form": CancelForm(prefix="cancel") if can["cancel"] else None,
            "no_show_form": NoShowForm(session=session, prefix="noshow")
            if can["no_show"]
            else None,
            "shows_pre_work": shows_pre_work,
            "writes_pre_work": writes_pre_work,
            "pre_work_form": PreWorkForm(initial={"pre_work": session.pre_work}, prefix="prework")
            if writes_pre_work
            else None,
            "pre_work_prompt": template.pre_work_prompt if template is not None else "",
            "pre_work_required": bool(template is not None and template.requires_pre_work),
        }
    }


# --- calendar feeds ----------------------------------------------------------------------------


def own_calendar_feed(*, organization, user):
    """The person's live feed of this organisation, or None."""
    return (
        CalendarFeed.objects.for_org(organization)
        .filter(user=user, revoked_at__isnull=True)
        .first()
    )


def live_feed_by_secret(secret):
    """The live feed whose secret is ``secret``, with its organisation and owner, or None.

    Cross-tenant on purpose: the feed's URL names no organisation (calendar applications
    fetch it without signing in); the secret, unique across every organisation, is the
    only key, and the row found says which organisation's sessions it may show."""
    return (
        CalendarFeed.objects.unscoped()
        .filter(slug=secret, revoked_at__isnull=True)
        .select_related("organization", "user")
        .first()
    )


def feed_sessions(*, feed, now=None):
    """The owner's sessions of the feed's organisation for the feed: live ones and those of
    the last six months that took place (completed, no-show); never cancelled ones."""
    now = now or timezone.now()
    organization = feed.organization
    return list(
        Session.objects.for_org(organization)
        .of_user(feed.user)
        .filter(
            status__in=[
                *Session.LIVE_STATUSES,
                Session.Status.COMPLETED,
                Session.Status.NO_SHOW,
            ],
            starts_at__gte=now - timedelta(days=FEED_PAST_DAYS),
        )
        .select_related("mentor", "mentee")
        .order_by("starts_at", "pk")
    )
