"""Every organisation that existed before sessions gets the built-in template library."""

from django.db import migrations


def install(apps, schema_editor):
    from sessions.library import LIBRARY

    Organization = apps.get_model("tenancy", "Organization")
    SessionTemplate = apps.get_model("mentoring", "SessionTemplate")
    TemplateBlock = apps.get_model("mentoring", "TemplateBlock")
    for organization in Organization.objects.all():
        have = set(
            SessionTemplate._base_manager.filter(organization=organization)
            .exclude(key="")
            .values_list("key", flat=True)
        )
        names = set(
            SessionTemplate._base_manager.filter(organization=organization).values_list(
                "name", flat=True
            )
        )
        for entry in LIBRARY:
            if entry["key"] in have:
                continue
            name = entry["name"] if entry["name"] not in names else f"{entry['name']} (built-in)"
            template = SessionTemplate._base_manager.create(
                organization=organization,
                key=entry["key"],
                name=name,
                description=entry["description"],
                kind=str(entry["kind"]),
                minutes=entry["minutes"],
                min_minutes=entry.get("min_minutes"),
                max_minutes=entry.get("max_minutes"),
                requires_pre_work=entry.get("requires_pre_work", False),
                pre_work_prompt=entry.get("pre_work_prompt", ""),
            )
            TemplateBlock._base_manager.bulk_create(
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
                    for position, (title, minutes, prompt, outputs) in enumerate(
                        entry["blocks"], 1
                    )
                ]
            )


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0001_initial"), ("tenancy", "0003_cache_table")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
