"""A person's time zone: the one on their profile in the organisation, else the one they gave
in their latest intake there, else the organisation's. Sessions are shown to each person in
their own zone, and "the week" of the micro-touch cap is the mentee's week in theirs."""

import zoneinfo

from django.db.models import F, Value

from mentorship.accounts.models import Profile
from programs.models import MenteeIntake, MentorIntake


def zones_of(*, organization, user_ids):
    """{user_id: ZoneInfo} for each of ``user_ids`` (one query, whatever their number): a
    profile's zone wins over the intakes', a mentee's intake over a mentor's, a later intake
    over an earlier one."""
    user_ids = set(user_ids)
    zones = {}
    if not user_ids:
        return zones

    def named(model, user_path, rank):
        return (
            model.objects.for_org(organization)
            .filter(**{f"{user_path}__in": user_ids})
            .exclude(time_zone="")
            .annotate(person=F(user_path), rank=Value(rank))
            .order_by()
            .values_list("person", "time_zone", "rank", "updated_at")
        )

    rows = named(MentorIntake, "participant__user_id", 0).union(
        named(MenteeIntake, "participant__user_id", 1),
        named(Profile, "user_id", 2),
        all=True,
    )
    found = {}
    # The strongest last: a mentor's intakes, a mentee's, then the profile; each by date.
    for user_id, name, _rank, _at in sorted(rows, key=lambda row: (row[2], row[3])):
        found[user_id] = name
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
