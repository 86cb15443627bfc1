"""Synthetic dossiers for the HTTP benchmark, written by PostgreSQL itself.

A million rows through the ORM take most of an hour; ``INSERT … SELECT`` over
``generate_series`` takes minutes. The shapes follow ``manage.py bench``
(``STATE_MIX``, the applicants' names): every dossier has the columns its state
implies (codes and PINs, due dates, decision and return dates, timeliness), the
route steps of its procedure once transferred, and the transition-log rows the
register (Form 07) reads. Online dossiers belong to generated citizen accounts; the
demo ``citizen`` gets ``CITIZEN_DOSSIERS`` of them.

Dates: the open dossiers were received in the last ``OPEN_DAYS`` days; the closed
ones over two years before that, except that a share of them (``REGISTER_SHARE``)
fills one calendar month about three months back, the register's month.
"""

import json
import random
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from dossiers.management.commands.bench import GIVEN, MIDDLE, NAMES, STATE_MIX
from dossiers.models import (
    WORK_STATES,
    Dossier,
    DossierStep,
    State,
    TransitionLog,
)
from dossiers.search import search_folded_sql
from dossiers.services import snapshot_procedure
from procedures.models import Agency, Procedure
from procedures.search import fold
from workcalendar.types import OFFICE_TZ

# The register's month holds this share of all dossiers (100 000 of a million).
REGISTER_SHARE = 0.1
# Open dossiers were received this recently; closed ones, before.
OPEN_DAYS = 20
HISTORY_DAYS = 730
# Online dossiers are filed by this many citizens per dossier (one in five files
# again); walk-ins at the counter have no account.
CITIZENS_PER_DOSSIER = 0.2
# The demo citizen's own list, as a regular user of the portal would have it.
CITIZEN_DOSSIERS = 20
CHUNK = 100_000
BULK_TABLES = (
    "accounts_user",
    "dossiers_dossier",
    "dossiers_dossierstep",
    "dossiers_transitionlog",
)
META_TABLE = "bench_meta"
# States that reached the deciding agency, and so have route steps and a transfer.
TRANSFERRED = (
    State.PROCESSING,
    State.AWAITING_SUPPLEMENT,
    State.RESULT_READY,
    State.RETURNED,
    State.STOPPED,
)
# States whose dossier was received by the desk (Form 01), so in the register.
RECEIVED = (State.RECEIVED, *TRANSFERRED)
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung"]


@dataclass(frozen=True)
class Generated:
    """What the scratch database holds, kept in it for ``--reuse``."""

    dossiers: int
    generated_at: str
    seconds: float
    register_month: str
    register_dossiers: int
    tracked_code: str
    tracked_pin: str
    search_code: str
    search_name: str

    @property
    def month_bounds(self) -> tuple[date, date]:
        first = date.fromisoformat(self.register_month + "-01")
        after = (first + timedelta(days=32)).replace(day=1)
        return first, after - timedelta(days=1)


def register_month(now: datetime) -> tuple[datetime, datetime]:
    """The calendar month (office time) about three months before ``now``."""
    local = timezone.localtime(now - timedelta(days=90), OFFICE_TZ).date()
    first = local.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=OFFICE_TZ),
        datetime.combine(after, datetime.min.time(), tzinfo=OFFICE_TZ),
    )


def _state_case(column: str) -> str:
    """A CASE picking the state from a bucket 0–99, in ``STATE_MIX`` shares."""
    total = sum(weight for _state, weight in STATE_MIX)
    parts, upper = [], 0
    for state, weight in STATE_MIX:
        upper += weight
        parts.append(f"WHEN {column} < {upper * 100 // total} THEN '{state.value}'")
    return "CASE " + " ".join(parts) + f" ELSE '{STATE_MIX[0][0].value}' END"


def _sql_list(values) -> str:
    return ", ".join(f"'{v!s}'" for v in values)


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]::text[]"


def _folded(words: list[str]) -> list[str]:
    """The words as ``search_folded`` holds them (dossiers/search.py)."""
    return [fold(word) for word in words]


def _log(out, message: str) -> None:
    if out is not None:
        out.write(message)
        out.flush()


def generate(count: int, *, out=None, seed: int = 13) -> Generated:
    """Add ``count`` dossiers (and their steps, logs and citizens) to the database.

    Called in autocommit mode (the benchmark), the indexes are built after the
    load and the tables vacuumed; inside a transaction (a test) neither can be, and
    the rows go in with the indexes in place."""
    bulk = not connection.in_atomic_block
    started = time.perf_counter()
    now = timezone.now()
    month_start, month_end = register_month(now)
    received_closed = sum(
        w for s, w in STATE_MIX if s in RECEIVED and s not in WORK_STATES
    ) / sum(w for _s, w in STATE_MIX)
    in_month = min(1.0, REGISTER_SHARE / received_closed)
    citizens = max(10, int(count * CITIZENS_PER_DOSSIER))
    clerk = User.objects.get(username="clerk")
    leader = User.objects.get(username="leader")
    desks = [Agency.objects.get(code="000.00.01.H99"), clerk.agency]
    procedures = list(
        Procedure.objects.public()
        .prefetch_related("papers", "fees", "route_steps__department")
        .order_by("code")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '64MB'")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("DROP TABLE IF EXISTS bench_proc")
        cursor.execute(
            "CREATE TEMP TABLE bench_proc (idx int PRIMARY KEY, id bigint, "
            "deciding_agency_id bigint, snapshot jsonb, route jsonb, route_len int)"
        )
        for idx, procedure in enumerate(procedures):
            snapshot = snapshot_procedure(procedure)
            cursor.execute(
                "INSERT INTO bench_proc VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    idx,
                    procedure.pk,
                    procedure.deciding_agency_id,
                    json.dumps(snapshot),
                    json.dumps(snapshot["route"]),
                    max(1, len(snapshot["route"])),
                ],
            )
        cursor.execute("SELECT setseed(%s)", [random.Random(seed).random()])
        indexes = _drop_indexes(cursor, BULK_TABLES) if bulk else []
        first_citizen = _insert_citizens(cursor, citizens, now)
        _log(out, f"  {citizens:,} citizen accounts\n")
        for lo in range(1, count + 1, CHUNK):
            hi = min(count + 1, lo + CHUNK)
            cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossier")
            before = cursor.fetchone()[0]
            _insert_dossiers(
                cursor,
                lo=lo,
                hi=hi,
                now=now,
                month_start=month_start,
                month_end=month_end,
                in_month=in_month,
                desks=desks,
                nproc=len(procedures),
                first_citizen=first_citizen,
                citizens=citizens,
            )
            _insert_steps(cursor, after_id=before, leader_id=leader.pk)
            _insert_logs(
                cursor, after_id=before, clerk_id=clerk.pk, leader_id=leader.pk
            )
            _log(
                out,
                f"  {hi - 1:,} dossiers ({time.perf_counter() - started:.0f} s)\n",
            )
        if indexes:
            _log(out, f"  {len(indexes)} indexes built again …\n")
        for definition in indexes:
            cursor.execute(definition)
        _give_citizen_dossiers(cursor)
    if bulk:
        _log(out, "  VACUUM ANALYZE …\n")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    generated = _describe(
        count, now, month_start, month_end, time.perf_counter() - started
    )
    save_meta(generated)
    return generated


def _insert(cursor, model, columns: str, select: str, params: dict) -> None:
    """``INSERT INTO`` the model's table the rows of ``select`` for ``columns``, and
    each field's default for the columns not named, so a field added to the model
    after this generator was written still gets its value."""
    listed = [c.strip() for c in columns.split(",")]
    extra_columns, extra_values, extra_params = [], [], {}
    for n, model_field in enumerate(model._meta.concrete_fields):
        if model_field.primary_key or model_field.column in listed:
            continue
        extra_columns.append(model_field.column)
        extra_values.append(f", %(default_{n})s::{model_field.db_type(connection)}")
        extra_params[f"default_{n}"] = model_field.get_db_prep_save(
            model_field.get_default(), connection
        )
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(listed + extra_columns)}) "
        f"SELECT q.*{''.join(extra_values)} FROM ({select}) AS q",
        {**params, **extra_params},
    )


def _drop_indexes(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' secondary indexes and return their definitions.

    Built once over the loaded rows, an index costs a sort; kept during the load,
    it is updated row by row (the trigram index on names most of all). Indexes
    behind constraints (primary keys, unique codes and step positions) stay.
    """
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.indexname
        """,
        [list(tables)],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _insert_citizens(cursor, citizens: int, now: datetime) -> int:
    """Add the citizens; returns the first one's id (the rest follow it: one
    statement takes its ids from the sequence in a row, wherever that stands)."""
    _insert(
        cursor,
        User,
        (
            "password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, role, full_name, id_number, phone, address, "
            "preferred_language"
        ),
        f"""
        SELECT '!', false, 'bench-citizen-' || to_char(n, 'FM0000000'), '', '',
            'citizen' || n || '@bench.example.vn', false, true,
            %(now)s - (n %% 700) * interval '1 day', 'applicant',
            ({_sql_array(NAMES)})[1 + n %% 10] || ' '
              || ({_sql_array(MIDDLE)})[1 + (n / 10) %% 8] || ' '
              || ({_sql_array(GIVEN)})[1 + (n / 80) %% 10],
            '0' || to_char(36000000000 + n, 'FM00000000000'),
            '09' || to_char(n %% 100000000, 'FM00000000'),
            'Số ' || (1 + n %% 200) || ' đường '
              || ({_sql_array(STREETS)})[1 + n %% 5] || ', tỉnh Sơn Hà',
            'vi'
        FROM generate_series(1, %(citizens)s) AS n
        """,
        {"now": now, "citizens": citizens},
    )
    cursor.execute(
        "SELECT min(id), max(id), count(*) FROM accounts_user "
        "WHERE username LIKE 'bench-citizen-%%'"
    )
    first, last, count = cursor.fetchone()
    if last - first + 1 != count:
        raise RuntimeError("The generated citizens' ids are not consecutive.")
    return first


def _insert_dossiers(
    cursor,
    *,
    lo: int,
    hi: int,
    now: datetime,
    month_start: datetime,
    month_end: datetime,
    in_month: float,
    desks: list[Agency],
    nproc: int,
    first_citizen: int,
    citizens: int,
) -> None:
    work = _sql_list(WORK_STATES)
    received = _sql_list(RECEIVED)
    # draws: the random numbers of each dossier; g: its state; s: the moment it was
    # received (or submitted); t: every date from those; then the row itself.
    _insert(
        cursor,
        Dossier,
        (
            "applicant_name, applicant_id_number, applicant_phone, applicant_email, "
            "applicant_address, applicant_language, procedure_snapshot, channel, code, "
            "lookup_pin, state, version, current_step_index, created_at, submitted_at, "
            "received_at, due_at, extended_due_at, extension_reason, current_due_at, "
            "decided_at, returned_at, closed_at, outcome, outcome_reason, timeliness, "
            "result_channel, collected_by, applicant_id, assignee_id, "
            "deciding_agency_id, procedure_id, receiving_desk_id, search_folded"
        ),
        f"""
        SELECT
            ({_sql_array(NAMES)})[1 + floor(r_name * 10)::int] || ' '
              || ({_sql_array(MIDDLE)})[1 + floor(r_name * 80)::int %% 8] || ' '
              || ({_sql_array(GIVEN)})[1 + floor(r_name * 800)::int %% 10],
            to_char(i, 'FM000000000000'),
            '09' || to_char(floor(r_pin * 1e8), 'FM00000000'),
            CASE WHEN online THEN 'applicant' || i || '@bench.example.vn' ELSE '' END,
            'Số ' || (1 + i %% 200) || ' đường '
              || ({_sql_array(STREETS)})[1 + i %% 5] || ', tỉnh Sơn Hà',
            'vi',
            p.snapshot,
            CASE WHEN online THEN 'online' ELSE 'counter' END,
            desk_code || '-'
              || to_char(moment AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD')
              || '-' || to_char(i, 'FM0000000'),
            to_char(floor(r_pin * 1e6), 'FM000000'),
            state,
            0,
            CASE WHEN state IN ('processing', 'awaiting_supplement')
                THEN least(p.route_len - 1, floor(r_step * p.route_len)::int)
                WHEN state = 'result_ready' THEN p.route_len - 1 END,
            moment - interval '10 minutes',
            moment,
            CASE WHEN state IN ({received}) THEN moment END,
            CASE WHEN state IN ({received}) THEN due END,
            NULL::timestamptz,
            '',
            CASE WHEN state IN ({received}) THEN due END,
            CASE WHEN state IN ('result_ready', 'returned') THEN decided END,
            CASE WHEN state = 'returned' THEN decided + interval '1 day' END,
            CASE
                WHEN state = 'returned' THEN decided + interval '1 day'
                WHEN state = 'stopped' THEN moment + interval '3 days'
                WHEN state IN ('refused', 'withdrawn') THEN moment + interval '1 day'
            END,
            CASE WHEN state IN ('result_ready', 'returned')
                THEN CASE WHEN r_outcome < 0.95 THEN 'approved' ELSE 'denied' END
                ELSE '' END,
            CASE WHEN state IN ('result_ready', 'returned') AND r_outcome >= 0.95
                THEN 'Hồ sơ không đủ điều kiện theo quy định.' ELSE '' END,
            CASE WHEN state = 'returned' THEN
                CASE WHEN decided < due - interval '1 day' THEN 'early'
                     WHEN decided <= due THEN 'on_time' ELSE 'late' END
                ELSE '' END,
            CASE WHEN state = 'returned'
                THEN CASE WHEN online THEN 'online' ELSE 'counter' END ELSE '' END,
            '',
            CASE WHEN online
                THEN {first_citizen} + floor(r_citizen * {citizens})::bigint END,
            NULL::bigint,
            p.deciding_agency_id,
            p.id,
            desk_id,
            ' ' || ({_sql_array(_folded(NAMES))})[1 + floor(r_name * 10)::int] || ' '
              || ({_sql_array(_folded(MIDDLE))})[1 + floor(r_name * 80)::int %% 8]
              || ' '
              || ({_sql_array(_folded(GIVEN))})[1 + floor(r_name * 800)::int %% 10]
              || ' 09' || to_char(floor(r_pin * 1e8), 'FM00000000')
              || ' ' || to_char(i, 'FM000000000000')
        FROM (
            SELECT s.*, moment + duration AS due,
                greatest(moment, least(
                    %(now)s - interval '1 hour',
                    moment + duration * (0.2 + r_speed * 0.9)
                )) AS decided
            FROM (
                SELECT g.*,
                    CASE WHEN state IN ({work}) THEN
                        %(now)s - r_when * interval '{OPEN_DAYS} days'
                    WHEN state IN ({received}) AND r_month < %(in_month)s THEN
                        %(month_start)s + r_when * (%(month_end)s - %(month_start)s)
                    ELSE
                        %(history_start)s + r_when * (%(history_len)s - %(month_len)s)
                        + CASE WHEN %(history_start)s
                                 + r_when * (%(history_len)s - %(month_len)s)
                                 >= %(month_start)s
                            THEN %(month_len)s ELSE interval '0' END
                    END AS moment,
                    (5 + floor(r_speed * 97)::int %% 26) * interval '1 day' AS duration
                FROM (
                  SELECT *, {_state_case("floor(r_state * 100)")} AS state
                  FROM (
                    SELECT i, random() AS r_state, random() AS r_when,
                        random() AS r_month, random() AS r_name,
                        random() AS r_pin, random() AS r_speed, random() AS r_step,
                        random() AS r_outcome, random() AS r_citizen,
                        floor(random() * {nproc})::int AS pidx,
                        random() < 0.67 AS online,
                        CASE WHEN random() < 0.5 THEN {desks[0].pk}
                             ELSE {desks[1].pk} END AS desk_id
                    FROM generate_series(%(lo)s, %(hi)s - 1) AS i
                  ) AS draws
                ) AS g
            ) AS s
        ) AS t
        JOIN bench_proc p ON p.idx = t.pidx
        JOIN (VALUES ({desks[0].pk}, '{desks[0].code}'),
                     ({desks[1].pk}, '{desks[1].code}')) AS d (d_id, desk_code)
            ON d.d_id = t.desk_id
        ORDER BY i
        """,
        {
            "lo": lo,
            "hi": hi,
            "now": now,
            "in_month": in_month,
            "month_start": month_start,
            "month_end": month_end,
            "month_len": month_end - month_start,
            "history_start": now - timedelta(days=HISTORY_DAYS),
            "history_len": timedelta(days=HISTORY_DAYS - OPEN_DAYS),
        },
    )


def _insert_steps(cursor, *, after_id: int, leader_id: int) -> None:
    """The route of each transferred dossier: earlier steps finished, the current
    one started (a dossier at its result has finished them all)."""
    _insert(
        cursor,
        DossierStep,
        (
            "position, stage, name, role, working_days, due_at, started_at, "
            "finished_at, department_id, dossier_id, handled_by_id"
        ),
        # The demo routes have no parallel branch: each step is its own stage.
        f"""
        SELECT pos - 1, pos - 1, step ->> 'name', step ->> 'role',
            (step ->> 'working_days')::numeric,
            d.received_at + (d.due_at - d.received_at) * pos / p.route_len,
            d.received_at + (d.due_at - d.received_at) * (pos - 1) / p.route_len
              + interval '1 hour',
            CASE WHEN d.state IN ('result_ready', 'returned')
                OR pos - 1 < d.current_step_index
                THEN least(
                    coalesce(d.decided_at, %(never)s),
                    d.received_at + (d.due_at - d.received_at) * pos / p.route_len
                ) END,
            (step ->> 'department_id')::bigint, d.id,
            CASE WHEN step ->> 'role' = 'leader' THEN {leader_id} END
        FROM dossiers_dossier d
        JOIN bench_proc p ON p.id = d.procedure_id
        CROSS JOIN LATERAL jsonb_array_elements(p.route)
            WITH ORDINALITY AS r (step, pos)
        WHERE d.id > %(after)s
          AND d.state IN ({_sql_list(TRANSFERRED)})
          AND (d.current_step_index IS NULL OR pos - 1 <= d.current_step_index)
          AND (d.state <> 'stopped' OR pos = 1)
        """,
        {"after": after_id, "never": datetime(9999, 1, 1, tzinfo=OFFICE_TZ)},
    )


def _insert_logs(cursor, *, after_id: int, clerk_id: int, leader_id: int) -> None:
    """Receipt, transfer, decision and return, as the register reads them."""
    transferred = _sql_list(TRANSFERRED)
    rows = [
        # (transition, from, to, actor, moment, which dossiers)
        (
            "receive",
            "submitted",
            "received",
            clerk_id,
            "d.received_at",
            f"d.state IN ({_sql_list(RECEIVED)})",
        ),
        (
            "transfer",
            "received",
            "processing",
            clerk_id,
            "d.received_at + interval '1 hour'",
            f"d.state IN ({transferred})",
        ),
        (
            "approve",
            "processing",
            "result_ready",
            leader_id,
            "d.decided_at",
            "d.state IN ('result_ready', 'returned')",
        ),
        (
            "return_result",
            "result_ready",
            "returned",
            clerk_id,
            "d.returned_at",
            "d.state = 'returned'",
        ),
    ]
    for transition, source, target, actor, moment, which in rows:
        _insert(
            cursor,
            TransitionLog,
            (
                "transition, from_state, to_state, note, step_name, created_at, "
                "actor_id, dossier_id"
            ),
            f"""
            SELECT '{transition}', '{source}', '{target}', '', '', {moment},
                {actor}, d.id
            FROM dossiers_dossier d
            WHERE d.id > %(after)s AND {which}
            """,
            {"after": after_id},
        )


# The demo citizen's dossiers keep their own phone, and take the citizen's name and
# ID number.
CITIZEN_SEARCH_FOLDED = search_folded_sql(
    "%(folded_name)s::text", "applicant_phone", "%(id_number)s::text"
)


def _give_citizen_dossiers(cursor) -> None:
    """The demo citizen's list grows to ``CITIZEN_DOSSIERS`` with generated ones."""
    citizen = User.objects.get(username="citizen")
    cursor.execute(
        "SELECT count(*) FROM dossiers_dossier WHERE applicant_id = %s", [citizen.pk]
    )
    missing = CITIZEN_DOSSIERS - cursor.fetchone()[0]
    if missing <= 0:
        return
    cursor.execute(
        f"""
        UPDATE dossiers_dossier SET applicant_id = %(citizen)s,
            applicant_name = %(name)s, applicant_id_number = %(id_number)s,
            search_folded = {CITIZEN_SEARCH_FOLDED}
        WHERE id IN (
            SELECT id FROM dossiers_dossier
            WHERE channel = 'online' AND code IS NOT NULL
            ORDER BY id DESC LIMIT %(missing)s
        )
        """,
        {
            "citizen": citizen.pk,
            "name": citizen.full_name,
            "folded_name": fold(citizen.full_name),
            "id_number": citizen.id_number,
            "missing": missing,
        },
    )


def _describe(
    count: int,
    now: datetime,
    month_start: datetime,
    month_end: datetime,
    seconds: float,
) -> Generated:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM dossiers_dossier "
            "WHERE received_at >= %s AND received_at < %s",
            [month_start, month_end],
        )
        in_month = cursor.fetchone()[0]
        # A dossier in the middle of the pile, still open: the tracking page's.
        cursor.execute(
            "SELECT code, lookup_pin FROM dossiers_dossier "
            "WHERE code LIKE '%%-_______' AND state = 'processing' "
            "ORDER BY id OFFSET %s LIMIT 1",
            [max(0, count // 20)],
        )
        code, pin = cursor.fetchone()
    return Generated(
        dossiers=count,
        generated_at=now.isoformat(),
        seconds=round(seconds, 1),
        register_month=f"{timezone.localtime(month_start, OFFICE_TZ):%Y-%m}",
        register_dossiers=in_month,
        tracked_code=code,
        tracked_pin=pin,
        search_code=code,
        search_name=f"{NAMES[1]} {MIDDLE[1]} {GIVEN[6]}",
    )


@transaction.atomic
def save_meta(generated: Generated) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, "
            "value jsonb NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {META_TABLE} VALUES ('generated', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(asdict(generated))],
        )


def load_meta() -> Generated | None:
    """What an earlier run generated in this database, or None."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [META_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'generated'")
        row = cursor.fetchone()
    if row is None:
        return None
    value = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return Generated(**value)
