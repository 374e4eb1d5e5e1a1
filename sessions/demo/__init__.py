"""The demo's sessions: each program's signal types (the seeds' signals) and templates, and
seven to eight weeks of the active cohort's life (see ``history`` and ``cohort``). Written
directly with the models, deterministic (a seeded random of its own) and in a few bulk
queries.

Runs after programs' and matching's demos; ``context.extra`` holds ``programs`` (key →
Program), ``cohorts`` (status → Cohort) and ``competencies``. Copes with a slimmer demo: no
active cohort means signal types and templates only.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import ActionItem, SessionBlock
from . import catalogue, cohort, history, plans, texts
from .writer import Writer

SEED = 2026


@dataclass
class Demo:
    organization: object
    admin: object
    now: object
    rng: random.Random
    writer: Writer
    templates: dict = field(default_factory=dict)  # built-in key -> SessionTemplate
    signals: dict = field(default_factory=dict)  # name -> the trainer program's SignalType
    baseline: float = 1.7  # where a trainee's rubric signals start


@transaction.atomic
def populate(context):
    organization = context.organization
    signal_types = catalogue.signal_types(context)
    catalogue.notes_sharing(context)
    now = timezone.now()
    demo = Demo(
        organization=organization,
        admin=context.admin,
        now=now,
        rng=random.Random(SEED),
        writer=Writer(organization, now),
        templates=catalogue.program_templates(context),
    )
    active = (context.extra.get("cohorts") or {}).get("active")
    if active is not None:
        key = next(
            (
                k
                for k, p in (context.extra.get("programs") or {}).items()
                if p.pk == active.program_id
            ),
            None,
        )
        demo.signals = signal_types.get(key, {})
        plans.newer_pair(demo, active)  # issue 10: a third live pair, before its sessions
        history.pairing_histories(demo, active)
        cohort.weekly_module(demo, active)
        cohort.office_hours(demo, active)
        cohort.feeds(demo, active)
    held = cohort.directory_sessions(demo)
    demo.writer.write()
    _directory_notes(demo, held)
    if active is not None:
        plans.populate(demo, active)  # issue 10: plans, habits, journals, profiles


def _directory_notes(demo, sessions):
    """Notes, the micro-outcome and the action of the directory's held micro sessions."""
    if not sessions:
        return
    script = texts.MICRO[0]
    blocks = list(SessionBlock.objects.for_org(demo.organization).filter(session__in=sessions))
    names = {s.pk: history.first_name(s.mentee or s.mentor) for s in sessions}
    for block in blocks:
        text = script.get(block.title)
        if text:
            block.notes = text.format(mentee=names[block.session_id])
            block.version = 1
    SessionBlock.objects.for_org(demo.organization).bulk_update(blocks, ["notes", "version"])
    actions = []
    for session in sessions:
        session.micro_outcome = script["micro_outcome"]
        actions.append(
            ActionItem(
                organization=demo.organization,
                session=session,
                text=script["action"],
                owner=session.mentee or session.mentor,
                due_on=(session.completed_at or session.starts_at).date() + timedelta(days=7),
                created_by=session.mentor,
            )
        )
    type(sessions[0]).objects.for_org(demo.organization).bulk_update(sessions, ["micro_outcome"])
    ActionItem.objects.for_org(demo.organization).bulk_create(actions)
