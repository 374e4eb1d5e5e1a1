"""The reminder sweeps' runner (mentorship/notifications/sweeps.py): every registered sweep
runs in its own transaction, one that fails is logged and undone alone while the others keep
what they stored, the task then raises so Celery retries (and the retry redoes only what is
left: every nudge is stored once); the digests run with them; a whole run queues one
delivery per organisation."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from mentorship.notifications import sweeps, tasks
from mentorship.notifications.models import Nudge
from mentorship.notifications.sweeps import SweepFailed, register, run_all
from tests.factories import MembershipFactory

from .nudge_kinds import send, test_kinds  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("test_kinds")

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(sweeps, "SWEEPS", {})
    return sweeps.SWEEPS


@pytest.fixture
def mia(org):
    return MembershipFactory(organization=org).user


def test_a_failing_sweep_is_undone_alone_and_the_run_raises(org, mia, registry):
    @register("tests.good")
    def good(*, organization, now):
        return sum(send(organization, mia, n=n, now=now)[1] for n in range(2))

    @register("tests.bad")
    def bad(*, organization, now):
        send(organization, mia, n=99, now=now)
        raise RuntimeError("a bad row")

    with pytest.raises(SweepFailed, match="tests.bad failed for acme"):
        run_all(organization=org, now=NOON)

    subjects = set(Nudge.objects.for_org(org).values_list("subject_key", flat=True))
    assert subjects == {"thing:0", "thing:1"}  # the bad sweep's nudge was rolled back


def test_a_second_run_creates_nothing(org, mia, registry):
    @register("tests.good")
    def good(*, organization, now):
        return sum(send(organization, mia, n=n, now=now)[1] for n in range(2))

    assert run_all(organization=org, now=NOON) == {"tests.good": 2, "digests": 0}
    assert run_all(organization=org, now=NOON) == {"tests.good": 0, "digests": 0}
    assert Nudge.objects.for_org(org).count() == 2


def test_only_runs_the_named_sweeps(org, mia, registry):
    ran = []
    register("tests.one")(lambda **kwargs: ran.append("one") or 0)
    register("tests.two")(lambda **kwargs: ran.append("two") or 0)
    assert run_all(organization=org, now=NOON, only={"tests.two"}) == {"tests.two": 0}
    assert ran == ["two"]


def test_a_sweep_is_registered_once(registry):
    register("tests.one")(lambda **kwargs: 0)
    with pytest.raises(ValueError, match="twice"):
        register("tests.one")(lambda **kwargs: 1)


def test_a_run_queues_one_delivery_for_everything_it_stored(
    org, mia, registry, django_capture_on_commit_callbacks
):
    @register("tests.many")
    def many(*, organization, now):
        return sum(send(organization, mia, n=n, now=now)[1] for n in range(3))

    with (
        mock.patch.object(tasks.deliver_due, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_all(organization=org, now=NOON)
    delay.assert_called_once_with(org.pk)


def test_the_task_runs_every_sweep_of_the_organisation(org, mia, registry):
    @register("tests.good")
    def good(*, organization, now):
        return send(organization, mia, now=now)[1]

    tasks.reminders_for.delay(org.pk)
    assert Nudge.objects.for_org(org).count() == 1


def test_the_minute_sweep_queues_one_task_per_organisation(org, other_org):
    with mock.patch.object(tasks.reminders_for, "delay") as delay:
        assert tasks.sweep_reminders() >= 2
    queued = {call.args[0] for call in delay.call_args_list}
    assert {org.pk, other_org.pk} <= queued
