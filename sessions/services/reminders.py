"""The session, action, milestone and habit reminders (B2), computed from the state in the
database at each sweep (``sessions.reminders``, every minute per organisation), each timed
by the program's ``ProgramReminders`` (X8) and sent once by its nudge key.

The rules, in words:

* **Upcoming session** (confirmed; one-to-one or micro with both people there and its
  pairing active, or a group session of a cohort not completed): to both sides (a group
  session's host and its cohort's active mentors and mentees), a day before (from 24 hours
  before its start) and, if the program asks, an hour before. Once per version: the period
  carries the session's ``sequence``, so a moved session is reminded of again at its new
  time and a cancelled one not at all; an e-mail of an older version still waiting (quiet
  hours, a retry, the digest) is withdrawn, as is one whose session has started. A session
  confirmed after a reminder's time is not reminded of by that reminder (the confirmation
  said it all); the day-before reminder is not sent once the hour-before one is due. The
  mentee's carries the pre-work prompt while the template asks for pre-work and theirs is
  empty.
* **Actions** (open, of an active pairing or of none): to the owner, on the due date and once
  when it is the program's ``action_overdue_days`` past it (or the day after, if no sweep
  ran that day), from their check-in hour in their zone.
* **Milestones** of plans (not done, of an active pairing): to the mentee, once within the
  ``milestone_days_before`` days before the due date, and once the day after it (or the day
  after that), from their check-in hour.
* **Habit check-in** (neither paused nor ended): to the mentee, from their check-in hour on
  each day the habit is due (daily: every day; weekdays: Monday to Friday; N times a week:
  while the week's N are not done) and not yet checked in, with the signed check-in link.

Times are the recipient's: ``sessions.selectors.people.zones_of`` (profile > intake >
organisation); the check-in hour is their ``NudgePreference.checkin_hour``. Each sweep reads
its candidates, the nudges sent already and (only if something is left) the zones, the
preferences and the settings, in a fixed number of queries; then one ``nudge_send`` per
reminder due.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from mentorship.core.urls import absolute_url
from mentorship.notifications.models import Message, Nudge, NudgePreference
from mentorship.notifications.tokens import checkin_url

from .. import habits as maths
from ..emails import (
    ACTION_REMINDER,
    HABIT_CHECKIN,
    MILESTONE_REMINDER,
    SESSION_REMINDER,
    nudge_send,
)
from ..models import MicroHabit, Session, SessionKind
from ..selectors import reminders as reads
from ..selectors.habits import pure_habit
from ..selectors.people import zones_of
from .scheduling import session_link

logger = logging.getLogger(__name__)

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)
DEFAULT_PREFERENCE = NudgePreference()


def _name(user):
    return user.name or user.email


def _from_hour(local, first_day, last_day, hour):
    """Whether a reminder of the days ``first_day``..``last_day`` (the person's dates) is due
    at ``local`` (their now): within those days, and on the first from ``hour`` on."""
    today = local.date()
    if not first_day <= today <= last_day:
        return False
    return today > first_day or local.hour >= hour


def _send_all(todo):
    """``nudge_send`` each ``(kind, kwargs)``, each in its own savepoint: one that fails is
    logged (and tried again at the next sweep) without undoing the others. Returns how many
    were created."""
    created = 0
    for kind, kwargs in todo:
        try:
            with transaction.atomic():
                created += int(nudge_send(kind, **kwargs)[1])
        except Exception:
            logger.exception(
                "%s for %s (%s) failed", kind.kind, kwargs["subject_key"], kwargs["period"]
            )
    return created


# --- upcoming sessions ---------------------------------------------------------------------


def when_words(starts_at, now, zone):
    """ "today at 15:00", "tomorrow at 09:30" or "on Friday 4 December at 08:00", in ``zone``."""
    start = starts_at.astimezone(zone)
    days = (start.date() - now.astimezone(zone).date()).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    else:
        day = f"on {start:%A} {start.day} {start:%B}"
    return f"{day} at {start:%H:%M}"


def _session_occasions(session, now):
    """The names of the reminders of ``session`` whose time has come."""
    found = []
    for name, lead in (("day-before", DAY_BEFORE), ("hour-before", HOUR_BEFORE)):
        moment = session.starts_at - lead
        if now < moment:
            continue
        if session.confirmed_at is not None and session.confirmed_at > moment:
            continue  # confirmed after this reminder's time: the confirmation told them
        found.append(name)
    return found


def _people_of(session, groups):
    """``[(person, audience)]`` a session's reminder goes to: both sides of a pair; a group
    session's host and its cohort's active mentors and mentees (``groups``)."""
    if session.kind != SessionKind.GROUP:
        return [(session.mentor, "mentor"), (session.mentee, "mentee")]
    people = [session.mentor] if session.mentor is not None else []
    people += [user for user in groups.get(session.cohort_id, []) if user.pk != session.mentor_id]
    return [(person, "group") for person in people]


def _needs_prework(session):
    return bool(
        session.template is not None
        and session.template.requires_pre_work
        and not (session.pre_work or "").strip()
    )


def session_reminders_send(*, organization, now):
    """Withdraw the stale ones, then send the session reminders due at ``now``."""
    session_reminders_withdraw(organization=organization, now=now)
    sessions = reads.upcoming_sessions(organization=organization, now=now, within=DAY_BEFORE)
    if not sessions:
        return 0
    sent = reads.sent_keys(
        organization=organization,
        kind=SESSION_REMINDER,
        subject_keys={f"session:{s.pk}" for s in sessions},
    )
    groups = reads.group_people_of(
        organization=organization,
        cohort_ids={s.cohort_id for s in sessions if s.kind == SessionKind.GROUP},
    )
    due = []
    for session in sessions:
        key = f"session:{session.pk}"
        for name in _session_occasions(session, now):
            period = f"{name}-seq{session.sequence}"
            for person, audience in _people_of(session, groups):
                if (key, period, person.email.lower()) not in sent:
                    due.append((session, name, period, person, audience))
    if not due:
        return 0
    settings = reads.reminder_settings_of(
        organization=organization,
        program_ids={reads.program_of(session=s) for s, *_ in due},
    )
    zones = zones_of(organization=organization, user_ids={p.pk for _, _, _, p, _ in due})
    todo = []
    for session, name, period, person, audience in due:
        rules = settings[reads.program_of(session=session)]
        if name == "hour-before" and not rules.session_hour_before:
            continue
        if name == "day-before":
            if not rules.session_day_before:
                continue
            if rules.session_hour_before and now >= session.starts_at - HOUR_BEFORE:
                continue  # the hour-before reminder says it now
        zone = zones[person.pk]
        other = session.mentee if audience == "mentor" else session.mentor
        if audience == "group":
            other = None
        prework = audience == "mentee" and rules.session_prework_prompt and _needs_prework(session)
        todo.append(
            (
                SESSION_REMINDER,
                {
                    "organization": organization,
                    "subject_key": f"session:{session.pk}",
                    "user": person,
                    "audience": audience,
                    "period": period,
                    "now": now,
                    "context": {
                        "session": session,
                        "recipient": person,
                        "recipient_name": person.get_short_name(),
                        "other_name": _name(other) if other is not None else "",
                        "runs_it": person.pk == session.mentor_id,
                        "when": when_words(session.starts_at, now, zone),
                        "ends": session.ends_at.astimezone(zone).strftime("%H:%M"),
                        "zone_name": str(zone),
                        "hour_before": name == "hour-before",
                        "prework": prework,
                        "prework_prompt": session.template.pre_work_prompt if prework else "",
                        "link": session_link(session),
                    },
                },
            )
        )
    return _send_all(todo)


def _session_id(subject_key):
    prefix, _, pk = subject_key.partition(":")
    return int(pk) if prefix == "session" and pk.isdigit() else None


def _stale(session, period, now):
    return (
        session is None
        or session.status != Session.Status.CONFIRMED
        or session.starts_at <= now
        or not period.endswith(f"-seq{session.sequence}")
    )


def session_reminders_withdraw(*, organization, now):
    """Withdraw the session reminders not sent yet (an e-mail waiting for the end of quiet
    hours or a retry, not claimed by a worker; or a nudge waiting for the digest) whose
    session was cancelled, moved or has started: the e-mail is deleted, the inbox item is
    marked read. Returns how many were withdrawn. Two queries when none is waiting."""
    waiting_messages = list(
        Message.objects.for_org(organization)
        .undelivered()
        .filter(kind=SESSION_REMINDER.kind, claimed_at__isnull=True)
        .values_list("pk", "subject_key", "period")
    )
    waiting_nudges = list(
        Nudge.objects.for_org(organization)
        .awaiting_digest()
        .filter(kind=SESSION_REMINDER.kind)
        .values_list("pk", "subject_key", "period")
    )
    if not waiting_messages and not waiting_nudges:
        return 0
    ids = {_session_id(key) for _, key, _ in waiting_messages + waiting_nudges} - {None}
    sessions = reads.sessions_by_id(organization=organization, ids=ids)

    def stale(rows):
        return [
            pk for pk, key, period in rows if _stale(sessions.get(_session_id(key)), period, now)
        ]

    message_ids, nudge_ids = stale(waiting_messages), stale(waiting_nudges)
    if not message_ids and not nudge_ids:
        return 0
    # Only rows no worker holds or has claimed meanwhile (locked, then checked again).
    message_ids = list(
        Message.objects.for_org(organization)
        .undelivered()
        .filter(pk__in=message_ids, claimed_at__isnull=True)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )
    nudges = Nudge.objects.for_org(organization).filter(
        Q(pk__in=nudge_ids) | Q(message_id__in=message_ids), kind=SESSION_REMINDER.kind
    )
    nudges.filter(read_at__isnull=True).update(read_at=now)
    nudges.update(email=Nudge.Email.NONE)
    Message.objects.for_org(organization).filter(pk__in=message_ids).delete()
    return len(message_ids) + len(nudge_ids)


# --- actions and milestones ----------------------------------------------------------------


def _windows(values, first, last):
    """``[(first - n, last - n)]`` for each distinct ``n`` of ``values``."""
    return [(first - timedelta(days=n), last - timedelta(days=n)) for n in sorted(set(values))]


def _people_times(organization, people, now):
    """``{user_id: (local now, check-in hour)}`` (the zones' one query and one of the
    preferences)."""
    user_ids = {p.pk for p in people}
    zones = zones_of(organization=organization, user_ids=user_ids)
    preferences = reads.preferences_of(organization=organization, user_ids=user_ids)
    return {
        pk: (now.astimezone(zones[pk]), preferences.get(pk, DEFAULT_PREFERENCE).checkin_hour)
        for pk in user_ids
    }


def _dated_reminders(kind, rows, *, organization, now, key_of, person_of, occasions_of, context_of):
    """The nudges of the date-bound reminders of ``rows`` (actions, milestones) due at ``now``.

    ``occasions_of(row)`` names each reminder of the row with the person's days it goes on,
    ``[(name, first_day, last_day)]``; the period is ``<name>-<the row's due date>``. The rows
    whose reminders were all sent, or whose days are not today anywhere, are left before the
    zones and preferences are read (so a sweep with nothing left is its first queries)."""
    first, last = reads.utc_days_around(now)
    sent = reads.sent_keys(
        organization=organization, kind=kind, subject_keys={key_of(r) for r in rows}
    )
    waiting = []
    for row in rows:
        address = person_of(row).email.lower()
        for name, first_day, last_day in occasions_of(row):
            period = f"{name}-{row.due_on}"
            if (
                first_day <= last
                and first <= last_day
                and (key_of(row), period, address) not in sent
            ):
                waiting.append((row, name, period, first_day, last_day))
    if not waiting:
        return []
    times = _people_times(organization, [person_of(row) for row, *_ in waiting], now)
    todo = []
    for row, name, period, first_day, last_day in waiting:
        person = person_of(row)
        local, hour = times[person.pk]
        if not _from_hour(local, first_day, last_day, hour):
            continue
        todo.append(
            (
                kind,
                {
                    "organization": organization,
                    "subject_key": key_of(row),
                    "user": person,
                    "period": period,
                    "now": now,
                    "context": {
                        "recipient_name": person.get_short_name(),
                        "overdue": name == "overdue",
                        **context_of(row, local.date()),
                    },
                },
            )
        )
    return todo


def _partner_role(action):
    if action.pairing is None:
        return ""
    return "mentee" if action.pairing.mentor.user_id == action.owner_id else "mentor"


def action_reminders_send(*, organization, now):
    """Send the action reminders due at ``now`` (see the module's rules)."""
    settings = reads.reminder_settings_of(organization=organization)
    every = [reads.DEFAULT_SETTINGS, *settings.values()]
    first, last = reads.utc_days_around(now)
    ranges = []
    if any(rules.action_due_reminder for rules in every):
        ranges.append((first, last))
    overdue_days = [rules.action_overdue_days for rules in every if rules.action_overdue_days]
    # the overdue reminder's two days: n and n + 1 after the due date
    ranges += _windows(overdue_days, first - timedelta(days=1), last)
    actions = reads.open_actions_due_near(organization=organization, ranges=ranges)
    if not actions:
        return 0

    def occasions(action):
        rules = settings[reads.program_of(pairing=action.pairing, session=action.session)]
        due, n = action.due_on, rules.action_overdue_days
        found = [("due", due, due)] if rules.action_due_reminder else []
        if n:
            found.append(("overdue", due + timedelta(days=n), due + timedelta(days=n + 1)))
        return found

    link = absolute_url("my_actions", organization.slug)
    todo = _dated_reminders(
        ACTION_REMINDER,
        actions,
        organization=organization,
        now=now,
        key_of=lambda action: f"action:{action.pk}",
        person_of=lambda action: action.owner,
        occasions_of=occasions,
        context_of=lambda action, today: {
            "action": action,
            "days_late": (today - action.due_on).days,
            "partner_role": _partner_role(action),
            "link": link,
        },
    )
    return _send_all(todo)


def milestone_reminders_send(*, organization, now):
    """Send the milestone reminders due at ``now`` (see the module's rules)."""
    settings = reads.reminder_settings_of(organization=organization)
    every = [reads.DEFAULT_SETTINGS, *settings.values()]
    first, last = reads.utc_days_around(now)
    before = [rules.milestone_days_before for rules in every if rules.milestone_days_before]
    ranges = []
    if before:
        ranges.append((first + timedelta(days=1), last + timedelta(days=max(before))))
    if any(rules.milestone_overdue for rules in every):
        ranges.append((first - timedelta(days=2), last - timedelta(days=1)))
    milestones = reads.open_milestones_due_near(organization=organization, ranges=ranges)
    if not milestones:
        return 0

    def occasions(milestone):
        rules = settings[reads.program_of(pairing=milestone.plan.pairing)]
        due, n = milestone.due_on, rules.milestone_days_before
        found = [("week-before", due - timedelta(days=n), due - timedelta(days=1))] if n else []
        if rules.milestone_overdue:
            found.append(("overdue", due + timedelta(days=1), due + timedelta(days=2)))
        return found

    todo = _dated_reminders(
        MILESTONE_REMINDER,
        milestones,
        organization=organization,
        now=now,
        key_of=lambda milestone: f"milestone:{milestone.pk}",
        person_of=lambda milestone: milestone.plan.pairing.mentee.user,
        occasions_of=occasions,
        context_of=lambda milestone, today: {
            "milestone": milestone,
            "days": abs((milestone.due_on - today).days),
            "link": absolute_url("plan_detail", organization.slug, milestone.plan.pairing_id),
        },
    )
    return _send_all(todo)


# --- habit check-ins -----------------------------------------------------------------------


def habit_due_on(habit, checkins, day):
    """Whether ``habit`` (active: neither paused nor ended) asks for a check-in on ``day``,
    its mentee's date, from the pure habit maths (``checkins``: ``{day: state}`` of its week
    at least): a due day not checked in yet; for N times a week, a day of its life while the
    week's N are not done."""
    if day in checkins:
        return False
    pure = pure_habit(habit, ())  # neither paused nor ended: no pause covers today
    if habit.cadence != MicroHabit.Cadence.PER_WEEK:
        return maths.is_due_day(pure, day)
    if not maths._active(pure, day):
        return False
    week = day - timedelta(days=day.weekday())
    week_first, week_last = maths._habit_week(pure, week)
    quota = maths._quota_for_range(pure, week_first, week_last)
    done = sum(1 for d, state in checkins.items() if state == maths.DONE and week <= d < day)
    return done < quota


def habit_checkins_send(*, organization, now):
    """Send the habit check-in reminders due at ``now`` (see the module's rules)."""
    first, last = reads.utc_days_around(now)
    habits = reads.active_habits(organization=organization, first=first, last=last)
    if not habits:
        return 0
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    sent = reads.sent_keys(
        organization=organization,
        kind=HABIT_CHECKIN,
        subject_keys={f"habit:{h.pk}" for h in habits},
        periods=[d.isoformat() for d in days],
    )
    times = _people_times(organization, [h.mentee for h in habits], now)
    waiting = []
    for habit in habits:
        local, hour = times[habit.mentee_id]
        period = local.date().isoformat()
        key = (f"habit:{habit.pk}", period, habit.mentee.email.lower())
        if local.hour >= hour and key not in sent:
            waiting.append(habit)
    if not waiting:
        return 0
    settings = reads.reminder_settings_of(
        organization=organization,
        program_ids={reads.program_of(pairing=h.pairing, session=h.session) for h in waiting},
    )
    checkins = reads.checkins_between(
        organization=organization,
        habit_ids=[h.pk for h in waiting],
        first=first - timedelta(days=7),
        last=last,
    )
    todo = []
    for habit in waiting:
        program_id = reads.program_of(pairing=habit.pairing, session=habit.session)
        if not settings[program_id].habit_checkin:
            continue
        local, _ = times[habit.mentee_id]
        today = local.date()
        if not habit_due_on(habit, checkins.get(habit.pk, {}), today):
            continue
        key, period = f"habit:{habit.pk}", today.isoformat()
        link = absolute_url(
            checkin_url(
                organization_id=organization.pk,
                user_id=habit.mentee_id,
                subject_key=key,
                period=period,
            )
        )
        todo.append(
            (
                HABIT_CHECKIN,
                {
                    "organization": organization,
                    "subject_key": key,
                    "user": habit.mentee,
                    "period": period,
                    "now": now,
                    "link": link,
                    "context": {
                        "habit": habit,
                        "recipient_name": habit.mentee.get_short_name(),
                        "today": today,
                        "link": link,
                        "habits_link": absolute_url("my_habits", organization.slug),
                    },
                },
            )
        )
    return _send_all(todo)
