"""The sessions app's panels on the organisation's home page (D5): "My day" for a mentee,
"My mentees" for a mentor, "My cohorts" for a facilitator. Each reads its rows in a fixed
number of queries (:mod:`sessions.selectors.home`); each answers None when the person takes
no part as that role, and shows an empty state that says what to do next otherwise."""

from mentorship.tenancy.home import register_home_panel

from .selectors.habits import habits_today
from .selectors.home import facilitator_home, mentee_home, mentor_home
from .selectors.people import zone_of


def _zone(request):
    """The viewer's zone, read once for the three panels."""
    if not hasattr(request, "_home_zone"):
        request._home_zone = zone_of(organization=request.organization, user=request.user)
    return request._home_zone


def mentee_panel(request):
    home = mentee_home(
        organization=request.organization, user=request.user, zone=lambda: _zone(request)
    )
    if home is None:
        return None
    habits = habits_today(organization=request.organization, user=request.user, today=home.today)
    context = {"mentee_home": home, "shows_habits": True}
    context.update(habits)  # the habits include's own context (habits_today, ...)
    return "sessions/home/mentee_panel.html", context


def mentor_panel(request):
    home = mentor_home(organization=request.organization, user=request.user)
    if home is None:
        return None
    return "sessions/home/mentor_panel.html", {"mentor_home": home}


def facilitator_panel(request):
    home = facilitator_home(
        organization=request.organization, user=request.user, zone=lambda: _zone(request)
    )
    if home is None:
        return None
    return "sessions/home/facilitator_panel.html", {"facilitator_home": home}


register_home_panel("my-day", mentee_panel, order=5)
register_home_panel("my-mentees", mentor_panel, order=6)
register_home_panel("my-cohorts", facilitator_panel, order=7)
