"""The "Catalogue administrators" group: the catalogue administrator's rights in the
admin site, so that they need not be a superuser."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.groups import (
    ALL,
    CATALOGUE_ADMINISTRATORS,
    sync_catalogue_administrators,
)

# The group's rights as this migration made them (later ones extend them).
GRANTED = {
    ("procedures", "agency"): ALL,
    ("procedures", "department"): ALL,
    ("procedures", "sector"): ALL,
    ("procedures", "procedure"): ALL,
    ("procedures", "requiredpaper"): ALL,
    ("procedures", "fee"): ALL,
    ("procedures", "routestep"): ALL,
    ("workcalendar", "calendarexception"): ALL,
    ("accounts", "user"): ("view", "add", "change"),
}


def create_group(apps, schema_editor):
    # Permissions are normally created after the last migration has run; the group
    # needs them now, on a fresh database too.
    for app_label in {app_label for app_label, _ in GRANTED}:
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, verbosity=0
        )
    sync_catalogue_administrators(apps, GRANTED)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name=CATALOGUE_ADMINISTRATORS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_email_verified_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("procedures", "0001_initial"),
        ("workcalendar", "0003_official_exceptions"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
