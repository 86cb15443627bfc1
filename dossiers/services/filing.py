"""The applicant's writes: drafts, their details and papers, submitting,
withdrawing, and answering a supplement request.

The state machine still decides what is legal. Each upload is stored in its own
transaction on purpose, so a scan that fails (or a later step that is refused)
never takes earlier files of the draft with it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from procedures.models import Agency, Procedure

from .. import selectors
from ..models import (
    EDITABLE_STATES,
    SUPPLEMENT_STATES,
    ApplicantDetails,
    Attachment,
    AttachmentKind,
    Channel,
    Dossier,
    OrganisationDetails,
    State,
)
from ..rules import is_desk_clerk, is_own_applicant
from ..workflow import performs
from . import supplements
from .answers import (
    attach_declaration,
    check_answers,
    check_delivery,
    dossier_save_answers,
    set_organisation,
)
from .codes import issue_dossier_code
from .core import (
    TransitionRefused,
    check,
    lock,
    notices_batched,
    now_or,
    perform,
    store_file,
)
from .group_results import end_dependants, group_snapshot, in_group
from .snapshot import route_crosses_agencies, snapshot_procedure


def new_dossier(
    *,
    procedure: Procedure,
    applicant: User | None,
    details: ApplicantDetails,
    channel: str,
    receiving_desk: Agency | None = None,
    answers: dict[str, Any] | None = None,
    delivery: tuple[str, str] | None = None,
    organisation: OrganisationDetails | None = None,
    group: dict[str, Any] | None = None,
) -> Dossier:
    """``group``: a child of a group file, recorded in the snapshot from the
    start (``group_results.group_snapshot``): the papers a linked result
    provides are not asked of the applicant."""
    if not details.name.strip():
        raise ValidationError({"applicant_name": _("Enter the applicant's name.")})
    snapshot = snapshot_procedure(procedure)
    if group is not None:
        snapshot = group_snapshot(snapshot, group)
    dossier = Dossier(
        applicant=applicant,
        applicant_name=details.name.strip(),
        applicant_id_number=details.id_number,
        applicant_phone=details.phone,
        applicant_email=details.email,
        applicant_address=details.address,
        applicant_language=details.language,
        procedure=procedure,
        procedure_snapshot=snapshot,
        crosses_agencies=route_crosses_agencies(snapshot),
        channel=channel,
        receiving_desk=receiving_desk or procedure.receiving_agency,
        deciding_agency=procedure.deciding_agency,
    )
    if answers:
        dossier.answers = check_answers(dossier, answers)
    if delivery is not None:
        dossier.result_delivery, dossier.result_address = check_delivery(
            dossier, *delivery
        )
    if organisation is not None:
        set_organisation(dossier, organisation)
    dossier.save()
    return dossier


@transaction.atomic
def dossier_create_draft(
    *, applicant: User, procedure: Procedure, details: ApplicantDetails | None = None
) -> Dossier:
    """A citizen starts an online dossier; it stays a draft until submitted."""
    if not procedure.is_public or not procedure.accepts_online_filing:
        raise ValidationError(_("This procedure cannot be filed online."))
    return new_dossier(
        procedure=procedure,
        applicant=applicant,
        details=details or ApplicantDetails.of(applicant),
        channel=Channel.ONLINE,
    )


@transaction.atomic
def dossier_attach_paper(
    *, dossier: Dossier, actor: Any, paper_index: int, upload: UploadedFile
) -> Attachment:
    """Attach a scanned paper while the applicant (or the desk) may still change it."""
    dossier = lock(dossier, None)
    if not (is_own_applicant(dossier, actor) or is_desk_clerk(dossier, actor)):
        raise TransitionRefused(_("You cannot add papers to this dossier."))
    if dossier.state not in EDITABLE_STATES:
        raise TransitionRefused(
            _("Papers can no longer be added: the dossier is “%(state)s”.")
            % {"state": dossier.get_state_display()}
        )
    if not 0 <= paper_index < len(dossier.papers):
        raise ValidationError(_("This paper is not part of the procedure."))
    paper = dossier.papers[paper_index]
    if not paper.get("multiple_files"):
        for old in dossier.attachments.filter(
            kind=AttachmentKind.PAPER, paper_index=paper_index
        ):
            old.file.delete(save=False)
            old.delete()
    return store_file(
        dossier, upload, kind=AttachmentKind.PAPER, paper_index=paper_index, actor=actor
    )


@performs("submit", "resubmit")
@transaction.atomic
def dossier_submit(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int | None = None,
    at: datetime | None = None,
    within_group: bool = False,
) -> Dossier:
    """Submit a draft (or send a supplemented dossier back). A child of a group
    file is submitted only with its group (``within_group``, the group's
    service): alone it would reach the desk without the group's code,
    appointment and chained results."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    if dossier.state == State.SUPPLEMENT_REQUESTED:
        action, args = "resubmit", {"at": at}
    else:
        if in_group(dossier) and not within_group:
            raise TransitionRefused(
                _(
                    "This dossier is part of a group of linked procedures: submit "
                    "the group's application, which submits every dossier of the "
                    "group together."
                )
            )
        # The system has received the dossier: it gets its code (the citizen's
        # reference) now; the desk's receipt (Form 01) starts the clock later.
        check(dossier, "submit", actor)
        action = "submit"
        args = {"at": at, "code": issue_dossier_code(dossier.receiving_desk, at)}
    perform(dossier, action, actor, at=at, args=args)
    # The online form, printed as the declaration, is the paper it stands for.
    attach_declaration(dossier, actor)
    if action == "resubmit":
        dossier.supplement_requests.filter(answered_at__isnull=True).update(
            answered_at=at
        )
    return dossier


@performs("withdraw")
@transaction.atomic
def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    with notices_batched():
        perform(dossier, "withdraw", actor, at=at, note=note, args={"at": at})
        end_dependants(dossier, actor, at)
    return dossier


def _locked_own(dossier: Dossier, actor: User) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not is_own_applicant(locked, actor):
        raise TransitionRefused(_("This is not your dossier."))
    return locked


@transaction.atomic
def dossier_update_details(
    *, dossier: Dossier, actor: User, details: ApplicantDetails
) -> Dossier:
    """The applicant corrects the details filed with a draft."""
    dossier = _locked_own(dossier, actor)
    if dossier.state != State.DRAFT:
        raise TransitionRefused(
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
        dossier_attach_paper(
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
    details: ApplicantDetails | None,
    uploads: Iterable[tuple[int, UploadedFile]],
    submit: bool = False,
    answers: dict[str, Any] | None = None,
    delivery: tuple[str, str] | None = None,
    organisation: OrganisationDetails | None = None,
) -> DraftSaved:
    """Keep every scan that passed and the details, then submit if asked.

    ``details`` is None when the applicant's form did not validate: the dossier
    keeps its own; so are ``answers`` (the online form) and ``delivery``. A
    submission with a mandatory paper missing is not attempted; the missing papers
    are returned instead, all of them at once. Nor is one with the form incomplete
    (the view says which answers; ``form_answers_complete`` guards the transition).
    """
    stored = dossier_attach_papers(dossier=dossier, actor=actor, uploads=uploads)
    if details is not None:
        dossier_update_details(dossier=dossier, actor=actor, details=details)
    if answers is not None or delivery is not None or organisation is not None:
        dossier_save_answers(
            dossier=dossier,
            actor=actor,
            answers=answers,
            delivery=delivery,
            organisation=organisation,
        )
        dossier.refresh_from_db()
    missing = dossier.missing_mandatory_papers() if submit else []
    if submit and not missing and not dossier.missing_answers():
        dossier_submit(dossier=dossier, actor=actor)
        return DraftSaved(stored=stored, submitted=True, missing=[])
    return DraftSaved(stored=stored, submitted=False, missing=missing)


@transaction.atomic
def dossier_remove_paper(
    *, dossier: Dossier, actor: User, attachment: Attachment
) -> None:
    """Remove a scan the applicant attached by mistake, while papers may change."""
    dossier = _locked_own(dossier, actor)
    if dossier.state not in EDITABLE_STATES:
        raise TransitionRefused(
            _("Papers can no longer be changed: the dossier is “%(state)s”.")
            % {"state": dossier.get_state_display()}
        )
    if attachment.dossier_id != dossier.pk or attachment.kind != AttachmentKind.PAPER:
        raise TransitionRefused(_("This file cannot be removed."))
    if dossier.state in SUPPLEMENT_STATES and not selectors.uploaded_since_request(
        dossier, attachment
    ):
        # The desk checked what was filed: only the answer to its request may change.
        raise TransitionRefused(
            _("Papers the desk has already checked cannot be removed.")
        )
    attachment.file.delete(save=False)
    attachment.delete()


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
        raise TransitionRefused(_("No supplement is requested now."))
    missing = selectors.papers_still_requested(dossier)
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
        return dossier_submit(dossier=dossier, actor=actor, at=at)
    return supplements.dossier_supplement(
        dossier=dossier, actor=actor, note=note.strip(), at=at
    )
