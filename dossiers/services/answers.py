"""The online form's answers, the result delivery choice and the organisation
filed for, saved on a dossier; the declaration attached as its paper."""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from procedures.eforms import clean_answers, clean_tax_code

from ..models import (
    EDITABLE_STATES,
    Attachment,
    AttachmentKind,
    Channel,
    Dossier,
    OrganisationDetails,
)
from ..printing import PdfUnavailable, declaration_pdf
from ..rules import is_desk_clerk, is_own_applicant
from .core import TransitionRefused, store_file

logger = logging.getLogger(__name__)


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


ORGANISATION_FIELDS = {
    "name": "organisation_name",
    "tax_code": "organisation_tax_code",
    "address": "organisation_address",
    "representative": "organisation_representative",
    "representative_title": "organisation_representative_title",
}


def check_organisation(
    dossier: Dossier, organisation: OrganisationDetails
) -> OrganisationDetails:
    """The organisation filed for, trimmed and checked; refused where the
    procedure as filed is for individuals only. An empty one (no name) stands for
    an application in the applicant's own name and always passes."""
    values = {
        key: " ".join(str(getattr(organisation, key) or "").split())
        for key in ORGANISATION_FIELDS
    }
    if not any(values.values()):
        return OrganisationDetails()
    if not dossier.procedure_snapshot.get("organisation_filing"):
        raise ValidationError(
            {
                "organisation": _(
                    "This procedure is filed by individuals only: it cannot be "
                    "filed for a business or organisation."
                )
            }
        )
    errors = {}
    for key, message in (
        ("name", _("Write the name of the business or organisation.")),
        ("tax_code", _("Write the organisation's tax code.")),
        ("address", _("Write the address of the organisation's head office.")),
        ("representative", _("Write the name of the organisation's representative.")),
    ):
        if not values[key]:
            errors[key] = message
    if values["tax_code"]:
        try:
            values["tax_code"] = clean_tax_code(values["tax_code"])
        except ValueError as error:
            errors["tax_code"] = str(error)
    limits = {"name": 255, "address": 255, "representative": 150}
    limits["representative_title"] = 100
    for key, limit in limits.items():
        if len(values[key]) > limit:
            errors[key] = _("Write at most %(limit)s characters.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    return OrganisationDetails(**values)


def set_organisation(dossier: Dossier, organisation: OrganisationDetails) -> list[str]:
    """Write the checked organisation on the (unsaved) dossier; the fields set."""
    organisation = check_organisation(dossier, organisation)
    for key, field in ORGANISATION_FIELDS.items():
        setattr(dossier, field, getattr(organisation, key))
    return list(ORGANISATION_FIELDS.values())


@transaction.atomic
def dossier_save_answers(
    *,
    dossier: Dossier,
    actor: User,
    answers: dict[str, Any] | None = None,
    delivery: tuple[str, str] | None = None,
    organisation: OrganisationDetails | None = None,
) -> Dossier:
    """Keep the applicant's answers and delivery choice while the papers may change.

    ``delivery`` is (how, postal address); ``organisation`` the business or
    organisation filed for (an empty one: for oneself), None to leave it as it
    is. The applicant edits their own dossier; the desk may correct a walk-in's.
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
    if organisation is not None:
        fields += set_organisation(dossier, organisation)
    if fields:
        dossier.save(update_fields=fields)
    return dossier


def attach_declaration(dossier: Dossier, actor: Any) -> Attachment | None:
    """Attach the answers, printed as the declaration (PDF), as the paper the
    online form stands for; it replaces any earlier copy of that paper. Called on
    submission (the code and the submission date are printed on it).

    Nothing is attached when the dossier was not filed online or its form stands
    for no paper, or when this server cannot make PDFs: the answers stay on the
    dossier and the desk prints the declaration from them.
    """
    index = dossier.eform_paper_index
    if index is None or not 0 <= index < len(dossier.papers):
        return None
    try:
        content = declaration_pdf(dossier)
    except PdfUnavailable:
        logger.warning("declaration_not_attached", extra={"dossier": dossier.pk})
        return None
    for old in dossier.attachments.filter(kind=AttachmentKind.PAPER, paper_index=index):
        old.file.delete(save=False)
        old.delete()
    upload = ContentFile(content, name=f"to-khai-{dossier.code or dossier.pk}.pdf")
    return store_file(
        dossier, upload, kind=AttachmentKind.PAPER, paper_index=index, actor=actor
    )
