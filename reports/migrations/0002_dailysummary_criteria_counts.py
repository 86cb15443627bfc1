"""How many ratings scored each criterion, beside the sum of its scores: the
criteria asked became configurable (feedback 0002), so a rating need not score
every criterion. Until then every rating scored all four, so the count of each
is the row's number of ratings."""

from django.db import migrations, models


def forward(apps, schema_editor):
    DailySummary = apps.get_model("reports", "DailySummary")
    rows = []
    for row in DailySummary.objects.filter(rated__gt=0).iterator(chunk_size=2000):
        row.criteria_counts = dict.fromkeys(row.criteria_totals, row.rated)
        rows.append(row)
        if len(rows) == 2000:
            DailySummary.objects.bulk_update(rows, ["criteria_counts"])
            rows = []
    DailySummary.objects.bulk_update(rows, ["criteria_counts"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="dailysummary",
            name="criteria_counts",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
