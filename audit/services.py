"""Writing audit events: ``record`` is the one way in."""

from typing import Any

from django.db import models
from django.http import HttpRequest

from .middleware import current_request
from .models import Action, AuditEvent
from .network import client_ip

__all__ = ["Action", "record"]

USER_AGENT_MAX = AuditEvent._meta.get_field("user_agent").max_length
LABEL_MAX = AuditEvent._meta.get_field("object_label").max_length
ACTOR_MAX = AuditEvent._meta.get_field("actor_label").max_length


def record(
    request: HttpRequest | None,
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    obj: models.Model | None = None,
    dossier: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one event. ``actor`` defaults to the request's user; ``obj`` to the
    dossier. ``request`` may be None: the request being served, if any, still gives
    the address. Never pass a password, a token or a document's contents in
    ``details``."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action: {action!r}")
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if obj is None:
        obj = dossier
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=(actor.get_username() if actor else actor_label)[:ACTOR_MAX],
        details=details or {},
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = obj.pk
        event.object_label = str(obj)[:LABEL_MAX]
    if dossier is not None:
        event.dossier_id = dossier.pk
        event.dossier_code = dossier.code or ""
        event.receiving_desk_id = dossier.receiving_desk_id
        event.deciding_agency_id = dossier.deciding_agency_id
    if request is not None:
        event.ip = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
    event.save()
    return event
