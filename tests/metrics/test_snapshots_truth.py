"""Truth (B5): the snapshots of the demo organisation, and of a generated organisation with
edge cases, against a second, plainly written path (tests/metrics/reference.py: Python over
the rows, neither the catalogue's functions nor metrics.selectors)."""

from datetime import timedelta

import pytest
from django.db import transaction

from mentorship.demo import build_demo
from metrics.models import RecomputeRequest, Snapshot
from metrics.services.outcomes import organization_today
from metrics.services.snapshots import snapshots_compute
from programs.models import Participant
from sessions.models import PulseAnswer, Session
from tests.factories import OrganizationFactory
from tests.matching.factories import pair
from tests.metrics.conftest import at
from tests.metrics.reference import Reference, km_median
from tests.programs.factories import CohortFactory, enrol, make_program
from tests.sessions.factories import make_session

APPROX = pytest.approx


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, whose populate computed its snapshots (rolled back at the module's end)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(slug="truth-demo", email_domain="truth-demo.example")
        transaction.set_rollback(True)


def snapshots(org, indicator, day):
    return {
        (s.level, s.object_id): s
        for s in Snapshot.objects.for_org(org).filter(indicator=indicator, day=day)
    }


def check_share(org, indicator, day, expected, *, levels=None, some=True):
    """Each snapshot's numerator, denominator and value equal the reference's; an object
    the reference has nothing for has no figure. ``some``: the reference found rows (so the
    comparison is not of nothing with nothing)."""
    rows = snapshots(org, indicator, day)
    assert rows, f"no {indicator} snapshot"
    assert not some or any(denominator for _, denominator in expected.values()), indicator
    checked = 0
    for key, snap in rows.items():
        if levels and key[0] not in levels:
            continue
        numerator, denominator = expected.get(key, (0, 0))
        assert (snap.numerator or 0, snap.denominator or 0) == (numerator, denominator), (
            indicator,
            key,
        )
        if denominator:
            assert snap.value == APPROX(numerator / denominator), (indicator, key)
        else:
            assert snap.value is None and snap.note, (indicator, key)
        checked += 1
    assert checked
    return rows


@pytest.mark.django_db
def test_the_demo_snapshots_agree_with_a_plain_recomputation(demo):
    day = organization_today(demo)
    # the demo computed today and history; the recomputation reads the same rows
    days = set(Snapshot.objects.for_org(demo).values_list("day", flat=True))
    assert day in days and len(days) >= 6
    # the requests the demo's events left are covered by its full computation
    assert not RecomputeRequest.objects.for_org(demo).exists()
    for on in (day, day - timedelta(days=14)):
        ref = Reference(demo, on)
        today = on == day
        check_share(demo, "cadence", on, ref.cadence())
        rates = ref.session_rates()
        check_share(demo, "no_show_rate", on, {k: (v[0], v[1]) for k, v in rates.items()})
        check_share(
            demo, "late_cancel_rate", on, {k: (v[2], v[3]) for k, v in rates.items()}, some=today
        )
        check_share(demo, "action_completion", on, ref.actions(), some=today)
        check_share(demo, "habit_adherence", on, ref.habits(), some=today)
        check_share(demo, "certification_rate", on, ref.certification(), some=False)
        check_share(demo, "retention", on, ref.retention())
        pulse = ref.pulse()
        for key, snap in snapshots(demo, "pulse", on).items():
            total, count = pulse.get(key, (0, 0))
            assert snap.n == count, key
            if count >= 5:
                assert snap.value == APPROX(total / count), key
            else:  # fewer than five: nothing shown, not even the sum
                assert snap.value is None and snap.numerator is None, key
        delivered = ref.sessions_delivered()
        for key, snap in snapshots(demo, "mentor_recognition", on).items():
            assert (snap.value or 0) == delivered.get(key, 0), key
        for indicator, name, percent in (
            ("technique_consistency", "technique consistency", False),
            ("problem_solving", "independent problem-solving", False),
            ("client_retention", "client retention", True),
        ):
            expected = ref.latest_signal_mean(name, percent=percent)
            assert expected, indicator
            for key, snap in snapshots(demo, indicator, on).items():
                assert snap.value == (APPROX(expected[key]) if key in expected else None), (
                    indicator,
                    key,
                )
        check_share(demo, "promotion_rate", on, ref.promotions)
        for key, snap in snapshots(demo, "time_to_match", on).items():
            value, reached, n = ref.time_to_match().get(key, (None, 0, 0))
            assert (snap.n, snap.numerator, snap.not_yet) == (n, reached, n - reached), key
            assert snap.value == (None if value is None else APPROX(value)), key
        competence, ramp = ref.competence()
        assert competence and ramp
        for indicator, expected in (("time_to_competence", competence), ("ramp_time", ramp)):
            for key, snap in snapshots(demo, indicator, on).items():
                items = expected.get(key, [])
                reached = sum(1 for _, r in items if r)
                assert (snap.n, snap.numerator, snap.not_yet) == (
                    len(items),
                    reached,
                    len(items) - reached,
                ), (indicator, key)
                value = km_median(items) if items else None
                assert snap.value == (None if value is None else APPROX(value)), (indicator, key)
    ref = Reference(demo, day)
    org_key = ("organisation", demo.pk)
    assert snapshots(demo, "mentor_recognition", day)[org_key].extra["kudos"] == (
        ref.kudos_of_mentors()
    )
    # the demo has figures to show, not only empty ones
    shown = Snapshot.objects.for_org(demo).filter(day=day, value__isnull=False)
    assert shown.filter(level="organisation").count() >= 12
    assert {"program", "cohort", "pair", "mentor"} <= set(shown.values_list("level", flat=True))


# --- a generated organisation with edge cases ---------------------------------------------


@pytest.fixture
def far_org(db):
    """An organisation thirteen hours ahead of UTC in December (Auckland)."""
    return OrganizationFactory(time_zone="Pacific/Auckland")


def test_edge_cases_agree_with_the_plain_recomputation(far_org):

    org = far_org
    day = organization_today(org)
    # a program with pairs and no session at all
    quiet = CohortFactory(program=make_program(org, charter=False), running=True)
    for _ in range(2):
        pair(enrol(quiet), enrol(quiet, role=Participant.Role.MENTOR), days_ago=30)
    # everyone censored: three mentees, nobody matched yet
    waiting = CohortFactory(program=make_program(org, charter=False), running=True)
    for _ in range(3):
        enrol(waiting)
    # one person: one pair, one pulse answer
    single = CohortFactory(program=make_program(org, charter=False), running=True)
    alone = pair(enrol(single), enrol(single, role=Participant.Role.MENTOR), days_ago=20)
    # local 00:30 on the window's first day: the day before in UTC
    edge = make_session(
        alone, starts_at=at(org, -27, 0).replace(minute=30), status=Session.Status.COMPLETED
    )
    outside = make_session(alone, starts_at=at(org, -28, 23), status=Session.Status.NO_SHOW)
    PulseAnswer.objects.create(
        organization=org,
        session=edge,
        respondent=alone.mentee.user,
        role="mentee",
        score=5,
        answered_at=at(org, -1),
    )
    # a cohort that has not started, with a pair accepted today
    later = CohortFactory(program=make_program(org, charter=False))
    newcomer = pair(enrol(later), enrol(later, role=Participant.Role.MENTOR), days_ago=0)

    snapshots_compute(organization=org)
    ref = Reference(org, day)
    check_share(org, "cadence", day, ref.cadence())
    rates = ref.session_rates()
    check_share(org, "no_show_rate", day, {k: (v[0], v[1]) for k, v in rates.items()})

    def snap(level, object_id, indicator):
        return Snapshot.objects.for_org(org).get(
            level=level, object_id=object_id, indicator=indicator, day=day
        )

    # the time zone: the 00:30 session is inside the window, the 23:00 one the day before not
    assert edge.starts_at.astimezone(org.zoneinfo).date() == day - timedelta(days=27)
    assert outside.starts_at.astimezone(org.zoneinfo).date() == day - timedelta(days=28)
    held = snap("pair", alone.pk, "no_show_rate")
    assert (held.numerator, held.denominator, held.value) == (0, 1, 0.0)
    # no sessions: no rate, a note; cadence judged (and missed) for pairs old enough
    assert snap("cohort", quiet.pk, "no_show_rate").value is None
    assert snap("cohort", quiet.pk, "no_show_rate").note == "no session held"
    assert snap("cohort", quiet.pk, "cadence").value == 0.0
    # everyone censored: nobody dropped, no median
    wait = snap("cohort", waiting.pk, "time_to_match")
    assert (wait.value, wait.n, wait.not_yet, wait.note) == (None, 3, 3, "not yet reached by half")
    value, reached, n = ref.time_to_match()[("cohort", waiting.pk)]
    assert (value, reached, n) == (None, 0, 3)
    # one person, one answer: no pulse figure, not even its sum
    one = snap("cohort", single.pk, "pulse")
    assert (one.value, one.numerator, one.n) == (None, None, 1)
    # a cohort that has not started: too early to judge, nobody counted as failing
    early = snap("cohort", later.pk, "cadence")
    assert early.value is None and early.extra["too_early"] == 1
    assert snap("pair", newcomer.pk, "cadence").value is None
    assert snap("cohort", later.pk, "promotion_velocity").value is None
    # the organisation adds the levels up
    org_cadence = snap("organisation", org.pk, "cadence")
    assert org_cadence.denominator == 3  # two quiet pairs and the single one (20 days)
