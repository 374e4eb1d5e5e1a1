"""The reads of the tenancy app that its pages need: keyword-only functions taking the
organisation (or the person). A read never writes."""

from django.db.models import Count, OuterRef, Q, Subquery

from .models import AuditEvent, Membership, Role


def memberships_of_user(*, user):
    """A person's own memberships across organisations, with each organisation (one query):
    the front door's choice of where to send them. Each carries ``profile_photo``, the
    stored name of the person's photo in that organisation ("" or None without one), which
    the top bar shows (``mentorship.accounts.templatetags.profile_photos``), and
    ``unread_nudges``, the top bar's bell (``mentorship.notifications.context_processors``):
    the middleware reads these for every organisation page, so the top bar asks nothing
    more."""
    from mentorship.accounts.models import Profile
    from mentorship.notifications.selectors import unread_count_of_membership

    photo = Profile.objects.filter(
        organization=OuterRef("organization"), user=OuterRef("user")
    ).values("photo")[:1]
    return (
        Membership.objects.of_user(user)
        .select_related("organization")
        .annotate(profile_photo=Subquery(photo), unread_nudges=unread_count_of_membership())
    )


def membership_by_slug(*, user, slug, memberships=None):
    """The person's membership of the organisation at ``/o/<slug>/`` with that organisation,
    or None when they are no member of it (or it does not exist). Picked from
    ``memberships`` when the caller has read them already (the middleware, which keeps
    them for the page's organisation switcher), else one query."""
    if memberships is None:
        return memberships_of_user(user=user).filter(organization__slug=slug).first()
    return next((m for m in memberships if m.organization.slug == slug), None)


def membership_counts(*, organization):
    """``(total, {role: count})`` of the organisation's members, in one query."""
    counts = Membership.objects.for_org(organization).aggregate(
        total=Count("pk"), **{role: Count("pk", filter=Q(role=role)) for role in Role.values}
    )
    return counts.pop("total"), counts


def membership_list(*, organization):
    """The organisation's memberships with their people, for the member list."""
    return Membership.objects.for_org(organization).select_related("user")


def admin_count(*, organization):
    """How many admins the organisation has."""
    return Membership.objects.for_org(organization).admins().count()


def audit_event_list(*, organization):
    """The organisation's audit log, newest first, with each actor."""
    return AuditEvent.objects.for_org(organization).select_related("actor")


def audit_events_recent(*, organization, limit=6):
    """The newest ``limit`` audit events (the home page's "recent admin activity")."""
    return list(audit_event_list(organization=organization)[:limit])
