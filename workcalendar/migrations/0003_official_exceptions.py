"""Flag the demo rows stored before ``is_demo`` existed, and load the official swaps."""

from datetime import date

from django.db import migrations

# The demo swaps seed_demo created before this migration, frozen here: they are
# what existing demo databases hold, whatever workcalendar/demo.py says later.
DEMO_DATES = (date(2027, 2, 11), date(2027, 2, 20))
DEMO_REASON_PREFIX = "Demo example"
FLAG_REASON = "Flagged as demo data (migration 0003)"


def flag_demo_rows(apps, schema_editor):
    from workcalendar.official import record_history

    CalendarException = apps.get_model("workcalendar", "CalendarException")
    history = apps.get_model("workcalendar", "HistoricalCalendarException")
    rows = CalendarException.objects.filter(
        date__in=DEMO_DATES, reason__startswith=DEMO_REASON_PREFIX, is_demo=False
    )
    for row in rows:
        row.is_demo = True
        row.save(update_fields=["is_demo"])
        record_history(history, row, "~", reason=FLAG_REASON)


def load_official_rows(apps, schema_editor):
    # The same loader as `manage.py load_calendar`, given this migration's models;
    # it writes only fields that exist at this point (date, kind, reason, source,
    # is_demo). Should it ever write a later field, freeze a copy here instead.
    from workcalendar.official import load_official

    load_official(
        apps.get_model("workcalendar", "CalendarException"),
        history=apps.get_model("workcalendar", "HistoricalCalendarException"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workcalendar", "0002_calendarexception_is_demo_calendarexception_source_and_more"),
    ]

    operations = [
        migrations.RunPython(flag_demo_rows, migrations.RunPython.noop),
        migrations.RunPython(load_official_rows, migrations.RunPython.noop),
    ]
