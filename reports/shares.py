"""Inter-agency work per agency (docs/indicators.md, "Inter-agency work"): each
agency's shares of inter-agency routes worked on time or late, and the group
files each receiving desk took in.

A **share** is a run of consecutive route steps one agency works
(``deadlines.agency_shares``, the rule Form 06 and the hand-off's due date use;
a parallel branch is a share of its own). It is counted once, for the agency
that worked it, on the local day its last step finished, and classed by the
rule Form 06 classes that hand-off with: the finish against the step's due date
(``deadlines.classify``; the due date already carries any pause). Only the
dossiers whose route crosses agencies (``Dossier.crosses_agencies``) have
shares. Read from the route steps, not the summary rows: one query for the
shares, one for the group files (both kept a minute in the cache, as the live
days are), one for the agencies' names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import BigIntegerField, Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from dossiers import deadlines
from dossiers.models import Dossier, DossierStep
from procedure_groups.models import GroupFiling
from procedures.models import Agency

from . import summaries
from .indicators import Period, Scope, rate


@dataclass
class AgencyWork:
    """One agency's inter-agency work in a period: its shares by how they
    finished, and the group files it received as the receiving desk."""

    early: int = 0
    on_time: int = 0
    late: int = 0
    group_files: int = 0

    @property
    def shares(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def on_time_rate(self) -> Decimal | None:
        """Shares finished early or on time ÷ shares finished (None: no data)."""
        return rate(self.early + self.on_time, self.shares)

    def count(self, timeliness: str) -> None:
        setattr(self, timeliness, getattr(self, timeliness) + 1)


@dataclass(frozen=True)
class StepRow:
    dossier: int
    stage: int
    agency: int
    finished_at: datetime | None
    due_at: datetime


def share_timeliness(finished_at: datetime, due_at: datetime) -> str:
    """How a share (or any step handing the dossier on) finished: the rule Form
    06 classes each hand-off with (``dossiers.control_sheet``)."""
    return deadlines.classify(finished_at, due_at)


def finished_shares(
    steps: Iterable[StepRow], start: datetime, end: datetime
) -> Iterator[tuple[int, str]]:
    """(agency, timeliness) of each share whose last step finished in
    ``start``..``end`` (end excluded); ``steps`` in route order per dossier."""
    for _dossier, route in groupby(steps, key=lambda step: step.dossier):
        route = list(route)
        owners = [step.agency for step in route]
        stages = [step.stage for step in route]
        for _first, last in deadlines.agency_shares(owners, stages):
            step = route[last]
            if step.finished_at is not None and start <= step.finished_at < end:
                yield step.agency, share_timeliness(step.finished_at, step.due_at)


def _dossier_filters(scope: Scope) -> Q:
    """The scope's filters on the dossier (field, procedure, channel, level);
    its agencies are the agencies that worked the shares."""
    return replace(scope, agencies=None).q()


def route_steps(period: Period, scope: Scope) -> Iterator[StepRow]:
    """Every step of the inter-agency dossiers in ``scope`` that were open at
    some moment of ``period`` (received before its end, not closed before its
    start: a step never finishes after its dossier closed), in route order:
    one query. The dossiers come from the partial index
    ``dossier_interagency_closed`` (the few crossing agencies), their steps
    from the index on the step's dossier; no other dossier is read."""
    dossiers = Dossier.objects.filter(
        _dossier_filters(scope),
        Q(closed_at__isnull=True) | Q(closed_at__gte=period.start),
        crosses_agencies=True,
        received_at__lt=period.end,
    )
    # A step without an agency (written before agencies were recorded) is the
    # deciding agency's; read only for such a step (COALESCE stops early).
    deciding = (
        Dossier.objects.filter(pk=OuterRef("dossier_id"))
        .order_by()
        .values("deciding_agency_id")[:1]
    )
    rows = (
        DossierStep.objects.filter(dossier__in=dossiers.values("pk"))
        .annotate(
            owner=Coalesce(
                "agency_id", Subquery(deciding), output_field=BigIntegerField()
            )
        )
        .order_by("dossier_id", "position")
        .values_list(
            "dossier_id", "position", "stage", "owner", "finished_at", "due_at"
        )
    )
    for dossier, position, stage, owner, finished_at, due_at in rows:
        yield StepRow(
            dossier,
            position if stage is None else stage,
            owner,
            finished_at,
            due_at,
        )


def group_files_received(period: Period, scope: Scope) -> dict[int, int]:
    """Group files (parents) received in ``period``, per receiving desk in
    ``scope``: each once, whatever its number of children. With a field,
    procedure or level filter, the files with a child matching it."""
    files = GroupFiling.objects.filter(
        code__isnull=False,
        received_at__gte=period.start,
        received_at__lt=period.end,
    )
    if scope.agencies is not None:
        files = files.filter(receiving_desk_id__in=scope.agencies)
    if scope.channel:
        files = files.filter(channel=scope.channel)
    children = replace(scope, agencies=None, channel="").q()
    if children:
        files = files.filter(
            Exists(Dossier.objects.filter(children, group_child__filing=OuterRef("pk")))
        )
    counted = (
        files.order_by()
        .values("receiving_desk_id")
        .annotate(n=Count("pk"))
        .values_list("receiving_desk_id", "n")
    )
    return dict(counted)


def work_by_agency(period: Period, scope: Scope) -> dict[int, AgencyWork]:
    """Each agency's inter-agency work in ``period`` within ``scope``."""
    found: dict[int, AgencyWork] = {}
    for agency, timeliness in finished_shares(
        route_steps(period, scope), period.start, period.end
    ):
        if scope.agencies is None or agency in scope.agencies:
            found.setdefault(agency, AgencyWork()).count(timeliness)
    for desk, n in group_files_received(period, scope).items():
        found.setdefault(desk, AgencyWork()).group_files = n
    return found


def cached_work_by_agency(period: Period, scope: Scope) -> dict[int, AgencyWork]:
    """``work_by_agency`` kept REPORTS_LIVE_MAX_AGE_SECONDS in the cache, as the
    live days and the overdue counts are (a minute by default)."""
    return summaries.cached_figures(
        "shares",
        (period.first, period.last, *scope.described()),
        lambda: work_by_agency(period, scope),
    )


@dataclass(frozen=True)
class WorkRow:
    label: str
    code: str
    # Named as the other tables' rows (``tables.Row``): one table template.
    values: AgencyWork

    def cells(self) -> list[Any]:
        return [column.value(self.values) for column in WORK_COLUMNS]


def work_rows(period: Period, scope: Scope) -> list[WorkRow]:
    """The table's rows, by agency name (one query for the names)."""
    found = cached_work_by_agency(period, scope)
    names = {
        agency.pk: (str(agency), agency.code)
        for agency in Agency.objects.filter(pk__in=list(found)).only(
            "pk", "code", "name", "short_name"
        )
    }
    rows = [
        WorkRow(*names.get(agency, ("—", "")), work) for agency, work in found.items()
    ]
    return sorted(rows, key=lambda row: row.label)


@dataclass(frozen=True)
class WorkColumn:
    key: str
    heading: Any
    is_rate: bool = False

    def value(self, work: AgencyWork) -> Any:
        return getattr(work, self.key)


WORK_COLUMNS = (
    WorkColumn("shares", _("Shares worked")),
    WorkColumn("early", _("Early")),
    WorkColumn("on_time", _("On time")),
    WorkColumn("late", _("Late")),
    WorkColumn("on_time_rate", _("On-time rate"), is_rate=True),
    WorkColumn("group_files", _("Group files received")),
)
