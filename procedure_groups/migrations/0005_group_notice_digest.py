"""One notice stream for a group file (docs/interagency.md): a digest of the
children's results sent at the end of its window, one open per group file."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0013_parallel_branches'),
        ('procedure_groups', '0004_group_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='groupnotice',
            name='send_after',
            field=models.DateTimeField(blank=True, help_text='A digest of results is sent at the end of its window; empty: sent at once.', null=True, verbose_name='sent after'),
        ),
        migrations.AddIndex(
            model_name='groupnotice',
            index=models.Index(condition=models.Q(('attempts', 0), ('status', 'pending')), fields=['send_after'], name='group_digest_due'),
        ),
        migrations.AddConstraint(
            model_name='groupnotice',
            constraint=models.UniqueConstraint(condition=models.Q(('attempts', 0), ('send_after__isnull', False), ('status', 'pending')), fields=('filing',), name='one_open_group_digest'),
        ),
    ]
