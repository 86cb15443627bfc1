"""``manage.py indicators``: JSON and CSV of a period, and the rebuild."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from reports.indicators import Period, RecomputeSource, Scope, indicators
from reports.models import DailySummary

pytestmark = pytest.mark.django_db

KEYS = {
    "received",
    "resolved",
    "on_time_rate",
    "online_rate",
    "digitisation_rate",
    "satisfaction_rate",
    "average_processing_working_days",
    "index_766",
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_json_on_the_demo_equals_a_recompute(demo):
    """The demo's indicators as JSON have every key, six 766 groups, and the
    numbers of a recompute from the dossiers."""
    today = timezone.localdate()
    first = today.replace(year=today.year - 1)
    printed = json.loads(run("--from", str(first), "--to", str(today)))
    assert printed.keys() >= KEYS
    assert printed["received"] > 0
    assert len(printed["index_766"]) == 6
    no_data = {g["group"] for g in printed["index_766"] if g["points"] is None}
    assert {"transparency", "online_payment"} <= no_data
    expected = json.loads(
        json.dumps(
            indicators(Period(first, today), Scope(), RecomputeSource()).as_dict(),
            default=float,
        )
    )
    assert {k: v for k, v in printed.items() if k not in {"from", "to"}} == expected


def test_agency_and_csv(demo):
    """--agency narrows to an agency's subtree; CSV prints one indicator a line."""
    text = run("--agency", "000.00.00.H99", "--format", "csv")
    lines = text.splitlines()
    assert lines[0] == "indicator,value"
    assert any(line.startswith("on_time_rate,") for line in lines)
    assert any(line.startswith("index_766.progress.points,") for line in lines)
    with pytest.raises(CommandError):
        run("--agency", "no-such-code")


def test_rebuild(demo):
    """--rebuild recomputes the summary rows from the dossiers."""
    assert "Rebuilt" in run("--rebuild")
    assert DailySummary.objects.exists()


def test_the_bench_command_times_the_statistics(demo):
    """``manage.py bench --statistics``: the statistics' measures over synthetic
    dossiers (rolled back), each with its milliseconds and queries."""
    from dossiers.models import Dossier

    before = Dossier.objects.count()
    out = StringIO()
    call_command(
        "bench", "--statistics", "--dossiers", "200", "--repeat", "1", stdout=out
    )
    printed = out.getvalue()
    for measure in (
        "statistics page reads, manager, this year",
        "public board (its page cache off)",
        "manager's summary per agency (its cache off)",
        "statistics page, whole view rendered, year",
    ):
        line = next(line for line in printed.splitlines() if line.startswith(measure))
        assert " ms " in line and " q " in line
    assert "rolled back" in printed
    assert Dossier.objects.count() == before
