"""Indicator snapshots (B5): the data layer's fixed queries per level, the service's upsert
and scopes, events leaving stored requests that a task runs after commit, the sweep and the
nightly task, and that the nightly result equals the event-driven one."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from metrics import catalogue
from metrics.models import IndicatorPart, RecomputeRequest, Snapshot
from metrics.selectors.inputs import level_values
from metrics.services import snapshots as service
from metrics.services.outcomes import organization_today, outcomes_import
from metrics.tasks import snapshots as tasks
from sessions.models import ActionItem, HabitCheckIn, Session
from sessions.signals import session_completed
from tests.metrics.conftest import at, build_pairs
from tests.sessions.factories import PulseAnswerFactory, make_session

pytestmark = pytest.mark.django_db

LEVELS = catalogue.LEVELS


def _values(org):
    """Every snapshot of ``org`` as comparable tuples."""
    return {
        (s.level, s.object_id, s.indicator, s.day): (
            s.value,
            s.numerator,
            s.denominator,
            s.n,
            s.not_yet,
            s.extra,
            s.note,
        )
        for s in Snapshot.objects.for_org(org)
    }


# --- the data layer ---------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_a_level_reads_in_a_fixed_number_of_queries_whatever_its_rows(org, level):
    build_pairs(org, pairs=1)
    day = organization_today(org)
    with CaptureQueriesContext(connection) as few:
        level_values(organization=org, level=level, day=day)
    build_pairs(org, pairs=4)
    with CaptureQueriesContext(connection) as many:
        values = level_values(organization=org, level=level, day=day)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(values) > 1 or level == catalogue.ORGANISATION
    for by_key in values.values():
        assert set(by_key) == {i.key for i in catalogue.at_level(level)}


def test_counts_come_from_the_rows_and_an_empty_figure_says_why(org):
    cohort = build_pairs(org, pairs=2)
    values = level_values(organization=org, level=catalogue.COHORT, day=organization_today(org))[
        cohort.pk
    ]
    assert values["no_show_rate"].numerator == 2  # one no-show per pair
    assert values["no_show_rate"].denominator == 2 + 3 + 1  # held: no-shows + completed
    assert values["late_cancel_rate"].numerator == 2
    assert values["action_completion"].value == 0.5
    assert values["pulse"].denominator == 8 and values["pulse"].value == pytest.approx(
        (6 * 4 + 2 * 5) / 8
    )
    # a weekly cadence needs 4 sessions in 28 days: 3 and 1 are short, neither pair meets it
    assert values["cadence"].value == 0.0 and values["cadence"].denominator == 2
    # nobody states hours a week: no figure, and the note says what is missing
    program = level_values(organization=org, level=catalogue.PROGRAM, day=organization_today(org))
    load = program[cohort.program_id]["mentor_load"]
    assert load.value is None and "hours a week" in load.note
    assert load.extra["mentees_per_mentor"] == 1
    assert program[cohort.program_id]["mentor_recognition"].value == 4  # completed sessions


def test_another_organisations_rows_are_not_counted(org, other_org):
    build_pairs(other_org, pairs=2)
    values = level_values(organization=org, level=catalogue.ORGANISATION, day=timezone.localdate())
    assert values[org.pk]["no_show_rate"].value is None
    assert values[org.pk]["mentor_recognition"].value is None


# --- the service ------------------------------------------------------------------------


def test_compute_writes_every_indicator_of_every_object_once_and_again_the_same(org):
    cohort = build_pairs(org, pairs=2)
    written = service.snapshots_compute(organization=org)
    rows = Snapshot.objects.for_org(org)
    assert written == rows.count()
    day = organization_today(org)
    assert set(rows.values_list("day", flat=True)) == {day}
    cohort_rows = rows.filter(level=catalogue.COHORT, object_id=cohort.pk)
    assert {r.indicator for r in cohort_rows} == {
        i.key for i in catalogue.at_level(catalogue.COHORT)
    }
    before = _values(org)
    first = rows.get(level=catalogue.COHORT, object_id=cohort.pk, indicator="pulse").computed_at
    assert service.snapshots_compute(organization=org) == written
    assert Snapshot.objects.for_org(org).count() == written  # upserted, not duplicated
    assert _values(org) == before
    again = rows.get(level=catalogue.COHORT, object_id=cohort.pk, indicator="pulse")
    assert again.computed_at >= first


def test_a_pairing_scope_recomputes_it_and_the_levels_above_only(org):
    cohort = build_pairs(org, pairs=2)
    other = build_pairs(org, pairs=1)
    pairing = cohort.pairings.order_by("pk").first()
    service.snapshots_compute(organization=org, scope=("pairing", pairing.pk))
    touched = set(Snapshot.objects.for_org(org).values_list("level", "object_id"))
    assert touched == {
        (catalogue.ORGANISATION, org.pk),
        (catalogue.PROGRAM, cohort.program_id),
        (catalogue.COHORT, cohort.pk),
        (catalogue.PAIR, pairing.pk),
        (catalogue.MENTOR, pairing.mentor.user_id),
    }
    assert (catalogue.COHORT, other.pk) not in touched


def test_a_scope_of_another_organisation_touches_only_this_organisations_own_level(org, other_org):
    foreign = build_pairs(other_org, pairs=1)
    service.snapshots_compute(organization=org, scope=f"cohort:{foreign.pk}")
    assert set(Snapshot.objects.for_org(org).values_list("level", flat=True)) == {
        catalogue.ORGANISATION
    }
    assert not Snapshot.objects.for_org(other_org).exists()


def test_history_keeps_a_row_per_day(org):
    build_pairs(org, pairs=1)
    service.snapshots_compute_history(organization=org, days=28, every=14)
    today = organization_today(org)
    assert set(Snapshot.objects.for_org(org).values_list("day", flat=True)) == {
        today,
        today - timedelta(14),
        today - timedelta(28),
    }


# --- events -----------------------------------------------------------------------------


def _requests(org):
    return set(RecomputeRequest.objects.for_org(org).values_list("scope", flat=True))


def test_a_completed_session_stores_a_request_for_its_pairing(org):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = cohort.pairings.get()
    session = make_session(pairing, starts_at=at(org, -1), status=Session.Status.COMPLETED)
    assert not _requests(org)  # a session row written directly is no event
    session_completed.send(sender=Session, session=session, by=pairing.mentor.user)
    assert _requests(org) == {f"pairing:{pairing.pk}"}


def test_a_burst_of_events_shares_one_request_and_keeps_its_due_time(org):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = cohort.pairings.get()
    service.recompute_request(organization_id=org.pk, kind="pairing", object_id=pairing.pk)
    first = RecomputeRequest.objects.for_org(org).get()
    service.recompute_request(organization_id=org.pk, kind="pairing", object_id=pairing.pk)
    again = RecomputeRequest.objects.for_org(org).get()
    assert again.due_at == first.due_at  # debounced: not pushed back by every event
    assert again.requested_at >= first.requested_at


def test_habit_action_pulse_and_outcome_events_store_requests(org, admin):
    cohort = build_pairs(org, pairs=1)
    pairing = cohort.pairings.get()
    RecomputeRequest.objects.for_org(org).delete()
    habit = pairing.habits.get()
    HabitCheckIn.objects.create(
        organization=org, habit=habit, day=organization_today(org) - timedelta(1), state="done"
    )
    assert _requests(org) == {f"pairing:{pairing.pk}"}
    RecomputeRequest.objects.for_org(org).delete()
    action = ActionItem.objects.for_org(org).filter(pairing=pairing, done_at=None).first()
    action.text = "renamed"
    action.save(update_fields=["text"])
    assert not _requests(org)  # not a change of an indicator
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    assert _requests(org) == {f"pairing:{pairing.pk}"}
    RecomputeRequest.objects.for_org(org).delete()
    session = make_session(pairing, starts_at=at(org, -1), status=Session.Status.COMPLETED)
    pulse = PulseAnswerFactory(session=session)
    assert not _requests(org)  # asked, not answered
    pulse.score, pulse.answered_at = 5, timezone.now()
    pulse.save(update_fields=["score", "answered_at"])
    assert _requests(org) == {f"pairing:{pairing.pk}"}
    RecomputeRequest.objects.for_org(org).delete()
    email = pairing.mentee.user.email
    outcomes_import(
        organization=org, data=f"email,event,date\r\n{email},hired,2024-01-02\r\n", by=admin
    )
    assert _requests(org) == {"organisation"}


def test_the_request_is_queued_after_commit_and_survives_a_broker_outage(
    org, django_capture_on_commit_callbacks
):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = cohort.pairings.get()
    queue = mock.patch.object(tasks.recompute_requested, "apply_async")
    with queue as queued, django_capture_on_commit_callbacks(execute=True):
        service.recompute_request(organization_id=org.pk, kind="pairing", object_id=pairing.pk)
        assert not queued.called  # not before the commit
    queued.assert_called_once_with((org.pk,), countdown=service.DEBOUNCE_SECONDS)
    down = mock.patch.object(
        tasks.recompute_requested, "apply_async", side_effect=ConnectionError("broker down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        service.recompute_request(organization_id=org.pk, kind="cohort", object_id=cohort.pk)
    assert _requests(org) == {f"pairing:{pairing.pk}", f"cohort:{cohort.pk}"}  # still stored
    # ... and the sweep queues the organisation once its requests are due
    RecomputeRequest.objects.for_org(org).update(due_at=timezone.now() - timedelta(seconds=1))
    with mock.patch.object(tasks.recompute_requested, "delay") as swept:
        assert tasks.sweep_recompute_requests() == 1
    swept.assert_called_once_with(org.pk)


def test_the_sweep_waits_for_the_debounce(org):
    service.recompute_request(organization_id=org.pk, kind="organisation")
    with mock.patch.object(tasks.recompute_requested, "delay") as swept:
        assert tasks.sweep_recompute_requests() == 0
    assert not swept.called


def test_running_the_requests_computes_and_deletes_them_unless_asked_again(org):
    cohort = build_pairs(org, pairs=2)
    pairing = cohort.pairings.order_by("pk").first()
    RecomputeRequest.objects.for_org(org).delete()
    service.recompute_request(organization_id=org.pk, kind="pairing", object_id=pairing.pk)
    real = service.snapshots_compute_near
    above = f"above:{cohort.program_id}"

    def compute_while_an_event_arrives(**kwargs):
        result = real(**kwargs)
        service.recompute_request(organization_id=org.pk, kind="pairing", object_id=pairing.pk)
        return result

    with mock.patch.object(service, "snapshots_compute_near", compute_while_an_event_arrives):
        assert tasks.recompute_requested.run(org) == [f"pairing:{pairing.pk}"]
    # asked again meanwhile: kept; and the levels above asked for
    assert _requests(org) == {f"pairing:{pairing.pk}", above}
    assert Snapshot.objects.for_org(org).filter(level="pair", object_id=pairing.pk).exists()
    assert tasks.recompute_requested.run(org) == [f"pairing:{pairing.pk}"]
    assert _requests(org) == {above}  # the levels above are the other task's
    assert tasks.recompute_above.run(org) == [above]
    assert Snapshot.objects.for_org(org).filter(level="program", object_id=cohort.program_id)
    assert not _requests(org)
    assert tasks.recompute_requested.run(org) == []  # nothing left: nothing done
    assert tasks.recompute_above.run(org) == []


def _events(org, pairing):
    """A session completed, its pulse answered, an action done, a habit checked in."""
    session = make_session(
        pairing, starts_at=at(org, -1), status=Session.Status.COMPLETED, completed_at=at(org, -1)
    )
    session_completed.send(sender=Session, session=session, by=pairing.mentor.user)
    asked = list(session.pulse_answers.all())  # the follow-up asked both, on completion
    assert len(asked) == 2
    for pulse in asked:
        pulse.score, pulse.answered_at = 2, timezone.now()
        pulse.save(update_fields=["score", "answered_at"])
    action = ActionItem.objects.for_org(org).filter(pairing=pairing, done_at=None).first()
    action.done_at = at(org, -1)
    action.save(update_fields=["done_at"])
    habit = pairing.habits.get()
    HabitCheckIn.objects.create(
        organization=org, habit=habit, day=organization_today(org) - timedelta(1), state="done"
    )


def _nightly_from_scratch(org):
    Snapshot.objects.for_org(org).delete()
    IndicatorPart.objects.for_org(org).delete()
    with mock.patch.object(tasks.recompute_organization, "delay") as queued:
        assert tasks.sweep_nightly() >= 1
    queued.assert_any_call(org.pk)
    tasks.recompute_organization.run(org)
    return _values(org)


def test_the_nightly_result_equals_the_event_driven_one(org):
    """Snapshots kept up to date by events (a session completed, a pulse answered, an action
    done, a habit checked in) equal a full recompute from scratch: after the nightly run
    (today's parts stored), an event's run writes every level at once, its pair's part read
    again and the others' loaded."""
    cohort = build_pairs(org, pairs=3)
    other = build_pairs(org, pairs=2)
    tasks.recompute_organization.run(org)
    assert IndicatorPart.objects.for_org(org).filter(kind="organisation").exists()
    RecomputeRequest.objects.for_org(org).delete()
    pairing = cohort.pairings.order_by("pk").first()
    _events(org, pairing)
    before = _values(org)
    assert tasks.recompute_requested.run(org) == [f"pairing:{pairing.pk}"]
    assert not _requests(org)  # nothing left for the levels above: done in the same run
    event_driven = _values(org)
    day = organization_today(org)
    for level, object_id in (
        ("pair", pairing.pk),
        ("cohort", cohort.pk),
        ("program", cohort.program_id),
        ("organisation", org.pk),
    ):
        key = (level, object_id, "no_show_rate", day)
        assert event_driven[key] != before[key], level  # the completed session counts
    untouched = other.pairings.order_by("pk").first()
    key = ("pair", untouched.pk, "no_show_rate", day)
    assert event_driven[key] == before[key]
    assert event_driven[("pair", pairing.pk, "cadence", day)][3] == 1
    assert _nightly_from_scratch(org) == event_driven


def test_without_todays_parts_the_pairs_levels_come_first_and_the_levels_above_next(org):
    """The first event of a day (no parts stored for today): the pair, its mentor and its
    cohort from their own rows at once, the program and the organisation on the task of the
    levels above, which reads every row and stores the parts; the result equals the
    nightly run's."""
    cohort = build_pairs(org, pairs=3)
    tasks.recompute_organization.run(org)
    IndicatorPart.objects.for_org(org).delete()  # as on a new day
    RecomputeRequest.objects.for_org(org).delete()
    pairing = cohort.pairings.order_by("pk").first()
    _events(org, pairing)
    before = _values(org)
    assert tasks.recompute_requested.run(org) == [f"pairing:{pairing.pk}"]
    # the pair, its mentor and cohort first, from their own rows; the levels above next
    near = _values(org)
    assert near != before
    assert all(near[key] == before[key] for key in before if key[0] in ("program", "organisation"))
    assert tasks.recompute_above.run(org) == [f"above:{cohort.program_id}"]
    assert IndicatorPart.objects.for_org(org).filter(kind="organisation").exists()
    event_driven = _values(org)
    assert event_driven != before  # the events changed figures
    assert event_driven[("pair", pairing.pk, "cadence", organization_today(org))][3] == 1
    assert _nightly_from_scratch(org) == event_driven


def test_a_no_show_or_a_cancellation_stores_a_request_an_edit_does_not(org):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = cohort.pairings.get()
    session = make_session(pairing, starts_at=at(org, 1))
    session.title = "Moved room"
    session.save()
    assert not _requests(org)  # still confirmed: no figure changed
    session.status = Session.Status.NO_SHOW
    session.save()
    assert _requests(org) == {f"pairing:{pairing.pk}"}
    RecomputeRequest.objects.for_org(org).delete()
    session.title = "Renamed"
    session.save(update_fields=["title"])
    assert not _requests(org)


def test_an_unknown_scope_is_dropped_not_retried_for_ever(org):
    now = timezone.now()
    RecomputeRequest.objects.create(organization=org, scope="team:3", requested_at=now, due_at=now)
    assert tasks.recompute_requested.run(org) == ["team:3"]
    assert not _requests(org)


def test_a_burst_over_several_pairings_computes_the_levels_above_once(org):
    cohort = build_pairs(org, pairs=3)
    RecomputeRequest.objects.for_org(org).delete()
    pairings = list(cohort.pairings.order_by("pk"))
    for pairing in pairings[:2]:
        service.recompute_request(organization_id=org.pk, kind="pairing", object_id=pairing.pk)
    with mock.patch.object(
        service.inputs, "level_values", wraps=service.inputs.level_values
    ) as computed:
        tasks.recompute_requested.run(org)
        near = [c.kwargs["level"] for c in computed.call_args_list]
        assert sorted(near) == ["cohort", "mentor", "pair"]  # each once, from their own rows
        assert all(c.kwargs["reading"] is None for c in computed.call_args_list)
        tasks.recompute_above.run(org)
    levels = [c.kwargs["level"] for c in computed.call_args_list]
    assert sorted(levels) == sorted(LEVELS)  # each level once for the two pairings
    pair_call = next(c for c in computed.call_args_list if c.kwargs["level"] == "pair")
    assert pair_call.kwargs["object_ids"] == sorted(p.pk for p in pairings[:2])


def test_pair_and_mentor_snapshots_past_90_days_are_thinned_to_one_day_a_week(org):
    """Retention: the latest day of each ISO week is kept for pairs and mentors older than
    90 days; every day is kept for the groups, and for everyone within 90 days."""
    today = organization_today(org)
    now = timezone.now()
    days = [today - timedelta(days=back) for back in range(0, 200)]
    Snapshot.objects.bulk_create(
        [
            Snapshot(
                organization=org,
                level=level,
                object_id=7,
                indicator="cadence",
                day=day,
                n=0,
                computed_at=now,
            )
            for level in ("pair", "mentor", "cohort", "organisation")
            for day in days
        ]
    )
    cutoff = today - timedelta(days=90)
    deleted = service.snapshots_prune(organization=org)
    kept = {
        level: sorted(
            Snapshot.objects.for_org(org).filter(level=level).values_list("day", flat=True)
        )
        for level in ("pair", "mentor", "cohort", "organisation")
    }
    assert kept["cohort"] == kept["organisation"] == sorted(days)  # the groups: every day
    old_days = [d for d in days if d < cutoff]
    weeks = {d.isocalendar()[:2] for d in old_days}
    for level in ("pair", "mentor"):
        assert [d for d in kept[level] if d >= cutoff] == sorted(d for d in days if d >= cutoff)
        thinned = [d for d in kept[level] if d < cutoff]
        assert len(thinned) == len(weeks)  # one a week
        for day in thinned:  # the latest of its week
            assert day == max(d for d in old_days if d.isocalendar()[:2] == day.isocalendar()[:2])
    assert deleted == 2 * (len(old_days) - len(weeks))
    assert service.snapshots_prune(organization=org) == 0  # again: nothing more


def test_the_nightly_recompute_thins_old_pair_snapshots(org):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = cohort.pairings.get()
    old = organization_today(org) - timedelta(days=120)
    for back in range(7):
        service.snapshots_compute(
            organization=org, day=old - timedelta(days=back), scope=f"pairing:{pairing.pk}"
        )
    tasks.recompute_organization.run(org)
    old_days = set(
        Snapshot.objects.for_org(org)
        .filter(level="pair", day__lte=old)
        .values_list("day", flat=True)
    )
    assert 1 <= len(old_days) <= 2  # seven days of at most two ISO weeks, one day each
    assert Snapshot.objects.for_org(org).filter(level="cohort", day__lte=old).count() > 7


def test_the_levels_above_are_asked_for_after_the_near_ones_and_swept_on_their_own(
    org, django_capture_on_commit_callbacks
):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = cohort.pairings.get()
    RecomputeRequest.objects.for_org(org).delete()
    service.recompute_request(organization_id=org.pk, kind="pairing", object_id=pairing.pk)
    queue = mock.patch.object(tasks.recompute_above, "apply_async")
    with queue as queued, django_capture_on_commit_callbacks(execute=True):
        assert tasks.recompute_requested.run(org) == [f"pairing:{pairing.pk}"]
    queued.assert_called_once_with((org.pk,), countdown=service.ABOVE_SECONDS)
    above = RecomputeRequest.objects.for_org(org).get()
    assert above.scope == f"above:{cohort.program_id}"
    RecomputeRequest.objects.for_org(org).update(due_at=timezone.now() - timedelta(seconds=1))
    with (
        mock.patch.object(tasks.recompute_requested, "delay") as near,
        mock.patch.object(tasks.recompute_above, "delay") as far,
    ):
        assert tasks.sweep_recompute_requests() == 0  # nothing near is due
    assert not near.called
    far.assert_called_once_with(org.pk)


def test_a_full_recompute_replaces_the_days_rows_of_every_level(org):
    """A full computation writes every object's every figure of the day: a row of an object
    gone since (a pairing deleted with its cohort) does not outlive it, and the rows of
    other days stay."""
    cohort = build_pairs(org, pairs=2)
    day = organization_today(org)
    service.snapshots_compute(organization=org)
    pairing = cohort.pairings.order_by("pk").first()
    stale = Snapshot.objects.for_org(org).get(
        level="pair", object_id=pairing.pk, indicator="cadence", day=day
    )
    earlier = Snapshot.objects.for_org(org).create(
        **{f: getattr(stale, f) for f in ("level", "object_id", "indicator", "value", "n")},
        organization=org,
        day=day - timedelta(days=1),
        computed_at=stale.computed_at,
    )
    gone = Snapshot.objects.for_org(org).create(
        organization=org,
        level="pair",
        object_id=pairing.pk + 10_000,
        indicator="cadence",
        day=day,
        computed_at=stale.computed_at,
    )
    rows = Snapshot.objects.for_org(org).filter(day=day).count()
    assert service.snapshots_compute(organization=org) == rows - 1
    assert not Snapshot.objects.for_org(org).filter(pk=gone.pk).exists()
    assert Snapshot.objects.for_org(org).filter(pk=earlier.pk).exists()
    assert Snapshot.objects.for_org(org).filter(day=day).count() == rows - 1
