import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def stage_is_position(apps, schema_editor):
    """Every step filed before parallel branches is a stage of its own."""
    apps.get_model("dossiers", "DossierStep").objects.filter(stage__isnull=True).update(
        stage=F("position")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0012_group_results"),
        ("procedures", "0005_parallel_branches"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierstep",
            name="stage",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="stage"
            ),
        ),
        migrations.RunPython(stage_is_position, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="agencytransfer",
            name="log",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="agency_transfers",
                to="dossiers.transitionlog",
                verbose_name="transition",
            ),
        ),
    ]
