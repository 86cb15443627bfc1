"""Celery tasks of feedback: take primary keys, reload, call one function."""

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
def send_complaint_notice(notice_id: int) -> str | None:
    """Send the applicant the answer to their complaint; a failed channel is retried."""
    notice = notices.send_answer_notice(notice_id)
    return notice.status if notice is not None else None
