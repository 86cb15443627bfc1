"""Celery tasks of notifications: take primary keys, reload, call one function."""

from celery import shared_task

from .delivery import notify_transition


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_transition_notice(log_id: int) -> None:
    notify_transition(log_id)
