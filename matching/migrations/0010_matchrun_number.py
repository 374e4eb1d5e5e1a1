"""Runs are numbered within their cohort (Run 1, Run 2, ...): existing runs are numbered by
the order they were started in."""

from django.db import migrations, models


def number_runs(apps, schema_editor):
    MatchRun = apps.get_model("matching", "MatchRun")
    counts = {}
    changed = []
    # A migration reads every organisation's runs on purpose: it numbers them all.
    for run in MatchRun._base_manager.order_by("cohort_id", "created_at", "id"):
        counts[run.cohort_id] = counts.get(run.cohort_id, 0) + 1
        run.number = counts[run.cohort_id]
        changed.append(run)
    MatchRun._base_manager.bulk_update(changed, ["number"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("matching", "0009_rejected_pair")]

    operations = [
        migrations.AddField(
            model_name="matchrun",
            name="number",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(number_runs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="matchrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(number__gt=0),
                fields=("cohort", "number"),
                name="matchrun_number_once_per_cohort",
            ),
        ),
    ]
