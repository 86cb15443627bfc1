"""Admin for users: staff accounts with their role, agency and department."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


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
