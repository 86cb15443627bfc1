from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procedure_groups", "0003_catalogue"),
        ("dossiers", "0013_parallel_branches"),
    ]

    operations = []
