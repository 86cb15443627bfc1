"""Processing by the deciding agency: the route's steps, decisions, Form 04
(extension) and Form 05 (stopping)."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from workcalendar.calendar import calendar_for

from .. import deadlines
from ..models import (
    AttachmentKind,
    Dossier,
    DossierStep,
    ExtensionDraft,
    Pause,
    State,
)
from ..rules import handles_step
from ..workflow import performs
from .branches import finish_and_pass_on
from .core import (
    TransitionRefused,
    check,
    lock,
    notices_batched,
    now_or,
    perform,
    require_text,
    store_file,
)
from .group_results import clock_start, end_dependants, pass_result_on
from .supplements import resume_clock


@performs("transfer")
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
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    check(dossier, "transfer", actor)
    if not dossier.route:
        raise TransitionRefused(
            _("The procedure has no processing route; ask the administrator.")
        )
    # Parallel branches (docs/interagency.md): each step's stage, copied onto
    # the step so a later catalogue edit never changes the filed dossier.
    stages = dossier.stages
    dues = deadlines.route_step_dues(
        clock_start(dossier),
        deadlines.ProcessingTime.from_snapshot(
            dossier.procedure_snapshot["processing_time"]
        ),
        [Decimal(step["working_days"]) for step in dossier.route],
        calendar_for(clock_start(dossier), at),
        transferred_at=at,
        due=dossier.current_due_at,
        stages=stages,
    )
    dossier.steps.all().delete()
    for position, (step, due) in enumerate(zip(dossier.route, dues, strict=True)):
        DossierStep.objects.create(
            dossier=dossier,
            position=position,
            stage=stages[position],
            name=step["name"],
            role=step["role"],
            agency_id=step.get("agency_id"),
            department_id=step.get("department_id"),
            working_days=Decimal(step["working_days"]),
            due_at=due,
            started_at=at if stages[position] == 0 else None,
        )
    perform(dossier, "transfer", actor, at=at, note=note)
    if assignee is not None:
        assign(dossier, assignee)
    return dossier


def assign(dossier: Dossier, assignee: User | None) -> None:
    if dossier.in_parallel_stage:
        _assign_branch(dossier, assignee)
        return
    if assignee is not None and not handles_step(
        assignee, dossier.current_step, dossier
    ):
        raise ValidationError(
            {"assignee": _("Assign someone of the department handling this step.")}
        )
    Dossier.objects.filter(pk=dossier.pk).update(assignee=assignee)
    dossier.assignee = assignee


def _assign_branch(dossier: Dossier, assignee: User | None) -> None:
    """On a parallel stage each branch has its own holder (``handled_by`` of the
    open step) and the dossier none; ``assignee`` holds the branch being acted
    on, or, when the stage has just started, the open branch they handle."""
    if dossier.assignee_id is not None:
        Dossier.objects.filter(pk=dossier.pk).update(assignee=None)
        dossier.assignee = None
    if assignee is None:
        return
    focus = getattr(dossier, "_focus_step", None)
    candidates = [focus] if focus is not None else dossier.open_steps
    branch = next(
        (step for step in candidates if handles_step(assignee, step, dossier)), None
    )
    if branch is None:
        raise ValidationError(
            {"assignee": _("Assign someone of the department handling this branch.")}
        )
    DossierStep.objects.filter(pk=branch.pk).update(handled_by=assignee)
    dossier.forget_steps()


@performs("forward")
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
    return pass_on(
        dossier,
        "forward",
        actor=actor,
        note=note,
        assignee=assignee,
        expected_version=expected_version,
        at=at,
    )


def pass_on(
    dossier: Dossier,
    action: str,
    *,
    actor: User,
    note: str,
    assignee: User | None,
    expected_version: int | None,
    at: datetime | None,
) -> Dossier:
    """Finish the actor's step (on a parallel stage, their branch) with ``action``
    (``forward`` inside an agency, ``transfer_to_agency`` across) and start what
    follows: the next stage's steps, with the last open branch only (the join),
    each of another agency with its AgencyTransfer row."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    dossier.focus_on(actor)
    finished = dossier.current_step
    from_stage = dossier.current_step_index
    log = perform(dossier, action, actor, at=at, note=note)
    started = finish_and_pass_on(
        dossier,
        finished=finished,
        from_stage=from_stage,
        actor=actor,
        at=at,
        note=note,
        log=log,
    )
    _assign_after_pass_on(dossier, assignee, started)
    return dossier


def _assign_after_pass_on(
    dossier: Dossier, assignee: User | None, started: list[int]
) -> None:
    """Who holds the work after a step is finished: the named handler of the
    step that started; nothing changes while other branches are still open."""
    if not started:
        if assignee is not None:
            raise ValidationError(
                {
                    "assignee": _(
                        "The other parallel branches are not done yet: nobody "
                        "can be named for the next step before the join."
                    )
                }
            )
        return
    assign(dossier, assignee)


@performs("claim")
@transaction.atomic
def dossier_claim(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """An officer takes the current step nobody holds; logged with who and when."""
    dossier = lock(dossier, expected_version)
    dossier.focus_on(actor)
    perform(dossier, "claim", actor, at=now_or(at), note=note)
    dossier.focus_on(actor)
    assign(dossier, actor)
    return dossier


@performs("reassign")
@transaction.atomic
def dossier_reassign(
    *,
    dossier: Dossier,
    actor: User,
    assignee: User | None,
    note: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """A leader gives the current step to another of its handlers, with a note
    naming who held it and who holds it now."""
    dossier = lock(dossier, expected_version)
    check(dossier, "reassign", actor)
    note = require_text(note, "note", _("Say why the step changes hands."))
    if assignee is None:
        raise ValidationError({"assignee": _("Choose who takes the step.")})
    if assignee.pk == dossier.holder_id:
        raise ValidationError({"assignee": _("This person already holds the step.")})
    before = dossier.holder
    record = _("%(before)s → %(after)s: %(why)s") % {
        "before": str(before) if before else _("nobody"),
        "after": str(assignee),
        "why": note,
    }
    perform(dossier, "reassign", actor, at=now_or(at), note=record)
    assign(dossier, assignee)
    return dossier


def _finish_current_step(dossier: Dossier, actor: User, at: datetime) -> None:
    dossier.focus_on(actor)
    step = dossier.current_step
    if step:
        DossierStep.objects.filter(pk=step.pk).update(finished_at=at, handled_by=actor)


@performs("approve")
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
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    _finish_current_step(dossier, actor, at)
    perform(dossier, "approve", actor, at=at, note=note, args={"at": at})
    for upload in result_files:
        store_file(
            dossier, upload, kind=AttachmentKind.RESULT, paper_index=None, actor=actor
        )
    # A group's dossier waiting for this result gets it, and its clock starts.
    pass_result_on(dossier, actor, at)
    return dossier


@performs("deny")
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
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    reasons = require_text(reasons, "reasons", _("Give the reasons for the denial."))
    _finish_current_step(dossier, actor, at)
    with notices_batched():
        perform(
            dossier,
            "deny",
            actor,
            at=at,
            note=reasons,
            args={"at": at, "reasons": reasons},
        )
        end_dependants(dossier, actor, at)
    return dossier


def due_in_force(dossier: Dossier, at: datetime) -> datetime:
    """The due date as it stands at ``at``: during a supplement pause, the date
    in force pushed by the time paused so far (the pause does not count)."""
    pause = next(
        (p for p in dossier.pauses.all() if p.resumed_at is None and p.paused_at <= at),
        None,
    )
    if pause is None:
        return dossier.current_due_at
    calendar = calendar_for(dossier.current_due_at, at)
    return deadlines.extend_for_pauses(
        dossier.current_due_at, [(pause.paused_at, None)], calendar, at
    )


def check_extension(dossier: Dossier, new_due: datetime, at: datetime) -> None:
    """Form 04's rules: the new date is a working moment (office hours of a working
    day) later than the date in force, and the request comes at least
    ``EXTENSION_MIN_WORKING_DAYS_BEFORE_DUE`` working days before that date."""
    due = due_in_force(dossier, at)
    calendar = calendar_for(due, at, new_due)
    latest = deadlines.latest_day_before(
        due, settings.EXTENSION_MIN_WORKING_DAYS_BEFORE_DUE, calendar
    )
    if calendar.localize(at).date() > latest:
        raise ValidationError(
            {
                "new_due": _(
                    "Too late for an extension: it must be requested by "
                    "%(latest)s, at least %(days)d working day(s) before the due "
                    "date %(due)s."
                )
                % {
                    "latest": f"{latest:%d/%m/%Y}",
                    "days": settings.EXTENSION_MIN_WORKING_DAYS_BEFORE_DUE,
                    "due": f"{calendar.localize(due):%H:%M %d/%m/%Y}",
                }
            }
        )
    if new_due <= due:
        raise ValidationError(
            {
                "new_due": _(
                    "The new date must be later than the due date in force, %(due)s."
                )
                % {"due": f"{calendar.localize(due):%H:%M %d/%m/%Y}"}
            }
        )
    if not deadlines.is_working_moment(new_due, calendar):
        raise ValidationError(
            {
                "new_due": _(
                    "%(moment)s is not a working time: choose a working day, within "
                    "office hours (%(hours)s)."
                )
                % {
                    "moment": date_format(
                        calendar.localize(new_due), "H:i l d/m/Y", use_l10n=True
                    ),
                    "hours": ", ".join(
                        f"{start:%H:%M}–{end:%H:%M}"
                        for start, end in calendar.office_hours.periods
                    ),
                }
            }
        )


def _checked_extension(
    dossier: Dossier,
    action: str,
    actor: User,
    new_due: datetime,
    reason: str,
    at: datetime,
) -> str:
    """The reason, once ``actor`` may do ``action`` and the date keeps the rules."""
    reason = require_text(reason, "reason", _("Give the reason for the extension."))
    check(dossier, action, actor)
    check_extension(dossier, new_due, at)
    return reason


@performs("draft_extension")
@transaction.atomic
def dossier_draft_extension(
    *,
    dossier: Dossier,
    actor: User,
    new_due: datetime,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> ExtensionDraft:
    """An officer drafts Form 04 for the deciding agency's leader to sign."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    reason = _checked_extension(dossier, "draft_extension", actor, new_due, reason, at)
    perform(dossier, "draft_extension", actor, at=at, note=reason)
    return ExtensionDraft.objects.create(
        dossier=dossier, new_due=new_due, reason=reason, drafted_by=actor, drafted_at=at
    )


@performs("extend")
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
    """Form 04: the leader (or the manager) signs an apology and a later date,
    once, in time (``check_extension``). During a supplement pause the date is
    compared with the paused due date; the pause still moves it on resuming."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    reason = _checked_extension(dossier, "extend", actor, new_due, reason, at)
    if dossier.state == State.AWAITING_SUPPLEMENT:
        # The new date was set against the due date pushed by the pause so far:
        # the pause is closed at this moment (open steps move by it) and goes on
        # as a new one, so resuming moves the new date only by the time after it.
        reason_paused = dossier.pauses.get(resumed_at__isnull=True).reason
        resume_clock(dossier, at)
        Pause.objects.create(dossier=dossier, paused_at=at, reason=reason_paused)
    perform(
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


@performs("stop")
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
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    reasons = require_text(reasons, "reasons", _("Give the reasons for stopping."))
    dossier.outcome_reason = reasons
    dossier.pauses.filter(resumed_at__isnull=True).update(resumed_at=at)
    with notices_batched():
        perform(dossier, "stop", actor, at=at, note=reasons, args={"at": at})
        end_dependants(dossier, actor, at)
    return dossier
