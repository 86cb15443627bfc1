"""Celery tasks of groups of linked procedures: take primary keys, reload, call
one function."""

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
def send_group_notice(notice_id: int) -> str | None:
    """Send the applicant's one notice of a group file's batch of changes."""
    notice = notices.send_group_notice(notice_id)
    return notice.status if notice is not None else None
