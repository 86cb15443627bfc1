"""Views of the staff workspace: the worklist, a dossier's page and its actions,
the counter intake and the printed forms. Each authorises, reads through a
selector, binds a form, calls one service and turns refusals into messages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import STAFF_ROLES, Role
from dossiers.models import Dossier
from dossiers.selectors import staff_dossier


def staff_required(
    view: Callable[..., HttpResponse], *, roles: frozenset[str] = STAFF_ROLES
) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role not in roles:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def clerk_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return staff_required(view, roles=frozenset({Role.CLERK}))


def dossier_or_404(request: HttpRequest, pk: int) -> Dossier:
    try:
        return staff_dossier(request.user, pk)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
