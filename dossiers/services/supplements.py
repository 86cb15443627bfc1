"""Supplement requests (Form 02) and their answers, at intake and in processing.

"Guide once": a request lists every missing or wrong paper at once. During
processing the request pauses the clock; the applicant's answer resumes it and
moves every open due date by the office time spent waiting.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from workcalendar.calendar import calendar_for

from .. import deadlines
from ..models import Dossier, Pause, State, SupplementRequest
from ..workflow import performs
from .core import check, lock, now_or, perform, require_text
from .receipts import ReceivedPaper, papers_note, record_papers, store_papers


def _supplement_items(dossier: Dossier, items: Sequence[dict[str, Any]]) -> list:
    if not items:
        raise ValidationError(
            {"items": _("List every paper that is missing or must be corrected.")}
        )
    cleaned = []
    for item in items:
        index = item.get("paper_index")
        if index is not None and not 0 <= int(index) < len(dossier.papers):
            raise ValidationError({"items": _("A listed paper is not in the dossier.")})
        name = item.get("name") or (
            dossier.papers[int(index)]["name"] if index is not None else ""
        )
        guidance = (item.get("guidance") or "").strip()
        if not name or not guidance:
            raise ValidationError(
                {"items": _("Say for each paper what is wrong and how to fix it.")}
            )
        cleaned.append({"paper_index": index, "name": name, "guidance": guidance})
    return cleaned


def _request_supplement(
    dossier: Dossier,
    actor: User,
    items: Sequence[dict[str, Any]],
    message: str,
    *,
    at: datetime,
    stage: str,
) -> SupplementRequest:
    """Form 02 at either stage; during processing the clock also pauses."""
    message = require_text(message, "message", _("Write a message to the applicant."))
    cleaned = _supplement_items(dossier, items)
    during_processing = stage == SupplementRequest.Stage.PROCESSING
    action = "request_supplement" if during_processing else "request_intake_supplement"
    perform(dossier, action, actor, at=at, note=message)
    if during_processing:
        Pause.objects.create(dossier=dossier, paused_at=at, reason=message)
    return SupplementRequest.objects.create(
        dossier=dossier,
        stage=stage,
        items=cleaned,
        message=message,
        requested_by=actor,
        requested_at=at,
    )


@performs("request_intake_supplement")
@transaction.atomic
def dossier_request_intake_supplement(
    *,
    dossier: Dossier,
    actor: User,
    items: Sequence[dict[str, Any]],
    message: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> SupplementRequest:
    """Form 02 at intake: everything missing, listed at once."""
    return _request_supplement(
        lock(dossier, expected_version),
        actor,
        items,
        message,
        at=now_or(at),
        stage=SupplementRequest.Stage.INTAKE,
    )


@performs("request_supplement")
@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: User,
    items: Sequence[dict[str, Any]],
    message: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> SupplementRequest:
    """Form 02 during processing: the clock pauses until the applicant answers."""
    return _request_supplement(
        lock(dossier, expected_version),
        actor,
        items,
        message,
        at=now_or(at),
        stage=SupplementRequest.Stage.PROCESSING,
    )


def resume_clock(dossier: Dossier, at: datetime) -> datetime:
    """Close the open pause and move every open step's due date by it; the
    dossier's new due date is returned for the transition to set."""
    pause = dossier.pauses.get(resumed_at__isnull=True)
    pause.resumed_at = at
    pause.save(update_fields=["resumed_at"])
    calendar = calendar_for(dossier.received_at, dossier.current_due_at, at)
    # The due date in force already holds earlier pauses and any extension (Form 04
    # sets its date against it): this pause alone moves it, as it moves the steps.
    pauses = [(pause.paused_at, at)]
    for step in dossier.steps.filter(finished_at__isnull=True):
        step.due_at = deadlines.extend_for_pauses(step.due_at, pauses, calendar, at)
        step.save(update_fields=["due_at"])
    dossier.forget_steps()
    return deadlines.extend_for_pauses(dossier.current_due_at, pauses, calendar, at)


@performs("supplement")
@transaction.atomic
def dossier_supplement(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The applicant answers; the pause closes and every open due date moves."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    check(dossier, "supplement", actor)
    new_due = resume_clock(dossier, at)
    perform(dossier, "supplement", actor, at=at, note=note, args={"due": new_due})
    dossier.supplement_requests.filter(answered_at__isnull=True).update(answered_at=at)
    return dossier


@performs("supplement_at_counter")
@transaction.atomic
def dossier_supplement_at_counter(
    *,
    dossier: Dossier,
    actor: User,
    received: Sequence[ReceivedPaper],
    uploads: Iterable[tuple[int, UploadedFile]] = (),
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The applicant (with or without an account) brings the requested papers to
    the desk. The clerk records what was handed over; at intake the dossier is
    back for the desk's check, during processing the clock resumes."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    check(dossier, "supplement_at_counter", actor)
    if not received:
        raise ValidationError({"received": _("Tick the papers the applicant brought.")})
    store_papers(dossier, uploads, actor)
    record_papers(dossier, received, actor, at)
    new_due = (
        resume_clock(dossier, at)
        if dossier.state == State.AWAITING_SUPPLEMENT
        else None
    )
    note = "\n".join(part for part in (papers_note(received), note.strip()) if part)
    perform(
        dossier,
        "supplement_at_counter",
        actor,
        at=at,
        note=note,
        args={"at": at, "due": new_due},
    )
    dossier.supplement_requests.filter(answered_at__isnull=True).update(answered_at=at)
    return dossier
