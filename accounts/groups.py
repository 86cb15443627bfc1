"""The permission groups of the admin site, one definition for migration and demo."""

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.models import Group

CATALOGUE_ADMINISTRATORS = "Catalogue administrators"

ALL = ("view", "add", "change", "delete")

# What a catalogue administrator may touch in the admin site: the catalogue and the
# working calendar in full, and staff accounts (accounts/admin.py narrows them to the
# desk and processing staff of the administrator's own agency tree). No delete on
# accounts: a member of staff who leaves is deactivated, so their name stays on the
# dossiers they handled. Nothing on dossiers, citizens, feedback, reminders, groups or
# permissions: a group member cannot widen their own rights.
CATALOGUE_ADMINISTRATOR_PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("procedures", "agency"): ALL,
    ("procedures", "department"): ALL,
    ("procedures", "sector"): ALL,
    ("procedures", "procedure"): ALL,
    ("procedures", "requiredpaper"): ALL,
    ("procedures", "fee"): ALL,
    ("procedures", "routestep"): ALL,
    ("workcalendar", "calendarexception"): ALL,
    ("accounts", "user"): ("view", "add", "change"),
    # Groups of linked procedures filed once (inter-agency one-stop).
    ("procedure_groups", "proceduregroup"): ALL,
    ("procedure_groups", "groupmember"): ALL,
}


def sync_catalogue_administrators(
    apps: Apps = global_apps,
    granted: dict[tuple[str, str], tuple[str, ...]] | None = None,
) -> Group:
    """Create the "Catalogue administrators" group, or reset its permissions to
    exactly ``granted`` (the list above unless a migration passes the list of its
    time). ``apps`` is a migration's historical registry there."""
    if granted is None:
        granted = CATALOGUE_ADMINISTRATOR_PERMISSIONS
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=CATALOGUE_ADMINISTRATORS)
    wanted = {
        (app_label, f"{action}_{model}")
        for (app_label, model), actions in granted.items()
        for action in actions
    }
    permissions = [
        permission
        for permission in permission_model.objects.filter(
            content_type__app_label__in={app_label for app_label, _ in wanted}
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    found = {(p.content_type.app_label, p.codename) for p in permissions}
    if found != wanted:
        raise LookupError(f"Missing permissions: {sorted(wanted - found)}")
    group.permissions.set(permissions)
    return group
