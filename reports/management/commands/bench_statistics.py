"""Benchmark the statistics over N synthetic dossiers (rolled back at the end), or
over the database as it is (``--existing``, e.g. the million dossiers of
``make bench-http``'s scratch database, after ``manage.py indicators --rebuild``).

The dossiers are made by the dossier bench's generator (``manage.py bench``); the
summary rows are built from them as the rebuild does; then the staff statistics
page's reads (and the whole page rendered), the periodic report, the manager's
per-agency summary and the public board are timed: median milliseconds and queries.
(The dossier bench lives in ``dossiers``, a layer below ``reports``, so this is a
command of its own rather than a ``--statistics`` option there.)
"""

import statistics
import time
import tracemalloc
from datetime import timedelta

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from dossiers.management.commands.bench import Command as DossierBench
from dossiers.models import Dossier
from procedures.models import Procedure
from reports import dashboard, periodic, summaries, tables, views, warmup
from reports.facts import collect
from reports.indicators import Period, Source, indicators, scope_of
from reports.models import DailySummary, MonthlySummary, SummaryState


class Command(DossierBench):
    """The dossier bench's arguments, generator and timing; its measurements are
    the statistics' (after the summary rows are built)."""

    help = "Time the statistics page's reads and the public board over N dossiers."
    rolled_back = "Synthetic dossiers and summaries rolled back."
    existing = False

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--existing",
            action="store_true",
            help=(
                "Generate nothing: measure the database as it is, with the summary "
                "rows it has (run `manage.py indicators --rebuild` first)."
            ),
        )

    def handle(self, *args, **options) -> None:
        if not options["existing"]:
            super().handle(*args, **options)
            return
        self.existing = True
        self.repeat = options["repeat"]
        clerk = User.objects.filter(username="clerk").first()
        if clerk is None or not Procedure.objects.public().exists():
            self.stderr.write("Run `manage.py seed_demo` first (demo centre needed).")
            return
        built = summaries.built_through()
        if built is None:
            self.stderr.write(
                "No summary rows: run `manage.py indicators --rebuild` first."
            )
            return
        self.stdout.write(
            f"{Dossier.objects.count():,} dossiers, "
            f"{DailySummary.objects.count():,} daily and "
            f"{MonthlySummary.objects.count():,} monthly summary rows "
            f"built through {built} "
            f"({connection.vendor})."
        )
        self.measure(clerk)

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
        summaries.replace_all(collected)
        SummaryState.objects.all().delete()
        SummaryState.objects.create(built_through=yesterday, built_at=timezone.now())
        summaries.new_generation()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Built {DailySummary.objects.count():,} daily and "
            f"{MonthlySummary.objects.count():,} monthly summary rows from "
            f"{Dossier.objects.count():,} dossiers in "
            f"{time.perf_counter() - started:.1f} s."
        )

    def timed(self, label: str, run) -> None:
        """Medians of ``repeat`` runs, timed without tracemalloc (which slows
        Python code several times), and their queries: *cold*, each run after a
        new summary generation (the first view after an hourly rebuild: every
        sum read from the rows), and *warm*, the sums from the cache. The live
        days come from the cache in both, as the beat task keeps them (their
        computation is timed on its own). Then one more run under tracemalloc
        for the peak memory. A first run warms the per-process caches."""
        run()

        def medians(before_each) -> tuple[float, int]:
            durations, queries = [], 0
            for _ in range(self.repeat):
                before_each()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    run()
                    durations.append((time.perf_counter() - started) * 1000)
                queries = len(captured)
            return statistics.median(durations), queries

        cold, cold_queries = medians(summaries.new_generation)
        warm, warm_queries = medians(lambda: None)
        tracemalloc.start()
        run()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"{label:<46} {cold:8.1f} ms {cold_queries:3d} q "
            f"{warm:8.1f} ms {warm_queries:3d} q {peak / 1024:8.0f} KiB"
        )

    def measure(self, clerk: User) -> None:
        if not self.existing:
            self.build()
        manager = User.objects.get(username="manager")
        scope = scope_of(manager)
        today = timezone.localdate()
        month = Period.month(today.year, today.month)
        year = Period.year(today.year)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            keys = summaries.refresh_live()
        self.stdout.write(
            f"Live days (beat task, every minute): {keys:,} keys in "
            f"{(time.perf_counter() - started) * 1000:.0f} ms, "
            f"{len(captured)} queries."
        )
        self.stdout.write(
            f"{'measure (median)':<46} {'cold, sums from rows':>19} "
            f"{'warm, sums cached':>19} {'peak':>11}"
        )

        def page(period: Period) -> None:
            source = Source()
            warmup.page_reads(period, scope, source)
            tables.overdue_dossiers(scope)

        self.timed("statistics page reads, manager, this month", lambda: page(month))
        self.timed("statistics page reads, manager, this year", lambda: page(year))
        self.timed(
            "indicators only, manager, this year",
            lambda: indicators(year, scope, Source()),
        )
        self.timed("overdue list, manager", lambda: tables.overdue_dossiers(scope))
        self.timed(
            "periodic report (Form II.06a), manager, year",
            lambda: periodic.build(
                year, scope, kind="year", rows="sector", reporting_unit="bench"
            ),
        )
        self.timed(
            "manager's summary per agency (its cache off)",
            lambda: dashboard.summary_for(scope, today),
        )
        self.timed("public board (its page cache off)", lambda: views._board(today))
        request = RequestFactory().get(
            "/staff/statistics/", {"kind": "year"}, HTTP_HOST="localhost"
        )
        request.user = manager
        request.session = {}
        request.csp_nonce = ""
        self.timed(
            "statistics page, whole view rendered, year",
            lambda: views.staff_statistics(request),
        )
