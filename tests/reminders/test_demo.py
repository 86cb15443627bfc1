"""send_reminders on the demo data: the dry run's count is what the run sends."""

import re
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from notifications.models import Notification
from portal.demo import DEMO_PASSWORD, seed_demo
from reminders.models import Reminder, Status

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A working-day morning: the demo's history is laid out in working days before it.
WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)


def send_reminders(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def total(output: str, suffix: str) -> int:
    match = re.fullmatch(rf"(\d+) {suffix}", output.strip().splitlines()[-1])
    assert match, output
    return int(match.group(1))


def test_after_seed_demo_the_dry_run_count_is_sent_once(
    db, settings, tmp_path, mailoutbox
) -> None:
    """On a fresh database with the demo loaded, a dry run counts some reminders
    and records nothing; the run sends exactly that many, of the same kinds;
    a second run sends none."""
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(WEDNESDAY, tick=False):
        seed_demo(DEMO_PASSWORD)
        mailoutbox.clear()

        dry = send_reminders("--dry-run")
        assert not Reminder.objects.exists()
        assert mailoutbox == []
        first = send_reminders()
        second = send_reminders()

    would = total(dry, "reminders would be sent")
    assert would > 0
    assert total(first, "reminders sent") == would
    per_kind = [line for line in dry.splitlines() if ": " in line]
    assert per_kind == [line for line in first.splitlines() if ": " in line]
    assert total(second, "reminders sent") == 0
    assert Reminder.objects.count() == would
    assert Reminder.objects.filter(status=Status.SENT).count() == would
    assert len(mailoutbox) == Reminder.objects.exclude(email="").count()
    assert (
        Notification.objects.filter(key__in=Reminder.objects.values("key")).count()
        == Reminder.objects.filter(recipient__isnull=False).count()
    )
