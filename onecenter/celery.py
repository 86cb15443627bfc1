"""The Celery application and its beat schedule."""

import logging.config
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onecenter.settings")

app = Celery("onecenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's log lines carry its task id and the request id of the request that
# queued it (django-structlog; DJANGO_STRUCTLOG_CELERY_ENABLED in settings).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """The worker and beat log through settings.LOGGING (JSON lines in production)
    instead of Celery's own handlers."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


# Periodic scans are added here as features need them (each entry with a comment);
# reminders come from scanning the database, never from ETA tasks days ahead.
app.conf.beat_schedule = {
    # Deadline and applicant reminders (reminders/tasks.py), at 07:00 before the
    # desks open and at 13:00 when the afternoon starts, in Asia/Ho_Chi_Minh
    # (CELERY_TIMEZONE). It fires every day because the government sometimes makes
    # a Saturday a working day; the scan itself sends nothing on a non-working day.
    "reminders-scan": {
        "task": "reminders.tasks.scan_and_send",
        "schedule": crontab(minute=0, hour="7,13"),
        # A scan not started within the hour (workers down) is dropped: the next
        # one finds the same reminders, and the pending ones too.
        "options": {"expires": 3600},
    },
    # Audit events past AUDIT_RETENTION_DAYS are deleted (audit/tasks.py), at 02:30
    # when nobody works; a missed run is caught up by the next night's.
    "audit-purge": {
        "task": "audit.tasks.purge_old_events",
        "schedule": crontab(minute=30, hour=2),
        "options": {"expires": 6 * 3600},
    },
    # The statistics' summary rows (reports/tasks.py): the days since the last
    # build, a few days back, up to yesterday; the current day is computed live.
    # Hourly at :15, so a missed night is caught up; a rerun rebuilds the same rows.
    "reports-refresh-summaries": {
        "task": "reports.tasks.refresh_summaries",
        "schedule": crontab(minute=15),
        "options": {"expires": 3600},
    },
    # The statistics' live days (since the last build) computed into the cache
    # every minute, so no statistics page waits for them (reports/summaries.py).
    "reports-refresh-live-days": {
        "task": "reports.tasks.refresh_live_days",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Outbox deliveries due now (outbox/tasks.py): retries whose backoff has
    # passed, and any delivery whose on-commit message was lost. Every 30 s; a
    # sweep not started by then is dropped, the next one finds the same rows.
    "outbox-sweep": {
        "task": "outbox.tasks.sweep",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    # Group files' notice digests whose window is over and not yet sent
    # (procedure_groups/tasks.py): each is also queued with a countdown when
    # opened; this sends those whose message was lost with a worker. Every
    # minute; a sweep not started by then is dropped, the next finds the same.
    "group-notice-digests": {
        "task": "procedure_groups.tasks.send_due_group_notices",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Applicants' transition notices whose sending message was lost (a worker or
    # broker restart before it ran) are queued again after a few minutes.
    "pending-transition-notices": {
        "task": "dossiers.tasks.send_pending_notices",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
}
