"""Two send_reminders processes at once on PostgreSQL send each reminder once.

Each process is a real ``manage.py send_reminders`` (run through call_command
after django.setup(), so both can wait at a file barrier and start scanning at
the same instant) against the test database, with e-mail and SMS printed to its
stdout. The unique key stops the second recording; SKIP LOCKED and the pending
status stop the second sending. SQLite serialises whole transactions and its
test database lives in memory, so this runs on PostgreSQL only.
"""

import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from notifications.channels import KEY_HEADER
from notifications.models import Notification
from reminders.models import Reminder, Status

from .conftest import at

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrent processes on one database need PostgreSQL.",
    ),
    pytest.mark.django_db(transaction=True),
]

PROCESSES = 2
NOW = "2026-12-04T07:00"

# Both processes touch a file when Django is set up, then wait (at most 30 s)
# for each other, so they scan and send at the same moment.
SCRIPT = textwrap.dedent(
    """
    import sys, time, pathlib
    import django

    django.setup()
    from django.core.management import call_command

    barrier, name, now, expected = sys.argv[1:5]
    pathlib.Path(barrier, name).touch()
    deadline = time.monotonic() + 30
    while len(list(pathlib.Path(barrier).iterdir())) < int(expected):
        if time.monotonic() > deadline:
            sys.exit("the other process never started")
        time.sleep(0.005)
    call_command("send_reminders", "--now", now)
    """
)


def database_url() -> str:
    """The URL of the test database this process uses (pytest's test_<name>)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def test_two_processes_at_once_send_each_reminder_once(dossiers, tmp_path) -> None:
    """Two processes scanning and sending at the same moment: every reminder is
    recorded once and sent once in all (by one process or the other), and the
    totals they print add up to the reminders recorded."""
    for hour in (9, 10, 11):
        for _n in range(4):
            dossiers.processing(at(f"2026-12-01 {hour:02d}:00"))  # due today
    for _n in range(4):
        dossiers.result_ready(at("2026-12-01 10:00"), at("2026-12-01 15:00"))
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onecenter.settings",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": "consolemail://",
        "SMS_BACKEND": "notifications.channels.ConsoleSMSBackend",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(barrier), f"p{n}", NOW, str(PROCESSES)],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    outputs = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=90)
        assert run.returncode == 0, stderr
        outputs.append(stdout)

    reminders = list(Reminder.objects.all())
    assert len(reminders) == 12 * 2 + 4  # officer and clerk per due dossier
    assert {r.status for r in reminders} == {Status.SENT}
    assert all(r.attempts == 1 for r in reminders)
    totals = [
        int(re.search(r"^(\d+) reminders sent$", out, re.M).group(1)) for out in outputs
    ]
    assert sum(totals) == len(reminders)
    combined = "".join(outputs)
    emailed = Counter(re.findall(rf"^{KEY_HEADER}: (\S+)$", combined, re.M))
    texted = Counter(re.findall(r"^SMS to \S+ \[(\S+)\]:", combined, re.M))
    assert emailed == {r.key: 1 for r in reminders if r.email}
    assert texted == {r.key: 1 for r in reminders if r.phone and r.for_applicant}
    assert Notification.objects.count() == len(reminders)
