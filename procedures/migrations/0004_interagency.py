# Inter-agency one-stop (issue 18, docs/interagency.md): a route step may belong to
# another agency than the procedure's deciding agency.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0003_procedure_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalroutestep",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=(
                    "The agency that works this step, when it is not the deciding "
                    "agency (inter-agency one-stop)."
                ),
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="procedures.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddField(
            model_name="routestep",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The agency that works this step, when it is not the deciding "
                    "agency (inter-agency one-stop)."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="route_steps",
                to="procedures.agency",
                verbose_name="agency",
            ),
        ),
    ]
