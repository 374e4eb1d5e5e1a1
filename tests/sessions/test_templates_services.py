"""Template services (S1): copying, the details, the blocks saved as one working copy (they
must add up), archiving, and the templates a program uses; past sessions never change."""

import pytest
from django.core.exceptions import ValidationError

from mentorship.tenancy.audit_display import audit_details
from mentorship.tenancy.models import AuditEvent
from sessions.models import SessionKind, SessionTemplate, TemplateBlock
from sessions.selectors.templates import program_templates
from sessions.services import templates as services
from tests.programs.factories import make_program
from tests.sessions.factories import SessionTemplateFactory, builtin, make_session

pytestmark = pytest.mark.django_db


def _rows(template):
    return [
        {
            "id": block.pk,
            "title": block.title,
            "minutes": block.minutes,
            "prompt": block.prompt,
            "outputs": block.outputs,
        }
        for block in template.blocks.all()
    ]


def _shape(template):
    return [(b.position, b.title, b.minutes) for b in template.blocks.all()]


def test_a_built_in_is_copied_with_its_blocks(org, admin):
    floor = builtin(org)

    copy = services.template_clone(template=floor, by=admin)
    again = services.template_clone(template=floor, by=admin)

    assert copy.name == "Copy of On-the-floor session"
    assert again.name == "Copy of On-the-floor session (2)"
    assert copy.copied_from == floor and copy.key == "" and not copy.built_in
    assert _shape(copy) == _shape(floor)
    assert copy.blocks.get(title="Reflective feedback").outputs == ["notes", "corrections"]
    assert AuditEvent.objects.for_org(org).filter(action="session_template.copied").count() == 2


def test_a_built_in_is_not_edited_in_place(org, admin):
    floor = builtin(org)
    with pytest.raises(ValidationError, match="copy it"):
        services.template_update(template=floor, by=admin, name="Mine")
    with pytest.raises(ValidationError, match="copy it"):
        services.template_blocks_save(template=floor, minutes=30, blocks=_rows(floor), by=admin)
    assert builtin(org).name == "On-the-floor session"


def test_blocks_that_do_not_add_up_are_refused_and_nothing_is_written(org, admin):
    template = services.template_clone(template=builtin(org), by=admin)
    rows = _rows(template)
    rows[1]["minutes"] = 5  # 5 + 5 + 10 + 5 = 25

    with pytest.raises(ValidationError) as refused:
        services.template_blocks_save(template=template, minutes=30, blocks=rows, by=admin)

    assert refused.value.message_dict == {
        "minutes": ["The blocks add up to 25 minutes; the template is 30."]
    }
    template.refresh_from_db()
    assert [b.minutes for b in template.blocks.all()] == [5, 10, 10, 5]


def test_the_working_copy_is_saved_at_once_reordered_added_and_removed(org, admin):
    template = services.template_clone(template=builtin(org), by=admin)
    debrief, observation, feedback, habit = _rows(template)
    observation["minutes"] = 15
    new = {"id": None, "title": "Warm-up", "minutes": 5, "prompt": "", "outputs": ["notes"]}

    services.template_blocks_save(
        template=template,
        minutes=35,
        blocks=[new, observation, debrief, feedback],  # the micro-habit block removed
        by=admin,
    )

    template.refresh_from_db()
    assert template.minutes == 35
    assert _shape(template) == [
        (1, "Warm-up", 5),
        (2, "Observation", 15),
        (3, "Brief debrief", 5),
        (4, "Reflective feedback", 10),
    ]
    assert not TemplateBlock.objects.for_org(org).filter(pk=habit["id"]).exists()
    event = AuditEvent.objects.for_org(org).get(action="session_template.blocks_updated")
    assert event.data["minutes"] == [30, 35]
    assert event.data["blocks"][1].startswith("Warm-up 5 min (notes); Observation 15 min")
    details = dict(audit_details(event, zone=org.zoneinfo))
    assert details["Minutes"] == "30 → 35"


def test_a_block_of_another_template_is_refused(org, admin):
    template = services.template_clone(template=builtin(org), by=admin)
    other = SessionTemplateFactory(organization=org)
    rows = _rows(template)
    rows[0]["id"] = other.blocks.first().pk

    with pytest.raises(ValidationError, match="reload the page"):
        services.template_blocks_save(template=template, minutes=30, blocks=rows, by=admin)
    assert other.blocks.count() == 2


def test_an_unknown_output_is_refused(org, admin):
    template = services.template_clone(template=builtin(org), by=admin)
    rows = _rows(template)
    rows[0]["outputs"] = ["telepathy"]
    with pytest.raises(ValidationError, match="Unknown outputs"):
        services.template_blocks_save(template=template, minutes=30, blocks=rows, by=admin)


def test_editing_a_template_never_changes_past_sessions(org, admin, pairing):
    template = services.template_clone(template=builtin(org), by=admin)
    session = make_session(pairing, template=template)
    rows = _rows(template)
    rows[0].update(title="Goals", minutes=10, prompt="Say the goals.")
    rows[1]["minutes"] = 5

    services.template_update(template=template, by=admin, name="Floor, revised")
    services.template_blocks_save(
        template=template, minutes=30, blocks=rows[:2] + rows[2:], by=admin
    )
    services.template_blocks_save(template=template, minutes=25, blocks=rows[:3], by=admin)

    session.refresh_from_db()
    assert session.template_name == "Copy of On-the-floor session"
    assert [(b.title, b.minutes) for b in session.blocks.all()] == [
        ("Brief debrief", 5),
        ("Observation", 10),
        ("Reflective feedback", 10),
        ("Micro-habit", 5),
    ]


def test_details_are_checked(org, admin):
    template = SessionTemplateFactory(organization=org, name="Mine")
    SessionTemplateFactory(organization=org, name="Taken")

    with pytest.raises(ValidationError) as taken:
        services.template_update(template=template, by=admin, name="Taken")
    assert "already called Taken" in taken.value.message_dict["name"][0]

    with pytest.raises(ValidationError) as ranged:
        services.template_update(
            template=template, by=admin, kind=SessionKind.ONE_TO_ONE, min_minutes=15, max_minutes=45
        )
    assert "micro-mentoring" in ranged.value.message_dict["min_minutes"][0]

    with pytest.raises(ValidationError) as outside:
        services.template_update(
            template=template, by=admin, kind=SessionKind.MICRO, min_minutes=40, max_minutes=45
        )
    assert outside.value.message_dict == {
        "min_minutes": ["The range must hold the template's length, 30 minutes."]
    }

    with pytest.raises(ValidationError) as prompt:
        services.template_update(template=template, by=admin, requires_pre_work=True)
    assert "pre_work_prompt" in prompt.value.message_dict

    services.template_update(
        template=template,
        by=admin,
        kind=SessionKind.MICRO,
        min_minutes=15,
        max_minutes=45,
        requires_pre_work=True,
        pre_work_prompt="Your question.",
    )
    template.refresh_from_db()
    assert template.length_range() == (15, 45) and template.requires_pre_work
    assert AuditEvent.objects.for_org(org).filter(action="session_template.updated").count() == 1


def test_archiving_keeps_the_template_and_its_sessions(org, admin, pairing):
    template = services.template_clone(template=builtin(org), by=admin)
    session = make_session(pairing, template=template)

    services.template_archive(template=template, by=admin)

    template.refresh_from_db()
    session.refresh_from_db()
    assert template.archived_at is not None and session.template == template
    with pytest.raises(ValidationError, match="archived"):
        services.template_update(template=template, by=admin, name="Again")
    services.template_restore(template=template, by=admin)
    template.refresh_from_db()
    assert template.archived_at is None


def test_a_program_picks_its_templates_and_scheduling_offers_them(org, admin):
    program = make_program(org)
    floor, remote = builtin(org), builtin(org, "remote-review")
    every_pair_template = sorted(
        SessionTemplate.objects.for_org(org)
        .filter(kind__in=[SessionKind.ONE_TO_ONE, SessionKind.MICRO])
        .values_list("name", flat=True)
    )

    # None picked: every active template of the kinds asked for.
    assert sorted(t.name for t in program_templates(program=program)) == every_pair_template
    assert [t.name for t in program_templates(program=program, kinds=[SessionKind.GROUP])] == [
        "Cohort weekly module"
    ]

    services.program_templates_set(program=program, templates=[floor, remote], by=admin)

    assert [t.name for t in program_templates(program=program)] == [
        "On-the-floor session",
        "Remote review",
    ]
    # No group template picked: the group kind still offers every active one.
    assert len(program_templates(program=program, kinds=[SessionKind.GROUP])) == 1
    services.template_archive(template=remote, by=admin)
    assert [t.name for t in program_templates(program=program)] == ["On-the-floor session"]
    event = AuditEvent.objects.for_org(org).get(action="program.session_templates_updated")
    assert dict(audit_details(event, zone=org.zoneinfo))["Templates"] == (
        "none → On-the-floor session, Remote review"
    )


def test_a_program_cannot_pick_an_archived_or_foreign_template(org, other_org, admin):
    program = make_program(org)
    archived = services.template_archive(template=builtin(org, "shadowing-day"), by=admin)
    with pytest.raises(ValidationError, match="archived"):
        services.program_templates_set(program=program, templates=[archived], by=admin)
    with pytest.raises(ValidationError, match="organisation's own"):
        services.program_templates_set(program=program, templates=[builtin(other_org)], by=admin)
    assert program.session_templates.count() == 0
