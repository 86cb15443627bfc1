"""Admin of satisfaction ratings: read-only, for the centre's indicators."""

from django.contrib import admin

from .models import Rating


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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
