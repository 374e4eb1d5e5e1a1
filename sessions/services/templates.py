"""Session templates: the built-in library installed in every organisation."""

from django.db import transaction

from ..library import LIBRARY
from ..models import SessionTemplate, TemplateBlock


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
