# Placeholder reserved for complaints (issue 14): fill its operations (and dependencies) by hand.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_rating_criteria"),
    ]

    operations = []
