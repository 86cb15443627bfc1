"""Every write to a dossier: lock, transition, save, log, and notify after commit.

The model decides whether a move is legal (django-fsm states, conditions and
permissions); a service decides what follows from it. Each service runs in one
transaction with the dossier's row locked, so two people acting at once are
serialised: the second sees the first's change and is told so, and a failure
part-way leaves the database as it was.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from procedures.models import Agency, Procedure, TimeUnit
from workcalendar.calendar import load_calendar

from . import deadlines
from .models import (
    Attachment,
    AttachmentKind,
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierStep,
    Pause,
    State,
    SupplementRequest,
    TransitionLog,
)


class DossierChanged(Exception):
    """Someone else changed the dossier since the actor loaded it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This dossier was changed by someone else a moment ago. "
                "Reload the page to see its current state; nothing was saved."
            )
        )


class TransitionRefused(PermissionDenied):
    """An illegal move, refused with a reason the actor can read."""


# Transitions the applicant is told about; the rest are internal hand-offs.
APPLICANT_NOTICES = frozenset(
    {
        "submit",
        "resubmit",
        "supplement",
        "request_intake_supplement",
        "refuse",
        "receive",
        "receive_at_counter",
        "request_supplement",
        "extend",
        "stop",
        "approve",
        "deny",
        "return_result",
        "withdraw",
    }
)


# --- reading the state machine ----------------------------------------------------


def refusal_reason(dossier: Dossier, action: str, user: Any) -> str | None:
    """Why ``user`` cannot do ``action`` on ``dossier`` now, or None if they can."""
    meta = getattr(dossier, action)._django_fsm
    if not meta.has_transition(dossier.state):
        return _("This cannot be done while the dossier is “%(state)s”.") % {
            "state": dossier.get_state_display()
        }
    # Permission first: someone who may not act learns that, not what is missing.
    if not meta.has_transition_perm(dossier, dossier.state, user):
        return _(
            "Your role does not allow this action on this dossier, or the dossier "
            "is not in your queue."
        )
    transition = meta.get_transition(dossier.state)
    for condition in transition.conditions:
        if not condition(dossier):
            return str(condition.reason)
    return None


def available_actions(dossier: Dossier, user: Any) -> list[str]:
    """The transitions ``user`` may perform on ``dossier`` now."""
    return [
        transition.name
        for transition in dossier.get_available_state_transitions()
        if refusal_reason(dossier, transition.name, user) is None
    ]


# --- building blocks ------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_version is not None and locked.version != expected_version:
        raise DossierChanged
    return locked


def _check(dossier: Dossier, action: str, actor: Any) -> None:
    """Refuse now, before any side work, if ``actor`` cannot do ``action``."""
    reason = refusal_reason(dossier, action, actor)
    if reason:
        raise TransitionRefused(reason)


def _require(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _perform(
    dossier: Dossier,
    action: str,
    actor: Any,
    *,
    at: datetime,
    note: str = "",
    args: dict[str, Any] | None = None,
) -> TransitionLog:
    """Run one transition on a locked dossier, save it and log it."""
    _check(dossier, action, actor)
    from_state = dossier.state
    step = dossier.current_step
    getattr(dossier, action)(**(args or {}))
    dossier.version = F("version") + 1
    dossier.save()
    dossier.refresh_from_db()
    log = TransitionLog.objects.create(
        dossier=dossier,
        transition=action,
        from_state=from_state,
        to_state=dossier.state,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        step_name=step.name if step else "",
        step_due_at=step.due_at if step else None,
        created_at=at,
    )
    if action in APPLICANT_NOTICES:
        _notify_on_commit(log)
    return log


# Seeding history (demo data, imports) replays transitions that happened long ago;
# the applicants must not be told about them again.
_notifications_muted: ContextVar[bool] = ContextVar(
    "notifications_muted", default=False
)


@contextmanager
def notifications_muted() -> Iterator[None]:
    """Within this block, transitions are logged but nobody is notified."""
    token = _notifications_muted.set(True)
    try:
        yield
    finally:
        _notifications_muted.reset(token)


def _notify_on_commit(log: TransitionLog) -> None:
    from notifications.tasks import send_transition_notice

    if _notifications_muted.get():
        return
    send_transition_notice.delay_on_commit(log.pk)


def _calendar_for(*moments: datetime | None) -> deadlines.WorkCalendar:
    years = {timezone.localtime(m).year for m in moments if m is not None}
    return load_calendar(years or None)


def snapshot_procedure(procedure: Procedure) -> dict[str, Any]:
    """What the dossier is filed under; later catalogue edits never move it."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "processing_time": {
            "value": procedure.processing_time_value,
            "unit": procedure.processing_time_unit,
            "cutoff": (
                procedure.cutoff_time.strftime("%H:%M")
                if procedure.cutoff_time
                else None
            ),
        },
        "papers": [
            {
                "index": i,
                "name": paper.name,
                "originals": paper.originals,
                "certified_copies": paper.certified_copies,
                "copies": paper.copies,
                "mandatory": paper.mandatory,
                "multiple_files": paper.multiple_files,
                "accepted_types": paper.accepted_type_list,
            }
            for i, paper in enumerate(procedure.papers.all())
        ],
        "fees": [
            {"name": fee.name, "amount_vnd": fee.amount_vnd, "note": fee.note}
            for fee in procedure.fees.all()
        ],
        "route": [
            {
                "name": step.name,
                "role": step.role,
                "department_id": step.department_id,
                "department": step.department.name if step.department else "",
                "working_days": str(step.working_days),
            }
            for step in procedure.route_steps.select_related("department")
        ],
    }


def _due(dossier: Dossier, received_at: datetime) -> datetime:
    time_ = dossier.procedure_snapshot["processing_time"]
    return deadlines.due_at(
        received_at,
        time_["value"],
        time_["unit"],
        _calendar_for(received_at),
        _cutoff(time_),
    )


def issue_dossier_code(agency: Agency, at: datetime) -> str:
    """The next code for ``agency`` on the local day of ``at``, never duplicated.

    The counter row is locked for the rest of the caller's transaction, so
    concurrent receipts at one desk take numbers one after another.
    """
    day = timezone.localtime(at).date()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _created = (
                    DossierCodeCounter.objects.select_for_update().get_or_create(
                        agency=agency, day=day
                    )
                )
                break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three collisions on creating one row
        raise RuntimeError("Could not reserve a dossier code counter.")
    DossierCodeCounter.objects.filter(pk=counter.pk).update(
        last_number=F("last_number") + 1
    )
    counter.refresh_from_db()
    return settings.DOSSIER_CODE_FORMAT.format(
        agency=agency.code, date=day, number=counter.last_number
    )


# --- filing ---------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantDetails:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    language: str = "vi"

    @classmethod
    def of(cls, user: User) -> "ApplicantDetails":
        return cls(
            name=user.full_name or user.get_full_name() or user.username,
            id_number=user.id_number,
            phone=user.phone,
            email=user.email,
            address=user.address,
            language=user.preferred_language,
        )


def _new_dossier(
    *,
    procedure: Procedure,
    applicant: User | None,
    details: ApplicantDetails,
    channel: str,
    receiving_desk: Agency | None = None,
) -> Dossier:
    if not details.name.strip():
        raise ValidationError({"applicant_name": _("Enter the applicant's name.")})
    dossier = Dossier(
        applicant=applicant,
        applicant_name=details.name.strip(),
        applicant_id_number=details.id_number,
        applicant_phone=details.phone,
        applicant_email=details.email,
        applicant_address=details.address,
        applicant_language=details.language,
        procedure=procedure,
        procedure_snapshot=snapshot_procedure(procedure),
        channel=channel,
        receiving_desk=receiving_desk or procedure.receiving_agency,
        deciding_agency=procedure.deciding_agency,
    )
    dossier.save()
    return dossier


@transaction.atomic
def dossier_create_draft(
    *, applicant: User, procedure: Procedure, details: ApplicantDetails | None = None
) -> Dossier:
    """A citizen starts an online dossier; it stays a draft until submitted."""
    if not procedure.is_public or not procedure.accepts_online_filing:
        raise ValidationError(_("This procedure cannot be filed online."))
    return _new_dossier(
        procedure=procedure,
        applicant=applicant,
        details=details or ApplicantDetails.of(applicant),
        channel=Channel.ONLINE,
    )


def _store_file(
    dossier: Dossier,
    upload: UploadedFile,
    *,
    kind: str,
    paper_index: int | None,
    actor: Any,
) -> Attachment:
    attachment = Attachment(
        dossier=dossier,
        kind=kind,
        paper_index=paper_index,
        original_name=upload.name[:255],
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def dossier_attach_paper(
    *, dossier: Dossier, actor: Any, paper_index: int, upload: UploadedFile
) -> Attachment:
    """Attach a scanned paper while the applicant (or the desk) may still change it."""
    dossier = _lock(dossier, None)
    editable = {State.DRAFT, State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT}
    from .models import is_desk_clerk, is_own_applicant

    if not (is_own_applicant(dossier, actor) or is_desk_clerk(dossier, actor)):
        raise TransitionRefused(_("You cannot add papers to this dossier."))
    if dossier.state not in editable:
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
    return _store_file(
        dossier, upload, kind=AttachmentKind.PAPER, paper_index=paper_index, actor=actor
    )


@transaction.atomic
def dossier_submit(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    action = "resubmit" if dossier.state == State.SUPPLEMENT_REQUESTED else "submit"
    _perform(dossier, action, actor, at=at, args={"at": at})
    if action == "resubmit":
        dossier.supplement_requests.filter(answered_at__isnull=True).update(
            answered_at=at
        )
    return dossier


@transaction.atomic
def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    _perform(dossier, "withdraw", actor, at=at, note=note, args={"at": at})
    return dossier


# --- intake ---------------------------------------------------------------------


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
    message = _require(message, "message", _("Write a message to the applicant."))
    cleaned = _supplement_items(dossier, items)
    during_processing = stage == SupplementRequest.Stage.PROCESSING
    action = "request_supplement" if during_processing else "request_intake_supplement"
    _perform(dossier, action, actor, at=at, note=message)
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
        _lock(dossier, expected_version),
        actor,
        items,
        message,
        at=_now(at),
        stage=SupplementRequest.Stage.INTAKE,
    )


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
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    reasons = _require(reasons, "reasons", _("Give the reasons for the refusal."))
    dossier.outcome_reason = reasons
    _perform(dossier, "refuse", actor, at=at, note=reasons, args={"at": at})
    return dossier


def _start_clock(
    dossier: Dossier, action: str, actor: User, *, at: datetime, note: str
) -> None:
    """Issue the code and the due date, then record the receipt (Form 01)."""
    code = issue_dossier_code(dossier.receiving_desk, at)
    _perform(
        dossier,
        action,
        actor,
        at=at,
        note=note,
        args={"code": code, "at": at, "due": _due(dossier, at)},
    )


@transaction.atomic
def dossier_receive(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Form 01: the desk accepts an online dossier; code issued, clock started."""
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    _check(dossier, "receive", actor)
    _start_clock(dossier, "receive", actor, at=at, note=note)
    return dossier


@transaction.atomic
def dossier_receive_at_counter(
    *,
    clerk: User,
    procedure: Procedure,
    details: ApplicantDetails,
    applicant: User | None = None,
    uploads: Iterable[tuple[int, UploadedFile]] = (),
    channel: str = Channel.COUNTER,
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """A walk-in (or postal) dossier checked on the spot and received at once."""
    if clerk.role != "clerk" or clerk.agency is None:
        raise TransitionRefused(
            _("Only a one-stop-shop clerk receives at the counter.")
        )
    if not procedure.is_public or not (
        (channel == Channel.COUNTER and procedure.via_counter)
        or (channel == Channel.POST and procedure.via_post)
    ):
        raise ValidationError(
            {"procedure": _("This procedure is not received this way.")}
        )
    at = _now(at)
    dossier = _new_dossier(
        procedure=procedure,
        applicant=applicant,
        details=details,
        channel=channel,
        receiving_desk=clerk.agency,
    )
    for paper_index, upload in uploads:
        _store_file(
            dossier,
            upload,
            kind=AttachmentKind.PAPER,
            paper_index=paper_index,
            actor=clerk,
        )
    _check(dossier, "receive_at_counter", clerk)
    _start_clock(dossier, "receive_at_counter", clerk, at=at, note=note)
    return dossier


# --- processing -----------------------------------------------------------------


@transaction.atomic
def dossier_transfer(
    *,
    dossier: Dossier,
    actor: User,
    assignee: User | None = None,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The desk passes the dossier to the deciding agency; each step gets its due."""
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    _check(dossier, "transfer", actor)
    if not dossier.route:
        raise TransitionRefused(
            _("The procedure has no processing route; ask the administrator.")
        )
    time_ = dossier.procedure_snapshot["processing_time"]
    calendar = _calendar_for(dossier.received_at, at)
    start = deadlines.clock_start(
        dossier.received_at, time_["unit"], calendar, _cutoff(time_)
    )
    if time_["unit"] == TimeUnit.CALENDAR_DAYS:
        # Calendar-day routes share the calendar time in proportion.
        start = max(start, at)
    dues = deadlines.step_due_dates(
        start, [Decimal(step["working_days"]) for step in dossier.route], calendar
    )
    dues = [min(due, dossier.current_due_at) for due in dues]
    dossier.steps.all().delete()
    for position, (step, due) in enumerate(zip(dossier.route, dues, strict=True)):
        DossierStep.objects.create(
            dossier=dossier,
            position=position,
            name=step["name"],
            role=step["role"],
            department_id=step.get("department_id"),
            working_days=Decimal(step["working_days"]),
            due_at=due,
            started_at=at if position == 0 else None,
        )
    _perform(dossier, "transfer", actor, at=at, note=note)
    if assignee is not None:
        _assign(dossier, assignee)
    return dossier


def _cutoff(time_: dict[str, Any]) -> time | None:
    cutoff = time_.get("cutoff")
    return time.fromisoformat(cutoff) if cutoff else None


def _assign(dossier: Dossier, assignee: User | None) -> None:
    if assignee is not None:
        step = dossier.current_step
        if step is None or not (
            (step.department_id and assignee.department_id == step.department_id)
            or (
                not step.department_id
                and assignee.agency_id == dossier.deciding_agency_id
            )
        ):
            raise ValidationError(
                {"assignee": _("Assign someone of the department handling this step.")}
            )
    Dossier.objects.filter(pk=dossier.pk).update(assignee=assignee)
    dossier.assignee = assignee


@transaction.atomic
def dossier_forward(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    assignee: User | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Hand the dossier to the next step of its route (a line of Form 06)."""
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    finished = dossier.current_step
    _perform(dossier, "forward", actor, at=at, note=note)
    if finished:
        DossierStep.objects.filter(pk=finished.pk).update(
            finished_at=at, handled_by=actor
        )
    DossierStep.objects.filter(
        dossier=dossier, position=dossier.current_step_index
    ).update(started_at=at)
    dossier._current_step_cache = None
    _assign(dossier, assignee)
    return dossier


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
        _lock(dossier, expected_version),
        actor,
        items,
        message,
        at=_now(at),
        stage=SupplementRequest.Stage.PROCESSING,
    )


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
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    _check(dossier, "supplement", actor)
    pause = dossier.pauses.get(resumed_at__isnull=True)
    pause.resumed_at = at
    pause.save(update_fields=["resumed_at"])
    calendar = _calendar_for(dossier.received_at, dossier.current_due_at, at)
    # The due date in force already holds earlier pauses and any extension (Form 04
    # sets its date against it): this pause alone moves it, as it moves the steps.
    paused = deadlines.working_time_between(pause.paused_at, at, calendar)
    new_due = deadlines.add_working_time(dossier.current_due_at, paused, calendar)
    for step in dossier.steps.filter(finished_at__isnull=True):
        step.due_at = deadlines.add_working_time(step.due_at, paused, calendar)
        step.save(update_fields=["due_at"])
    dossier._current_step_cache = None
    _perform(dossier, "supplement", actor, at=at, note=note, args={"due": new_due})
    dossier.supplement_requests.filter(answered_at__isnull=True).update(answered_at=at)
    return dossier


def _finish_current_step(dossier: Dossier, actor: User, at: datetime) -> None:
    step = dossier.current_step
    if step:
        DossierStep.objects.filter(pk=step.pk).update(finished_at=at, handled_by=actor)


@transaction.atomic
def dossier_approve(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    result_files: Iterable[UploadedFile] = (),
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The decision is made in favour; result files (e-results) are attached."""
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    _finish_current_step(dossier, actor, at)
    _perform(dossier, "approve", actor, at=at, note=note, args={"at": at})
    for upload in result_files:
        _store_file(
            dossier, upload, kind=AttachmentKind.RESULT, paper_index=None, actor=actor
        )
    return dossier


@transaction.atomic
def dossier_deny(
    *,
    dossier: Dossier,
    actor: User,
    reasons: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The decision is a denial, with the written reasons the applicant receives."""
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    reasons = _require(reasons, "reasons", _("Give the reasons for the denial."))
    _finish_current_step(dossier, actor, at)
    _perform(
        dossier, "deny", actor, at=at, note=reasons, args={"at": at, "reasons": reasons}
    )
    return dossier


@transaction.atomic
def dossier_extend(
    *,
    dossier: Dossier,
    actor: User,
    new_due: datetime,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Form 04: apologise and set a later date, once, before the due date passes."""
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    reason = _require(reason, "reason", _("Give the reason for the extension."))
    _check(dossier, "extend", actor)
    if at >= dossier.current_due_at:
        raise ValidationError(
            {"new_due": _("The due date has passed: an extension must come before it.")}
        )
    if new_due <= dossier.current_due_at:
        raise ValidationError(
            {"new_due": _("The new date must be later than the current due date.")}
        )
    _perform(
        dossier,
        "extend",
        actor,
        at=at,
        note=reason,
        args={"new_due": new_due, "reason": reason},
    )
    # The extra time belongs to the work still to do: the last step ends with the
    # dossier, as it did before the extension.
    last_step = (
        dossier.steps.filter(finished_at__isnull=True).order_by("position").last()
    )
    if last_step is not None:
        DossierStep.objects.filter(pk=last_step.pk).update(due_at=new_due)
    return dossier


@transaction.atomic
def dossier_stop(
    *,
    dossier: Dossier,
    actor: User,
    reasons: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Form 05: processing stops, with reasons."""
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    reasons = _require(reasons, "reasons", _("Give the reasons for stopping."))
    dossier.outcome_reason = reasons
    dossier.pauses.filter(resumed_at__isnull=True).update(resumed_at=at)
    _perform(dossier, "stop", actor, at=at, note=reasons, args={"at": at})
    return dossier


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
    dossier = _lock(dossier, expected_version)
    at = _now(at)
    _check(dossier, "return_result", actor)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the result was delivered.")})
    if channel == Channel.COUNTER:
        collected_by = _require(
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
    if fee_collected_vnd:
        note_parts.append(
            _("fee collected: %(amount)s đ") % {"amount": fee_collected_vnd}
        )
    _perform(
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


# Every service by transition name, for views and tests that walk the machine.
SERVICES: dict[str, Callable[..., Any]] = {
    "submit": dossier_submit,
    "resubmit": dossier_submit,
    "withdraw": dossier_withdraw,
    "request_intake_supplement": dossier_request_intake_supplement,
    "refuse": dossier_refuse,
    "receive": dossier_receive,
    "transfer": dossier_transfer,
    "forward": dossier_forward,
    "request_supplement": dossier_request_supplement,
    "supplement": dossier_supplement,
    "approve": dossier_approve,
    "deny": dossier_deny,
    "extend": dossier_extend,
    "stop": dossier_stop,
    "return_result": dossier_return_result,
}
