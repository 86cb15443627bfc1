"""Periodic work of the statistics: keeping the summary rows built."""

from celery import shared_task

from . import summaries


@shared_task(acks_late=True)
def refresh_summaries() -> int:
    """Rebuild the summary rows of the days since the last build (idempotent)."""
    return summaries.refresh()
