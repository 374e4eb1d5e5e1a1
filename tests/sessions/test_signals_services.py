"""Signal types (S4, X8): the value check on the model (out of range: the range in the
message), and the services that create, change, archive and restore a program's types."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mentorship.tenancy.models import AuditEvent
from sessions.models import SignalType, SignalValue
from sessions.selectors.signals import program_signal_types
from sessions.services import signals as services
from tests.programs.factories import make_competency, make_program
from tests.sessions.factories import make_session, number_signal, rubric_signal

pytestmark = pytest.mark.django_db

WORDS = ["Inconsistent", "Patchy", "Steady", "Consistent", "Automatic"]


# --- SignalType.check_value


def test_a_rubric_takes_whole_levels_from_one_to_five(org):
    signal = rubric_signal(make_program(org))
    assert signal.check_value(4) == Decimal(4)
    with pytest.raises(ValidationError) as outside:
        signal.check_value(6)
    assert outside.value.messages == ["Technique consistency must be 1 to 5; 6 is outside."]
    with pytest.raises(ValidationError, match="whole level, 1 to 5"):
        signal.check_value("2.5")
    with pytest.raises(ValidationError, match="takes a number, 1 to 5"):
        signal.check_value("four")


def test_a_number_is_refused_outside_its_range_with_the_range(org):
    signal = number_signal(make_program(org), low=10, high=60)
    assert signal.check_value("42.5") == Decimal("42.5")
    with pytest.raises(ValidationError) as outside:
        signal.check_value(61)
    assert outside.value.messages == ["Velocity must be 10 reps/min to 60 reps/min; 61 is outside."]
    with pytest.raises(ValidationError, match="10 reps/min to 60 reps/min"):
        signal.check_value("NaN")


def test_a_percentage_and_a_yes_no(org):
    program = make_program(org)
    retention = number_signal(program, name="Client retention", unit="%", low=0, high=100)
    with pytest.raises(ValidationError) as outside:
        retention.check_value(120)
    assert outside.value.messages == ["Client retention must be 0% to 100%; 120 is outside."]
    yes_no = SignalType.objects.create(
        organization=org, program=program, name="Led the session", kind=SignalType.Kind.YES_NO
    )
    assert yes_no.check_value(1) == 1
    with pytest.raises(ValidationError, match="yes or no"):
        yes_no.check_value(2)


# --- services


def test_a_rubric_is_created_with_its_five_words(org, admin):
    program = make_program(org)
    competency = make_competency(org, name="Cueing")

    signal = services.signal_type_create(
        program=program,
        by=admin,
        name="Technique consistency",
        kind="rubric",
        level_words=WORDS,
        unit="ignored",
        min_value=Decimal(3),
        competency=competency,
    )

    assert signal.level_words == WORDS and signal.competency == competency
    assert (signal.unit, signal.min_value) == ("", None)
    assert AuditEvent.objects.for_org(org).filter(action="signal_type.created").count() == 1
    with pytest.raises(ValidationError) as missing:
        services.signal_type_create(
            program=program, by=admin, name="Readiness", kind="rubric", level_words=WORDS[:4]
        )
    assert "five levels" in missing.value.message_dict["level_words"][0]
    with pytest.raises(ValidationError) as twice:
        services.signal_type_create(
            program=program, by=admin, name="Technique consistency", kind="yes_no"
        )
    assert "already has a signal called" in twice.value.message_dict["name"][0]


def test_a_number_needs_its_range_and_a_percentage_stays_within_0_to_100(org, admin):
    program = make_program(org)
    with pytest.raises(ValidationError) as no_range:
        services.signal_type_create(program=program, by=admin, name="Velocity", kind="number")
    assert "range" in no_range.value.message_dict["max_value"][0]
    with pytest.raises(ValidationError) as upside_down:
        services.signal_type_create(
            program=program,
            by=admin,
            name="Velocity",
            kind="number",
            min_value=Decimal(9),
            max_value=Decimal(3),
        )
    assert "above the lowest" in upside_down.value.message_dict["max_value"][0]

    retention = services.signal_type_create(
        program=program, by=admin, name="Client retention", kind="number", unit="%"
    )
    assert (retention.min_value, retention.max_value) == (0, 100)
    with pytest.raises(ValidationError) as beyond:
        services.signal_type_create(
            program=program,
            by=admin,
            name="Rebooking",
            kind="number",
            unit="%",
            min_value=Decimal(0),
            max_value=Decimal(150),
        )
    assert "between 0 and 100" in beyond.value.message_dict["max_value"][0]


def test_another_organisations_competency_is_refused(org, other_org, admin):
    with pytest.raises(ValidationError) as foreign:
        services.signal_type_create(
            program=make_program(org),
            by=admin,
            name="Readiness",
            kind="yes_no",
            competency=make_competency(other_org, name="Elsewhere"),
        )
    assert "competency" in foreign.value.message_dict


def test_the_kind_stays_once_values_are_recorded(org, admin, pairing):
    program = pairing.cohort.program
    signal = rubric_signal(program)
    session = make_session(pairing)
    SignalValue.objects.create(
        organization=org,
        session=session,
        signal_type=signal,
        subject=session.mentee,
        value=Decimal(3),
    )

    with pytest.raises(ValidationError) as refused:
        services.signal_type_update(
            signal_type=signal,
            by=admin,
            kind="number",
            min_value=Decimal(0),
            max_value=Decimal(10),
        )
    assert "its kind stays" in refused.value.message_dict["kind"][0]
    signal.refresh_from_db()
    assert signal.kind == "rubric"

    services.signal_type_update(signal_type=signal, by=admin, name="Consistency", level_words=WORDS)
    signal.refresh_from_db()
    assert (signal.name, signal.level_words) == ("Consistency", WORDS)
    assert AuditEvent.objects.for_org(org).filter(action="signal_type.updated").count() == 1


def test_archived_types_are_not_recorded_in_new_sessions(org, admin):
    program = make_program(org)
    first = rubric_signal(program, position=2)
    second = number_signal(program, position=1)
    assert program_signal_types(program=program) == [second, first]

    services.signal_type_archive(signal_type=second, by=admin)
    assert program_signal_types(program=program) == [first]
    services.signal_type_restore(signal_type=second, by=admin)
    assert program_signal_types(program=program) == [second, first]
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"signal_type.archived", "signal_type.restored"} <= actions
