"""Notifications point at a page (``link``) instead of a dossier row, and the
e-mail stamp moves to the delivery records (``notifications.models.Delivery``)."""

from django.db import migrations, models

STAFF_ROLES = ("clerk", "officer", "leader", "manager")


def links_from_dossiers(apps, schema_editor):
    # The paths of the dossier pages when this migration was written: the staff
    # workspace for staff, "My dossiers" for applicants.
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(dossier__isnull=False).select_related(
        "recipient"
    )
    for notification in rows.iterator():
        if notification.recipient.role in STAFF_ROLES:
            link = f"/staff/dossiers/{notification.dossier_id}/"
        else:
            link = f"/my/dossiers/{notification.dossier_id}/"
        Notification.objects.filter(pk=notification.pk).update(link=link)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="link",
            field=models.CharField(
                blank=True,
                help_text="The page the message is about, on this site.",
                max_length=255,
                verbose_name="link",
            ),
        ),
        migrations.RunPython(links_from_dossiers, migrations.RunPython.noop),
        migrations.RemoveField(model_name="notification", name="dossier"),
        migrations.RemoveField(model_name="notification", name="emailed_at"),
    ]
