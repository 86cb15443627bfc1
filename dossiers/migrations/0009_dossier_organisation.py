# Placeholder reserved for filing for an organisation (issue 17): fill its operations (and dependencies) by hand.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0008_dossier_search_folded"),
    ]

    operations = []
