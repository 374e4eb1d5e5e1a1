"""The plan's status (D1): on track, at risk or off track, by one rule, with the reasons that
made it so. Pure: no database (tests/sessions/test_plan_status.py).

The rule, as the plan page states it:

* **Off track** when any of: 3 or more milestones overdue; 3 or more open actions overdue;
  no session for more than twice the program's target cadence; habit adherence under 30 %
  over the last 14 days.
* **At risk** when not off track and any of: a milestone overdue; an open action overdue; no
  session for longer than the target cadence; habit adherence under 60 % over 14 days.
* **On track** otherwise.

"No session for N days" counts from the last completed session, or from the pairing's start
when there is none yet. Adherence counts only when a habit was due in the window. The reasons
listed are every condition that holds, worst first.
"""

from dataclasses import dataclass, field

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
LABELS = {ON_TRACK: "On track", AT_RISK: "At risk", OFF_TRACK: "Off track"}

OFF_MILESTONES = 3
OFF_ACTIONS = 3
OFF_ADHERENCE = 0.30
RISK_ADHERENCE = 0.60


@dataclass(frozen=True)
class PlanFacts:
    overdue_milestones: int
    overdue_actions: int
    days_since_session: int | None  # None: the pairing has not started
    cadence_days: int
    adherence_14: float | None  # None: no habit was due


@dataclass(frozen=True)
class PlanStatus:
    status: str
    reasons: list = field(default_factory=list)

    @property
    def label(self):
        return LABELS[self.status]

    def sentence(self):
        """ "At risk: 2 milestones overdue; no session for 24 days" """
        if not self.reasons:
            return self.label
        return f"{self.label}: {'; '.join(self.reasons)}"


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def plan_status(facts):
    off, risk = [], []
    if facts.overdue_milestones >= OFF_MILESTONES:
        off.append(f"{_plural(facts.overdue_milestones, 'milestone')} overdue")
    elif facts.overdue_milestones:
        risk.append(f"{_plural(facts.overdue_milestones, 'milestone')} overdue")
    if facts.overdue_actions >= OFF_ACTIONS:
        off.append(f"{_plural(facts.overdue_actions, 'action')} overdue")
    elif facts.overdue_actions:
        risk.append(f"{_plural(facts.overdue_actions, 'action')} overdue")
    gap = facts.days_since_session
    if gap is not None and gap > 2 * facts.cadence_days:
        off.append(f"no session for {_plural(gap, 'day')}")
    elif gap is not None and gap > facts.cadence_days:
        risk.append(f"no session for {_plural(gap, 'day')}")
    adherence = facts.adherence_14
    if adherence is not None and adherence < OFF_ADHERENCE:
        off.append(f"habit adherence {round(adherence * 100)} % over 14 days")
    elif adherence is not None and adherence < RISK_ADHERENCE:
        risk.append(f"habit adherence {round(adherence * 100)} % over 14 days")
    if off:
        return PlanStatus(OFF_TRACK, off + risk)
    if risk:
        return PlanStatus(AT_RISK, risk)
    return PlanStatus(ON_TRACK, [])
