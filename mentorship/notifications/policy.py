"""What the nudge machinery asks the rest of the platform, answered by the apps that know.

The notifications app is part of the core and imports no domain app. Two questions need them:

- a person's time zone (their profile's zone here; the sessions app knows their intake's
  too and registers :func:`zones_of` with :func:`register_zone_resolver`);
- a person's daily e-mail cap (a program setting, X8: the programs app registers the lowest
  cap of the programs the person takes part in with :func:`register_daily_cap`).
"""

import zoneinfo

DEFAULT_DAILY_CAP = 3

_zone_resolver = None
_daily_cap = None


def register_zone_resolver(function):
    """``function(*, organization, user_ids) -> {user_id: ZoneInfo}``."""
    global _zone_resolver
    _zone_resolver = function


def register_daily_cap(function):
    """``function(*, organization, user) -> int``: how many e-mails a day the person gets."""
    global _daily_cap
    _daily_cap = function


def zones_of(*, organization, user_ids):
    user_ids = list(user_ids)
    if _zone_resolver is not None:
        return _zone_resolver(organization=organization, user_ids=user_ids)
    from mentorship.accounts.models import Profile

    found = dict(
        Profile.objects.for_org(organization)
        .filter(user_id__in=user_ids)
        .exclude(time_zone="")
        .values_list("user_id", "time_zone")
    )
    zones = {}
    for user_id in user_ids:
        try:
            zones[user_id] = zoneinfo.ZoneInfo(found[user_id])
        except (KeyError, zoneinfo.ZoneInfoNotFoundError, ValueError):
            zones[user_id] = organization.zoneinfo
    return zones


def zone_of(*, organization, user):
    user_id = getattr(user, "pk", user)
    return zones_of(organization=organization, user_ids=[user_id])[user_id]


def daily_cap(*, organization, user):
    if _daily_cap is not None:
        return _daily_cap(organization=organization, user=user)
    return DEFAULT_DAILY_CAP
