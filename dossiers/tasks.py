"""Celery tasks of dossiers: take primary keys, reload, call one function."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from notifications.delivery import DeliveryError

from . import notices


@shared_task(
    acks_late=True,
    autoretry_for=(DeliveryError, OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=settings.NOTICE_MAX_ATTEMPTS,
)
def send_transition_notice(notice_id: int) -> str | None:
    """Send the applicant's notice of a transition; a failed channel is retried."""
    notice = notices.send_transition_notice(notice_id)
    return notice.status if notice is not None else None


@shared_task(acks_late=True)
def send_pending_notices() -> int:
    """Beat, every few minutes: queue again every transition notice recorded
    more than ``NOTICE_SWEEP_AFTER_SECONDS`` ago and never tried (its message
    lost with a worker or a broker restart); sending twice is impossible
    (``notifications.delivery.deliver``). Returns how many were queued."""
    pending = notices.never_tried(settings.NOTICE_SWEEP_AFTER_SECONDS)
    for notice_id in pending:
        send_transition_notice.delay(notice_id)
    return len(pending)
