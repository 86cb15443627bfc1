"""Benchmark the pages that must stay fast at scale, on synthetic dossiers.

Generates N dossiers (default 100 000) inside a transaction that is rolled back at
the end, then times the staff worklist (first page and a deep keyset page), the
dashboard counts, each role's queues (first page, counts), searches by code and
by name, the public catalogue search and
the deadline arithmetic, printing median milliseconds, queries and peak memory.
"""

import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from dossiers import deadlines
from dossiers.models import Dossier, DossierStep, State
from dossiers.queues import agency_loads, queue_counts, queues_for
from dossiers.selectors import (
    dashboard_counts,
    due_windows,
    keyset_page,
    worklist,
    worklist_rows,
)
from procedures.models import Agency, Procedure
from procedures.search import fold
from procedures.selectors import public_procedures
from workcalendar.calendar import load_calendar

# A realistic mix: most dossiers of a large centre are closed.
STATE_MIX = [
    (State.RETURNED, 70),
    (State.PROCESSING, 12),
    (State.RECEIVED, 4),
    (State.SUBMITTED, 3),
    (State.RESULT_READY, 4),
    (State.AWAITING_SUPPLEMENT, 2),
    (State.REFUSED, 2),
    (State.STOPPED, 1),
    (State.WITHDRAWN, 2),
]
NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Hoàng", "Ngọc", "Quốc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Tuấn"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the worklist, dashboard and searches over N synthetic dossiers."
    # What ``handle`` says once everything it made is gone.
    rolled_back = "Synthetic dossiers rolled back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument(
            "--statistics",
            action="store_true",
            help=(
                "Time the statistics over the same synthetic dossiers instead: the "
                "staff statistics page, the public board, the manager's summary "
                "(`manage.py bench_statistics`, which also measures an existing "
                "database with --existing)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("statistics"):
            # The statistics live in ``reports``, a layer above this app: the
            # command is called by its name, not imported.
            call_command(
                "bench_statistics",
                dossiers=options["dossiers"],
                repeat=options["repeat"],
                stdout=self.stdout,
                stderr=self.stderr,
            )
            return
        self.repeat = options["repeat"]
        clerk = User.objects.filter(username="clerk").first()
        if clerk is None or not Procedure.objects.public().exists():
            self.stderr.write("Run `manage.py seed_demo` first (demo centre needed).")
            return
        try:
            with transaction.atomic():
                self.generate(options["dossiers"], clerk)
                self.measure(clerk)
                raise Rollback
        except Rollback:
            self.stdout.write(self.rolled_back)

    def generate(self, count: int, clerk: User) -> None:
        started = time.perf_counter()
        procedures = list(Procedure.objects.public().select_related("deciding_agency"))
        desks = [clerk.agency, Agency.objects.get(code="000.00.01.H99")]
        now = timezone.now()
        states = [s for s, weight in STATE_MIX for _ in range(weight)]
        snapshot_of = {
            p.pk: {"code": p.code, "name": p.name, "papers": [], "route": []}
            for p in procedures
        }
        batch: list[Dossier] = []
        for i in range(count):
            procedure = procedures[i % len(procedures)]
            state = states[i % len(states)]
            received = now - timedelta(hours=(i * 7919) % (24 * 365))
            due = received + timedelta(days=5 + i % 20)
            name = f"{NAMES[i % 10]} {MIDDLE[(i // 10) % 8]} {GIVEN[(i // 80) % 10]}"
            batch.append(
                Dossier(
                    applicant_name=name,
                    applicant_id_number=f"{i:012d}",
                    applicant_phone=f"09{i % 100_000_000:08d}",
                    procedure=procedure,
                    procedure_snapshot=snapshot_of[procedure.pk],
                    channel="online" if i % 3 else "counter",
                    receiving_desk=desks[i % 2],
                    deciding_agency=procedure.deciding_agency,
                    code=f"{desks[i % 2].code}-B{i:09d}",
                    lookup_pin=f"{i % 1_000_000:06d}",
                    state=state,
                    received_at=received if state != State.SUBMITTED else None,
                    due_at=due,
                    current_due_at=due if state != State.SUBMITTED else None,
                    current_step_index=0 if state == State.PROCESSING else None,
                    outcome=(
                        "approved"
                        if state in (State.RETURNED, State.RESULT_READY)
                        else ""
                    ),
                    decided_at=received + timedelta(days=3),
                    returned_at=(
                        received + timedelta(days=4)
                        if state == State.RETURNED
                        else None
                    ),
                    timeliness="on_time" if state == State.RETURNED else "",
                )
            )
            if len(batch) == 5000:
                self.flush(batch)
                batch = []
        self.flush(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {count:,} dossiers in {time.perf_counter() - started:.1f} s "
            f"({connection.vendor})."
        )

    def flush(self, batch: list[Dossier]) -> None:
        for dossier in batch:  # bulk_create does not call save()
            dossier.search_folded = dossier.folded_search_text()
        created = Dossier.objects.bulk_create(batch)
        steps = [
            DossierStep(
                dossier_id=d.pk,
                position=0,
                stage=0,
                name="Thẩm định hồ sơ",
                role="officer",
                working_days=2,
                due_at=d.current_due_at,
                started_at=d.received_at,
            )
            for d in created
            if d.state == State.PROCESSING and d.pk
        ]
        DossierStep.objects.bulk_create(steps)

    def timed(self, label: str, run: Callable[[], Any]) -> None:
        durations, queries = [], 0
        for _ in range(self.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                run()
                durations.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        # Memory in a run of its own: tracing every allocation slows Python down
        # several times, which the timings above would otherwise include.
        tracemalloc.start()
        run()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"{label:<44} {statistics.median(durations):9.1f} ms "
            f"{queries:4d} queries {peak / 1024:9.0f} KiB peak"
        )

    def measure_search(self, clerk: User, manager: User, windows: Any) -> None:
        """The search box (dossiers/search.py), every status, on a returned
        dossier's details: a middle fragment of its code in lower case, its
        applicant's name without accents (shared by about one dossier in 800 of
        the generated ones), its ID number, its phone; a two-letter name start."""
        sample = (
            Dossier.objects.filter(state=State.RETURNED, code__isnull=False)
            .exclude(applicant_phone="")
            .order_by("-id")
            .only("code", "applicant_name", "applicant_id_number", "applicant_phone")
            .first()
        )
        if sample is None:
            return
        searches = [
            ("code fragment", sample.code[8:-3].lower(), manager),
            ("name, unaccented", fold(sample.applicant_name), manager),
            ("name, unaccented, clerk", fold(sample.applicant_name), clerk),
            ("ID number", sample.applicant_id_number, manager),
            ("phone", sample.applicant_phone, manager),
            ("phone fragment", sample.applicant_phone[-6:], manager),
            ("two letters", fold(sample.applicant_name)[:2], clerk),
        ]
        for label, query, user in searches:
            self.timed(
                f"search, {label} '{query}'"[:44],
                lambda query=query, user=user: keyset_page(
                    worklist(user, windows=windows, query=query), None
                ),
            )

    def measure_queues(self, windows: Any) -> None:
        """Each role's queues (dossiers/queues.py): the first page of each, as the
        worklist opens it, then the landing page's counts (one statement) and
        the manager's per-agency load."""
        for username in ("clerk", "officer", "leader", "manager"):
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            for queue in queues_for(user):
                self.timed(
                    f"queue {queue.name}, {username}"[:44],
                    lambda queue=queue, user=user: keyset_page(
                        worklist_rows(
                            queue.narrow(
                                worklist(user, windows=windows, sort=queue.order),
                                user,
                                windows,
                            )
                        ),
                        None,
                        sort=queue.order,
                    ),
                )
            self.timed(
                f"queue counts, {username}",
                lambda user=user: queue_counts(user, windows),
            )
            if username == "manager":
                self.timed(
                    "agency loads, manager",
                    lambda user=user: agency_loads(user, windows),
                )

    def measure(self, clerk: User) -> None:
        now = timezone.now()
        calendar = load_calendar([timezone.localtime(now).year])
        windows = due_windows(now)
        manager = User.objects.get(username="manager")
        deep_row = (
            worklist(manager, windows=windows)
            .values_list("current_due_at", "id")[10_000:10_001]
            .first()
        )
        deep_cursor = f"{deep_row[0].isoformat()}|{deep_row[1]}" if deep_row else None
        self.stdout.write(
            f"{'measure':<44} {'median':>12} {'queries':>12} {'memory':>14}"
        )
        self.timed(
            "worklist, clerk, first page",
            lambda: keyset_page(worklist(clerk, windows=windows), None),
        )
        self.timed(
            "worklist, manager, page after 10 000 rows",
            lambda: keyset_page(worklist(manager, windows=windows), deep_cursor),
        )
        self.timed(
            "worklist, manager, overdue filter",
            lambda: keyset_page(
                worklist(manager, windows=windows, due="overdue"), None
            ),
        )
        self.measure_search(clerk, manager, windows)
        self.timed(
            "dashboard counts, manager", lambda: dashboard_counts(manager, windows)
        )
        self.measure_queues(windows)
        self.timed(
            "public catalogue search 'dang ky'",
            lambda: list(public_procedures(query="dang ky")[:20]),
        )
        self.timed(
            "1 000 due dates (10 working days)",
            lambda: [
                deadlines.due_at(now, 10, "working_days", calendar) for _ in range(1000)
            ],
        )
