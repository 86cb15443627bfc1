# Placeholder reserved for groups in the catalogue (issue 18): fill its operations (and dependencies) by hand.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procedure_groups", "0002_online_filing"),
    ]

    operations = []
