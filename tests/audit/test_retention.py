"""The retention purge deletes only events older than AUDIT_RETENTION_DAYS."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import Action, AuditEvent
from audit.tasks import purge_old_events

pytestmark = pytest.mark.django_db


def at(days_ago: float, label: str) -> AuditEvent:
    return AuditEvent.objects.create(
        action=Action.LOGIN,
        actor_label=label,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_purge_removes_only_old_events_and_records_itself(settings):
    """Events past the retention period go, the others stay, and the purge leaves
    a row saying how many it deleted."""
    settings.AUDIT_RETENTION_DAYS = 730
    at(900, "old")
    at(731, "just past")
    kept = [at(729, "just inside"), at(1, "recent")]
    out = StringIO()
    call_command("purge_audit", stdout=out)
    assert "Deleted 2 audit event(s) older than 730 days." in out.getvalue()
    labels = set(
        AuditEvent.objects.exclude(action=Action.AUDIT_PURGED).values_list(
            "actor_label", flat=True
        )
    )
    assert labels == {event.actor_label for event in kept}
    [purge] = AuditEvent.objects.filter(action=Action.AUDIT_PURGED)
    assert purge.details["count"] == 2
    assert purge.details["retention_days"] == 730


def test_the_daily_task_run_twice_deletes_nothing_the_second_time(settings):
    """The beat task purges once; a second run finds nothing and records nothing."""
    settings.AUDIT_RETENTION_DAYS = 30
    at(31, "old")
    assert purge_old_events() == 1
    assert purge_old_events() == 0
    assert AuditEvent.objects.filter(action=Action.AUDIT_PURGED).count() == 1


def test_a_retention_of_zero_keeps_everything(settings):
    """AUDIT_RETENTION_DAYS=0 turns the purge off."""
    settings.AUDIT_RETENTION_DAYS = 0
    at(5000, "ancient")
    assert purge_old_events() == 0
    assert AuditEvent.objects.count() == 1
