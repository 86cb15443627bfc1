"""Delivering recorded events: in order per dossier, retried, then dead.

``deliver`` takes one delivery row with ``SELECT … FOR UPDATE SKIP LOCKED``, so
of two workers handed the same row one sends and the other finds nothing to
do. The HTTP request runs while the row is locked and the status changes in
the same transaction: a worker killed mid-request leaves the row pending (its
transaction rolls back) and another worker sends the event again with the same
idempotency key. That is at least once; the key makes it once at a receiver
that keeps one row per key.

Order: a delivery is sent only when every earlier event of the same dossier has
been delivered to the same subscriber. The lock on an earlier row does not let
a later one past: its status only becomes "delivered" when its transaction
commits. Failures are retried at ``next_attempt_at`` (exponential backoff,
``backoff``) by the periodic sweep; after ``OUTBOX_MAX_ATTEMPTS`` the row is
dead and waits for an administrator's replay, holding back the dossier's later
events for that subscriber.

This module never imports ``tasks``: the tasks call it.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from .models import Delivery, Status
from .receivers import DeliveryFailed, receiver_for

logger = logging.getLogger(__name__)

# A chain of one dossier's events to one subscriber is followed this far in one
# task; a longer one is taken up again by the next sweep.
CHAIN_LIMIT = 100


def backoff(attempts: int, *, base: int, cap: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2×base, 4×base…,
    never more than ``cap`` (seconds)."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _earlier_undelivered(subscriber_id: object, dossier_id: object, sequence: object):
    return Delivery.objects.filter(
        subscriber_id=subscriber_id, dossier_id=dossier_id, sequence__lt=sequence
    ).exclude(status=Status.DELIVERED)


def due_deliveries(now: datetime) -> QuerySet[Delivery]:
    """Pending deliveries whose time has come and whose dossier's earlier events
    have all reached their subscriber: what may be sent now, oldest due first."""
    return (
        Delivery.objects.filter(
            status=Status.PENDING,
            next_attempt_at__lte=now,
            subscriber__is_active=True,
        )
        .filter(
            ~Exists(
                _earlier_undelivered(
                    OuterRef("subscriber_id"),
                    OuterRef("dossier_id"),
                    OuterRef("sequence"),
                )
            )
        )
        .order_by("next_attempt_at", "id")
    )


def deliver(delivery_id: int, *, now: datetime | None = None) -> Delivery | None:
    """Attempt one delivery if it is due, unlocked and first in its dossier's
    line. Returns the row as it now is, or None when there was nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        record = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "subscriber")
            .filter(
                pk=delivery_id,
                status=Status.PENDING,
                next_attempt_at__lte=now,
                subscriber__is_active=True,
            )
            .first()
        )
        if record is None:
            return None
        if _earlier_undelivered(
            record.subscriber_id, record.dossier_id, record.sequence
        ).exists():
            return None
        record.attempts += 1
        record.last_attempt_at = now
        try:
            record.last_response = receiver_for(record.subscriber).send(
                record.event, attempt=record.attempts
            )
        except DeliveryFailed as error:
            record.last_response = error.status
            record.last_error = str(error)[:2000]
            if record.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                record.status = Status.DEAD
                logger.error(
                    "Outbox delivery %s dead after %s attempts: %s",
                    record.pk,
                    record.attempts,
                    record.last_error,
                )
            else:
                record.next_attempt_at = now + backoff(
                    record.attempts,
                    base=settings.OUTBOX_BACKOFF_SECONDS,
                    cap=settings.OUTBOX_BACKOFF_MAX_SECONDS,
                )
                logger.warning(
                    "Outbox delivery %s failed (attempt %s): %s",
                    record.pk,
                    record.attempts,
                    record.last_error,
                )
        else:
            record.status = Status.DELIVERED
            record.delivered_at = now
            record.last_error = ""
        record.save()
    return record


def deliver_in_order(delivery_id: int, *, now: datetime | None = None) -> int:
    """Deliver ``delivery_id`` and, while that succeeds, the next events of the
    same dossier to the same subscriber. Returns how many were delivered."""
    delivered = 0
    for _ in range(CHAIN_LIMIT):
        record = deliver(delivery_id, now=now)
        if record is None or record.status != Status.DELIVERED:
            break
        delivered += 1
        following = (
            Delivery.objects.filter(
                subscriber_id=record.subscriber_id,
                dossier_id=record.dossier_id,
                sequence__gt=record.sequence,
                status=Status.PENDING,
            )
            .order_by("sequence")
            .values_list("pk", flat=True)
            .first()
        )
        if following is None:
            break
        delivery_id = following
    return delivered
