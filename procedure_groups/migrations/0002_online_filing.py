# Filing a group online (issue 18): a citizen's draft parent file has no code,
# receipt, appointment or receiving clerk until it is submitted.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procedure_groups", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="proceduregroup",
            name="results_together",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Unticked: each result is handed back as soon as it is ready "
                    "(one by one). Ticked: the desk hands back no result of a group "
                    "file until every result the group requires is ready."
                ),
                verbose_name="results collected together",
            ),
        ),
        migrations.AddField(
            model_name="historicalproceduregroup",
            name="results_together",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Unticked: each result is handed back as soon as it is ready "
                    "(one by one). Ticked: the desk hands back no result of a group "
                    "file until every result the group requires is ready."
                ),
                verbose_name="results collected together",
            ),
        ),
        migrations.AddField(
            model_name="groupfiling",
            name="channel",
            field=models.CharField(
                choices=[("counter", "At the counter"), ("online", "Online")],
                default="counter",
                max_length=10,
                verbose_name="channel",
            ),
        ),
        migrations.AddField(
            model_name="groupfiling",
            name="created_at",
            field=models.DateTimeField(
                auto_now_add=True, null=True, verbose_name="created"
            ),
        ),
        migrations.AlterField(
            model_name="groupfiling",
            name="code",
            field=models.CharField(
                blank=True,
                max_length=64,
                null=True,
                unique=True,
                verbose_name="dossier code",
            ),
        ),
        migrations.AlterField(
            model_name="groupfiling",
            name="due_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="appointment"
            ),
        ),
        migrations.AlterField(
            model_name="groupfiling",
            name="lookup_pin",
            field=models.CharField(blank=True, max_length=8, verbose_name="lookup PIN"),
        ),
        migrations.AlterField(
            model_name="groupfiling",
            name="received_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="received"),
        ),
        migrations.AlterField(
            model_name="groupfiling",
            name="received_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a group filed online.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="received by",
            ),
        ),
    ]
