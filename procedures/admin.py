"""Admin of the procedure catalogue, made for non-technical administrators."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Max, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from simple_history.admin import SimpleHistoryAdmin

from .blank_forms import check_blank_form
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
from .services import procedure_publish, procedure_withdraw, publication_problems
from .timeline import procedure_timeline

# Django's admin labels its history button "History"; our catalogue translates it
# by the glossary ("Lịch sử thay đổi"), and this keeps the message extracted.
HISTORY_LABEL = gettext_noop("History")
# The filter panel's switch, which Django's Vietnamese catalogue lacks.
SHOW_COUNTS_LABEL = gettext_noop("Show counts")
HIDE_COUNTS_LABEL = gettext_noop("Hide counts")


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


class AppendedRowForm(forms.ModelForm):
    """A new row goes after the existing ones unless the administrator gives it an
    order (ProcedureAdmin.save_formset numbers it)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        position = self.fields["position"]
        position.required = False
        if self.instance.pk is None:
            position.initial = None
            position.help_text = _("Leave empty to put it last.")


class PaperForm(AppendedRowForm):
    """A new paper is optional until the administrator ticks it mandatory."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["mandatory"].initial = False
        if "blank_form" in self.fields:
            self.fields["blank_form"].widget.attrs["accept"] = ".pdf,.docx"

    def clean_blank_form(self) -> object:
        """A new blank form is checked as a catalogue file's is: PDF or DOCX by its
        content, within the size limit (procedures/blank_forms.py)."""
        upload = self.cleaned_data.get("blank_form")
        if isinstance(upload, UploadedFile):
            check_blank_form(upload, name=upload.name or "", size=upload.size or 0)
        return upload


class PaperInline(admin.StackedInline):
    model = RequiredPaper
    form = PaperForm
    extra = 0
    fields = (
        ("position", "mandatory", "multiple_files"),
        "name",
        ("originals", "certified_copies", "copies"),
        ("accepted_types", "blank_form"),
    )


class FeeInline(admin.TabularInline):
    model = Fee
    form = AppendedRowForm
    extra = 0
    fields = ("position", "name", "amount_vnd", "note")


class RouteStepFormSet(BaseInlineFormSet):
    """Checks that the route's steps fit in the procedure's processing time."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = sorted(
            (
                form.cleaned_data
                for form in self.forms
                if form.cleaned_data
                and not form.cleaned_data.get("DELETE")
                and form.cleaned_data.get("working_days") is not None
            ),
            key=lambda data: data.get("position") or 0,
        )
        # Parallel branches (docs/interagency.md): a stage counts its longest.
        error = self.instance.route_error(
            [Decimal(data["working_days"]) for data in kept],
            [bool(data.get("parallel_with_previous")) for data in kept],
            [data.get("name") or "" for data in kept],
        )
        if error:
            raise ValidationError(error)


class RouteStepInline(admin.TabularInline):
    model = RouteStep
    form = AppendedRowForm
    formset = RouteStepFormSet
    extra = 0
    fields = (
        "position",
        "name",
        "role",
        "agency",
        "department",
        "working_days",
        "parallel_with_previous",
    )
    autocomplete_fields = ("agency", "department")


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "sector",
        "deciding_agency",
        "processing_time",
        "status_badge",
        "via_online",
    )
    list_display_links = ("code", "name")
    list_filter = (
        "status",
        "sector",
        "deciding_agency",
        "level",
        "online_level",
        "is_demo_data",
    )
    search_fields = ("code", "name", "name_en", "search_folded")
    list_select_related = ("sector", "deciding_agency")
    list_per_page = 50
    save_on_top = True
    actions = ("publish_selected", "withdraw_selected")
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [PaperInline, FeeInline, RouteStepInline]
    change_list_template = "admin/procedures/procedure/change_list.html"

    class Media:
        css = {"all": ["css/admin-catalogue.css"]}

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
            {
                "fields": (
                    ("via_counter", "via_post", "via_online"),
                    "online_level",
                    "organisation_filing",
                )
            },
        ),
        (
            gettext_lazy("Content"),
            {"fields": ("conditions", "result", "legal_basis")},
        ),
        (
            gettext_lazy("Online form"),
            {"fields": ("form_definition",), "classes": ("collapse",)},
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

    def save_formset(self, request, form, formset, change) -> None:
        """New papers, fees and steps with no order given go last, in the order
        they were added on the page."""
        rows = formset.save(commit=False)
        if rows and hasattr(rows[0], "position"):
            last = (
                formset.model._default_manager.filter(
                    procedure=form.instance
                ).aggregate(last=Max("position"))["last"]
                or 0
            )
            for row in rows:
                if row.position is None:
                    last += 1
                    row.position = last
        for row in formset.deleted_objects:
            row.delete()
        for row in rows:
            row.save()
        formset.save_m2m()

    @admin.action(description=gettext_lazy("Publish the selected procedures"))
    def publish_selected(
        self, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        if request.POST.get("confirmed") != "yes":
            return self._confirm_status_change(request, queryset, "publish_selected")
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
        return None

    @admin.action(description=gettext_lazy("Withdraw the selected procedures"))
    def withdraw_selected(
        self, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        if request.POST.get("confirmed") != "yes":
            return self._confirm_status_change(request, queryset, "withdraw_selected")
        count = 0
        for procedure in queryset:
            procedure_withdraw(procedure=procedure, actor=request.user)
            count += 1
        self.message_user(
            request,
            _("%(count)d procedure(s) withdrawn.") % {"count": count},
            messages.SUCCESS,
        )
        return None

    def _confirm_status_change(
        self, request: HttpRequest, queryset: QuerySet, action: str
    ) -> HttpResponse:
        """A page that says what publishing or withdrawing changes for citizens,
        with the dossiers of each procedure it touches, before anything changes."""
        # Dossier states by their stored values: the catalogue sits below the
        # dossiers app and reads them only through the reverse relation.
        procedures = list(
            queryset.select_related("sector").annotate(
                drafts=Count("dossiers", filter=Q(dossiers__state="draft")),
                waiting=Count(
                    "dossiers",
                    filter=Q(dossiers__state__in=["submitted", "supplement_requested"]),
                ),
                in_progress=Count(
                    "dossiers",
                    filter=Q(
                        dossiers__state__in=[
                            "received",
                            "processing",
                            "awaiting_supplement",
                            "result_ready",
                        ]
                    ),
                ),
            )
        )
        publishing = action == "publish_selected"
        rows = [
            {
                "procedure": procedure,
                "problems": publication_problems(procedure) if publishing else [],
            }
            for procedure in procedures
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": (
                _("Publish these procedures?")
                if publishing
                else _("Withdraw these procedures?")
            ),
            "action": action,
            "publishing": publishing,
            "rows": rows,
            "selected": [procedure.pk for procedure in procedures],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/procedures/procedure/confirm_status.html", context
        )

    def history_view(self, request, object_id, extra_context=None):
        """One timeline of the procedure and its papers, fees and route steps."""
        procedure = self.get_object(request, unquote(object_id))
        if procedure is None:
            raise Http404
        if not self.has_view_or_change_permission(request, procedure):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": procedure,
            "title": _("History of changes: %(code)s") % {"code": procedure.code},
            "entries": procedure_timeline(procedure),
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "admin/procedures/procedure/timeline.html", context
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
