"""Writing to the outbox: an event per dossier transition, and replays.

``record_transition`` is called by ``dossiers.services.core.perform`` inside the
transition's transaction, with the dossier row locked: the event, its sequence
number and a delivery row per active subscriber are committed with the
transition or not at all. The deliveries are enqueued after commit for speed;
the periodic sweep finds any that a lost message or a stopped worker left.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from procedures.models import Agency

from .models import Delivery, Event, Status, Subscriber
from .tasks import deliver

# What subscribers are told of a dossier: identifiers, state and times, never
# who the applicant is (no name, ID number, address, phone, e-mail), nor notes
# or reasons, which may name people. Only these keys are sent.
PAYLOAD_KEYS = (
    "dossier_code",
    "procedure_code",
    "agency_code",
    "deciding_agency_code",
    "channel",
    "event",
    "sequence",
    "occurred_at",
    "previous_state",
    "state",
    "outcome",
    "timeliness",
    "submitted_at",
    "received_at",
    "due_at",
    "original_due_at",
    "extended_due_at",
    "decided_at",
    "returned_at",
    "closed_at",
)


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def record_transition(dossier: Any, log: Any) -> Event | None:
    """Record the transition ``log`` of the locked ``dossier`` for every active
    subscriber. A dossier without a code (a draft withdrawn before it was
    submitted) was never known outside the centre: nothing is recorded."""
    if not dossier.code:
        return None
    sequence = (
        Event.objects.filter(dossier_id=dossier.pk).aggregate(last=Max("sequence"))[
            "last"
        ]
        or 0
    ) + 1
    agencies = dict(
        Agency.objects.filter(
            pk__in={dossier.receiving_desk_id, dossier.deciding_agency_id}
        ).values_list("pk", "code")
    )
    payload = {
        "dossier_code": dossier.code,
        "procedure_code": (dossier.procedure_snapshot or {}).get("code", ""),
        "agency_code": agencies.get(dossier.receiving_desk_id, ""),
        "deciding_agency_code": agencies.get(dossier.deciding_agency_id, ""),
        "channel": dossier.channel,
        "event": log.transition,
        "sequence": sequence,
        "occurred_at": _iso(log.created_at),
        "previous_state": log.from_state,
        "state": log.to_state,
        "outcome": dossier.outcome or None,
        "timeliness": dossier.timeliness or None,
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.current_due_at),
        "original_due_at": _iso(dossier.due_at),
        "extended_due_at": _iso(dossier.extended_due_at),
        "decided_at": _iso(dossier.decided_at),
        "returned_at": _iso(dossier.returned_at),
        "closed_at": _iso(dossier.closed_at),
    }
    event = Event.objects.create(
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        sequence=sequence,
        event_type=log.transition,
        payload=payload,
        occurred_at=log.created_at,
    )
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            event=event,
            subscriber=subscriber,
            dossier_id=dossier.pk,
            sequence=sequence,
            next_attempt_at=now,
        )
        for subscriber in Subscriber.objects.filter(is_active=True)
    )
    for delivery in deliveries:
        # bulk_create returns primary keys on PostgreSQL and SQLite alike.
        deliver.delay_on_commit(delivery.pk)
    return event


def replay(deliveries: Iterable[Delivery]) -> list[Delivery]:
    """Give dead deliveries a fresh set of attempts, now; the others are left
    alone. Returns those replayed (the caller logs who asked)."""
    now = timezone.now()
    replayed = []
    with transaction.atomic():
        for record in Delivery.objects.select_for_update().filter(
            pk__in=[d.pk for d in deliveries], status=Status.DEAD
        ):
            record.status = Status.PENDING
            record.attempts = 0
            record.next_attempt_at = now
            record.replays += 1
            record.save(
                update_fields=["status", "attempts", "next_attempt_at", "replays"]
            )
            deliver.delay_on_commit(record.pk)
            replayed.append(record)
    return replayed
