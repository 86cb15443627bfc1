"""The outbox tests' centre (the dossier tests' one), subscribers and receivers."""

from collections.abc import Iterator

import pytest

from outbox.models import Kind, Subscriber
from tests.dossiers.conftest import (  # noqa: F401  (fixtures)
    at_last_step,
    centre,
    draft,
    filed,
    people,
    procedure,
    processing,
    received,
    result_ready,
)

from .receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(secret="test-secret")
    yield server
    server.release()
    server.down()


@pytest.fixture
def webhook(receiver: Receiver) -> Subscriber:
    return Subscriber.objects.create(
        name="Test receiver", kind=Kind.WEBHOOK, url=receiver.url, secret="test-secret"
    )
