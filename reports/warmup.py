"""Reading, once after each build, the sums the common statistics views need, so
that the first visitor after an hourly rebuild does not wait for them: for each
manager's and leader's scope, this month and this year as the statistics page and
the manager's summary read them, and the public board."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from accounts.models import Role, User

from . import dashboard, tables, views
from .indicators import Period, Scope, Source, indicators, indicators_by, scope_of

MAX_SCOPES = 50


def page_reads(period: Period, scope: Scope, source: Source) -> None:
    """What the statistics page reads for ``period`` (``views.staff_statistics``
    with its default sort), without rendering it."""
    indicators(period, scope, source)
    views._months(period, scope, source, distributions=False)
    for group in ("agency", "sector", "procedure"):
        found = indicators_by(
            period, scope, group, source, distributions=group == "procedure"
        )
        tables.labelled(group, found)


def scopes() -> list[Scope]:
    """The distinct scopes of the active managers and leaders (at most 50)."""
    found: dict[Scope, None] = {}
    users = User.objects.filter(
        is_active=True, role__in=[Role.MANAGER, Role.LEADER], agency__isnull=False
    ).select_related("agency")
    for user in users.iterator():
        scope = scope_of(user)
        if scope is not None:
            found.setdefault(scope, None)
        if len(found) >= MAX_SCOPES:
            break
    return list(found)


def warm(today: date | None = None) -> int:
    """Read the common views' sums into the cache; returns the scopes warmed."""
    today = today or timezone.localdate()
    month = Period.month(today.year, today.month)
    year = Period.year(today.year)
    warmed = scopes()
    for scope in warmed:
        source = Source(today=today)
        for period in (month, year):
            page_reads(period, scope, source)
        dashboard.summary_for(scope, today, source)
    views._board(today)
    return len(warmed)
