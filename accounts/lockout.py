"""Login lockout (django-axes): the client's address, the page a locked-out login
gets, who is locked now, and unlocking.

After ``AXES_FAILURE_LIMIT`` (5) failed logins an account is locked, from every
address, and an address is locked, for every account, during ``AXES_COOLOFF_TIME``
(15 minutes): per account against guessing one password from many machines, per
address against trying one password on many accounts. A successful login clears
the failures of its account only (``reset_account_failures``): clearing those of
the address too, as ``AXES_RESET_ON_SUCCESS`` does, would let anyone with an
account (a citizen can sign up) wipe the failures they made against others from
the same address by logging in between guesses.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import ngettext

from .models import Role, User

logger = logging.getLogger(__name__)


def cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def lockout_message() -> str:
    minutes = max(1, int(cool_off().total_seconds() // 60))
    return ngettext(
        "Too many failed login attempts. Logging in to this account, or from this "
        "device, is blocked for %(minutes)d minute. Try again later, or ask the "
        "centre manager to unlock it.",
        "Too many failed login attempts. Logging in to this account, or from this "
        "device, is blocked for %(minutes)d minutes. Try again later, or ask the "
        "centre manager to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The login page the attempt came from (the site's or the admin's), with the
    lockout message in place of the form's errors, as HTTP 429
    (``AXES_LOCKOUT_CALLABLE``)."""
    message = lockout_message()
    context = dict(getattr(original_response, "context_data", None) or {})
    template = getattr(original_response, "template_name", None)
    if template and context.get("form") is not None and context["form"].is_bound:
        form = context["form"]
        form.errors.clear()
        form.add_error(None, message)
    else:
        template = "registration/login.html"
        context = {"form": AuthenticationForm(request)}
    context.update({"locked_out": True, "lockout_message": message})
    response = TemplateResponse(request, template, context, status=429)
    return response.render()


def reset_account_failures(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """On a successful login, forget the failed attempts on that account."""
    reset(username=user.get_username())


@dataclass(frozen=True)
class Lockout:
    kind: str  # "account" or "address"
    value: str
    failures: int
    last_failure_at: datetime

    @property
    def unlocks_at(self) -> datetime:
        return self.last_failure_at + cool_off()


def current_lockouts(now: datetime | None = None) -> list[Lockout]:
    """Accounts and addresses locked now, the latest failure first."""
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off())
    lockouts = []
    for kind, field in (("account", "username"), ("address", "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .order_by()  # the model's ordering would split the groups
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        )
        lockouts += [
            Lockout(kind, row[field], row["failures"], row["last"])
            for row in rows
            if row[field]
        ]
    return sorted(lockouts, key=lambda lock: lock.last_failure_at, reverse=True)


def can_unlock(user: User) -> bool:
    """Centre managers, catalogue administrators and superusers lift lockouts."""
    return user.is_authenticated and (
        user.role == Role.MANAGER
        or (user.role == Role.ADMINISTRATOR and user.is_staff)
        or user.is_superuser
    )


def lockout_lift(*, actor: User, kind: str, value: str) -> int:
    """Clear the failed attempts that lock an account or an address; returns how
    many records were removed."""
    if kind == "account":
        count = reset(username=value)
    elif kind == "address":
        count = reset(ip=value)
    else:
        raise ValueError(f"unknown lockout kind {kind!r}")
    logger.warning(
        "Login lockout lifted by %s: %s %s (%d records).",
        actor.get_username(),
        kind,
        value,
        count,
    )
    return count
