"""Cadence (B3): is each active pair meeting as often as its program asks?

The rule, :func:`cadence_status`, is pure (no database; tested on its own): a pair *needs a
check-in* when it has had no completed session for the program's target cadence plus the
program's margin (``ProgramReminders.check_in_after_days``), counted from its last completed
session or, before its first, from the pairing's start; a pair younger than the cadence with
no session yet is *too early to tell*; every other pair is *on track*.

The ``matching.cadence`` sweep (:func:`cadence_nudges`, every minute) reminds the mentor of
a pair that needs a check-in, once per quiet spell: the nudge's period is
``cadence-<the date of the last session, or of the start>``, so a new session starts a new
spell and nothing else does. The admin's Calibration page shows every active pair's status
(:mod:`matching.selectors.cadence`) with the rule in words (:func:`cadence_rule_text`).
"""

from __future__ import annotations

from datetime import date

from mentorship.core.urls import absolute_url

ON_TRACK = "on_track"
NEEDS_CHECK_IN = "needs_check_in"
TOO_EARLY = "too_early"

STATUS_LABELS = {
    NEEDS_CHECK_IN: "Needs a check-in",
    TOO_EARLY: "Too early to tell",
    ON_TRACK: "On track",
}
STATUS_ORDER = (NEEDS_CHECK_IN, TOO_EARLY, ON_TRACK)


def cadence_reference(*, started_on: date, last_session_on: date | None) -> date:
    """The day the quiet spell is counted from: the last completed session, else the start."""
    return last_session_on if last_session_on is not None else started_on


def cadence_status(
    *,
    today: date,
    started_on: date,
    last_session_on: date | None,
    cadence_days: int,
    check_in_after_days: int,
) -> str:
    """The pair's status on ``today`` (dates in one zone): :data:`NEEDS_CHECK_IN` when
    ``check_in_after_days`` or more days have passed since its reference day,
    :data:`TOO_EARLY` when it has had no session and is younger than ``cadence_days``,
    :data:`ON_TRACK` otherwise."""
    reference = cadence_reference(started_on=started_on, last_session_on=last_session_on)
    if (today - reference).days >= check_in_after_days:
        return NEEDS_CHECK_IN
    if last_session_on is None and (today - started_on).days < cadence_days:
        return TOO_EARLY
    return ON_TRACK


def cadence_rule_text(
    *, cadence_days: int, margin_days: int, check_in_after_days: int, whose: str = "program's"
) -> str:
    """The rule in words, with the program's figures (``whose``: "cohort's" for a cohort
    with a target cadence of its own)."""
    margin = "1 day's" if margin_days == 1 else f"{margin_days} days'"
    return (
        f"A pair needs a check-in when it has had no session for {check_in_after_days} "
        f"days: the {whose} {cadence_days}-day cadence plus {margin} margin."
    )


def cadence_period(reference: date) -> str:
    return f"cadence-{reference.isoformat()}"


def cadence_nudges(*, organization, now):
    """Remind the mentor of each active pair that needs a check-in, once per quiet spell.
    Returns how many nudges it stored. Two queries when no reminder is due, whatever the
    number of pairs (the pairs with their status, the spells already reminded)."""
    from mentorship.notifications.models import Nudge

    from .. import emails
    from ..selectors.cadence import pairs_with_cadence

    due = [
        row
        for row in pairs_with_cadence(organization=organization, now=now)
        if row.status == NEEDS_CHECK_IN
    ]
    if not due:
        return 0
    reminded = set(
        Nudge.objects.for_org(organization)
        .filter(
            kind=emails.CADENCE_CHECK_IN.kind,
            subject_key__in=[f"pairing:{row.pairing.pk}" for row in due],
        )
        .values_list("subject_key", "period")
    )
    created = 0
    for row in due:
        pairing, key, period = row.pairing, f"pairing:{row.pairing.pk}", row.period
        if (key, period) in reminded:
            continue
        _nudge, new = emails.nudge_send(
            emails.CADENCE_CHECK_IN,
            organization=organization,
            subject_key=key,
            user=pairing.mentor.user,
            period=period,
            context={
                "pairing": pairing,
                "row": row,
                "link": absolute_url("pairing_sessions", organization.slug, pairing.pk),
            },
            now=now,
        )
        created += int(new)
    return created
