"""A citizen files a group of linked procedures online: one combined application
(the applicant's details and the group's shared fields entered once, each paper of
the combined list uploaded once), kept as a draft, then submitted as one parent
file with a child dossier per procedure (docs/interagency.md).

The draft is the parent file without a code, and a draft child dossier per
procedure, all at one receiving desk. A paper uploaded once is stored on every
child that asks for it, each in its own transaction (as a single dossier's
uploads are), so a file refused later never takes earlier ones with it.
Submitting gives the parent its code, PIN and appointment through the same
functions as the counter (``services.parent_identity``, ``chain_child``) and
submits every child in one transaction: they reach the desk's queue of
dossiers to check.
"""

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers import services as dossier_services
from dossiers.models import ApplicantDetails, AttachmentKind, Channel, Dossier
from dossiers.services import TransitionRefused, notifications_muted
from dossiers.services.filing import new_dossier

from .models import GroupChild, GroupFiling, ProcedureGroup
from .services import (
    CombinedPaper,
    chain_child,
    check_group,
    child_group_entry,
    collect_results_together,
    combined_papers,
    group_members,
    parent_identity,
    prerequisites_first,
)


@dataclass(frozen=True)
class OnlineLine:
    """A line of the combined paper list on the online form."""

    index: int
    paper: CombinedPaper
    accepted_types: list[str]
    files: list[str]

    def as_paper(self) -> dict[str, Any]:
        """The shape ``dossiers.forms.PaperUploadsForm`` reads."""
        return {
            "index": self.index,
            "name": self.paper.name,
            "mandatory": self.paper.mandatory,
            "accepted_types": self.accepted_types,
            "multiple_files": False,
        }


@dataclass(frozen=True)
class GroupDraftSaved:
    stored: int
    submitted: bool
    missing: list[str]


def check_online(group: ProcedureGroup, members: list[Any]) -> None:
    """The group is its own channel: filed online when the group is, every
    member as part of it (a member alone may be counter-only); each member must
    still be in force."""
    check_group(group, members)
    if not group.via_online:
        raise ValidationError(_("This group is not filed online."))
    closed = [m.procedure.display_name for m in members if not m.procedure.is_public]
    if closed:
        raise ValidationError(
            _("This group cannot be filed online: %(procedures)s is not filed online.")
            % {"procedures": "; ".join(closed)}
        )


@transaction.atomic
def group_start_online(
    *, applicant: User, group: ProcedureGroup, details: ApplicantDetails
) -> GroupFiling:
    """A citizen starts the group online: a draft parent file and a draft child
    per procedure, all at the desk that receives the group's first procedure."""
    if not details.name.strip():
        raise ValidationError({"name": _("Enter the applicant's name.")})
    members = group_members(group)
    check_online(group, members)
    desk = members[0].procedure.receiving_agency
    filing = GroupFiling.objects.create(
        group=group,
        channel="online",
        applicant=applicant,
        applicant_name=details.name.strip(),
        receiving_desk=desk,
    )
    for member in members:
        dossier = new_dossier(
            procedure=member.procedure,
            applicant=applicant,
            details=details,
            channel=Channel.ONLINE,
            receiving_desk=desk,
            group=child_group_entry(filing, member, members),
        )
        GroupChild.objects.create(filing=filing, member=member, dossier=dossier)
    return filing


def _children(filing: GroupFiling) -> list[GroupChild]:
    return list(
        filing.children.select_related("dossier", "member").prefetch_related(
            "member__depends_on"
        )
    )


def online_lines(filing: GroupFiling) -> list[OnlineLine]:
    """The combined paper list of a draft, with the files already attached."""
    members = group_members(filing.group)
    children = {c.member_id: c.dossier for c in _children(filing)}
    attached: dict[tuple[int, int], list[str]] = {}
    for child in children.values():
        for attachment in child.attachments.filter(kind=AttachmentKind.PAPER):
            attached.setdefault((child.pk, attachment.paper_index), []).append(
                attachment.original_name
            )
    lines = []
    for index, paper in enumerate(combined_papers(members)):
        types: list[str] | None = None
        files: list[str] = []
        for member_id, paper_index in paper.uses:
            dossier = children[member_id]
            accepted = dossier.papers[paper_index].get("accepted_types") or ["pdf"]
            types = [t for t in (types or accepted) if t in accepted] or accepted
            files = files or attached.get((dossier.pk, paper_index), [])
        lines.append(OnlineLine(index, paper, types or ["pdf"], files))
    return lines


def _own_draft(filing: GroupFiling, actor: User) -> GroupFiling:
    locked = GroupFiling.objects.select_for_update().get(pk=filing.pk)
    if locked.applicant_id != actor.pk:
        raise TransitionRefused(_("This is not your group file."))
    if not locked.is_draft:
        raise TransitionRefused(_("This group file has been submitted already."))
    return locked


def _check_answers(group: ProcedureGroup, answers: dict[str, Any]) -> dict[str, Any]:
    keys = {f["key"] for f in group.shared_fields}
    if set(answers) - keys:
        raise ValidationError(_("An answer is not one of the group's shared fields."))
    return {k: str(v).strip() for k, v in answers.items() if str(v).strip()}


def group_attach_paper(
    *, filing: GroupFiling, actor: User, line: int, upload: UploadedFile
) -> int:
    """One paper of the combined list, uploaded once, stored on every child that
    asks for it (each child in its own transaction); how many were stored."""
    with transaction.atomic():
        _own_draft(filing, actor)
    paper = next((x.paper for x in online_lines(filing) if x.index == line), None)
    if paper is None:
        raise ValidationError(_("This paper is not part of the group."))
    dossiers = {c.member_id: c.dossier for c in _children(filing)}
    for member_id, paper_index in paper.uses:
        upload.seek(0)
        dossier_services.dossier_attach_paper(
            dossier=dossiers[member_id],
            actor=actor,
            paper_index=paper_index,
            upload=upload,
        )
    return len(paper.uses)


@transaction.atomic
def group_update_draft(
    *,
    filing: GroupFiling,
    actor: User,
    details: ApplicantDetails | None,
    answers: dict[str, Any] | None,
) -> GroupFiling:
    """Keep the applicant's details (on the parent and every child) and the
    shared answers, entered once."""
    filing = _own_draft(filing, actor)
    if answers is not None:
        filing.answers = _check_answers(filing.group, answers)
    if details is not None:
        filing.applicant_name = details.name.strip()
        for child in _children(filing):
            dossier_services.dossier_update_details(
                dossier=child.dossier, actor=actor, details=details
            )
    filing.save(update_fields=["answers", "applicant_name"])
    return filing


def missing_lines(filing: GroupFiling) -> list[str]:
    """The mandatory papers of the combined list without a file yet."""
    return [
        line.paper.name
        for line in online_lines(filing)
        if line.paper.mandatory and not line.files
    ]


@transaction.atomic
def group_submit_online(
    *, filing: GroupFiling, actor: User, at: datetime | None = None
) -> GroupFiling:
    """Submit the group filed online: the parent's one code, PIN and appointment,
    and every child submitted to the desk, all or nothing."""
    filing = _own_draft(filing, actor)
    at = at or timezone.now()
    members = group_members(filing.group)
    check_online(filing.group, members)
    missing = missing_lines(filing)
    if missing:
        raise ValidationError(
            _("Every mandatory paper is needed, each once: missing %(papers)s.")
            % {"papers": "; ".join(missing)}
        )
    for key, value in parent_identity(filing.group, filing.receiving_desk, at).items():
        setattr(filing, key, value)
    # Each uploaded once, as a scan: Form 01 lists it as one copy.
    filing.papers = [
        {"name": line.paper.name, "originals": 0, "certified_copies": 0, "copies": 1}
        for line in online_lines(filing)
        if line.files
    ]
    filing.save()
    dossiers = {c.member_id: c.dossier for c in _children(filing)}
    placed: dict[int, Dossier] = {}
    for position, member in enumerate(prerequisites_first(members)):
        # One notice for the group's submission, not one per child: the first
        # child's, whose subject names the group file (emails/transition_subject).
        muted = notifications_muted() if position else nullcontext()
        with muted:
            dossier = dossier_services.dossier_submit(
                dossier=dossiers[member.pk], actor=actor, at=at, within_group=True
            )
        chain_child(filing, member, dossier, placed)
    collect_results_together(filing)
    return filing


def group_save_online(
    *,
    filing: GroupFiling,
    actor: User,
    details: ApplicantDetails | None,
    answers: dict[str, Any] | None,
    uploads: Iterable[tuple[int, UploadedFile]],
    submit: bool = False,
) -> GroupDraftSaved:
    """Keep every file that passed and what was entered, then submit if asked.

    A submission with a mandatory paper missing is not attempted: every missing
    paper is returned instead, at once.
    """
    stored = sum(
        group_attach_paper(filing=filing, actor=actor, line=line, upload=upload)
        for line, upload in uploads
    )
    group_update_draft(filing=filing, actor=actor, details=details, answers=answers)
    missing = missing_lines(filing) if submit else []
    if submit and not missing:
        group_submit_online(filing=filing, actor=actor)
        return GroupDraftSaved(stored=stored, submitted=True, missing=[])
    return GroupDraftSaved(stored=stored, submitted=False, missing=missing)
