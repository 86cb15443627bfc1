"""Admin for calendar exceptions, with their source, demo flag and history."""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarException
from .national import national_holiday_name


@admin.register(CalendarException)
class CalendarExceptionAdmin(SimpleHistoryAdmin):
    list_display = (
        "date",
        "weekday",
        "kind",
        "reason",
        "source",
        "is_demo",
        "public_holiday",
    )
    list_display_links = ("date",)
    list_filter = ("kind", "is_demo")
    date_hierarchy = "date"
    search_fields = ("reason", "source")
    ordering = ("date",)
    fields = ("date", "kind", "reason", "source", "is_demo", "created_at")
    # Demo rows come only from seed_demo; an administrator's row is always real.
    readonly_fields = ("is_demo", "created_at")

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarException) -> str:
        return date_format(obj.date, "l")

    # Shown beside each row so an administrator sees which holiday a swap touches.
    @admin.display(description=_("public holiday"))
    def public_holiday(self, obj: CalendarException) -> str | None:
        return national_holiday_name(obj.date)
