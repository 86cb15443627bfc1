"""The official day swaps: loaded by the migration and by ``load_calendar`` with
their source, kept apart from the demo's, honoured by the working calendar."""

import importlib
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.urls import reverse

from workcalendar.calendar import calendar_for, load_calendar
from workcalendar.demo import DEMO_EXCEPTIONS, seed_calendar
from workcalendar.models import CalendarException, ExceptionKind
from workcalendar.national import is_national_working_day
from workcalendar.official import CHANGE_REASON, NEW_YEAR_2026, OFFICIAL_EXCEPTIONS

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OFF, WORK = ExceptionKind.DAY_OFF, ExceptionKind.WORKING_DAY
NEW_YEAR_SWAP = {date(2026, 1, 2): OFF, date(2026, 1, 10): WORK}
DEMO_DATES = {day for day, _kind, _reason in DEMO_EXCEPTIONS}
migration_0003 = importlib.import_module(
    "workcalendar.migrations.0003_official_exceptions"
)


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_calendar", *args, stdout=out)
    return out.getvalue()


def swap_rows() -> dict[date, CalendarException]:
    rows = CalendarException.objects.filter(date__in=NEW_YEAR_SWAP)
    return {row.date: row for row in rows}


def test_the_package_lacks_the_new_year_swap():
    """holidays 0.108 works Fri 2 Jan 2026 and rests Sat 10 Jan 2026: the swap has
    to be stored."""
    assert is_national_working_day(date(2026, 1, 2))
    assert not is_national_working_day(date(2026, 1, 10))


@pytest.mark.django_db
def test_the_migration_loaded_the_new_year_swap_with_its_source():
    """A migrated database holds Fri 2 Jan 2026 off and Sat 10 Jan 2026 worked,
    citing the Government Office's letter, not demo, each with its history."""
    rows = swap_rows()
    assert {day: row.kind for day, row in rows.items()} == NEW_YEAR_SWAP
    for row in rows.values():
        assert row.source == NEW_YEAR_2026
        assert "12729/VPCP-KGVX" in row.source
        assert not row.is_demo
        assert row.history.get().history_change_reason == CHANGE_REASON


@pytest.mark.django_db
@pytest.mark.parametrize("record", OFFICIAL_EXCEPTIONS, ids=lambda r: str(r.date))
def test_every_official_swap_passes_the_models_validation(record):
    """Each official record is a sensible swap by the model's own rules, with a
    source."""
    CalendarException.objects.filter(date=record.date).delete()
    CalendarException(
        date=record.date, kind=record.kind, reason=record.reason, source=record.source
    ).full_clean()
    assert record.source


@pytest.mark.django_db
def test_load_calendar_adds_the_swaps_once_and_never_demo_rows():
    """On a table without them the command adds both swaps and says so; run again
    it changes nothing and writes no history. It creates no demo row."""
    CalendarException.objects.all().delete()
    assert "2 official swaps: 2 added, 0 updated, 0 unchanged, 0 replaced" in load()
    rows = swap_rows()
    assert {day: row.kind for day, row in rows.items()} == NEW_YEAR_SWAP
    assert all(row.source == NEW_YEAR_2026 for row in rows.values())
    history = CalendarException.history.count()

    output = load()

    assert "2 official swaps: 0 added, 0 updated, 2 unchanged, 0 replaced" in output
    assert CalendarException.objects.count() == 2
    assert CalendarException.history.count() == history
    assert not CalendarException.objects.filter(is_demo=True).exists()


@pytest.mark.django_db
def test_load_calendar_after_the_migration_has_nothing_to_do():
    """The command run on a freshly migrated database finds both swaps in place."""
    assert "0 added, 0 updated, 2 unchanged, 0 replaced" in load()


@pytest.mark.django_db
def test_load_calendar_brings_reason_and_source_up_to_date():
    """An official row whose text drifted gets the official reason and source back;
    the report shows what it said, the history keeps it."""
    CalendarException.objects.filter(date=date(2026, 1, 2)).update(
        reason="Nghỉ bù", source=""
    )

    output = load()

    assert "updated   02/01/2026" in output
    assert "was day_off: Nghỉ bù [no source]" in output
    row = CalendarException.objects.get(date=date(2026, 1, 2))
    assert (row.reason, row.source) == (OFFICIAL_EXCEPTIONS[0].reason, NEW_YEAR_2026)
    assert row.history.first().history_change_reason == CHANGE_REASON


@pytest.mark.django_db
def test_load_calendar_replaces_rows_that_contradict_an_official_swap():
    """A demo row on an official date, or a row of the other kind, gives way to
    the official swap, with a warning in the report."""
    CalendarException.objects.filter(date__in=NEW_YEAR_SWAP).delete()
    CalendarException.objects.create(
        date=date(2026, 1, 2), kind=OFF, reason="Demo", is_demo=True
    )
    # Bypasses clean(), as a raw import could: a Saturday made a day off.
    CalendarException.objects.create(date=date(2026, 1, 10), kind=OFF, reason="X")

    output = load()

    assert "0 added, 0 updated, 0 unchanged, 2 replaced" in output
    assert "was demo, day_off: Demo" in output
    rows = swap_rows()
    assert {day: row.kind for day, row in rows.items()} == NEW_YEAR_SWAP
    assert not any(row.is_demo for row in rows.values())


@pytest.mark.django_db
def test_load_calendar_leaves_other_rows_alone():
    """An administrator's row and the demo rows on other dates are untouched."""
    own = CalendarException.objects.create(
        date=date(2026, 12, 7), kind=OFF, reason="Nghỉ", source="Quyết định 5/QĐ"
    )
    seed_calendar()
    CalendarException.objects.filter(date__in=NEW_YEAR_SWAP).delete()
    before = list(CalendarException.objects.values())

    load()

    after = CalendarException.objects.exclude(date__in=NEW_YEAR_SWAP)
    assert list(after.values()) == before
    assert CalendarException.objects.get(pk=own.pk).history.count() == 1


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    """--dry-run reports what it would add and stores nothing."""
    CalendarException.objects.filter(date__in=NEW_YEAR_SWAP).delete()

    output = load("--dry-run")

    assert "Dry run, nothing written: 2 official swaps: 2 added" in output
    assert not swap_rows()


@pytest.mark.django_db
def test_the_working_calendar_honours_the_new_year_swap():
    """Through the stored rows Fri 2 Jan 2026 is a day off and Sat 10 Jan 2026 a
    working day: after Wed 31 Dec 2025 the next working day is Mon 5 Jan; after
    Fri 9 Jan, Sat 10 Jan."""
    calendar = calendar_for(datetime(2026, 1, 9, 10, tzinfo=VN))
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.is_working_day(date(2026, 1, 10))
    assert calendar.next_working_day(date(2026, 1, 9)) == date(2026, 1, 10)
    from_2025 = load_calendar([2025])
    assert from_2025.next_working_day(date(2025, 12, 31)) == date(2026, 1, 5)


@pytest.mark.django_db
def test_vietnam_culture_day_2026_stays_a_day_off():
    """No official row overrides the package's Vietnam Culture Day, Tue 24 Nov
    2026 (see the note in workcalendar/official.py): it is not worked."""
    assert not CalendarException.objects.filter(date=date(2026, 11, 24)).exists()
    assert not load_calendar([2026]).is_working_day(date(2026, 11, 24))


@pytest.mark.django_db
def test_demo_rows_are_flagged_demo_and_still_count(demo):
    """In the demo database only the fictional swaps are flagged demo; the
    calendar applies them there like any row."""
    flagged = CalendarException.objects.filter(is_demo=True)
    assert set(flagged.values_list("date", flat=True)) == DEMO_DATES
    assert not swap_rows()[date(2026, 1, 2)].is_demo
    calendar = load_calendar([2027])
    assert not calendar.is_working_day(date(2027, 2, 11))
    assert calendar.is_working_day(date(2027, 2, 20))


@pytest.mark.django_db
def test_the_migration_flags_demo_rows_stored_before_the_flag():
    """Demo rows seeded before the flag existed are flagged, with a history entry;
    other rows are not."""
    for day, kind, reason in DEMO_EXCEPTIONS:
        CalendarException.objects.create(date=day, kind=kind, reason=reason)
    own = CalendarException.objects.create(
        date=date(2027, 2, 12), kind=OFF, reason="Quyết định của tỉnh"
    )

    migration_0003.flag_demo_rows(global_apps, None)

    flagged = CalendarException.objects.filter(is_demo=True)
    assert set(flagged.values_list("date", flat=True)) == DEMO_DATES
    assert not CalendarException.objects.get(pk=own.pk).is_demo
    assert (
        flagged.first()
        .history.first()
        .history_change_reason.startswith("Flagged as demo")
    )


@pytest.mark.django_db
def test_admin_shows_source_and_demo_flag(admin_client):
    """The changelist shows each exception's source and demo flag and filters by
    the flag; the change form shows the source, the flag read-only; a row an
    administrator adds keeps its source and is never demo."""
    seed_calendar()
    changelist = reverse("admin:workcalendar_calendarexception_changelist")
    assert "12729/VPCP-KGVX" in admin_client.get(changelist).content.decode()
    demo_only = admin_client.get(changelist, {"is_demo__exact": "1"})
    assert "Demo example" in demo_only.content.decode()
    assert "12729/VPCP-KGVX" not in demo_only.content.decode()
    real_only = admin_client.get(changelist, {"is_demo__exact": "0"})
    assert "12729/VPCP-KGVX" in real_only.content.decode()
    assert "Demo example" not in real_only.content.decode()

    row = CalendarException.objects.get(date=date(2026, 1, 2))
    change = reverse("admin:workcalendar_calendarexception_change", args=[row.pk])
    form = admin_client.get(change).content.decode()
    assert 'name="source"' in form
    assert NEW_YEAR_2026 in form
    assert 'name="is_demo"' not in form

    add = reverse("admin:workcalendar_calendarexception_add")
    response = admin_client.post(
        add,
        {"date": "2026-12-07", "kind": OFF, "reason": "Nghỉ", "source": "QĐ 5"},
    )
    assert response.status_code == 302
    added = CalendarException.objects.get(date=date(2026, 12, 7))
    assert added.source == "QĐ 5"
    assert not added.is_demo
