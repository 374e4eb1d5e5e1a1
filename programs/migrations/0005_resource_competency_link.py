"""Resource.competencies through ResourceCompetency, a tenant row with its organisation.

Django cannot add ``through=`` to an existing many-to-many field, so the link moves to a new
table: the through model is created, every existing link is copied with its owner's
organisation, and the field is replaced by one that uses it."""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


def copy_links(apps, schema_editor):
    Owner = apps.get_model("programs", "Resource")
    Link = apps.get_model("programs", "ResourceCompetency")
    old = Owner.competencies.through
    rows = old.objects.using(schema_editor.connection.alias).values_list(
        "resource_id", "competency_id", "resource__organization_id"
    )
    Link._default_manager.using(schema_editor.connection.alias).bulk_create(
        [
            Link(organization_id=org_id, resource_id=owner_id, competency_id=target_id)
            for owner_id, target_id, org_id in rows.iterator()
        ],
        batch_size=1000,
    )


def copy_back(apps, schema_editor):
    raise RuntimeError("Irreversible: the old link table is gone.")


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0001_initial"),
        ("programs", "0004_level_scale_of_five"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResourceCompetency",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("organization", models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization")),
                ("resource", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="programs.resource")),
                ("competency", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="programs.competency")),
            ],
            options={
                "default_manager_name": "links",
                "constraints": [models.UniqueConstraint(fields=("resource", "competency"), name="resource_competency_once")],
            },
            managers=[("links", django.db.models.manager.Manager())],
        ),
        migrations.RunPython(copy_links, copy_back),
        migrations.RemoveField(model_name="resource", name="competencies"),
        migrations.AddField(
            model_name="resource",
            name="competencies",
            field=models.ManyToManyField(blank=True, related_name="resources", through="programs.ResourceCompetency", to="programs.competency"),
        ),
    ]
