"""Periodic work of the statistics: keeping the summary rows built."""

from celery import shared_task

from . import summaries, warmup


@shared_task(acks_late=True)
def refresh_summaries() -> int:
    """Rebuild the summary rows of the days since the last build (idempotent),
    then read the common views' sums into the cache."""
    count = summaries.refresh()
    if count:
        warmup.warm()
    return count


@shared_task(acks_late=True)
def refresh_live_days() -> int:
    """Compute the live days' figures into the cache ahead of the pages."""
    return summaries.refresh_live()
