"""Session templates: the built-in library installed in every organisation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.core.models import changes_between, model_update
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions
from mentorship.tenancy.scoping import set_links

from ..library import LIBRARY
from ..models import SessionKind, SessionTemplate, TemplateBlock


@transaction.atomic
def library_install(*, organization):
    """Give ``organization`` the built-in templates it lacks (by key); idempotent. An
    organisation's own template with a built-in's name keeps its name; the built-in gets
    " (built-in)" after it."""
    existing = set(
        SessionTemplate.objects.for_org(organization).exclude(key="").values_list("key", flat=True)
    )
    names = set(SessionTemplate.objects.for_org(organization).values_list("name", flat=True))
    created = []
    for entry in LIBRARY:
        if entry["key"] in existing:
            continue
        name = entry["name"] if entry["name"] not in names else f"{entry['name']} (built-in)"
        template = SessionTemplate.objects.create(
            organization=organization,
            key=entry["key"],
            name=name,
            description=entry["description"],
            kind=entry["kind"],
            minutes=entry["minutes"],
            min_minutes=entry.get("min_minutes"),
            max_minutes=entry.get("max_minutes"),
            requires_pre_work=entry.get("requires_pre_work", False),
            pre_work_prompt=entry.get("pre_work_prompt", ""),
        )
        TemplateBlock.objects.bulk_create(
            [
                TemplateBlock(
                    organization=organization,
                    template=template,
                    position=position,
                    title=title,
                    minutes=minutes,
                    prompt=prompt,
                    outputs=[str(code) for code in outputs],
                )
                for position, (title, minutes, prompt, outputs) in enumerate(entry["blocks"], 1)
            ]
        )
        created.append(template)
    return created


# --- The admins' edits (S1, X8): copy, change, blocks, archive, a program's choice ---------
#
# A template's blocks always add up to its length in the database: the editor keeps a working
# copy of the blocks (add, remove, move and edit them in the form) and
# :func:`template_blocks_save` writes the whole copy at once, or refuses it with the total in
# the message. A built-in template is never edited in place: it is copied first. Sessions
# hold copies of their blocks (``copy_template_blocks``), so no edit here reaches a past one.

register_audit_actions(
    {
        "session_template.copied": "Copied a session template",
        "session_template.updated": "Changed a session template",
        "session_template.blocks_updated": "Changed a session template's blocks",
        "session_template.archived": "Archived a session template",
        "session_template.restored": "Restored an archived session template",
        "program.session_templates_updated": "Chose the session templates of a program",
    }
)

TEMPLATE_FIELDS = (
    "name",
    "description",
    "kind",
    "min_minutes",
    "max_minutes",
    "requires_pre_work",
    "pre_work_prompt",
)
BLOCK_FIELDS = ("title", "minutes", "prompt", "outputs")


def blocks_total_message(total, minutes):
    """The refusal of blocks that do not add up to the template's length."""
    return f"The blocks add up to {total} minutes; the template is {minutes}."


def _free_name(organization, name):
    """``name``, or "name (2)", "name (3)"…, cut to the field's length."""
    name = name[:110]
    taken = set(
        SessionTemplate.objects.for_org(organization)
        .filter(name__startswith=name)
        .values_list("name", flat=True)
    )
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def _check_editable(template):
    if template.built_in:
        raise ValidationError(
            f"{template.name} is a built-in template: copy it, then edit the copy."
        )
    if template.archived_at is not None:
        raise ValidationError(f"{template.name} is archived: restore it to edit it.")


def _block_shape(blocks):
    """The blocks in one line for the audit log: "Brief debrief 5 min (notes); …"."""
    return "; ".join(
        f"{block.title} {block.minutes} min ({', '.join(block.outputs or []) or 'no outputs'})"
        for block in blocks
    )


@transaction.atomic
def template_clone(*, template, by):
    """An editable copy of ``template`` (built-in or the organisation's own), named
    "Copy of …", with ``copied_from`` set and a copy of every block."""
    organization = template.organization
    copy = SessionTemplate(
        organization=organization,
        name=_free_name(organization, f"Copy of {template.name}"),
        description=template.description,
        kind=template.kind,
        minutes=template.minutes,
        min_minutes=template.min_minutes,
        max_minutes=template.max_minutes,
        requires_pre_work=template.requires_pre_work,
        pre_work_prompt=template.pre_work_prompt,
        copied_from=template,
    )
    copy.full_clean()
    copy.save()
    TemplateBlock.objects.bulk_create(
        [
            TemplateBlock(
                organization=organization,
                template=copy,
                position=position,
                title=block.title,
                minutes=block.minutes,
                prompt=block.prompt,
                outputs=list(block.outputs or []),
            )
            for position, block in enumerate(template.blocks.all(), 1)
        ]
    )
    audit_record(
        organization=organization,
        actor=by,
        action="session_template.copied",
        target=copy,
        data={"from": template.name},
    )
    return copy


@transaction.atomic
def template_update(*, template, by, **data):
    """Change a template's name, description, kind, range (a micro session's 15 to 45
    minutes) and pre-work. Its length changes with its blocks (:func:`template_blocks_save`),
    which must add up to it."""
    _check_editable(template)
    name = data.get("name", template.name)
    if (
        SessionTemplate.objects.for_org(template.organization)
        .filter(name=name)
        .exclude(pk=template.pk)
        .exists()
    ):
        raise ValidationError({"name": f"Another template is already called {name}."})
    low, high = data.get("min_minutes"), data.get("max_minutes")
    if (low is None) != (high is None):
        raise ValidationError(
            {"max_minutes": "Give both ends of the range, or neither for a fixed length."}
        )
    kind = data.get("kind", template.kind)
    if low is not None and kind != SessionKind.MICRO:
        raise ValidationError(
            {"min_minutes": "Only a micro-mentoring template is booked for a range of lengths."}
        )
    if low is not None and low > high:
        raise ValidationError({"max_minutes": "The longest must be at least the shortest."})
    if data.get("requires_pre_work") and not data.get("pre_work_prompt", "").strip():
        raise ValidationError({"pre_work_prompt": "Say what the mentee writes before the session."})
    try:
        changes = model_update(template, data, fields=TEMPLATE_FIELDS)
    except ValidationError as error:
        template.refresh_from_db(fields=list(data))  # the instance as saved, not as refused
        if hasattr(error, "error_dict") and "minutes" in error.error_dict:
            raise ValidationError(
                {
                    "min_minutes": f"The range must hold the template's length, "
                    f"{template.minutes} minutes."
                }
            ) from error
        raise
    if changes:
        audit_record(
            organization=template.organization,
            actor=by,
            action="session_template.updated",
            target=template,
            data=changes,
        )
    return template


@transaction.atomic
def template_blocks_save(*, template, minutes, blocks, by):
    """Write a template's length and its blocks at once: ``blocks`` is the editor's working
    copy in order, each a dict of ``id`` (None for a new block), title, minutes, prompt and
    outputs. Blocks missing from it are removed; the others are updated and put in its
    order. Refused, with nothing written, unless the blocks add up to ``minutes``."""
    _check_editable(template)
    if not blocks:
        raise ValidationError({"minutes": "A template needs at least one block."})
    total = sum(int(block["minutes"]) for block in blocks)
    if total != minutes:
        raise ValidationError({"minutes": blocks_total_message(total, minutes)})
    existing = {block.pk: block for block in template.blocks.all()}
    sent = [block["id"] for block in blocks if block.get("id")]
    if any(block_id not in existing for block_id in sent) or len(sent) != len(set(sent)):
        raise ValidationError(
            "These blocks changed in the meantime: reload the page and edit again."
        )
    before = {"minutes": template.minutes, "blocks": _block_shape(existing.values())}
    model_update(template, {"minutes": minutes}, fields=["minutes"])
    removed = [pk for pk in existing if pk not in sent]
    if removed:
        template.blocks.filter(pk__in=removed).delete()
    kept = [existing[pk] for pk in sent]
    # Out of the way of the (template, position) constraint before the final positions.
    for offset, block in enumerate(kept, 1):
        block.position = 1000 + offset
    TemplateBlock.objects.for_org(template.organization).bulk_update(kept, ["position"])
    rows = []
    for position, data in enumerate(blocks, 1):
        block = existing.get(data.get("id")) or TemplateBlock(
            organization=template.organization, template=template
        )
        block.position = position
        for field in BLOCK_FIELDS:
            setattr(block, field, data.get(field, "" if field != "outputs" else []))
        try:
            block.full_clean(validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(
                {
                    "minutes": f"Block {position}, {block.title or 'untitled'}: "
                    + " ".join(error.messages)
                }
            ) from error
        rows.append(block)
    TemplateBlock.objects.for_org(template.organization).bulk_update(
        [row for row in rows if row.pk], ["position", *BLOCK_FIELDS]
    )
    TemplateBlock.objects.bulk_create([row for row in rows if not row.pk])
    after = {"minutes": minutes, "blocks": _block_shape(rows)}
    changes = changes_between(before, after)
    if changes:
        audit_record(
            organization=template.organization,
            actor=by,
            action="session_template.blocks_updated",
            target=template,
            data=changes,
        )
    return template


@transaction.atomic
def template_archive(*, template, by):
    """Take a template out of use: programs no longer offer it (sessions keep their copy of
    its blocks; a template is archived rather than deleted, as sessions name it)."""
    if template.archived_at is not None:
        return template
    template.archived_at = timezone.now()
    template.save(update_fields=["archived_at"])
    audit_record(
        organization=template.organization,
        actor=by,
        action="session_template.archived",
        target=template,
    )
    return template


@transaction.atomic
def template_restore(*, template, by):
    if template.archived_at is None:
        return template
    template.archived_at = None
    template.save(update_fields=["archived_at"])
    audit_record(
        organization=template.organization,
        actor=by,
        action="session_template.restored",
        target=template,
    )
    return template


@transaction.atomic
def program_templates_set(*, program, templates, by):
    """The templates ``program`` uses (what scheduling offers its pairs; see
    :func:`sessions.selectors.templates.program_templates`). Only active templates of the
    program's organisation."""
    templates = list(templates)
    archived = [template.name for template in templates if template.archived_at is not None]
    if archived:
        raise ValidationError(
            {"templates": f"{', '.join(archived)} is archived: restore it to offer it."}
        )
    before = sorted(
        SessionTemplate.objects.for_org(program.organization)
        .filter(programs=program)
        .values_list("name", flat=True)
    )
    set_links(
        program.session_templates,
        templates,
        organization=program.organization,
        field="templates",
    )
    after = sorted(template.name for template in templates)
    if before != after:
        audit_record(
            organization=program.organization,
            actor=by,
            action="program.session_templates_updated",
            target=program,
            data={"templates": [", ".join(before), ", ".join(after)]},
        )
    return templates
