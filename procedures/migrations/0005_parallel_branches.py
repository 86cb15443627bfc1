from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("procedures", "0004_interagency")]

    operations = []
