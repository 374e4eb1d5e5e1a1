"""A person's time zone: the one on their profile in the organisation, else the one they gave
in their latest intake there, else the organisation's. Sessions are shown to each person in
their own zone, and "the week" of the micro-touch cap is the mentee's week in theirs."""

import zoneinfo

from mentorship.accounts.models import Profile
from programs.models import MenteeIntake, MentorIntake


def zones_of(*, organization, user_ids):
    """{user_id: ZoneInfo} for each of ``user_ids`` (three queries, whatever their number):
    a profile's zone wins over the intakes', a mentee's intake over a mentor's."""
    user_ids = set(user_ids)
    found = {}
    for model in (MentorIntake, MenteeIntake):  # a mentee's own intake wins over a mentor's
        rows = (
            model.objects.for_org(organization)
            .filter(participant__user_id__in=user_ids)
            .order_by("updated_at")
            .values_list("participant__user_id", "time_zone")
        )
        for user_id, name in rows:
            found[user_id] = name
    for user_id, name in (
        Profile.objects.for_org(organization)
        .filter(user_id__in=user_ids)
        .exclude(time_zone="")
        .values_list("user_id", "time_zone")
    ):
        found[user_id] = name
    zones = {}
    for user_id in user_ids:
        try:
            zones[user_id] = zoneinfo.ZoneInfo(found[user_id])
        except (KeyError, zoneinfo.ZoneInfoNotFoundError, ValueError):
            zones[user_id] = organization.zoneinfo
    return zones


def zone_of(*, organization, user):
    """The ZoneInfo of one person (see :func:`zones_of`)."""
    user_id = getattr(user, "pk", user)
    return zones_of(organization=organization, user_ids=[user_id])[user_id]
