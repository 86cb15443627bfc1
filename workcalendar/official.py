"""The government's real day swaps that the ``holidays`` package lacks, with sources.

Loaded into every database by migration 0003 and, in production after each update
of this file, by ``manage.py load_calendar``; both go through ``load_official``.
Demo swaps live apart, in ``workcalendar/demo.py``, and only ``seed_demo`` loads them.

What the package (holidays 0.108) already has for 2026, so no row is needed here:
Tết Mon 16 – Fri 20 Feb (the nine days 14–22 Feb are those five plus two
weekends), Hùng Kings' day Sun 26 Apr observed Mon 27 Apr, 30 Apr and 1 May with
no swap, 2 Sep with 1 Sep, and the National Day swap Mon 31 Aug off / Sat 22 Aug
worked. It lacks the New Year swap below.

The swaps are the civil service's (công chức, viên chức): the offices this portal
serves keep them; private employers choose their own days.

Vietnam Culture Day, Tue 24 Nov 2026: no row, so the package's holiday stands and
the day is not worked. What is confirmed here: the Politburo's Resolution 80-NQ/TW
(Jan 2026) chose 24 Nov as a paid day off, and the Government's Resolution 30/NQ-CP
tasked the amendment of art. 112(1) of the Labour Code to make it one (VnEconomy,
26/02/2026). The amending law itself, and whether it was in force on 24 Nov 2026,
could not be read from here (later third-party calendars say it was); if it proves
otherwise, add a working-day row for date(2026, 11, 24) here with its source. A
swap around it (Mon 23 Nov off, Sat 28 Nov worked) was only reported as proposed;
no decision was found, so it is not loaded.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db import models, transaction
from django.utils import timezone

from .models import CalendarException, ExceptionKind

# Recorded in each row's history, so an administrator sees where a change came from.
CHANGE_REASON = "Official calendar (workcalendar/official.py)"


@dataclass(frozen=True)
class OfficialException:
    date: date
    kind: str
    reason: str
    source: str


# The number and date of the letter come from two press reports of it (25 Dec 2025)
# and agree with third-party calendars; the letter itself, on vanban.chinhphu.vn,
# was not opened from here. It conveys the Deputy Prime Minister's approval of the
# Ministry of Home Affairs' plan: civil servants off Thu 1 – Sun 4 Jan 2026, the
# working Friday 2 Jan swapped for Saturday 10 Jan.
NEW_YEAR_2026 = (
    "Công văn số 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ "
    "về việc nghỉ Tết Dương lịch năm 2026"
)

OFFICIAL_EXCEPTIONS: tuple[OfficialException, ...] = (
    OfficialException(
        date(2026, 1, 2),
        ExceptionKind.DAY_OFF,
        "Tết Dương lịch 2026: nghỉ thứ Sáu 02/01/2026, làm bù thứ Bảy 10/01/2026.",
        NEW_YEAR_2026,
    ),
    OfficialException(
        date(2026, 1, 10),
        ExceptionKind.WORKING_DAY,
        "Tết Dương lịch 2026: làm bù thứ Bảy 10/01/2026 cho ngày nghỉ thứ Sáu "
        "02/01/2026.",
        NEW_YEAR_2026,
    ),
)


class Action(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class Loaded:
    """What ``load_official`` did with one official swap; ``previous`` describes a
    replaced or updated row as it was."""

    record: OfficialException
    action: Action
    previous: str = ""


def load_official(
    model: type[models.Model] = CalendarException,
    *,
    records: tuple[OfficialException, ...] = OFFICIAL_EXCEPTIONS,
    history: type[models.Model] | None = None,
    dry_run: bool = False,
) -> list[Loaded]:
    """Make the stored exceptions agree with the official swaps; safe to run again.

    An official swap owns its date: a missing row is added; a row of the same
    kind is that swap (perhaps entered by hand before) and gets the official
    reason and source; a demo row or a row of the other kind on that date
    contradicts the official calendar and is replaced, its old values kept in the
    history. Rows on other dates, demo or not, are never touched, and no demo row
    is ever created.

    ``model`` and ``history`` are swapped for the migration's historical models,
    which neither validate with ``clean()`` nor write history by themselves; the
    tests check every record against ``clean()``.
    """
    done = []
    with transaction.atomic():
        for record in records:
            row = model.objects.select_for_update().filter(date=record.date).first()
            if row is None:
                row = model(date=record.date)
                action, previous = Action.ADDED, ""
            elif row.is_demo or row.kind != record.kind:
                action, previous = Action.REPLACED, _describe(row)
            elif (row.reason, row.source) != (record.reason, record.source):
                action, previous = Action.UPDATED, _describe(row)
            else:
                done.append(Loaded(record, Action.UNCHANGED))
                continue
            done.append(Loaded(record, action, previous))
            if dry_run:
                continue
            row.kind, row.reason, row.source = record.kind, record.reason, record.source
            row.is_demo = False
            row.full_clean()
            row._change_reason = CHANGE_REASON
            row.save()
            if history is not None:
                record_history(history, row, "+" if action is Action.ADDED else "~")
    return done


def _describe(row: models.Model) -> str:
    demo = "demo, " if row.is_demo else ""
    return f"{demo}{row.kind}: {row.reason} [{row.source or 'no source'}]"


def record_history(
    history: type[models.Model],
    row: models.Model,
    kind: str,
    reason: str = CHANGE_REASON,
) -> None:
    """Write the history entry simple_history would, for a migration's models."""
    history.objects.create(
        id=row.pk,
        date=row.date,
        kind=row.kind,
        reason=row.reason,
        source=row.source,
        is_demo=row.is_demo,
        created_at=row.created_at,
        history_date=timezone.now(),
        history_type=kind,
        history_change_reason=reason,
    )
