"""One action on several dossiers at once, each through its own service.

The desk's repetitive work (transferring the day's received dossiers, handing
back a stack of results) is done dossier by dossier through the registry's
service (``workflow.ACTIONS[name].service``): each in its own transaction with
its row locked, each checked, logged and notified as if done alone. One
refusal stops nothing else; the outcome says which were done and which were
refused, and why.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Dossier
from ..selectors import dossiers_visible_to
from .core import DossierChanged

# The actions that may be done in bulk; each takes the same input for all.
BULK_ACTIONS = frozenset({"transfer", "return_result"})
# Enough for a morning's stack; a larger batch is a mistake or a script.
BULK_LIMIT = 100


@dataclass(frozen=True)
class Refusal:
    # The dossier's code (or its number when it has none), as staff know it.
    dossier: str
    reason: str


@dataclass
class BulkOutcome:
    action: str
    done: list[Dossier] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _messages(exc: ValidationError) -> str:
    return " ".join(str(message) for message in exc.messages)


def dossier_bulk_act(
    *,
    action: str,
    selection: Iterable[tuple[int, int | None]],
    actor: Any,
    **kwargs: Any,
) -> BulkOutcome:
    """Do ``action`` on each selected dossier (id and the version the actor saw),
    with the same ``kwargs`` for each service call.

    A dossier the actor may not see is refused as not found, without saying
    whether it exists; one changed since the actor's page was drawn is refused
    (``DossierChanged``) rather than acted on blind.
    """
    if action not in BULK_ACTIONS:
        raise ValueError(f"{action!r} cannot be done in bulk.")
    selection = list(dict(selection).items())
    if len(selection) > BULK_LIMIT:
        raise ValidationError(
            _("Select at most %(limit)d dossiers at a time.") % {"limit": BULK_LIMIT}
        )
    service = workflow.ACTIONS[action].service
    visible = {
        dossier.pk: dossier
        for dossier in dossiers_visible_to(actor).filter(
            pk__in=[pk for pk, _version in selection]
        )
    }
    outcome = BulkOutcome(action)
    for pk, version in selection:
        dossier = visible.get(pk)
        if dossier is None:
            outcome.refused.append(
                Refusal(
                    _("Dossier #%(id)s") % {"id": pk},
                    _("Not found among the dossiers you may act on."),
                )
            )
            continue
        name = str(dossier)
        try:
            service(dossier=dossier, actor=actor, expected_version=version, **kwargs)
        except DossierChanged:
            outcome.refused.append(
                Refusal(name, _("Changed by someone else meanwhile; nothing done."))
            )
        except ValidationError as exc:
            outcome.refused.append(Refusal(name, _messages(exc)))
        except PermissionDenied as exc:
            outcome.refused.append(
                Refusal(name, str(exc) or _("This action is not allowed."))
            )
        else:
            outcome.done.append(dossier)
    return outcome
