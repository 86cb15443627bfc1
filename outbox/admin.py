"""The outbox in the admin site: subscribers, events, deliveries and replays.

Events and deliveries are read-only records; the one thing an administrator
does to a delivery is replay a dead one (an action, written to the admin's
history with who asked and when).
"""

import logging
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Delivery, Event, Status, Subscriber

logger = logging.getLogger(__name__)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "url"]
    # A URL typed without a scheme is meant to be HTTPS (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = [
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "last_response",
        "last_error",
        "delivered_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "dossier_code", "sequence", "event_type", "occurred_at"]
    list_filter = ["event_type"]
    search_fields = ["dossier_code"]
    readonly_fields = [
        "key",
        "dossier_id",
        "dossier_code",
        "sequence",
        "event_type",
        "occurred_at",
        "created_at",
        "payload",
    ]
    inlines = [DeliveryInline]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "event",
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "last_response",
        "delivered_at",
    ]
    list_filter = ["status", "subscriber"]
    search_fields = ["event__dossier_code"]
    list_select_related = ["event", "subscriber"]
    readonly_fields = [
        "event",
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_response",
        "last_error",
        "delivered_at",
        "replays",
        "created_at",
    ]
    actions = ["replay"]
    show_full_result_count = False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("outbox.change_delivery")

    @admin.action(
        description=_("Replay the selected dead deliveries"), permissions=["replay"]
    )
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        replayed = services.replay(queryset.filter(status=Status.DEAD))
        for record in replayed:
            self.log_change(request, record, gettext("Replayed a dead delivery."))
            logger.info("Outbox delivery %s replayed by %s", record.pk, request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d dead delivery will be sent again.",
                "%(count)d dead deliveries will be sent again.",
                len(replayed),
            )
            % {"count": len(replayed)},
            messages.SUCCESS if replayed else messages.WARNING,
        )
