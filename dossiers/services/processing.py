"""Processing by the deciding agency: the route's steps, decisions, Form 04
(extension) and Form 05 (stopping)."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from workcalendar.calendar import calendar_for

from .. import deadlines
from ..models import AttachmentKind, Dossier, DossierStep
from ..rules import handles_step
from ..workflow import performs
from .core import (
    TransitionRefused,
    check,
    lock,
    now_or,
    perform,
    require_text,
    store_file,
)


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
    dues = deadlines.route_step_dues(
        dossier.received_at,
        deadlines.ProcessingTime.from_snapshot(
            dossier.procedure_snapshot["processing_time"]
        ),
        [Decimal(step["working_days"]) for step in dossier.route],
        calendar_for(dossier.received_at, at),
        transferred_at=at,
        due=dossier.current_due_at,
    )
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
    perform(dossier, "transfer", actor, at=at, note=note)
    if assignee is not None:
        assign(dossier, assignee)
    return dossier


def assign(dossier: Dossier, assignee: User | None) -> None:
    if assignee is not None and not handles_step(
        assignee, dossier.current_step, dossier
    ):
        raise ValidationError(
            {"assignee": _("Assign someone of the department handling this step.")}
        )
    Dossier.objects.filter(pk=dossier.pk).update(assignee=assignee)
    dossier.assignee = assignee


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
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    finished = dossier.current_step
    perform(dossier, "forward", actor, at=at, note=note)
    if finished:
        DossierStep.objects.filter(pk=finished.pk).update(
            finished_at=at, handled_by=actor
        )
    DossierStep.objects.filter(
        dossier=dossier, position=dossier.current_step_index
    ).update(started_at=at)
    dossier._current_step_cache = None
    assign(dossier, assignee)
    return dossier


def _finish_current_step(dossier: Dossier, actor: User, at: datetime) -> None:
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
    perform(
        dossier, "deny", actor, at=at, note=reasons, args={"at": at, "reasons": reasons}
    )
    return dossier


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
    """Form 04: apologise and set a later date, once, before the due date passes."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    reason = require_text(reason, "reason", _("Give the reason for the extension."))
    check(dossier, "extend", actor)
    if at >= dossier.current_due_at:
        raise ValidationError(
            {"new_due": _("The due date has passed: an extension must come before it.")}
        )
    if new_due <= dossier.current_due_at:
        raise ValidationError(
            {"new_due": _("The new date must be later than the current due date.")}
        )
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
    perform(dossier, "stop", actor, at=at, note=reasons, args={"at": at})
    return dossier
