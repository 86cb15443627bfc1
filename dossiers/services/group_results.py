"""Results chained between the dossiers of a group of linked procedures
(docs/interagency.md, "Results chained").

A dossier filed with a group records in its snapshot the dossiers whose results it
needs (``procedure_snapshot["group"]["waits_for"]``). Until they are ready it
waits: the desk cannot transfer it (``prerequisite_results_ready``) and **its clock
has not started**: no due date, so it is never counted overdue
(``hold_for_linked_results``). When the last result it needs is ready
(``approve``), ``pass_result_on``:

* copies each result file of the finished dossier into the waiting one as an input
  paper, marked as coming from the linked dossier (``Attachment.source_dossier``),
  so the staff of the agency working it read it with its papers;
* starts the waiting dossier's clock at that moment: its due date is its own
  processing time counted from then (``deadlines.due_for``), and the desk's
  transfer later shares the route's steps from then (``clock_start``);
* logs it in the dossier's transition log (the line of Form 06): who, when, which
  dossier's result arrived, and the due date it gives.

Both dossiers' rows are locked, in the approving transaction.

The group's rules on its children (docs/interagency.md, "The group's rules"):

* a child's snapshot carries its group from its creation (``group_snapshot``):
  the papers another member's result provides are marked ``provided_by`` and
  not asked of the applicant; ``pass_result_on`` attaches that result to them;
* its due date is its share of the group's time (``clock_due``, computed by
  ``deadlines.group_share_due``), capped by the group's appointment;
* a child whose prerequisite is refused, denied, stopped or withdrawn ends too
  (``end_dependants``), logged as ``end_with_prerequisite`` with the reason,
  and the applicant is told.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.models import User
from workcalendar.calendar import calendar_for

from .. import deadlines
from ..models import (
    Attachment,
    AttachmentKind,
    Dossier,
    Outcome,
    PaperReceipt,
    State,
    TransitionLog,
)
from ..workflow import performs
from .core import check, lock, now_or, perform

# The transition log's name for the arrival of a linked result (no state change;
# not an action of the registry: nobody performs it, the approval causes it).
LINKED_RESULT = "linked_result"
READY_STATES = (State.RESULT_READY, State.RETURNED)


ENDED_STATES = (State.REFUSED, State.STOPPED, State.WITHDRAWN)


def in_group(dossier: Dossier) -> bool:
    """Filed as a child of a group file (its snapshot records the group)."""
    return "group" in (dossier.procedure_snapshot or {})


def group_snapshot(snapshot: dict[str, Any], group: dict[str, Any]) -> dict[str, Any]:
    """A group's child's snapshot: ``group`` recorded (code, share of the
    group's time, appointment…), and each paper another member's result
    provides marked with that member (``group["provided"]``: paper index ->
    {"code", "name"} of the procedure), so it is not asked of the applicant."""
    provided = {int(k): v for k, v in (group.get("provided") or {}).items()}
    papers = [
        {**paper, "provided_by": provided[paper["index"]]}
        if paper["index"] in provided
        else paper
        for paper in snapshot.get("papers", [])
    ]
    entry = {k: v for k, v in group.items() if k != "provided"}
    return {**snapshot, "papers": papers, "group": entry}


def clock_due(dossier: Dossier, at: datetime) -> datetime:
    """The due date of ``dossier`` whose clock starts at ``at``: its own
    procedure's time, or for a group's child its share of the group's time,
    capped by the group's appointment (``deadlines.group_share_due``)."""
    group = (dossier.procedure_snapshot or {}).get("group") or {}
    share = group.get("share_days")
    appointment = group.get("appointment")
    return deadlines.group_share_due(
        at,
        Decimal(share) if share is not None else None,
        deadlines.ProcessingTime.from_snapshot(
            dossier.procedure_snapshot["processing_time"]
        ),
        calendar_for(at),
        datetime.fromisoformat(appointment) if appointment else None,
    )


def waits_for(dossier: Dossier) -> list[int]:
    """The dossiers whose results ``dossier`` needs (its group's snapshot)."""
    return list((dossier.procedure_snapshot.get("group") or {}).get("waits_for") or [])


def awaits_linked_result(dossier: Dossier) -> bool:
    """Received with a group and still waiting for a result it needs: its clock
    has not started."""
    return dossier.awaits_linked_result


def clock_start(dossier: Dossier) -> datetime | None:
    """When the dossier's processing time started: the linked result's arrival for
    a dossier that waited for one, else its receipt."""
    return dossier.clock_started_at or dossier.received_at


def hold_for_linked_results(dossier_id: int) -> None:
    """A dossier of a group needing another's result (its snapshot says which):
    its clock waits (no due date) until that result is ready. Called once the
    group is recorded on it; ``Dossier._start_clock`` keeps the wait for a
    dossier received later."""
    dossier = Dossier.objects.only("procedure_snapshot", "clock_started_at").get(
        pk=dossier_id
    )
    if waits_for(dossier) and dossier.clock_started_at is None:
        Dossier.objects.filter(pk=dossier_id).update(due_at=None, current_due_at=None)


def provided_by(dossier: Dossier, source: Dossier) -> list[dict[str, Any]]:
    """The papers of ``dossier`` that ``source``'s result provides."""
    code = source.procedure_snapshot.get("code")
    return [
        p for p in dossier.papers if (p.get("provided_by") or {}).get("code") == code
    ]


def _copy(
    result: Attachment,
    into: Dossier,
    source: Dossier,
    actor: User,
    paper_index: int | None = None,
) -> None:
    with result.file.open("rb") as handle:
        content = handle.read()
    copy = Attachment(
        dossier=into,
        kind=AttachmentKind.PAPER,
        paper_index=paper_index,
        original_name=result.original_name,
        content_type=result.content_type,
        size=result.size,
        uploaded_by=actor,
        source_dossier=source,
    )
    copy.file.save(result.original_name, ContentFile(content), save=False)
    copy.save()


def pass_result_on(source: Dossier, actor: User, at: datetime) -> list[Dossier]:
    """``source`` has its result: pass it on to the dossiers of its group that
    need it, and start the clock of each one whose results are now all ready.
    Returns the dossiers whose clock started. Run inside the approving
    transaction."""
    group = source.procedure_snapshot.get("group") or {}
    if not group.get("code") or source.state not in READY_STATES:
        return []
    dependants = [
        d
        for d in Dossier.objects.select_for_update()
        .filter(procedure_snapshot__group__code=group["code"])
        .exclude(pk=source.pk)
        .order_by("pk")
        if source.pk in waits_for(d)
    ]
    if not dependants:
        return []
    results = list(source.attachments.filter(kind=AttachmentKind.RESULT))
    started = []
    for dossier in dependants:
        already = set(
            dossier.attachments.filter(source_dossier=source).values_list(
                "original_name", "size"
            )
        )
        # The papers it provides are attached as it arrives: the file under the
        # paper, and the paper received (an electronic copy per file).
        provided = provided_by(dossier, source)
        index = provided[0]["index"] if provided else None
        for result in results:
            if (result.original_name, result.size) not in already:
                _copy(result, dossier, source, actor, index)
        receipted = set(dossier.paper_receipts.values_list("paper_index", flat=True))
        PaperReceipt.objects.bulk_create(
            PaperReceipt(
                dossier=dossier,
                paper_index=paper["index"],
                name=paper["name"],
                copies=max(len(results), 1),
                electronic=True,
                received_by=actor,
                received_at=at,
            )
            for paper in provided
            if paper["index"] not in receipted
        )
        if dossier.clock_started_at is not None or dossier.received_at is None:
            continue
        pending = (
            Dossier.objects.filter(pk__in=waits_for(dossier))
            .exclude(state__in=READY_STATES)
            .exists()
        )
        note = _("Result of the linked dossier %(code)s (%(procedure)s) received") % {
            "code": source.code,
            "procedure": source.procedure_snapshot.get("name", ""),
        }
        if results:
            note += _(", passed on as a paper: %(files)s") % {
                "files": ", ".join(r.original_name for r in results)
            }
        if pending:
            note += _("; still waiting for another linked result.")
            _log(dossier, actor, at, note)
            continue
        due = clock_due(dossier, at)
        Dossier.objects.filter(pk=dossier.pk).update(
            clock_started_at=at, due_at=due, current_due_at=due
        )
        note += _("; the processing time starts now, due %(due)s.") % {
            "due": date_format(localtime(due), "H:i d/m/Y")
        }
        _log(dossier, actor, at, note)
        started.append(dossier)
    return started


def _log(dossier: Dossier, actor: User, at: datetime, note: str) -> None:
    TransitionLog.objects.create(
        dossier=dossier,
        transition=LINKED_RESULT,
        from_state=dossier.state,
        to_state=dossier.state,
        actor=actor,
        note=note,
        created_at=at,
    )


def prerequisite_failed(dossier: Dossier) -> bool:
    """Its result will never come: refused, stopped, withdrawn, or denied."""
    return dossier.state in ENDED_STATES or dossier.outcome == Outcome.DENIED


def end_dependants(source: Dossier, actor: Any, at: datetime) -> list[Dossier]:
    """``source`` was refused, denied, stopped or withdrawn: every dossier of
    its group still waiting for its result ends too (``dossier_end_with_
    prerequisite``), and so on down the chain. Run in the transaction that
    ended ``source``. Returns those ended."""
    group = source.procedure_snapshot.get("group") or {}
    if not group.get("code") or not prerequisite_failed(source):
        return []
    waiting = [
        d
        for d in Dossier.objects.select_for_update()
        .filter(procedure_snapshot__group__code=group["code"])
        .exclude(pk=source.pk)
        .exclude(state__in=[*ENDED_STATES, State.DRAFT])
        .order_by("pk")
        if source.pk in waits_for(d) and d.outcome == ""
    ]
    ended = []
    for dossier in waiting:
        ended.append(dossier_end_with_prerequisite(dossier=dossier, actor=actor, at=at))
        ended += end_dependants(ended[-1], actor, at)
    return ended


def _ending_reason(source: Dossier) -> str:
    values = {
        "code": source.code or "",
        "procedure": source.procedure_snapshot.get("name", ""),
    }
    if source.outcome == Outcome.DENIED:
        return (
            _(
                "Its prerequisite %(code)s (%(procedure)s) was denied: the result this "
                "dossier needs will not come."
            )
            % values
        )
    return {
        State.REFUSED: _(
            "Its prerequisite %(code)s (%(procedure)s) was refused: the result this "
            "dossier needs will not come."
        ),
        State.STOPPED: _(
            "Its prerequisite %(code)s (%(procedure)s) was stopped: the result this "
            "dossier needs will not come."
        ),
        State.WITHDRAWN: _(
            "Its prerequisite %(code)s (%(procedure)s) was withdrawn: the result "
            "this dossier needs will not come."
        ),
    }[source.state] % values


@performs("end_with_prerequisite")
@transaction.atomic
def dossier_end_with_prerequisite(
    *, dossier: Dossier, actor: Any, at: datetime | None = None
) -> Dossier:
    """A dossier of a group whose prerequisite was refused, denied, stopped or
    withdrawn ends too: refused before the desk's receipt, stopped after, with
    the reason naming that prerequisite, logged, and the applicant told. Caused
    by whoever ended the prerequisite (``end_dependants``), not a button."""
    dossier = lock(dossier, None)
    at = now_or(at)
    failed = (
        Dossier.objects.filter(pk__in=waits_for(dossier))
        .filter(Q(state__in=ENDED_STATES) | Q(outcome=Outcome.DENIED))
        .order_by("pk")
        .first()
    )
    if failed is None:
        check(dossier, "end_with_prerequisite", actor)  # refuses with the reason
        return dossier
    reason = _ending_reason(failed)
    dossier.outcome_reason = reason
    perform(
        dossier, "end_with_prerequisite", actor, at=at, note=reason, args={"at": at}
    )
    return dossier
