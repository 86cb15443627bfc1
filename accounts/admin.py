"""Admin for users: staff accounts with their role, agency and department."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Role, User

# The roles an administrator who is not a superuser may give. Not the centre manager
# (who reads every dossier of the province) nor the catalogue administrator (who
# manages accounts): whoever could hand those out could hand them to themselves
# through a second account. Superusers, set up with createsuperuser, give any role.
DELEGABLE_ROLES = (Role.CLERK, Role.OFFICER, Role.LEADER)


def agencies_in_scope(user: User) -> set[int]:
    """The user's agency and every agency below it.

    The same walk as procedures.selectors.agency_subtree, which accounts may not
    import (it sits below procedures in the layers of pyproject's import-linter);
    the Agency model is reached through the user's own foreign key instead.
    """
    if user.agency_id is None:
        return set()
    agency_model = User._meta.get_field("agency").related_model
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in agency_model.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [user.agency_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "full_name",
        "role",
        "agency",
        "department",
        "is_active",
    )
    list_filter = ("role", "agency", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email", "id_number", "phone")
    list_select_related = ("agency", "department")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal details"),
            {
                "fields": (
                    "full_name",
                    "email",
                    "id_number",
                    "date_of_birth",
                    "phone",
                    "address",
                    "preferred_language",
                )
            },
        ),
        (_("Work"), {"fields": ("role", "agency", "department")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "role",
                    "agency",
                    "department",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    # What an administrator who is not a superuser sees of an account: no personal
    # identity data (ID number, date of birth, address) and no rights (staff status,
    # superuser, groups, permissions).
    delegated_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal details"),
            {"fields": ("full_name", "email", "phone", "preferred_language")},
        ),
        (_("Work"), {"fields": ("role", "agency", "department")}),
        (_("Permissions"), {"fields": ("is_active",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """A superuser sees every account; anyone else only the desk and processing
        staff of their own agency tree: never a citizen, a manager, an
        administrator (themselves included) or anyone who may use the admin site."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            role__in=DELEGABLE_ROLES,
            agency__in=agencies_in_scope(request.user),
            is_staff=False,
            is_superuser=False,
        )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.delegated_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def get_list_filter(self, request: HttpRequest):
        if request.user.is_superuser:
            return super().get_list_filter(request)
        return ("role", "agency", "is_active")

    def get_search_fields(self, request: HttpRequest):
        if request.user.is_superuser:
            return super().get_search_fields(request)
        return ("username", "full_name", "email")

    def formfield_for_choice_field(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(role.value, role.label) for role in DELEGABLE_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name in ("agency", "department") and not request.user.is_superuser:
            scope = agencies_in_scope(request.user)
            related: type[Model] = db_field.related_model
            kwargs["queryset"] = (
                related.objects.filter(pk__in=scope)
                if db_field.name == "agency"
                else related.objects.filter(agency__in=scope)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
