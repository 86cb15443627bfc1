# Placeholder reserved for the search work (issue 15 item 3): fill its operations (and dependencies) by hand.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0007_dossier_answers_delivery"),
    ]

    operations = []
