"""Admin of satisfaction ratings, their criteria and complaints. Ratings are
evidence for the centre's indicators, so nobody adds, edits or deletes one here;
they can be read and exported. Criteria are configured here: which are asked, in
what order, and their Vietnamese and English wording. Complaints, evidence too,
are answered by managers in the workspace and only read here."""

import threading

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.spreadsheets import csv_response, safe_cell

from .models import Complaint, ComplaintNotice, Rating, RatingCriterion, all_criteria

_request_local = threading.local()


@admin.register(RatingCriterion)
class RatingCriterionAdmin(admin.ModelAdmin):
    list_display = ("label", "label_en", "code", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "label", "label_en")
    fields = (
        "code",
        "label",
        "label_en",
        "question",
        "question_en",
        "position",
        "is_active",
    )

    def _is_rated(self, obj: RatingCriterion | None) -> bool:
        return (
            obj is not None and Rating.objects.filter(scores__has_key=obj.code).exists()
        )

    def get_readonly_fields(self, request, obj=None):
        # The code keys the scores of the ratings already made.
        return ("code",) if self._is_rated(obj) else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        # A criterion that has been scored is retired (not asked), never deleted.
        if obj is None:
            return super().has_delete_permission(request)
        return not self._is_rated(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("dossier", "average_score", "scores_shown", "via", "created_at")
    list_filter = ("via", "created_at")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)
    readonly_fields = [
        *(f.name for f in Rating._meta.fields if f.name != "scores"),
        "scores_shown",
    ]
    exclude = ("scores",)
    actions = ["export_csv"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("average"))
    def average_score(self, rating: Rating) -> str:
        return f"{rating.average:.1f}"

    @admin.display(description=_("scores"))
    def scores_shown(self, rating: Rating) -> str:
        return " · ".join(
            f"{name}: {score}"
            for name, score in rating.labelled_scores(self._criteria())
        )

    def _criteria(self) -> list:
        # Read once per request (the admin instance is shared between threads).
        if getattr(_request_local, "criteria", None) is None:
            _request_local.criteria = all_criteria()
        return _request_local.criteria

    def changelist_view(self, request, extra_context=None):
        _request_local.criteria = all_criteria()
        try:
            return super().changelist_view(request, extra_context)
        finally:
            _request_local.criteria = None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        _request_local.criteria = all_criteria()
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        finally:
            _request_local.criteria = None

    @admin.action(description=_("Export the selected ratings as CSV"))
    def export_csv(self, request, queryset):
        criteria = all_criteria()
        # Every criterion asked now or scored by one of the selected ratings.
        scored = {
            code
            for scores in queryset.filter(~Q(scores={})).values_list(
                "scores", flat=True
            )
            for code in scores
        }
        shown = [c for c in criteria if c.is_active or c.code in scored]
        known = {c.code for c in shown}
        extra = sorted(scored - known)
        headings = [
            _("dossier code"),
            *(str(c) for c in shown),
            *extra,
            _("comment"),
            _("rated"),
            _("rated at"),
        ]
        codes = [c.code for c in shown] + extra

        def cells(rating: Rating) -> list[str]:
            return [
                rating.dossier.code or "",
                *(str(rating.scores.get(code, "")) for code in codes),
                safe_cell(rating.comment),
                str(rating.get_via_display()),
                f"{timezone.localtime(rating.created_at):%d/%m/%Y %H:%M}",
            ]

        ratings = queryset.select_related("dossier").order_by("created_at", "pk")
        return csv_response(headings, ratings.iterator(), cells, "danh-gia-hai-long")


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("dossier", "subject", "status", "via", "created_at", "answered_at")
    list_filter = ("status", "via", "created_at")
    search_fields = ("dossier__code", "subject")
    list_select_related = ("dossier",)
    readonly_fields = [f.name for f in Complaint._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ComplaintNotice)
class ComplaintNoticeAdmin(admin.ModelAdmin):
    list_display = ("key", "recipient_name", "status", "attempts", "sent_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ComplaintNotice._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
