"""The manager's figures per agency for the workspace's landing page, from the
same summary rows as the statistics (issue 14, item 5).

``manager_summary(user)`` gives, for this month so far and each deciding agency
in the user's scope: received, resolved early or on time, resolved late, the
on-time rate, open and overdue now. The page includes
``templates/reports/_manager_summary.html`` with ``{% manager_summary user %}``
(``reports/templatetags/statistics.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from procedures.models import Agency

from .facts import Figures
from .indicators import Indicators, Period, Scope, Source, indicators_by, scope_of

CACHE_SECONDS = 60


@dataclass(frozen=True)
class AgencyFigures:
    agency_id: int | None
    name: str
    received: int
    in_time: int
    late: int
    on_time_rate: Decimal | None
    open_now: int
    overdue_now: int


@dataclass
class ManagerSummary:
    period: Period
    rows: list[AgencyFigures] = field(default_factory=list)
    total: AgencyFigures | None = None


def _figures(agency_id: int | None, name: str, values: Indicators) -> AgencyFigures:
    return AgencyFigures(
        agency_id=agency_id,
        name=name,
        received=values.received,
        in_time=values.early + values.on_time,
        late=values.late,
        on_time_rate=values.on_time_rate,
        open_now=values.open_at_end,
        overdue_now=values.overdue_at_end or 0,
    )


def summary_for(
    scope: Scope, today: date, source: Source | None = None
) -> ManagerSummary:
    """This month so far in ``scope``, per deciding agency (a handful of queries:
    the summary rows, the stock before the month, the open dossiers' counts, the
    agencies' names; plus the live day's dossiers)."""
    source = source or Source(today=today)
    period = Period(today.replace(day=1), today)
    found = indicators_by(period, scope, "agency", source, distributions=False)
    names = {
        agency.pk: str(agency)
        for agency in Agency.objects.filter(pk__in=[k for k in found if k is not None])
    }
    summary = ManagerSummary(period=period)
    total = Indicators(figures=Figures(), overdue_at_end=0)
    for agency_id, values in found.items():
        summary.rows.append(_figures(agency_id, names.get(agency_id, "—"), values))
        total.figures.add(values.figures)
        total.carried_over += values.carried_over
        total.open_at_end += values.open_at_end
        total.overdue_at_end = (total.overdue_at_end or 0) + (
            values.overdue_at_end or 0
        )
    summary.rows.sort(key=lambda row: (-row.overdue_now, -row.received, row.name))
    summary.total = _figures(None, "", total)
    return summary


def manager_summary(user: Any, today: date | None = None) -> ManagerSummary | None:
    """The summary of ``user``'s scope (managers and leaders; None for anyone
    else), cached a minute per scope and day: the landing page is opened often
    and the figures move slowly."""
    scope = scope_of(user)
    if scope is None:
        return None
    today = today or timezone.localdate()
    agencies = (
        "all"
        if scope.agencies is None
        else hashlib.sha256(
            ",".join(str(pk) for pk in sorted(scope.agencies)).encode()
        ).hexdigest()[:32]
    )
    key = f"reports:manager:{today.isoformat()}:{scope.desk_too}:{agencies}"
    found = cache.get(key)
    if found is None:
        found = summary_for(scope, today)
        cache.set(key, found, CACHE_SECONDS)
    return found
