"""Complaints counted per day in the summary rows (none existed before: zero)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_dailysummary_criteria_counts"),
        ("feedback", "0003_complaints"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailysummary",
            name="complaints",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dailysummary",
            name="complained_after_rating",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
