"""Two workers never send the same delivery at once (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, transaction

from dossiers import services
from outbox import delivery
from outbox.models import Delivery, Kind, Status, Subscriber
from tests.dossiers.scenario import RECEIVED, fresh

from .journey import file_dossier
from .receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

# A bound for a failure not to hang the suite; nothing waits this long.
WAIT_SECONDS = 60


def in_other_worker(delivery_id: int) -> None:
    try:
        delivery.deliver(delivery_id)
    finally:
        connection.close()


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and concurrent connections need PostgreSQL.")


def test_a_delivery_being_sent_is_skipped_by_another_worker(
    postgresql, people, procedure, settings
):
    """While one worker holds a delivery's row (its request in flight), another
    worker asked for the same delivery does nothing; once the first commits,
    the row is delivered and a later ask does nothing either."""
    receiver = Receiver(secret="lock-secret")
    try:
        receiver.down()
        settings.OUTBOX_BACKOFF_SECONDS = 0
        Subscriber.objects.create(
            name="Lock", kind=Kind.WEBHOOK, url=receiver.url, secret="lock-secret"
        )
        file_dossier(people, procedure)
        row = Delivery.objects.get()
        assert (row.status, row.attempts) == (Status.PENDING, 1)
        receiver.up("hold")
        outcome: list = []

        def first_worker() -> None:
            try:
                outcome.append(delivery.deliver(row.pk))
            finally:
                connection.close()

        thread = threading.Thread(target=first_worker)
        thread.start()
        assert receiver.wait_for_requests(1, WAIT_SECONDS)
        # The second worker, in this thread, while the first waits for the answer.
        assert delivery.deliver(row.pk) is None
        assert delivery.deliver_in_order(row.pk) == 0
        assert len(receiver.requests) == 1
        receiver.mode = "up"
        receiver.release()
        thread.join(WAIT_SECONDS)
        assert not thread.is_alive()
        assert outcome[0].status == Status.DELIVERED
        assert delivery.deliver(row.pk) is None
        assert len(receiver.requests) == 1
        assert len(receiver.dedup) == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.DELIVERED, 2)
    finally:
        receiver.release()
        receiver.down()


def test_the_next_event_waits_while_the_previous_is_in_flight(
    postgresql, people, procedure, settings
):
    """Event 2 of a dossier is not sent while event 1's request is in flight
    (its row locked, still pending): order holds with concurrent workers."""
    receiver = Receiver(secret="lock-secret")
    try:
        receiver.down()
        settings.OUTBOX_BACKOFF_SECONDS = 0
        Subscriber.objects.create(
            name="Lock", kind=Kind.WEBHOOK, url=receiver.url, secret="lock-secret"
        )
        dossier = file_dossier(people, procedure)
        services.dossier_receive(
            dossier=fresh(dossier), actor=people.clerk, at=RECEIVED
        )
        first, second = Delivery.objects.order_by("sequence")
        receiver.up("hold")
        thread = threading.Thread(target=in_other_worker, args=[first.pk])
        thread.start()
        assert receiver.wait_for_requests(1, WAIT_SECONDS)
        with transaction.atomic():
            assert delivery.deliver(second.pk) is None
        assert (
            not delivery.due_deliveries(first.next_attempt_at)
            .filter(pk=second.pk)
            .exists()
        )
        receiver.mode = "up"
        receiver.release()
        thread.join(WAIT_SECONDS)
        assert delivery.deliver(second.pk).status == Status.DELIVERED
        assert receiver.applied_sequences() == {dossier.code: [1, 2]}
    finally:
        receiver.release()
        receiver.down()
