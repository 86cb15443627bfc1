"""Celery tasks of the audit trail."""

from celery import shared_task
from django.utils import timezone

from .retention import purge_events


@shared_task(acks_late=True)
def purge_old_events() -> int:
    """The daily retention purge (``onecenter/celery.py``); running it twice
    deletes nothing the second time."""
    return purge_events(now=timezone.now())
