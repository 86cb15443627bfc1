"""Admin of procedure groups: members, their dependencies and the group's time,
checked together (no cycle; the longest chain fits the group's time)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .models import GroupMember, GroupNotice, ProcedureGroup


class GroupMemberFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        members = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = self.instance.route_errors(
            [
                (
                    data["id"].pk if data.get("id") else id(data),
                    data.get("working_days"),
                    [m.pk for m in data.get("depends_on") or []],
                )
                for data in members
            ]
        )
        for data in members:
            needs = {m.procedure.code for m in data.get("depends_on") or []}
            lines = data.get("provided_papers") or []
            if not isinstance(lines, list) or not all(
                isinstance(line, dict) and line.get("paper") and line.get("by") in needs
                for line in lines
            ):
                errors.append(
                    _(
                        "%(procedure)s: each paper provided by a linked result names "
                        "the paper and a procedure whose result it needs."
                    )
                    % {"procedure": data.get("procedure")}
                )
        if errors:
            raise ValidationError(errors)


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    formset = GroupMemberFormSet
    fk_name = "group"
    extra = 0
    fields = (
        "position",
        "procedure",
        "working_days",
        "depends_on",
        "result_required",
        "provided_papers",
    )
    autocomplete_fields = ("procedure",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "depends_on":
            group_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = GroupMember.objects.filter(
                group_id=group_id
            ).select_related("procedure")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(ProcedureGroup)
class ProcedureGroupAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "code",
        "processing_time_days",
        "via_counter",
        "via_online",
        "status",
    )
    list_filter = ("status",)
    search_fields = ("name", "code")
    inlines = [GroupMemberInline]


@admin.register(GroupNotice)
class GroupNoticeAdmin(admin.ModelAdmin):
    """One notice for several changes of a group file's dossiers: read only."""

    list_display = (
        "key",
        "recipient_name",
        "status",
        "created_at",
        "send_after",
        "sent_at",
    )
    list_filter = ("status",)
    search_fields = ("key", "filing__code")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
