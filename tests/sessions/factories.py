"""factory-boy factories of the sessions app, and the builders its tests share.

Each row takes its organisation from its parent. Builders write rows directly; the services
under test are the sessions app's own.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from sessions.models import (
    ActionItem,
    CalendarFeed,
    Correction,
    Kudos,
    MicroHabit,
    PulseAnswer,
    Session,
    SessionKind,
    SessionTemplate,
    SignalType,
    SignalValue,
    TemplateBlock,
)
from sessions.services.blocks import copy_template_blocks
from tests.factories import TenantFactory
from tests.programs.factories import ProgramFactory

__all__ = [
    "ActionItemFactory",
    "CalendarFeedFactory",
    "KudosFactory",
    "MicroHabitFactory",
    "PulseAnswerFactory",
    "SessionTemplateFactory",
    "SignalTypeFactory",
    "builtin",
    "make_session",
    "rubric_signal",
    "number_signal",
]


class SessionTemplateFactory(TenantFactory):
    """An organisation's own template of two blocks adding up to 30 minutes."""

    class Meta:
        model = SessionTemplate
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Template {n}")
    kind = SessionKind.ONE_TO_ONE
    minutes = 30

    @factory.post_generation
    def with_blocks(obj, create, extracted, **kwargs):  # noqa: N805
        if not create or extracted is False:
            return
        for position, (title, minutes, outputs) in enumerate(
            [("Opening", 10, ["notes"]), ("Feedback", 20, ["notes", "corrections"])], 1
        ):
            TemplateBlock.objects.create(
                organization=obj.organization,
                template=obj,
                position=position,
                title=title,
                minutes=minutes,
                outputs=outputs,
            )


class SignalTypeFactory(TenantFactory):
    class Meta:
        model = SignalType

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    name = factory.Sequence(lambda n: f"Signal {n}")
    kind = SignalType.Kind.RUBRIC
    level_words = ["Not yet", "Emerging", "Developing", "Consistent", "Exemplary"]


def rubric_signal(program, name="Technique consistency", **fields):
    return SignalTypeFactory(program=program, name=name, **fields)


def number_signal(program, name="Velocity", unit="reps/min", low=0, high=100, **fields):
    return SignalTypeFactory(
        program=program,
        name=name,
        kind=SignalType.Kind.NUMBER,
        level_words=[],
        unit=unit,
        min_value=Decimal(low),
        max_value=Decimal(high),
        **fields,
    )


def builtin(organization, key="on-the-floor"):
    """The organisation's built-in template of that key (every organisation has the library)."""
    return SessionTemplate.objects.for_org(organization).get(key=key)


def make_session(
    pairing=None,
    *,
    template=None,
    starts_in=timedelta(days=2),
    status=Session.Status.CONFIRMED,
    kind=None,
    cohort=None,
    **fields,
):
    """A session of ``pairing`` (or a group session of ``cohort``) written directly, with a
    copy of its template's blocks (default: the built-in on-the-floor, or the weekly module
    for a group session)."""
    organization = pairing.organization if pairing is not None else cohort.organization
    kind = kind or (SessionKind.GROUP if pairing is None else SessionKind.ONE_TO_ONE)
    if template is None:
        template = builtin(
            organization, "cohort-weekly-module" if kind == SessionKind.GROUP else "on-the-floor"
        )
    if pairing is not None:
        fields.setdefault("mentor", pairing.mentor.user)
        fields.setdefault("mentee", pairing.mentee.user)
        fields.setdefault("proposed_by", pairing.mentor.user)
        cohort = pairing.cohort
    session = Session.objects.create(
        organization=organization,
        kind=kind,
        pairing=pairing,
        cohort=cohort,
        template=template,
        template_name=template.name,
        title=fields.pop("title", template.name),
        starts_at=fields.pop("starts_at", timezone.now() + starts_in),
        minutes=fields.pop("minutes", template.minutes),
        status=status,
        confirmed_at=timezone.now() if status != Session.Status.PROPOSED else None,
        **fields,
    )
    copy_template_blocks(session=session, template=template, minutes=session.minutes)
    return session


class ActionItemFactory(TenantFactory):
    class Meta:
        model = ActionItem

    organization = factory.SelfAttribute("session.organization")
    pairing = factory.SelfAttribute("session.pairing")
    text = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SelfAttribute("session.mentee")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class MicroHabitFactory(TenantFactory):
    class Meta:
        model = MicroHabit

    organization = factory.SelfAttribute("session.organization")
    pairing = factory.SelfAttribute("session.pairing")
    mentee = factory.SelfAttribute("session.mentee")
    text = "Cue the first rep out loud"
    starts_on = factory.LazyFunction(timezone.localdate)


class CorrectionFactory(TenantFactory):
    class Meta:
        model = Correction

    organization = factory.SelfAttribute("session.organization")
    position = factory.Sequence(lambda n: n % 3 + 1)
    text = factory.Sequence(lambda n: f"Correction {n}")


class SignalValueFactory(TenantFactory):
    class Meta:
        model = SignalValue

    organization = factory.SelfAttribute("session.organization")
    subject = factory.SelfAttribute("session.mentee")
    value = Decimal(3)


class PulseAnswerFactory(TenantFactory):
    class Meta:
        model = PulseAnswer

    organization = factory.SelfAttribute("session.organization")
    respondent = factory.SelfAttribute("session.mentee")
    role = PulseAnswer.Role.MENTEE


class KudosFactory(TenantFactory):
    class Meta:
        model = Kudos

    organization = factory.SelfAttribute("session.organization")
    giver = factory.SelfAttribute("session.mentee")
    recipient = factory.SelfAttribute("session.mentor")
    text = "Thank you for the clear cues today."


class CalendarFeedFactory(TenantFactory):
    class Meta:
        model = CalendarFeed
