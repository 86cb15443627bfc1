# Placeholder reserved for groups in the catalogue (issue 18): fill its operations (and dependencies) by hand.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0011_desk_to_check_index"),
    ]

    operations = []
