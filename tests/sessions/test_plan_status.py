"""The plan's status rule (sessions/plan_status.py): pure, no database."""

from hypothesis import given
from hypothesis import strategies as st

from sessions.plan_status import AT_RISK, OFF_TRACK, ON_TRACK, PlanFacts, plan_status


def facts(**fields):
    base = {
        "overdue_milestones": 0,
        "overdue_actions": 0,
        "days_since_session": 3,
        "cadence_days": 14,
        "adherence_14": 0.9,
    }
    return PlanFacts(**{**base, **fields})


def test_on_track_says_nothing_more():
    status = plan_status(facts())
    assert status.status == ON_TRACK and status.sentence() == "On track"


def test_the_issues_example():
    status = plan_status(facts(overdue_milestones=2, days_since_session=24))
    assert status.status == AT_RISK
    assert status.sentence() == "At risk: 2 milestones overdue; no session for 24 days"


def test_off_track_lists_its_reasons_worst_first():
    status = plan_status(facts(overdue_actions=1, days_since_session=30, adherence_14=0.2))
    assert status.status == OFF_TRACK
    assert status.reasons == [
        "no session for 30 days",
        "habit adherence 20 % over 14 days",
        "1 action overdue",
    ]


def test_no_habit_due_and_no_start_count_against_nothing():
    assert plan_status(facts(adherence_14=None, days_since_session=None)).status == ON_TRACK


counts = st.integers(0, 6)


@given(
    counts,
    counts,
    st.one_of(st.none(), st.integers(0, 90)),
    st.integers(1, 30),
    st.one_of(st.none(), st.floats(0, 1)),
)
def test_worse_facts_never_give_a_better_status(milestones, actions, gap, cadence, adherence):
    rank = {ON_TRACK: 0, AT_RISK: 1, OFF_TRACK: 2}
    base = PlanFacts(milestones, actions, gap, cadence, adherence)
    worse = PlanFacts(
        milestones + 1,
        actions + 1,
        None if gap is None else gap + 5,
        cadence,
        None if adherence is None else adherence / 2,
    )
    assert rank[plan_status(worse).status] >= rank[plan_status(base).status]
    status = plan_status(base)
    assert bool(status.reasons) == (status.status != ON_TRACK)
