# Placeholder reserved for inter-agency dossiers (issue 18): fill its operations (and dependencies) by hand.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0009_dossier_organisation"),
    ]

    operations = []
