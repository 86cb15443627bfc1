# Filing for an organisation (issue 17): whether a procedure allows it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_procedure_form_definition"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalprocedure",
            name="organisation_filing",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Whether an applicant may file on behalf of a business or "
                    "organisation (its name, tax code and representative are then "
                    "asked)."
                ),
                verbose_name="may be filed for an organisation",
            ),
        ),
        migrations.AddField(
            model_name="procedure",
            name="organisation_filing",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Whether an applicant may file on behalf of a business or "
                    "organisation (its name, tax code and representative are then "
                    "asked)."
                ),
                verbose_name="may be filed for an organisation",
            ),
        ),
    ]
