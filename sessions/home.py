"""The sessions app's panels on the organisation's home page (D5): "My day" for a mentee,
"My mentees" for a mentor, "My cohorts" for a facilitator. Each reads its rows in a fixed
number of queries (:mod:`sessions.selectors.home`); each answers None when the person takes
no part as that role, and shows an empty state that says what to do next otherwise.

What several panels need is read once for the page: the person's participations (from the
programs panel's read, :func:`programs.home.home_participants`: a person who is nobody's
mentee or mentor here skips those panels without a query, and one who facilitates nothing
the facilitator's, :func:`programs.home.home_facilitates`) and the time zones of the people
shown (the viewer's first)."""

from matching.home import home_mentoring
from matching.models import Pairing
from mentorship.tenancy.home import register_home_panel
from programs.home import home_facilitates, home_participants
from programs.models import Participant

from .selectors.habits import habits_today, live_habits
from .selectors.home import facilitator_home, mentee_home, mentor_home
from .selectors.people import zones_of


def _zones(request, user_ids):
    """{user_id: zone} of these people, each read once for the page (one query for
    those not read yet, none when all were)."""
    known = request.__dict__.setdefault("_home_zones", {})
    missing = set(user_ids) - known.keys()
    if missing:
        known.update(zones_of(organization=request.organization, user_ids=missing))
    return {user_id: known[user_id] for user_id in user_ids}


def _zone(request):
    """The viewer's zone, read once for the three panels, with those of the people they
    mentor (the mentor's panel shows each in theirs): one read of zones for the page."""
    as_mentor, _ = home_mentoring(request)
    mentees = [p.mentee.user_id for p in as_mentor if p.status == Pairing.Status.ACTIVE]
    return _zones(request, [request.user.pk, *mentees])[request.user.pk]


def mentee_panel(request):
    habits = []

    def live():  # the person's live habits, read once for "My day" and its plan progress
        habits[:] = [live_habits(organization=request.organization, user=request.user)]
        return habits[0]

    home = mentee_home(
        organization=request.organization,
        user=request.user,
        zone=lambda: _zone(request),
        participants=home_participants(request, Participant.Role.MENTEE),
        pairings=home_mentoring(request)[1],
        habits=live,
    )
    if home is None:
        return None
    today = habits_today(
        organization=request.organization,
        user=request.user,
        today=home.today,
        zone=home.zone,
        habits=habits[0] if habits else None,
    )
    context = {"mentee_home": home, "shows_habits": True}
    context.update(today)  # the habits include's own context (habits_today, ...)
    return "sessions/home/mentee_panel.html", context


def mentor_panel(request):
    home = mentor_home(
        organization=request.organization,
        user=request.user,
        participants=home_participants(request, Participant.Role.MENTOR),
        zones=lambda user_ids: _zones(request, user_ids),
    )
    if home is None:
        return None
    return "sessions/home/mentor_panel.html", {"mentor_home": home}


def facilitator_panel(request):
    if home_facilitates(request) is False:
        return None  # their participations say they facilitate no live cohort: no read
    home = facilitator_home(
        organization=request.organization, user=request.user, zone=lambda: _zone(request)
    )
    if home is None:
        return None
    return "sessions/home/facilitator_panel.html", {"facilitator_home": home}


register_home_panel("my-day", mentee_panel, order=5)
register_home_panel("my-mentees", mentor_panel, order=6)
register_home_panel("my-cohorts", facilitator_panel, order=7)
