"""The desk's intake: checking papers, Form 01 (receipt), Form 03 (refusal),
receiving at the counter (the walk-in linked to their account if they have one),
and the staff's internal notes on a dossier.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from procedures.models import Procedure

from .. import workflow
from ..models import (
    ApplicantDetails,
    Channel,
    Dossier,
    InternalNote,
    OrganisationDetails,
    PaperCheck,
)
from ..workflow import performs
from .codes import issue_dossier_code
from .core import (
    TransitionRefused,
    check,
    lock,
    notices_batched,
    now_or,
    perform,
    require_text,
)
from .filing import new_dossier
from .group_results import clock_due, end_dependants
from .receipts import (
    ReceivedPaper,
    papers_note,
    record_attached_papers,
    record_papers,
    store_papers,
)


@performs("refuse")
@transaction.atomic
def dossier_refuse(
    *,
    dossier: Dossier,
    actor: User,
    reasons: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Form 03: the desk refuses a dossier that cannot be accepted, with reasons."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    reasons = require_text(reasons, "reasons", _("Give the reasons for the refusal."))
    dossier.outcome_reason = reasons
    with notices_batched():
        perform(dossier, "refuse", actor, at=at, note=reasons, args={"at": at})
        end_dependants(dossier, actor, at)
    return dossier


def _start_clock(
    dossier: Dossier, action: str, actor: User, *, at: datetime, note: str
) -> None:
    """Issue the code and the due date, then record the receipt (Form 01)."""
    code = issue_dossier_code(dossier.receiving_desk, at)
    # A group's child: its share of the group's time (group_results.clock_due).
    due = clock_due(dossier, at)
    perform(
        dossier,
        action,
        actor,
        at=at,
        note=note,
        args={"code": code, "at": at, "due": due},
    )


@performs("receive")
@transaction.atomic
def dossier_receive(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Form 01: the desk accepts an online dossier; the clock starts. (The code
    was given when the dossier was submitted.)"""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    check(dossier, "receive", actor)
    record_attached_papers(dossier, actor, at)
    _start_clock(dossier, "receive", actor, at=at, note=note)
    return dossier


def _counter_dossier(
    *,
    clerk: User,
    procedure: Procedure,
    details: ApplicantDetails,
    received: Sequence[ReceivedPaper],
    at: datetime,
    applicant: User | None = None,
    uploads: Iterable[tuple[int, UploadedFile]] = (),
    channel: str = Channel.COUNTER,
    answers: dict[str, Any] | None = None,
    delivery: tuple[str, str] | None = None,
    organisation: OrganisationDetails | None = None,
    group: dict[str, Any] | None = None,
) -> Dossier:
    if clerk.role != "clerk" or clerk.agency is None:
        raise TransitionRefused(
            _("Only a one-stop-shop clerk receives at the counter.")
        )
    # A child of a group file comes through the group's channel, which the
    # group's service has checked (a group is its own channel): a procedure
    # published online only is received at the counter as part of its group.
    if not procedure.is_public or not (
        group is not None
        or (channel == Channel.COUNTER and procedure.via_counter)
        or (channel == Channel.POST and procedure.via_post)
    ):
        raise ValidationError(
            {"procedure": _("This procedure is not received this way.")}
        )
    dossier = new_dossier(
        procedure=procedure,
        applicant=applicant,
        details=details,
        channel=channel,
        receiving_desk=clerk.agency,
        answers=answers,
        delivery=delivery,
        organisation=organisation,
        group=group,
    )
    store_papers(dossier, uploads, clerk)
    record_papers(dossier, received, clerk, at)
    return dossier


def _at_counter(
    action: str, clerk: User, *, at: datetime | None, note: str, **filing: Any
) -> Dossier:
    """Make the walk-in's dossier with what was handed over, then perform
    ``action`` on it: receive it (Form 01) or register it without receiving."""
    at = now_or(at)
    dossier = _counter_dossier(clerk=clerk, at=at, **filing)
    check(dossier, action, clerk)
    note = "\n".join(
        part for part in (papers_note(filing["received"]), note.strip()) if part
    )
    if action == "receive_at_counter":
        _start_clock(dossier, action, clerk, at=at, note=note)
    else:
        code = issue_dossier_code(dossier.receiving_desk, at)
        perform(dossier, action, clerk, at=at, note=note, args={"at": at, "code": code})
    return dossier


@performs("receive_at_counter")
@transaction.atomic
def dossier_receive_at_counter(
    *, clerk: User, note: str = "", at: datetime | None = None, **filing: Any
) -> Dossier:
    """A walk-in (or postal) dossier checked on the spot and received at once:
    the papers handed over are recorded with their counts (Form 01 lists them).
    ``filing``: procedure, details, received, and optionally applicant, uploads
    and channel (see ``_counter_dossier``)."""
    return _at_counter("receive_at_counter", clerk, at=at, note=note, **filing)


@performs("file_at_counter")
@transaction.atomic
def dossier_file_at_counter(
    *, clerk: User, note: str = "", at: datetime | None = None, **filing: Any
) -> Dossier:
    """A walk-in's dossier that cannot be received yet: registered with a code and
    what was handed over, so the desk can guide the applicant to complete it
    (Form 02) or refuse it (Form 03). The processing time does not start."""
    return _at_counter("file_at_counter", clerk, at=at, note=note, **filing)


def walk_in_account(details: ApplicantDetails) -> User | None:
    """The applicant's own account, found by ID number, so the dossier shows up
    under their "My dossiers"; None for someone without one."""
    if not details.id_number:
        return None
    return User.objects.filter(role=Role.APPLICANT, id_number=details.id_number).first()


def dossier_intake_at_counter(
    *,
    clerk: User,
    procedure: Procedure,
    details: ApplicantDetails,
    received: Sequence[ReceivedPaper],
    uploads: Iterable[tuple[int, UploadedFile]] = (),
    channel: str = Channel.COUNTER,
    receive: bool = True,
    answers: dict[str, Any] | None = None,
    delivery: tuple[str, str] | None = None,
    organisation: OrganisationDetails | None = None,
) -> Dossier:
    """A walk-in's (or a letter's) dossier, linked to the applicant's account if
    they have one: received at once (Form 01), or, with ``receive=False``,
    registered for the desk to guide (Form 02) or refuse (Form 03). ``answers``
    are the procedure's online form as the clerk typed it from the declaration;
    ``delivery`` is how the applicant wants the result (how, postal address);
    ``organisation`` the business or organisation they file for, if any."""
    service = dossier_receive_at_counter if receive else dossier_file_at_counter
    return service(
        clerk=clerk,
        procedure=procedure,
        details=details,
        applicant=walk_in_account(details),
        received=received,
        uploads=uploads,
        channel=channel,
        answers=answers,
        delivery=delivery,
        organisation=organisation,
    )


@transaction.atomic
def dossier_check_papers(
    *, dossier: Dossier, actor: User, verdicts: Mapping[int, tuple[str, str]]
) -> list[PaperCheck]:
    """The desk's check of an online dossier: each paper valid, missing or wrong.

    ``verdicts`` maps a paper's index to (verdict, note); papers left out keep
    their earlier check. Only a clerk who could receive the dossier or ask for a
    supplement now may record it.
    """
    if workflow.refusal_reason(dossier, "receive", actor) and (
        workflow.refusal_reason(dossier, "request_intake_supplement", actor)
    ):
        raise TransitionRefused(_("You cannot check the papers of this dossier now."))
    checks = []
    for paper in dossier.papers:
        verdict, note = verdicts.get(paper["index"], ("", ""))
        if verdict not in PaperCheck.Verdict.values:
            continue
        check_row, _created = PaperCheck.objects.update_or_create(
            dossier=dossier,
            paper_index=paper["index"],
            defaults={"verdict": verdict, "note": note[:500], "checked_by": actor},
        )
        checks.append(check_row)
    return checks


def dossier_add_note(*, dossier: Dossier, actor: User, text: str) -> InternalNote:
    """A note between staff about a dossier; applicants never see it."""
    text = require_text(text, "text", _("Write the note before saving it."))
    return InternalNote.objects.create(
        dossier=dossier, author=actor, text=text, agency_id=actor.agency_id
    )
