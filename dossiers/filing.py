"""The applicant's own writes: draft details, papers, and answering a supplement.

They build on ``services``: the state machine still decides what is legal. Each
upload is stored in its own transaction on purpose, so a scan that fails (or a
later step that is refused) never takes earlier files of the draft with it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from . import services
from .models import (
    Attachment,
    AttachmentKind,
    Dossier,
    State,
    SupplementRequest,
    is_own_applicant,
)

EDITABLE_STATES = frozenset(
    {State.DRAFT, State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT}
)
SUPPLEMENT_STATES = frozenset({State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT})


def _locked_own(dossier: Dossier, actor: User) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not is_own_applicant(locked, actor):
        raise services.TransitionRefused(_("This is not your dossier."))
    return locked


@transaction.atomic
def dossier_update_details(
    *, dossier: Dossier, actor: User, details: services.ApplicantDetails
) -> Dossier:
    """The applicant corrects the details filed with a draft."""
    dossier = _locked_own(dossier, actor)
    if dossier.state != State.DRAFT:
        raise services.TransitionRefused(
            _("Your details can be changed only while the dossier is a draft.")
        )
    if not details.name.strip():
        raise ValidationError({"name": _("Enter the applicant's name.")})
    dossier.applicant_name = details.name.strip()
    dossier.applicant_id_number = details.id_number
    dossier.applicant_phone = details.phone
    dossier.applicant_email = details.email
    dossier.applicant_address = details.address
    dossier.save(
        update_fields=[
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
        ]
    )
    return dossier


def dossier_attach_papers(
    *, dossier: Dossier, actor: User, uploads: Iterable[tuple[int, UploadedFile]]
) -> list[Attachment]:
    """Attach each checked scan in its own transaction; earlier ones always stay."""
    return [
        services.dossier_attach_paper(
            dossier=dossier, actor=actor, paper_index=index, upload=upload
        )
        for index, upload in uploads
    ]


@dataclass(frozen=True)
class DraftSaved:
    stored: list[Attachment]
    submitted: bool
    missing: list[dict]


def dossier_save_draft(
    *,
    dossier: Dossier,
    actor: User,
    details: services.ApplicantDetails | None,
    uploads: Iterable[tuple[int, UploadedFile]],
    submit: bool = False,
) -> DraftSaved:
    """Keep every scan that passed and the details, then submit if asked.

    ``details`` is None when the applicant's form did not validate: the dossier
    keeps its own. A submission with a mandatory paper missing is not attempted;
    the missing papers are returned instead, all of them at once.
    """
    stored = dossier_attach_papers(dossier=dossier, actor=actor, uploads=uploads)
    if details is not None:
        dossier_update_details(dossier=dossier, actor=actor, details=details)
    missing = dossier.missing_mandatory_papers() if submit else []
    if submit and not missing:
        services.dossier_submit(dossier=dossier, actor=actor)
        return DraftSaved(stored=stored, submitted=True, missing=[])
    return DraftSaved(stored=stored, submitted=False, missing=missing)


@transaction.atomic
def dossier_remove_paper(
    *, dossier: Dossier, actor: User, attachment: Attachment
) -> None:
    """Remove a scan the applicant attached by mistake, while papers may change."""
    dossier = _locked_own(dossier, actor)
    if dossier.state not in EDITABLE_STATES:
        raise services.TransitionRefused(
            _("Papers can no longer be changed: the dossier is “%(state)s”.")
            % {"state": dossier.get_state_display()}
        )
    if attachment.dossier_id != dossier.pk or attachment.kind != AttachmentKind.PAPER:
        raise services.TransitionRefused(_("This file cannot be removed."))
    if dossier.state in SUPPLEMENT_STATES and not _uploaded_since_request(
        dossier, attachment
    ):
        # The desk checked what was filed: only the answer to its request may change.
        raise services.TransitionRefused(
            _("Papers the desk has already checked cannot be removed.")
        )
    attachment.file.delete(save=False)
    attachment.delete()


def open_supplement_request(dossier: Dossier) -> SupplementRequest | None:
    """The request the applicant has still to answer, if any."""
    if dossier.state not in SUPPLEMENT_STATES:
        return None
    requests = [r for r in dossier.supplement_requests.all() if r.answered_at is None]
    return requests[-1] if requests else None


def _uploaded_since_request(dossier: Dossier, attachment: Attachment) -> bool:
    request = open_supplement_request(dossier)
    return request is not None and attachment.uploaded_at >= request.requested_at


def papers_still_requested(dossier: Dossier) -> list[dict]:
    """Papers named in the open request that have no new file since it was made."""
    request = open_supplement_request(dossier)
    if request is None:
        return []
    fresh = {
        a.paper_index
        for a in dossier.attachments.all()
        if a.kind == AttachmentKind.PAPER and a.uploaded_at >= request.requested_at
    }
    return [
        item
        for item in request.items
        if item.get("paper_index") is not None and item["paper_index"] not in fresh
    ]


@transaction.atomic
def dossier_answer_supplement(
    *, dossier: Dossier, actor: User, note: str = "", at: datetime | None = None
) -> Dossier:
    """Send the supplement: back to the desk at intake, or resume processing.

    At intake the dossier is resubmitted to the desk; during processing the paused
    clock resumes and the due dates move by the time spent waiting. Every paper the
    request names must have a new file first.
    """
    dossier = _locked_own(dossier, actor)
    if dossier.state not in SUPPLEMENT_STATES:
        raise services.TransitionRefused(_("No supplement is requested now."))
    missing = papers_still_requested(dossier)
    if missing:
        raise ValidationError(
            [
                _("Attach a new file for “%(paper)s”.") % {"paper": item["name"]}
                for item in missing
            ],
            code="missing",
        )
    at = at or timezone.now()
    if dossier.state == State.SUPPLEMENT_REQUESTED:
        return services.dossier_submit(dossier=dossier, actor=actor, at=at)
    return services.dossier_supplement(
        dossier=dossier, actor=actor, note=note.strip(), at=at
    )
