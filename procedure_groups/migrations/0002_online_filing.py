# Placeholder reserved for filing a group online (issue 18): fill its operations (and dependencies) by hand.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procedure_groups", "0001_initial"),
    ]

    operations = []
