"""Who may call which endpoint: by role, and for API keys by scope."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import STAFF_ROLES, Role

from .models import ApiKey


def key_of(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class _Scoped(BasePermission):
    """A session has every scope; a key only the ones listed on it."""

    read_scope = ""
    write_scope = ""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if not self.role_allowed(request.user):
            return False
        key = key_of(request)
        if key is None:
            return True
        scope = getattr(view, "required_scope", None) or (
            self.read_scope if request.method in ("GET", "HEAD") else self.write_scope
        )
        return key.has_scope(scope)

    def role_allowed(self, user) -> bool:
        return True


class IsApplicant(_Scoped):
    message = _("Only citizens' and businesses' accounts can use this endpoint.")
    read_scope = "dossiers:read"
    write_scope = "dossiers:write"

    def role_allowed(self, user) -> bool:
        return user.role == Role.APPLICANT


class IsStaff(_Scoped):
    message = _("Only staff who work on dossiers can use this endpoint.")
    read_scope = "dossiers:read"
    write_scope = "dossiers:write"

    def role_allowed(self, user) -> bool:
        return user.role in STAFF_ROLES


class IsSignedIn(_Scoped):
    read_scope = "notifications:read"
    write_scope = "notifications:read"
