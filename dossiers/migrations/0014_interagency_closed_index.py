"""The partial index of the inter-agency dossiers by closing time, for the
inter-agency work per agency (reports/shares.py, docs/indicators.md)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0013_parallel_branches'),
        ('procedures', '0005_parallel_branches'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(condition=models.Q(('crosses_agencies', True)), fields=['closed_at'], name='dossier_interagency_closed'),
        ),
    ]
