from django.db import migrations, models

HELP = (
    "Worked at the same time as the step before it (a parallel branch, e.g. "
    "another agency's opinion); the next step starts once every branch is done."
)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0004_interagency")]

    operations = [
        migrations.AddField(
            model_name="historicalroutestep",
            name="parallel_with_previous",
            field=models.BooleanField(
                default=False,
                help_text=HELP,
                verbose_name="parallel with the previous step",
            ),
        ),
        migrations.AddField(
            model_name="routestep",
            name="parallel_with_previous",
            field=models.BooleanField(
                default=False,
                help_text=HELP,
                verbose_name="parallel with the previous step",
            ),
        ),
    ]
