"""Catalogue administrators also keep the groups of linked procedures filed once
(procedure_groups): the group's rights reset to accounts/groups.py's list."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.groups import (
    CATALOGUE_ADMINISTRATOR_PERMISSIONS,
    sync_catalogue_administrators,
)

GRANTED = {
    **{
        key: value
        for key, value in CATALOGUE_ADMINISTRATOR_PERMISSIONS.items()
        if key[0] != "procedure_groups"
    },
    ("procedure_groups", "proceduregroup"): ("view", "add", "change", "delete"),
    ("procedure_groups", "groupmember"): ("view", "add", "change", "delete"),
}


def grant(apps, schema_editor):
    # Permissions are normally created after the last migration has run.
    for app_label in {app_label for app_label, _ in GRANTED}:
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, verbosity=0
        )
    sync_catalogue_administrators(apps, GRANTED)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_role_agency_index"),
        ("procedure_groups", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
