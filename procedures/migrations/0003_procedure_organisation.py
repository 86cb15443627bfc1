# Placeholder reserved for filing for an organisation (issue 17): fill its operations (and dependencies) by hand.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_procedure_form_definition"),
    ]

    operations = []
