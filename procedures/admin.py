"""Admin of the procedure catalogue, made for non-technical administrators."""

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from simple_history.admin import SimpleHistoryAdmin

from .catalogue_io import CatalogueImportError, export_catalogue, import_catalogue
from .forms import CatalogueImportForm
from .models import (
    Agency,
    Department,
    Fee,
    Procedure,
    PublicationStatus,
    RequiredPaper,
    RouteStep,
    Sector,
)
from .search import fold
from .services import procedure_publish, procedure_withdraw

# Django's admin labels its history button "History"; our catalogue translates it
# by the glossary ("Lịch sử thay đổi"), and this keeps the message extracted.
HISTORY_LABEL = gettext_noop("History")


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "is_receiving_desk", "parent")
    list_filter = ("level", "is_receiving_desk")
    search_fields = ("code", "name", "short_name")
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "agency")
    list_filter = ("agency",)
    search_fields = ("name", "code", "agency__name")
    list_select_related = ("agency",)


@admin.register(Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "name_en", "code", "procedure_count")
    search_fields = ("name", "name_en", "code")
    prepopulated_fields = {"code": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(n=Count("procedures"))

    @admin.display(description=gettext_lazy("procedures"), ordering="n")
    def procedure_count(self, obj: Sector) -> int:
        return obj.n


class PaperInline(admin.StackedInline):
    model = RequiredPaper
    extra = 0
    fields = (
        ("position", "mandatory", "multiple_files"),
        "name",
        ("originals", "certified_copies", "copies"),
        ("accepted_types", "blank_form"),
    )


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0
    fields = ("position", "name", "amount_vnd", "note")


class RouteStepFormSet(BaseInlineFormSet):
    """Checks that the route's steps fit in the procedure's processing time."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        days = [
            form.cleaned_data["working_days"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("working_days") is not None
        ]
        error = self.instance.route_error([Decimal(d) for d in days])
        if error:
            raise ValidationError(error)


class RouteStepInline(admin.TabularInline):
    model = RouteStep
    formset = RouteStepFormSet
    extra = 0
    fields = ("position", "name", "role", "department", "working_days")
    autocomplete_fields = ("department",)


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "sector",
        "level",
        "processing_time",
        "status_badge",
        "via_online",
    )
    list_display_links = ("code", "name")
    list_filter = (
        "status",
        "sector",
        "level",
        "online_level",
        "deciding_agency",
        "is_demo_data",
    )
    search_fields = ("code", "name", "name_en", "search_folded")
    list_select_related = ("sector",)
    list_per_page = 50
    save_on_top = True
    actions = ("publish_selected", "withdraw_selected")
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [PaperInline, FeeInline, RouteStepInline]
    change_list_template = "admin/procedures/procedure/change_list.html"
    fieldsets = (
        (
            None,
            {"fields": ("code", "name", "name_en", "sector", "level", "status")},
        ),
        (
            gettext_lazy("Agencies"),
            {"fields": ("receiving_agency", "deciding_agency", "implementing_note")},
        ),
        (
            gettext_lazy("Processing time"),
            {
                "fields": (
                    ("processing_time_value", "processing_time_unit", "cutoff_time"),
                    "processing_time_note",
                )
            },
        ),
        (
            gettext_lazy("Channels"),
            {"fields": (("via_counter", "via_post", "via_online"), "online_level")},
        ),
        (
            gettext_lazy("Content"),
            {"fields": ("conditions", "result", "legal_basis")},
        ),
        (
            gettext_lazy("Validity and sources"),
            {
                "fields": (
                    ("valid_from", "valid_until"),
                    "is_demo_data",
                    "sources",
                    ("created_at", "updated_at"),
                )
            },
        ),
    )

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))

    @admin.display(description=gettext_lazy("processing time"))
    def processing_time(self, obj: Procedure) -> str:
        return obj.processing_time_display

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj: Procedure) -> str:
        colours = {
            PublicationStatus.PUBLISHED: "#1b7f3b",
            PublicationStatus.DRAFT: "#8a6d00",
            PublicationStatus.WITHDRAWN: "#9b1c1c",
        }
        return format_html(
            '<strong style="color:{}">{}</strong>',
            colours[obj.status],
            obj.get_status_display(),
        )

    @admin.action(description=gettext_lazy("Publish the selected procedures"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        published = 0
        for procedure in queryset:
            try:
                procedure_publish(procedure=procedure, actor=request.user)
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("%(code)s was not published: %(reasons)s")
                    % {"code": procedure.code, "reasons": " ".join(exc.messages)},
                    messages.ERROR,
                )
            else:
                published += 1
        if published:
            self.message_user(
                request,
                _("%(count)d procedure(s) published.") % {"count": published},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Withdraw the selected procedures"))
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for procedure in queryset:
            procedure_withdraw(procedure=procedure, actor=request.user)
        self.message_user(
            request,
            _("%(count)d procedure(s) withdrawn.") % {"count": queryset.count()},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="procedures_procedure_export",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="procedures_procedure_import",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            export_catalogue(), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="catalogue.json"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (
            self.has_add_permission(request) and self.has_change_permission(request)
        ):
            raise PermissionDenied
        form = CatalogueImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                summary = import_catalogue(
                    form.cleaned_data["data"], actor=request.user
                )
            except CatalogueImportError as exc:
                errors = exc.errors
            else:
                self.message_user(
                    request,
                    _(
                        "Catalogue imported: %(created)d procedures created, "
                        "%(updated)d updated."
                    )
                    % summary,
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:procedures_procedure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a catalogue"),
            "form": form,
            "errors": errors,
        }
        return render(request, "admin/procedures/procedure/import.html", context)
