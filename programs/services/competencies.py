"""Competencies (P3): the organisation's taxonomy (areas and competencies), its level scale,
the starter set and the CSV imports.

Every write is keyword-only, atomic, validated with ``full_clean()`` (which refuses another
organisation's area) and audited. Errors are ``ValidationError({"field": "message"})`` so
views can put them next to the field.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from mentorship.core.models import changes_between, model_update
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from .. import builtins
from ..models import Competency, CompetencyArea, CompetencyLevel
from ..selectors.competencies import competency_usage

register_audit_actions(
    {
        "competency.area_created": "Added a competency area",
        "competency.levels_imported": "Imported the level scale",
        "competency.area_updated": "Changed a competency area",
        "competency.area_deleted": "Deleted a competency area",
        "competency.created": "Added a competency",
        "competency.updated": "Changed a competency",
        "competency.deleted": "Deleted a competency",
        "competency.level_created": "Added a competency level",
        "competency.level_updated": "Changed a competency level",
        "competency.level_deleted": "Deleted a competency level",
        "competency.starter_loaded": "Loaded the starter competency taxonomy",
        "competency.imported": "Imported competencies from CSV",
    }
)


def _words(value):
    """Trim and collapse inner whitespace: names typed in forms and spreadsheets."""
    return " ".join((value or "").split())


def _check_area_name(organization, name, exclude_pk=None):
    if not name:
        raise ValidationError({"name": "Give the area a name."})
    clash = CompetencyArea.objects.for_org(organization).filter(name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already an area called “{name}”."})


@transaction.atomic
def competency_area_create(*, organization, name, by):
    """Add an area of the taxonomy, after the existing ones."""
    name = _words(name)
    _check_area_name(organization, name)
    last = CompetencyArea.objects.for_org(organization).aggregate(last=Max("order"))["last"]
    area = CompetencyArea(organization=organization, name=name, order=(last or 0) + 1)
    area.full_clean()
    area.save()
    audit_record(organization=organization, actor=by, action="competency.area_created", target=area)
    return area


@transaction.atomic
def competency_area_update(*, area, name, order, by):
    """Rename an area or move it in the page's order."""
    name = _words(name)
    _check_area_name(area.organization, name, exclude_pk=area.pk)
    changes = model_update(area, {"name": name, "order": order})
    if changes:
        audit_record(
            organization=area.organization,
            actor=by,
            action="competency.area_updated",
            target=area,
            data=changes,
        )
    return area


@transaction.atomic
def competency_area_delete(*, area, by):
    """Delete an empty area. One with competencies is refused: they are chosen in intakes."""
    count = area.competencies.count()
    if count:
        raise ValidationError(
            f"“{area.name}” still has {count} competenc{'y' if count == 1 else 'ies'}: "
            "move or delete them first."
        )
    audit_record(
        organization=area.organization, actor=by, action="competency.area_deleted", target=area
    )
    area.delete()


def _check_competency(organization, *, area, name, exclude_pk=None):
    if area is None:
        raise ValidationError({"area": "Choose an area of this organisation."})
    if not name:
        raise ValidationError({"name": "Give the competency a name."})
    clash = Competency.objects.for_org(organization).filter(name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a competency called “{name}”."})


@transaction.atomic
def competency_create(*, organization, area, name, description="", by):
    """Add a competency to an area. Names are unique in the organisation."""
    name = _words(name)
    _check_competency(organization, area=area, name=name)
    competency = Competency(
        organization=organization, area=area, name=name, description=description.strip()
    )
    competency.full_clean()
    competency.save()
    audit_record(
        organization=organization,
        actor=by,
        action="competency.created",
        target=competency,
        data={"area": area.name},
    )
    return competency


@transaction.atomic
def competency_update(*, competency, area, name, description="", by):
    """Rename a competency, move it to another area, or change its description."""
    organization = competency.organization
    name = _words(name)
    _check_competency(organization, area=area, name=name, exclude_pk=competency.pk)
    before = {
        "name": competency.name,
        "area": competency.area.name,
        "description": competency.description,
    }
    competency.area, competency.name, competency.description = area, name, description.strip()
    competency.full_clean()
    competency.save(update_fields=["area", "name", "description"])
    after = {"name": name, "area": area.name, "description": competency.description}
    changes = changes_between(before, after)
    if changes:
        audit_record(
            organization=organization,
            actor=by,
            action="competency.updated",
            target=competency,
            data=changes,
        )
    return competency


@transaction.atomic
def competency_delete(*, competency, by):
    """Delete a competency nobody chose in an intake (resources just lose the tag)."""
    usage = competency_usage(competency=competency)
    chosen = usage["mentee_goals"] + usage["mentor_offers"]
    if chosen:
        raise ValidationError(
            f"{chosen} intake{'s' if chosen != 1 else ''} name “{competency.name}”: "
            "rename it instead, so their answers keep their meaning."
        )
    audit_record(
        organization=competency.organization,
        actor=by,
        action="competency.deleted",
        target=competency,
        data={"area": competency.area.name},
    )
    competency.delete()


def _check_level(organization, value, exclude_pk=None):
    clash = CompetencyLevel.objects.for_org(organization).filter(value=value)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"value": f"Level {value} already exists: choose another number."})


@transaction.atomic
def competency_level_create(*, organization, value, name, description="", by):
    """Add a step of the level scale (1 to 5)."""
    level = CompetencyLevel(
        organization=organization,
        value=value,
        name=_words(name),
        description=description.strip(),
    )
    if value is not None:
        _check_level(organization, value)
    level.full_clean()
    level.save()
    audit_record(
        organization=organization, actor=by, action="competency.level_created", target=level
    )
    return level


@transaction.atomic
def competency_level_update(*, level, value, name, description="", by):
    """Change a step of the level scale."""
    if value is not None:
        _check_level(level.organization, value, exclude_pk=level.pk)
    changes = model_update(
        level, {"value": value, "name": _words(name), "description": description.strip()}
    )
    if changes:
        audit_record(
            organization=level.organization,
            actor=by,
            action="competency.level_updated",
            target=level,
            data=changes,
        )
    return level


@transaction.atomic
def competency_level_delete(*, level, by):
    """Delete a step of the level scale (mentors' offers keep their number)."""
    audit_record(
        organization=level.organization,
        actor=by,
        action="competency.level_deleted",
        target=level,
    )
    level.delete()


@transaction.atomic
def competency_starter_load(*, organization, by):
    """Copy the built-in level scale and competencies into an organisation that has none."""
    if Competency.objects.for_org(organization).exists():
        raise ValidationError(
            "This organisation already has competencies: the starter taxonomy is for a "
            "fresh start. Import a CSV to add many at once."
        )
    levels = 0
    if not CompetencyLevel.objects.for_org(organization).exists():
        for value, name, description in builtins.LEVELS:
            level = CompetencyLevel(
                organization=organization, value=value, name=name, description=description
            )
            level.full_clean()
            levels += 1
            level.save()
    areas = {a.name.casefold(): a for a in CompetencyArea.objects.for_org(organization)}
    last = max((a.order for a in areas.values()), default=0)
    created = []
    for area_name, names in builtins.COMPETENCIES.items():
        area = areas.get(area_name.casefold())
        if area is None:
            last += 1
            area = CompetencyArea(organization=organization, name=area_name, order=last)
            area.full_clean()
            area.save()
        for name in names:
            competency = Competency(organization=organization, area=area, name=name)
            competency.full_clean(exclude=["area", "organization"], validate_constraints=False)
            created.append(competency)
    Competency.objects.bulk_create(created)
    audit_record(
        organization=organization,
        actor=by,
        action="competency.starter_loaded",
        data={"levels": levels, "competencies": len(created)},
    )
    return created


@transaction.atomic
def competency_levels_import(*, organization, rows, by):
    """Apply a level scale parsed by :func:`programs.competency_csv.parse_level_csv`, all
    rows or none: a step whose level exists is renamed and described anew, a new one is
    added; steps not in the file stay. Returns (created, updated) counts."""
    if not rows:
        raise ValidationError({"file": "The file has no levels."})
    existing = {
        level.value: level
        for level in CompetencyLevel.objects.for_org(organization).select_for_update()
    }
    created = updated = 0
    for row in rows:
        level = existing.get(row.value)
        if level is None:
            level = CompetencyLevel(organization=organization, value=row.value)
            created += 1
        elif (level.name, level.description) == (_words(row.name), row.description.strip()):
            continue
        else:
            updated += 1
        level.name, level.description = _words(row.name), row.description.strip()
        level.full_clean(validate_constraints=False)
        level.save()
    audit_record(
        organization=organization,
        actor=by,
        action="competency.levels_imported",
        target=organization,
        data={"created": created, "updated": updated, "rows": len(rows)},
    )
    return created, updated


@dataclass
class ImportSummary:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    areas_created: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.created) + len(self.updated) + self.unchanged


@transaction.atomic
def competency_import(*, organization, rows, by):
    """Apply rows parsed by :func:`programs.competency_csv.parse_competency_csv`.

    All rows or none: the caller passes a file without errors; everything here happens in
    one transaction. A competency whose name exists (compared without case) is updated (area,
    description, spelling); a new area is created after the existing ones.
    """
    if not rows:
        raise ValidationError({"file": "The file has no competencies."})
    areas = {
        a.name.casefold(): a
        for a in CompetencyArea.objects.for_org(organization).select_for_update()
    }
    existing = {
        c.name.casefold(): c
        for c in Competency.objects.for_org(organization).select_related("area")
    }
    last = max((a.order for a in areas.values()), default=0)
    summary = ImportSummary()
    to_create, to_update = [], []
    for row in rows:
        area = areas.get(row.area.casefold())
        if area is None:
            last += 1
            area = CompetencyArea(organization=organization, name=row.area, order=last)
            area.full_clean(validate_constraints=False)
            area.save()
            areas[row.area.casefold()] = area
            summary.areas_created.append(area.name)
        competency = existing.get(row.competency.casefold())
        if competency is None:
            competency = Competency(
                organization=organization,
                area=area,
                name=row.competency,
                description=row.description,
            )
            competency.full_clean(exclude=["area", "organization"], validate_constraints=False)
            to_create.append(competency)
            summary.created.append(row.competency)
        elif (competency.area_id, competency.name, competency.description) != (
            area.pk,
            row.competency,
            row.description,
        ):
            competency.area, competency.name = area, row.competency
            competency.description = row.description
            competency.full_clean(exclude=["area", "organization"], validate_constraints=False)
            to_update.append(competency)
            summary.updated.append(row.competency)
        else:
            summary.unchanged += 1
    Competency.objects.bulk_create(to_create)
    Competency.objects.for_org(organization).bulk_update(to_update, ["area", "name", "description"])
    audit_record(
        organization=organization,
        actor=by,
        action="competency.imported",
        data={
            "created": len(summary.created),
            "updated": len(summary.updated),
            "unchanged": summary.unchanged,
            "areas_created": summary.areas_created,
        },
    )
    return summary
