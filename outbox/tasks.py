"""Celery tasks of the outbox: take primary keys, call one function.

Both are ``acks_late`` and the settings reject a task whose worker was lost, so
Redis hands it to another worker; the delivery rows make a repeat harmless.
Retries are not Celery's: a failed delivery's row carries its next attempt's
time and the sweep (every 30 s, ``onecenter/celery.py``) enqueues it then.
"""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import delivery

# A delivery message no worker started within this long is dropped: its row is
# still pending and the next sweep enqueues it again, so copies do not pile up
# in the queue while the workers are down.
DELIVER_EXPIRES_SECONDS = 120


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> int:
    """Deliver one event to one subscriber, then the dossier's next ones."""
    return delivery.deliver_in_order(delivery_id)


@shared_task(acks_late=True)
def sweep() -> int:
    """Enqueue every delivery that is due and first in its dossier's line."""
    due = list(
        delivery.due_deliveries(timezone.now()).values_list("pk", flat=True)[
            : settings.OUTBOX_SWEEP_BATCH
        ]
    )
    for delivery_id in due:
        deliver.apply_async(args=[delivery_id], expires=DELIVER_EXPIRES_SECONDS)
    return len(due)
