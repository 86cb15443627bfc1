from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0012_group_results"),
        ("procedures", "0005_parallel_branches"),
    ]

    operations = []
