"""Celery tasks of groups of linked procedures: take primary keys, reload, call
one function."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from notifications.delivery import DeliveryError

from . import notices


@shared_task(
    acks_late=True,
    autoretry_for=(DeliveryError, OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=settings.NOTICE_MAX_ATTEMPTS,
)
def send_group_notice(notice_id: int) -> str | None:
    """Send the applicant's one notice of a group file's batch of changes."""
    notice = notices.send_group_notice(notice_id)
    return notice.status if notice is not None else None


@shared_task(acks_late=True)
def send_due_group_notices() -> int:
    """Beat, every minute: queue the sending of every group digest whose window
    is over and that was never tried (its countdown message lost with a worker,
    or taken too early); sending twice is impossible (``deliver``)."""
    due = notices.due_digests(timezone.now())
    for notice_id in due:
        send_group_notice.delay(notice_id)
    return len(due)
