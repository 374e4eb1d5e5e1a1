"""Circle.mentees through CircleMentee, a tenant row with its organisation.

Django cannot add ``through=`` to an existing many-to-many field, so the link moves to a new
table: the through model is created, every existing link is copied with its owner's
organisation, and the field is replaced by one that uses it."""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


def copy_links(apps, schema_editor):
    Owner = apps.get_model("matching", "Circle")
    Link = apps.get_model("matching", "CircleMentee")
    old = Owner.mentees.through
    rows = old.objects.using(schema_editor.connection.alias).values_list(
        "circle_id", "participant_id", "circle__organization_id"
    )
    Link._default_manager.using(schema_editor.connection.alias).bulk_create(
        [
            Link(organization_id=org_id, circle_id=owner_id, participant_id=target_id)
            for owner_id, target_id, org_id in rows.iterator()
        ],
        batch_size=1000,
    )


def copy_back(apps, schema_editor):
    raise RuntimeError("Irreversible: the old link table is gone.")


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0001_initial"),
        ("matching", "0003_matching_timezone_gap"),
        ("programs", "0005_resource_competency_link"),
    ]

    operations = [
        migrations.CreateModel(
            name="CircleMentee",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("organization", models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization")),
                ("circle", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="matching.circle")),
                ("participant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="programs.participant")),
            ],
            options={
                "default_manager_name": "links",
                "constraints": [models.UniqueConstraint(fields=("circle", "participant"), name="circle_mentee_once")],
            },
            managers=[("links", django.db.models.manager.Manager())],
        ),
        migrations.RunPython(copy_links, copy_back),
        migrations.RemoveField(model_name="circle", name="mentees"),
        migrations.AddField(
            model_name="circle",
            name="mentees",
            field=models.ManyToManyField(blank=True, related_name="circles", through="matching.CircleMentee", to="programs.participant"),
        ),
    ]
