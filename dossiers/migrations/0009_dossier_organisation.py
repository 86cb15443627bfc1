# Filing for an organisation (issue 17): the business or organisation a dossier is
# filed for.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0008_dossier_search_folded"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="organisation_name",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="organisation"
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="organisation_tax_code",
            field=models.CharField(
                blank=True, max_length=14, verbose_name="organisation's tax code"
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="organisation_address",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="organisation's address"
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="organisation_representative",
            field=models.CharField(
                blank=True, max_length=150, verbose_name="representative"
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="organisation_representative_title",
            field=models.CharField(
                blank=True, max_length=100, verbose_name="representative's title"
            ),
        ),
    ]
