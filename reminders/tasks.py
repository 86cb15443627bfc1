"""Celery tasks of reminders: take primary keys or a moment, call one function.

``scan_and_send`` runs from the beat schedule (``onecenter/celery.py``); it
records what is due and enqueues one ``deliver_reminder`` per pending row, so a
slow or failing channel holds up one reminder, not the scan. Both tasks are
``acks_late`` and the settings reject a task whose worker was lost, so Redis
hands it to another worker; the reminder rows make the repeat harmless.
"""

from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from notifications.delivery import DeliveryError

from . import delivery, scan

# Every scan enqueues every pending reminder again, so a delivery message that no
# worker started within six hours (the gap between the 07:00 and 13:00 scans) is
# dropped rather than piling up copies during an outage; its row stays pending.
DELIVERY_EXPIRES_SECONDS = 6 * 3600


@shared_task(acks_late=True)
def scan_and_send(now: str | None = None) -> int:
    """Record the reminders due at ``now`` (ISO 8601; default: the current time)
    and enqueue the sending of every pending one. Returns how many were enqueued.
    """
    moment = datetime.fromisoformat(now) if now else timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    pending = scan.record_due_reminders(moment).pending
    for reminder_id in pending:
        deliver_reminder.apply_async_on_commit(
            args=[reminder_id], expires=DELIVERY_EXPIRES_SECONDS
        )
    return len(pending)


@shared_task(
    acks_late=True,
    autoretry_for=(DeliveryError, OperationalError, InterfaceError),
    retry_backoff=60,
    # Under the broker's visibility timeout: a retry waiting longer would be handed
    # to a second worker as well (onecenter/settings.py, "Several nodes").
    retry_backoff_max=settings.TASK_RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=settings.NOTICE_MAX_ATTEMPTS,
)
def deliver_reminder(reminder_id: int) -> str | None:
    """Send one recorded reminder; a failed channel is retried with backoff."""
    reminder = delivery.deliver(reminder_id)
    return reminder.status if reminder is not None else None
