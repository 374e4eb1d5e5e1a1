"""Who may see and do what with a session: one place, used by every sessions view.

Getters in Zulip's style answer the same 404 for a session that does not exist, one of another
organisation and one the member may not reach. :func:`session_viewer` then says, for a session
the member reached, what they see and may do: notes are the pair's, the mentor's private note
is the mentor's, admins and leaders see metadata (unless the program's charter shares notes
with the program team), a cohort's facilitator runs its group sessions.
"""

from dataclasses import dataclass

from django.http import Http404

from mentorship.tenancy.access import get_for_org_or_404, has_role
from mentorship.tenancy.models import Role
from programs.models import Participant

from .models import (
    ActionItem,
    CalendarFeed,
    MicroHabit,
    OfficeHoursSlot,
    PulseAnswer,
    SessionKind,
    SessionTemplate,
    SignalType,
)
from .models import Session as MentoringSession

SESSION_RELATED = (
    "cohort",
    "cohort__program",
    "cohort__facilitator",
    "pairing",
    "mentor",
    "mentee",
    "template",
    "proposed_by",
)


@dataclass(frozen=True)
class SessionViewer:
    """What one member sees of, and may do with, one session.

    ``side``: "mentor" (the host), "mentee", "attendee" (a participant of a group session's
    cohort), "facilitator" (the cohort's facilitator), or "staff" (an admin or leader who
    takes no part)."""

    side: str
    is_admin: bool
    sees_notes: bool  # block notes, corrections, micro-outcome, cue, practice target ...
    sees_private_note: bool  # the mentor's own note
    can_log: bool  # write notes, signals, outputs; complete
    can_schedule: bool  # confirm, reschedule, cancel, mark a no-show
    can_write_pre_work: bool

    @property
    def takes_part(self):
        return self.side in ("mentor", "mentee", "attendee", "facilitator")


def _is_cohort_facilitator(cohort, user_id):
    if cohort is None:
        return False
    if cohort.facilitator_id == user_id:
        return True
    return cohort.participants.filter(
        user_id=user_id,
        role=Participant.Role.FACILITATOR,
        status__in=Participant.ENROLLED_STATUSES,
    ).exists()


def _is_cohort_participant(cohort, user_id):
    return (
        cohort is not None
        and cohort.participants.filter(
            user_id=user_id, status__in=Participant.ENROLLED_STATUSES
        ).exists()
    )


def session_viewer(*, session, membership):
    """The :class:`SessionViewer` of ``membership`` for ``session``, or None when the member
    may not see it at all."""
    user_id = membership.user_id
    is_admin = has_role(membership, Role.ADMIN)
    is_staff = has_role(membership, Role.LEADER)
    shared = bool(session.cohort_id and session.cohort.program.notes_shared_with_team)
    if session.mentor_id == user_id:
        side = "mentor"
    elif session.mentee_id == user_id:
        side = "mentee"
    elif session.kind == SessionKind.GROUP and _is_cohort_facilitator(session.cohort, user_id):
        side = "facilitator"
    elif session.kind == SessionKind.GROUP and _is_cohort_participant(session.cohort, user_id):
        side = "attendee"
    elif is_staff:
        side = "staff"
    else:
        return None
    runs_group = session.kind == SessionKind.GROUP and (
        side in ("mentor", "facilitator") or is_admin
    )
    return SessionViewer(
        side=side,
        is_admin=is_admin,
        sees_notes=side in ("mentor", "mentee", "attendee", "facilitator") or shared,
        sees_private_note=side == "mentor",
        can_log=side == "mentor" or runs_group,
        can_schedule=side in ("mentor", "mentee") or runs_group,
        can_write_pre_work=side == "mentee",
    )


def access_session_by_id(*, membership, session_id):
    """A session of the member's organisation they may see (as its mentor or mentee, a
    participant or facilitator of its cohort's group session, or a leader or admin), with
    its :class:`SessionViewer` as ``session.viewer``; else 404."""
    session = get_for_org_or_404(
        MentoringSession.objects.select_related(*SESSION_RELATED),
        membership.organization,
        pk=session_id,
    )
    viewer = session_viewer(session=session, membership=membership)
    if viewer is None:
        raise Http404
    session.viewer = viewer
    return session


def access_session_to_log_by_id(*, membership, session_id):
    """A session this member may log (its mentor, or who runs a group session), or 404."""
    session = access_session_by_id(membership=membership, session_id=session_id)
    if not session.viewer.can_log:
        raise Http404
    return session


def access_session_template_by_id(*, membership, sessiontemplate_id):
    """A session template of the organisation (admins edit; everyone may read)."""
    return get_for_org_or_404(
        SessionTemplate.objects.prefetch_related("blocks"),
        membership.organization,
        pk=sessiontemplate_id,
    )


def access_signal_type_by_id(*, membership, signaltype_id):
    return get_for_org_or_404(
        SignalType.objects.select_related("program", "competency"),
        membership.organization,
        pk=signaltype_id,
    )


def access_action_item_by_id(*, membership, actionitem_id):
    """An action of a pairing the member is on (or that they own), or 404."""
    action = get_for_org_or_404(
        ActionItem.objects.select_related("pairing__mentor", "pairing__mentee", "owner"),
        membership.organization,
        pk=actionitem_id,
    )
    pair = action.pairing
    people = {action.owner_id}
    if pair is not None:
        people |= {pair.mentor.user_id, pair.mentee.user_id}
    if membership.user_id not in people:
        raise Http404
    return action


def access_micro_habit_by_id(*, membership, microhabit_id):
    """A micro-habit of the member (as mentee) or of a mentee they mentor, or 404."""
    habit = get_for_org_or_404(
        MicroHabit.objects.select_related("pairing__mentor"),
        membership.organization,
        pk=microhabit_id,
    )
    mentor_id = habit.pairing.mentor.user_id if habit.pairing_id else None
    if membership.user_id not in (habit.mentee_id, mentor_id):
        raise Http404
    return habit


def access_office_hours_slot_by_id(*, membership, officehoursslot_id):
    """An office-hours slot of a cohort the member takes part in (or staff), or 404."""
    slot = get_for_org_or_404(
        OfficeHoursSlot.objects.select_related("cohort", "host", "session"),
        membership.organization,
        pk=officehoursslot_id,
    )
    if not (
        has_role(membership, Role.LEADER)
        or slot.host_id == membership.user_id
        or _is_cohort_participant(slot.cohort, membership.user_id)
        or _is_cohort_facilitator(slot.cohort, membership.user_id)
    ):
        raise Http404
    return slot


def access_own_calendar_feed_by_id(*, membership, calendarfeed_id):
    feed = get_for_org_or_404(CalendarFeed.objects, membership.organization, pk=calendarfeed_id)
    if feed.user_id != membership.user_id:
        raise Http404
    return feed


def runs_session(*, session, user):
    """True when ``user`` logs ``session``: its mentor (the host), or, for a group session,
    its cohort's facilitator or an admin of the organisation (the services' check; the pages
    read ``session.viewer.can_log``)."""
    if session.mentor_id == user.pk:
        return True
    if session.kind != SessionKind.GROUP:
        return False
    if _is_cohort_facilitator(session.cohort, user.pk):
        return True
    from mentorship.tenancy.models import Membership

    membership = Membership.objects.for_org(session.organization).filter(user=user).first()
    return has_role(membership, Role.ADMIN)


def access_session_block_to_log_by_id(*, membership, sessionblock_id):
    """A block of a session this member may log, with its session (and ``session.viewer``)
    read in the same query; else 404. The autosave of a block's notes goes through here."""
    from .models import SessionBlock

    # Only what the viewer and the service read: the autosave's one query stays a small join.
    block = get_for_org_or_404(
        SessionBlock.objects.select_related(
            "session", "session__cohort", "session__cohort__program", "session__pairing"
        ),
        membership.organization,
        pk=sessionblock_id,
    )
    block.organization = block.session.organization = membership.organization
    viewer = session_viewer(session=block.session, membership=membership)
    if viewer is None or not viewer.can_log:
        raise Http404
    block.session.viewer = viewer
    return block


# --- feedback and groups (helper "feedback+groups": additive) ------------------------------


def access_own_pulse_answer_by_id(*, membership, pulseanswer_id):
    """A pulse request of the member's own (the respondent's only: nobody else ever opens an
    individual answer), or 404."""
    pulse = get_for_org_or_404(
        PulseAnswer.objects.select_related("session", "session__mentor", "session__mentee"),
        membership.organization,
        pk=pulseanswer_id,
    )
    if pulse.respondent_id != membership.user_id:
        raise Http404
    return pulse


@dataclass(frozen=True)
class CohortGroupViewer:
    """What a member may do on a cohort's group sessions page: ``runs`` (generate the weekly
    sessions, take attendance: its facilitator or an admin), ``hosts`` (offer office hours: a
    mentor of the cohort, its facilitator, an admin), ``books`` (book office hours: a mentee)."""

    runs: bool
    hosts: bool
    books: bool


def access_cohort_group_sessions_by_id(*, membership, cohort_id):
    """A cohort whose group sessions the member may see (a leader or admin, its facilitator,
    or an enrolled participant), with ``cohort.group_viewer``; else 404."""
    from programs.access import access_cohort_by_id

    cohort = access_cohort_by_id(membership=membership, cohort_id=cohort_id)
    user_id = membership.user_id
    roles = set(
        cohort.participants.filter(
            user_id=user_id, status__in=Participant.ENROLLED_STATUSES
        ).values_list("role", flat=True)
    )
    is_admin = has_role(membership, Role.ADMIN)
    facilitates = cohort.facilitator_id == user_id or Participant.Role.FACILITATOR in roles
    if not (has_role(membership, Role.LEADER) or facilitates or roles):
        raise Http404
    cohort.group_viewer = CohortGroupViewer(
        runs=is_admin or facilitates,
        hosts=is_admin or facilitates or Participant.Role.MENTOR in roles,
        books=Participant.Role.MENTEE in roles,
    )
    return cohort


# --- plans (helper "plan") ---------------------------------------------------------------

PLAN_RELATED = (
    "pairing__cohort__program",
    "pairing__mentee__user",
    "pairing__mentor__user",
)


def plan_side(*, plan, membership):
    """ "mentee", "mentor" (the pair: the whole plan), "staff" (a leader or admin who takes
    no part: the status and counts only: the plan is the pair's), or None (no reach)."""
    if plan.pairing.mentee.user_id == membership.user_id:
        return "mentee"
    if plan.pairing.mentor.user_id == membership.user_id:
        return "mentor"
    if has_role(membership, Role.LEADER):
        return "staff"
    return None


def _plan_or_404(plan, membership, pair_only):
    side = plan_side(plan=plan, membership=membership)
    if side is None or (pair_only and side == "staff"):
        raise Http404
    plan.side = side
    plan.organization = membership.organization  # the same row: no query for it
    return plan


def access_plan_by_pairing_id(*, membership, pairing_id):
    """The plan of a pairing the member is on (or any, for a leader or admin), with
    ``plan.side``; else 404 (also when the pairing has no plan)."""
    from .models import Plan

    plan = get_for_org_or_404(
        Plan.objects.select_related(*PLAN_RELATED), membership.organization, pairing_id=pairing_id
    )
    return _plan_or_404(plan, membership, pair_only=False)


def access_plan_by_id(*, membership, plan_id, pair_only=True):
    """A plan of a pairing the member is on (``pair_only``) or, else, also any for staff."""
    from .models import Plan

    plan = get_for_org_or_404(
        Plan.objects.select_related(*PLAN_RELATED), membership.organization, pk=plan_id
    )
    return _plan_or_404(plan, membership, pair_only=pair_only)


def access_objective_by_id(*, membership, objective_id):
    """An objective of a plan of the member's pair (with ``objective.plan.side``), or 404."""
    from .models import Objective

    objective = get_for_org_or_404(
        Objective.objects.select_related(*(f"plan__{r}" for r in PLAN_RELATED), "plan"),
        membership.organization,
        pk=objective_id,
    )
    _plan_or_404(objective.plan, membership, pair_only=True)
    return objective


def access_plan_milestone_by_id(*, membership, planmilestone_id):
    """A milestone of a plan of the member's pair (with ``milestone.plan.side``), or 404."""
    from .models import PlanMilestone

    milestone = get_for_org_or_404(
        PlanMilestone.objects.select_related(*(f"plan__{r}" for r in PLAN_RELATED), "plan"),
        membership.organization,
        pk=planmilestone_id,
    )
    _plan_or_404(milestone.plan, membership, pair_only=True)
    return milestone


# --- plans, habits, journal (helper "habits": additive) ------------------------------------


def access_own_journal_entry_by_id(*, membership, journalentry_id):
    """A journal entry the member wrote, or 404 (nobody else's: not a mentor's, not staff's)."""
    from .models import JournalEntry

    entry = get_for_org_or_404(
        JournalEntry.objects.select_related("pairing__mentor__user", "pairing__cohort"),
        membership.organization,
        pk=journalentry_id,
    )
    if entry.author_id != membership.user_id:
        raise Http404
    entry.organization = membership.organization
    return entry


def access_journal_entry_to_comment_by_id(*, membership, journalentry_id):
    """A shared journal entry the member may comment on (the mentor it is shared with, or its
    author), or 404."""
    from .models import JournalEntry

    entry = get_for_org_or_404(
        JournalEntry.objects.select_related("pairing__mentor", "pairing__mentee"),
        membership.organization,
        pk=journalentry_id,
    )
    if not entry.shared or entry.pairing_id is None:
        raise Http404
    if membership.user_id not in (entry.author_id, entry.pairing.mentor.user_id):
        raise Http404
    entry.organization = membership.organization
    return entry
