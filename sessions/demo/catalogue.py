"""The demo programs' signal types (the seeds' signals) and the session templates each
program uses. Written directly with the models (the demo does not wait for the services)."""

from decimal import Decimal

from programs.models import Competency

from ..models import ProgramSessionTemplate, SessionTemplate, SignalType

RUBRIC = SignalType.Kind.RUBRIC
NUMBER = SignalType.Kind.NUMBER

# (name, kind, description, competency per program kind, levels or (unit, low, high))
SIGNALS = [
    (
        "Technique consistency",
        RUBRIC,
        "How consistently the trainee's cueing and demonstration follow the technique "
        "rubric (video-based, 1 = rarely, 5 = always).",
        {"trainer": "Cueing and demonstration", "leaders": "Giving feedback"},
        ["Rarely", "Sometimes", "Often", "Usually", "Always"],
    ),
    (
        "Readiness",
        RUBRIC,
        "Ready to coach clients alone: the mentor's judgement after the observation.",
        {"trainer": "Session flow", "leaders": "Stakeholder management"},
        ["Not yet", "With support", "Nearly ready", "Ready", "Ready to lead others"],
    ),
    (
        "Velocity",
        NUMBER,
        "Mean bar velocity of the client's main working set at the agreed load, from the "
        "velocity tracker.",
        {},
        ("m/s", Decimal("0.10"), Decimal("2.00")),
    ),
    (
        "Client retention when the trainee leads sessions",
        NUMBER,
        "Share of the clients the trainee leads who rebooked within the month.",
        {"trainer": "Client retention", "leaders": None},
        ("%", Decimal("0"), Decimal("100")),
    ),
    (
        "Independent problem-solving",
        RUBRIC,
        "Selects regressions and progressions without mentor prompts.",
        {"trainer": "Regressions and progressions", "leaders": "Data-informed decisions"},
        [
            "Needs every prompt",
            "Needs most prompts",
            "Needs a few prompts",
            "Rarely needs a prompt",
            "No prompts needed",
        ],
    ),
]

# The built-in templates each program uses, by key.
TEMPLATES = {
    "trainer": [
        "on-the-floor",
        "remote-review",
        "micro-mentoring",
        "cohort-weekly-module",
        "calibration-call",
    ],
    "leaders": ["monthly-check-in", "micro-mentoring", "shadowing-day", "calibration-call"],
}


def _competencies(context):
    competencies = context.extra.get("competencies")
    if competencies is None:
        competencies = list(Competency.objects.for_org(context.organization))
    return {c.name: c for c in competencies}


def signal_types(context):
    """Each demo program's signal types; returns {program key: {signal name: SignalType}}."""
    organization = context.organization
    by_name = _competencies(context)
    rows = []
    for key, program in (context.extra.get("programs") or {}).items():
        for position, (name, kind, description, competency, spec) in enumerate(SIGNALS, 1):
            row = SignalType(
                organization=organization,
                program=program,
                name=name,
                description=description,
                kind=kind,
                competency=by_name.get(competency.get(key) or ""),
                position=position,
            )
            if kind == RUBRIC:
                row.level_words = list(spec)
            else:
                row.unit, row.min_value, row.max_value = spec
            row.full_clean()
            rows.append(row)
    SignalType.objects.for_org(organization).bulk_create(rows)
    found = {}
    programs = context.extra.get("programs") or {}
    for key, program in programs.items():
        found[key] = {row.name: row for row in rows if row.program_id == program.pk}
    return found


# The programs whose charter shares session notes with the program team: the trainers'
# ("Session notes, clips and scores are shared only between the trainee, their mentor and the
# program team"); the leaders' keeps them to the pair ("the conversations are not").
NOTES_SHARED = {"trainer"}


def notes_sharing(context):
    """Each demo program's notes setting, as its charter (programs' demo) words it."""
    for key, program in (context.extra.get("programs") or {}).items():
        program.notes_shared_with_team = key in NOTES_SHARED
        type(program).objects.for_org(context.organization).filter(pk=program.pk).update(
            notes_shared_with_team=program.notes_shared_with_team
        )


def program_templates(context):
    """Each demo program's templates; returns {key: SessionTemplate} of the built-ins."""
    organization = context.organization
    builtins = {t.key: t for t in SessionTemplate.objects.for_org(organization).exclude(key="")}
    links = []
    for key, program in (context.extra.get("programs") or {}).items():
        for template_key in TEMPLATES.get(key, []):
            template = builtins.get(template_key)
            if template is not None:
                links.append(
                    ProgramSessionTemplate(
                        organization=organization, program=program, template=template
                    )
                )
    ProgramSessionTemplate.objects.for_org(organization).bulk_create(links)
    return builtins
