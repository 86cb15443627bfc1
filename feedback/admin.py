"""Admin of satisfaction ratings: evidence for the centre's indicators, so nobody
adds, edits or deletes one here; they can be read and exported."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.spreadsheets import csv_response, safe_cell

from .models import CRITERIA, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = (
        "dossier",
        "guidance",
        "courtesy",
        "timeliness",
        "fees",
        "via",
        "created_at",
    )
    list_filter = ("via", "created_at")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)
    readonly_fields = [f.name for f in Rating._meta.fields]
    actions = ["export_csv"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Export the selected ratings as CSV"))
    def export_csv(self, request, queryset):
        headings = [
            _("dossier code"),
            *(Rating._meta.get_field(name).verbose_name for name in CRITERIA),
            _("comment"),
            _("rated"),
            _("rated at"),
        ]

        def cells(rating: Rating) -> list[str]:
            return [
                rating.dossier.code or "",
                *(str(score) for score in rating.scores.values()),
                safe_cell(rating.comment),
                str(rating.get_via_display()),
                f"{timezone.localtime(rating.created_at):%d/%m/%Y %H:%M}",
            ]

        ratings = queryset.select_related("dossier").order_by("created_at", "pk")
        return csv_response(headings, ratings.iterator(), cells, "danh-gia-hai-long")
