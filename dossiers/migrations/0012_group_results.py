# Groups of linked procedures (issue 18): a result passed on to the dossier that
# needs it, and that dossier's clock starting when it arrives.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0011_desk_to_check_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="source_dossier",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "A result of a linked dossier of the group, passed on as a paper."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="dossiers.dossier",
                verbose_name="from the linked dossier",
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="clock_started_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "A dossier of a group waiting for a linked result: when that "
                    "result arrived and its processing time started (empty: from "
                    "receipt)."
                ),
                null=True,
                verbose_name="clock started",
            ),
        ),
    ]
