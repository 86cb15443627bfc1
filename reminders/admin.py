"""Admin listing of reminders, read-only: staff see what was sent, to whom, when."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "dossier",
        "recipient_display",
        "due_on",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "kind", "due_on")
    date_hierarchy = "created_at"
    search_fields = ("key", "dossier__code", "recipient_name", "email", "phone")
    list_select_related = ("dossier", "recipient")
    fields = (
        "key",
        "kind",
        "dossier",
        "due_on",
        "recipient",
        "recipient_name",
        "email",
        "phone",
        "language",
        "digest",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "notified_at",
        "emailed_at",
        "texted_at",
        "sent_at",
    )
    readonly_fields = fields

    @admin.display(description=_("recipient"), ordering="recipient_name")
    def recipient_display(self, obj: Reminder) -> str:
        return obj.recipient_name or obj.email or obj.phone

    # The rows are the record of what went out: written by the scan and the
    # delivery only, never by hand.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Reminder | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Reminder | None = None
    ) -> bool:
        return False
