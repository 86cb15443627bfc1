"""Benchmark the pages over HTTP on N synthetic dossiers (docs/performance.md).

Creates a scratch PostgreSQL database (dropped first; ``--reuse`` keeps one that an
earlier run generated), loads the demo centre and N dossiers, serves it with the
production server (gunicorn, onecenter/gunicorn.conf.py, DEBUG off, plain HTTP),
drives each page with wrk at each concurrency, and prints requests a second, p50
and p99 per page with its ratio to the bare view (the same middleware, no work)
measured in the same run. Then streams the register (Form 07) of a month of about
100 000 dossiers, with its time to first byte and the workers' peak memory.
"""

import functools
import json
import os
import shutil
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from accounts.models import User
from dossiers.selectors import received_register
from portal.benchmark import data, runner
from portal.benchmark.runner import BARE_PATH, Page, Result
from portal.benchmark.sessions import logged_in_session
from portal.demo import DEMO_PASSWORD, seed_demo
from procedures.models import Procedure
from procedures.search import fold
from reports.summaries import refresh as refresh_summaries

# The register must start streaming within this long, whatever the period holds.
REGISTER_TTFB_LIMIT = 1.0
BARE_ANONYMOUS = "bare view, anonymous"
BARE_CITIZEN = "bare view, citizen"
BARE_STAFF = "bare view, staff (clerk)"


class Command(BaseCommand):
    help = (
        "Generate N dossiers in a scratch PostgreSQL database, serve them with "
        "gunicorn and measure the pages with wrk (docs/performance.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, default=1_000_000)
        parser.add_argument(
            "--database",
            default="onecenter_bench",
            help="Scratch database (dropped and created unless --reuse).",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the database an earlier run generated; measure again.",
        )
        parser.add_argument(
            "--generate-only", action="store_true", help="Generate, then stop."
        )
        parser.add_argument(
            "--duration", type=float, default=10, help="Seconds per page and load."
        )
        parser.add_argument(
            "--warmup", type=float, default=2, help="Seconds of warm-up per page."
        )
        parser.add_argument(
            "--connections",
            default="1,16",
            help="Comma-separated wrk connection counts.",
        )
        parser.add_argument("--threads", type=int, default=1, help="wrk threads.")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--pages",
            default="",
            help="Only pages whose name contains this (or one of a comma list).",
        )
        parser.add_argument("--skip-register", action="store_true")
        parser.add_argument("--json", default="", help="Also write results here.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "The HTTP benchmark needs PostgreSQL: set DATABASE_URL to any "
                "database on the server (the scratch one is made beside it)."
            )
        name = options["database"]
        if "bench" not in name:
            raise CommandError("The scratch database's name must contain 'bench'.")
        if not options["generate_only"] and shutil.which("wrk") is None:
            raise CommandError("wrk is not installed (apt-get install wrk).")
        generated = self.prepare(name, options)
        if options["generate_only"]:
            return
        connections = [int(c) for c in options["connections"].split(",") if c]
        self.sessions = {
            who: logged_in_session(who) for who in ("citizen", "clerk", "manager")
        }
        port = options["port"]
        server = runner.Server(
            runner.server_env(name, port, options["workers"]),
            port,
            Path(settings.BASE_DIR) / "var" / "bench" / "gunicorn.log",
        )
        self.stdout.write("Collecting static files and starting gunicorn …")
        server.collectstatic()
        description = runner.machine()
        with runner.running(server):
            pages = self.pages(generated, port)
            if options["pages"]:
                wanted = [part for part in options["pages"].split(",") if part]
                pages = [
                    p
                    for p in pages
                    if any(part in p.name for part in wanted)
                    or p.name.startswith("bare")
                ]
            results = self.measure(pages, port, connections, options)
            register = None
            if not options["skip_register"]:
                register = self.register(server, generated, port)
        self.report(description, generated, options, results, register)
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps(
                    {
                        "machine": description,
                        "generated": asdict(generated),
                        "results": [
                            {
                                "page": r.page.name,
                                "connections": r.connections,
                                "rps": round(r.rps, 1),
                                "p50_ms": r.p50_ms,
                                "p99_ms": r.p99_ms,
                                "errors": r.errors,
                                "ratio": r.ratio,
                                "baseline": r.page.baseline,
                            }
                            for r in results
                        ],
                        "register": asdict(register) if register else None,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )

    # --- the scratch database -----------------------------------------------------

    def prepare(self, name: str, options: dict[str, Any]) -> data.Generated:
        if not options["reuse"]:
            self.recreate(name)
        self.use(name)
        if options["reuse"]:
            generated = data.load_meta()
            if generated is None:
                raise CommandError(
                    f"{name} holds no generated dossiers: run without --reuse."
                )
            # The code may have moved on since the dossiers were generated.
            call_command("migrate", verbosity=0)
            self.stdout.write(
                f"Reusing {name}: {generated.dossiers:,} dossiers generated "
                f"{generated.generated_at}."
            )
            self.summaries()
            return generated
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        seed_demo(DEMO_PASSWORD)
        self.stdout.write(
            f"Migrated and seeded {name} in {time.perf_counter() - started:.0f} s; "
            f"generating {options['dossiers']:,} dossiers …"
        )
        generated = data.generate(options["dossiers"], out=self.stdout)
        self.stdout.write(
            f"Generated {generated.dossiers:,} dossiers in {generated.seconds:.0f} s "
            f"(VACUUM ANALYZE included); {generated.register_dossiers:,} received "
            f"in {generated.register_month}."
        )
        self.summaries()
        return generated

    def summaries(self) -> None:
        """The statistics' daily summaries, as production's beat task keeps them
        (``reports.summaries.refresh``: every day on its first run, then only
        the days since): without them the manager's landing page would count a
        million dossiers' history on each visit, which no deployment does."""
        started = time.perf_counter()
        rows = refresh_summaries()
        if rows:
            self.stdout.write(
                f"Built {rows:,} summary rows in {time.perf_counter() - started:.0f} s."
            )

    def recreate(self, name: str) -> None:
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"] or "postgres",
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')

    def use(self, name: str) -> None:
        """Point this process's connection at the scratch database."""
        connection.close()
        connection.settings_dict["NAME"] = name

    # --- pages ------------------------------------------------------------------

    def browser_cookies(self, port: int) -> None:
        """Each signed-in visitor's cookies as a browser holds them after its
        first page: the session, and the cookies that first answer set (the
        sign-in hint of accounts.session_hint)."""
        name = settings.SESSION_COOKIE_NAME.removeprefix("__Host-")
        self.signed_in = {}
        for who, key in self.sessions.items():
            cookie = f"{name}={key}"
            answer = runner.get(port, BARE_PATH, cookie=cookie)
            set_now = [c.split(";", 1)[0] for c in answer.set_cookies]
            self.signed_in[who] = "; ".join([cookie, *set_now])

    def pages(self, generated: data.Generated, port: int) -> list[Page]:
        self.browser_cookies(port)
        procedure = Procedure.objects.public().order_by("code").first()
        citizen = User.objects.get(username="citizen")
        csrf_cookie, token = runner.csrf_pair(port, "/track/")
        self.csrf_cookie = csrf_cookie
        bare = [
            Page(BARE_ANONYMOUS, BARE_PATH, "anonymous", BARE_ANONYMOUS),
            Page(BARE_CITIZEN, BARE_PATH, "citizen", BARE_CITIZEN),
            Page(BARE_STAFF, BARE_PATH, "clerk", BARE_STAFF),
        ]
        again = [replace(page, name=f"{page.name} (again)") for page in bare]
        return [
            *bare,
            Page("home", "/", "anonymous", BARE_ANONYMOUS),
            Page(
                "catalogue search 'dang ky'",
                "/procedures/?q=dang+ky",
                "anonymous",
                BARE_ANONYMOUS,
            ),
            Page(
                f"procedure page {procedure.code}",
                f"/procedures/{procedure.code}/",
                "anonymous",
                BARE_ANONYMOUS,
                expect=procedure.code,
            ),
            Page(
                "public tracking (POST code + PIN)",
                "/track/",
                "anonymous",
                BARE_ANONYMOUS,
                method="POST",
                form={
                    "code": generated.tracked_code,
                    "pin": generated.tracked_pin,
                    "csrfmiddlewaretoken": token,
                },
                expect=generated.tracked_code,
            ),
            Page(
                f"my dossiers (citizen, {self.own_count(citizen)})",
                "/my/dossiers/",
                "citizen",
                BARE_CITIZEN,
            ),
            Page(
                "worklist, clerk, first page", "/staff/dossiers/", "clerk", BARE_STAFF
            ),
            # As people type them: a name without its accents, a piece of a code.
            Page(
                "worklist, clerk, search by unaccented name",
                "/staff/dossiers/?q=" + quote(fold(generated.search_name)),
                "clerk",
                BARE_STAFF,
            ),
            Page(
                "worklist, clerk, search by part of a code",
                "/staff/dossiers/?q=" + quote(generated.search_code[4:-2].lower()),
                "clerk",
                BARE_STAFF,
            ),
            Page("dashboard, clerk", "/staff/", "clerk", BARE_STAFF),
            Page("dashboard, manager", "/staff/", "manager", BARE_STAFF),
            # The REST API's lists (issue 16), as the browser's session reads them.
            Page(
                "API v1 staff dossiers, clerk",
                "/api/v1/staff/dossiers/",
                "clerk",
                BARE_STAFF,
                expect='"results"',
            ),
            Page(
                "API v1 my dossiers, citizen",
                "/api/v1/me/dossiers/",
                "citizen",
                BARE_CITIZEN,
                expect='"results"',
            ),
            *again,
        ]

    def own_count(self, user: User) -> int:
        return user.dossiers.count()

    def cookie(self, page: Page) -> str:
        cookies = []
        if page.who != "anonymous":
            cookies.append(self.signed_in[page.who])
        if page.method == "POST":
            cookies.append(self.csrf_cookie)
        return "; ".join(cookies)

    def measure(
        self,
        pages: list[Page],
        port: int,
        connections: list[int],
        options: dict[str, Any],
    ) -> list[Result]:
        results: list[Result] = []
        self.stdout.write(
            f"Measuring {len(pages)} pages at {connections} connections, "
            f"{options['duration']:g} s each …"
        )
        for page in pages:
            cookie, body = self.cookie(page), self.body(page)
            self.check_page(port, page, cookie, body)
            if options["warmup"] > 0:
                runner.wrk(
                    port,
                    page.path,
                    connections=max(connections),
                    threads=options["threads"],
                    seconds=options["warmup"],
                    cookie=cookie,
                    method=page.method,
                    body=body,
                )
            single = None
            for conns in connections:
                run = functools.partial(
                    runner.measure,
                    port,
                    page,
                    cookie=cookie,
                    connections=conns,
                    threads=options["threads"],
                    seconds=options["duration"],
                    body=body,
                )
                result = run()
                runs = 1
                while runs <= runner.ONE_WORKER_RETRIES and runner.one_worker(
                    result, single, options["workers"]
                ):
                    self.stdout.write(
                        f"  {page.name:<42} c={conns:<3} {result.rps:9.1f} req/s: "
                        "no faster than one connection (one worker?), again"
                    )
                    again = run()
                    result = again if again.rps > result.rps else result
                    runs += 1
                result.runs = runs
                if conns == 1:
                    single = result
                results.append(result)
                self.stdout.write(
                    f"  {page.name:<42} c={conns:<3} {result.rps:9.1f} req/s "
                    f"p50 {result.p50_ms:8.1f} ms  p99 {result.p99_ms:8.1f} ms"
                )
        # Each bare view runs first and last; a page is held to the mean of the
        # two, so load that comes or goes during the run (other work on the
        # machine) weighs on both sides alike, and the bare rows show the drift.
        bare: dict[tuple[str, int], list[float]] = {}
        for r in results:
            if r.page.path == BARE_PATH:
                bare.setdefault((r.page.baseline, r.connections), []).append(r.rps)
        for result in results:
            runs = bare.get((result.page.baseline, result.connections))
            base = sum(runs) / len(runs) if runs else 0
            result.ratio = round(result.rps / base, 3) if base else None
        return results

    def body(self, page: Page) -> str:
        if not page.form:
            return ""
        return "&".join(f"{k}={quote(v)}" for k, v in page.form.items())

    def check_page(self, port: int, page: Page, cookie: str, body: str) -> None:
        """A page that redirects (to the login or the code page) or fails would be
        measured as something else: refuse it."""
        answer = runner.get(
            port, page.path, cookie=cookie, method=page.method, body=body
        )
        text = answer.body.decode(errors="replace")
        if answer.status != 200 or (page.expect and page.expect not in text):
            raise CommandError(
                f"{page.name}: {page.method} {page.path} answered {answer.status} "
                f"{answer.headers.get('location', '')} instead of the page."
            )

    # --- the register -------------------------------------------------------------

    def register(
        self, server: runner.Server, generated: data.Generated, port: int
    ) -> runner.RegisterResult:
        start, end = generated.month_bounds
        manager = User.objects.get(username="manager")
        expected = received_register(manager, start, end).count()
        path = (
            f"/staff/register/?date_from={start.isoformat()}"
            f"&date_to={end.isoformat()}&format=csv"
        )
        cookie = self.signed_in["manager"]
        self.stdout.write(
            f"Streaming the register of {generated.register_month} "
            f"({expected:,} dossiers) as CSV …"
        )
        before = server.worker_memory()
        result = runner.stream_register(port, path, cookie, expected)
        result.memory_before = before
        result.memory_after = server.worker_memory()
        return result

    # --- the report -----------------------------------------------------------------

    def report(
        self,
        description: dict[str, str],
        generated: data.Generated,
        options: dict[str, Any],
        results: list[Result],
        register: runner.RegisterResult | None,
    ) -> None:
        w = self.stdout.write
        w("")
        w("Machine")
        for key, value in description.items():
            w(f"  {key:<22} {value}")
        w(
            f"  {'dossiers':<22} {generated.dossiers:,} (generated in "
            f"{generated.seconds:.0f} s)"
        )
        w(
            f"  {'server':<22} gunicorn, {options['workers']} workers x "
            f"{os.environ.get('GUNICORN_THREADS', '2')} threads "
            "(gthread), DEBUG off, plain HTTP"
        )
        w(
            f"  {'load':<22} wrk -t{options['threads']} --latency, "
            f"{options['duration']:g} s per page and connection count"
        )
        w("")
        header = (
            f"| {'page':<42} | conns | {'req/s':>8} | {'p50 ms':>8} | "
            f"{'p99 ms':>8} | {'ratio':>5} | baseline |"
        )
        w(header)
        w("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
        for r in results:
            ratio = f"{r.ratio:.2f}" if r.ratio is not None else "-"
            errors = f" ({r.errors} errors)" if r.errors else ""
            if r.runs > 1:
                errors += f" (best of {r.runs} runs)"
            w(
                f"| {r.page.name:<42} | {r.connections:>5} | {r.rps:8.1f} | "
                f"{r.p50_ms:8.1f} | {r.p99_ms:8.1f} | {ratio:>5} | "
                f"{r.page.baseline}{errors} |"
            )
        w("")
        w("ratio: the page's requests a second divided by its bare view's (the mean")
        w("of the bare view's first and last runs), at the same number of")
        w("connections in the same run; 1.00 = no cost beyond the middleware.")
        w("A run no faster than the page's one-connection run (gunicorn's workers")
        w("race to accept wrk's connections; sometimes one takes them all) is made")
        w(f"again, up to {runner.ONE_WORKER_RETRIES} times: 'best of N runs'.")
        if register is None:
            return
        w("")
        verdict = "OK" if register.ttfb_s <= REGISTER_TTFB_LIMIT else "TOO SLOW"
        w(f"Register (Form 07) of {generated.register_month}, CSV")
        w(
            f"  rows {register.rows:,} of {register.rows_expected:,}, "
            f"{register.bytes / 1024 / 1024:.1f} MiB, HTTP {register.status}, "
            f"complete: {'yes' if register.complete else 'NO'}"
        )
        w(
            f"  first byte {register.ttfb_s:.2f} s ({verdict}: limit "
            f"{REGISTER_TTFB_LIMIT:g} s), total {register.total_s:.1f} s"
        )
        for pid, before in register.memory_before.items():
            after = register.memory_after.get(pid, {})
            w(
                f"  worker {pid}: peak RSS (VmHWM) {before['VmHWM'] / 1024:.0f} MiB "
                f"before, {after.get('VmHWM', 0) / 1024:.0f} MiB after; RSS "
                f"{before['VmRSS'] / 1024:.0f} → {after.get('VmRSS', 0) / 1024:.0f} MiB"
            )
