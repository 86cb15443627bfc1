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
"""

from datetime import datetime

from django.core.files.base import ContentFile
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.models import User
from workcalendar.calendar import calendar_for

from .. import deadlines
from ..models import Attachment, AttachmentKind, Dossier, State, TransitionLog

# The transition log's name for the arrival of a linked result (no state change;
# not an action of the registry: nobody performs it, the approval causes it).
LINKED_RESULT = "linked_result"
READY_STATES = (State.RESULT_READY, State.RETURNED)


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


def _copy(result: Attachment, into: Dossier, source: Dossier, actor: User) -> None:
    with result.file.open("rb") as handle:
        content = handle.read()
    copy = Attachment(
        dossier=into,
        kind=AttachmentKind.PAPER,
        paper_index=None,
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
        for result in results:
            if (result.original_name, result.size) not in already:
                _copy(result, dossier, source, actor)
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
        due = deadlines.due_for(
            at,
            deadlines.ProcessingTime.from_snapshot(
                dossier.procedure_snapshot["processing_time"]
            ),
            calendar_for(at),
        )
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
