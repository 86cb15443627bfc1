"""The online form's answers and the result delivery choice, saved on a dossier."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from procedures.eforms import clean_answers

from ..models import EDITABLE_STATES, Channel, Dossier
from ..rules import is_desk_clerk, is_own_applicant
from .core import TransitionRefused


def check_answers(dossier: Dossier, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers typed and trimmed to the filed form; wrong ones refused.

    Required answers may still be missing: a draft is saved half-filled, and the
    workflow's ``form_answers_complete`` refuses the submission until they are in.
    """
    cleaned, errors = clean_answers(dossier.form_definition, answers, require=False)
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_delivery(dossier: Dossier, delivery: str, address: str) -> tuple[str, str]:
    """The delivery asked, if the procedure as filed offers it."""
    options = dossier.procedure_snapshot.get("result_delivery") or [Channel.COUNTER]
    if delivery not in options:
        raise ValidationError(
            {"result_delivery": _("This procedure does not deliver results that way.")}
        )
    address = address.strip()
    if delivery == Channel.POST and not address:
        raise ValidationError(
            {"result_address": _("Write the address the result is posted to.")}
        )
    return delivery, address if delivery == Channel.POST else ""


@transaction.atomic
def dossier_save_answers(
    *,
    dossier: Dossier,
    actor: User,
    answers: dict[str, Any] | None = None,
    delivery: tuple[str, str] | None = None,
) -> Dossier:
    """Keep the applicant's answers and delivery choice while the papers may change.

    ``delivery`` is (how, postal address). The applicant edits their own dossier;
    the desk may correct a walk-in's.
    """
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not (is_own_applicant(dossier, actor) or is_desk_clerk(dossier, actor)):
        raise TransitionRefused(_("You cannot change this dossier."))
    if dossier.state not in EDITABLE_STATES:
        raise TransitionRefused(
            _("The form can no longer be changed: the dossier is “%(state)s”.")
            % {"state": dossier.get_state_display()}
        )
    fields = []
    if answers is not None:
        dossier.answers = check_answers(dossier, answers)
        fields.append("answers")
    if delivery is not None:
        dossier.result_delivery, dossier.result_address = check_delivery(
            dossier, *delivery
        )
        fields += ["result_delivery", "result_address"]
    if fields:
        dossier.save(update_fields=fields)
    return dossier
