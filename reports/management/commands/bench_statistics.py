"""Benchmark the statistics over N synthetic dossiers (rolled back at the end).

The dossiers are made by the dossier bench's generator (``manage.py bench``); the
summary rows are built from them as the rebuild does; then the staff statistics
page's reads and the public board are timed: median milliseconds and queries.
(The dossier bench lives in ``dossiers``, a layer below ``reports``, so this is a
command of its own rather than a ``--statistics`` option there.)
"""

import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import User
from dossiers.management.commands.bench import Command as DossierBench
from dossiers.models import Dossier
from reports import summaries, tables, views
from reports.facts import collect
from reports.indicators import Period, Source, indicators, indicators_by, scope_of
from reports.models import DailySummary, ProcessingTimeCount, SummaryState


class Command(DossierBench):
    """The dossier bench's arguments, generator and timing; its measurements are
    the statistics' (after the summary rows are built)."""

    help = "Time the statistics page's reads and the public board over N dossiers."
    rolled_back = "Synthetic dossiers and summaries rolled back."

    def build(self) -> None:
        """The summary rows of every day up to yesterday, as ``--rebuild`` makes
        them (the synthetic dossiers have no transition log to date them by)."""
        started = time.perf_counter()
        yesterday = timezone.localdate() - timedelta(days=1)
        collected = {
            key: figures
            for key, figures in collect(Dossier.objects.all()).items()
            if key[0] <= yesterday
        }
        DailySummary.objects.all().delete()
        ProcessingTimeCount.objects.all().delete()
        summaries.store(collected)
        SummaryState.objects.all().delete()
        SummaryState.objects.create(built_through=yesterday, built_at=timezone.now())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Built {DailySummary.objects.count():,} summary rows from "
            f"{Dossier.objects.count():,} dossiers in "
            f"{time.perf_counter() - started:.1f} s."
        )

    def measure(self, clerk: User) -> None:
        self.build()
        manager = User.objects.get(username="manager")
        scope = scope_of(manager)
        today = timezone.localdate()
        month = Period.month(today.year, today.month)
        year = Period.year(today.year)
        self.stdout.write(f"{'measure':<44} {'median':>12} {'queries':>12}")

        def page(period: Period) -> None:
            source = Source()
            indicators(period, scope, source)
            views._months(period, scope, source, distributions=False)
            for group in ("agency", "sector", "procedure"):
                found = indicators_by(
                    period, scope, group, source, distributions=group == "procedure"
                )
                tables.labelled(group, found)
            tables.overdue_dossiers(scope)

        self.timed("statistics page reads, manager, this month", lambda: page(month))
        self.timed("statistics page reads, manager, this year", lambda: page(year))
        self.timed(
            "indicators only, manager, this year",
            lambda: indicators(year, scope, Source()),
        )
        self.timed("overdue list, manager", lambda: tables.overdue_dossiers(scope))
        self.timed("public board (uncached)", lambda: views._board(today))
