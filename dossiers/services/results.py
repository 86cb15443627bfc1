"""Handing back the result: the dossier is closed and classified on time or not."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .. import deadlines
from ..models import AttachmentKind, Channel, Dossier
from ..workflow import performs
from .core import check, lock, now_or, perform, require_text


@performs("return_result")
@transaction.atomic
def dossier_return_result(
    *,
    dossier: Dossier,
    actor: User,
    channel: str,
    collected_by: str = "",
    id_checked: bool = False,
    fee_collected_vnd: int | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The result is handed over; the dossier is classified early, on time or late."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    check(dossier, "return_result", actor)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the result was delivered.")})
    if channel == Channel.COUNTER:
        collected_by = require_text(
            collected_by, "collected_by", _("Write who collected the result.")
        )
        if not id_checked:
            raise ValidationError(
                {"id_checked": _("Check the identity document of whoever collects.")}
            )
    if (
        channel == Channel.ONLINE
        and not dossier.attachments.filter(kind=AttachmentKind.RESULT).exists()
        and dossier.outcome == "approved"
    ):
        raise ValidationError(
            {"channel": _("Attach the electronic result before returning it online.")}
        )
    timeliness = deadlines.classify(dossier.decided_at, dossier.current_due_at)
    note_parts = [collected_by]
    if channel == Channel.POST and dossier.result_address:
        note_parts.append(
            _("posted to %(address)s") % {"address": dossier.result_address}
        )
    if fee_collected_vnd:
        note_parts.append(
            _("fee collected: %(amount)s đ") % {"amount": fee_collected_vnd}
        )
    perform(
        dossier,
        "return_result",
        actor,
        at=at,
        note="; ".join(p for p in note_parts if p),
        args={
            "at": at,
            "channel": channel,
            "collected_by": collected_by,
            "timeliness": timeliness,
        },
    )
    return dossier
