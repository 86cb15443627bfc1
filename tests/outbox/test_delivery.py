"""Delivering events to a real HTTP receiver: order, backoff, dead letter,
replay, signatures, and exactly one applied copy per idempotency key."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.admin import site
from django.contrib.admin.models import LogEntry
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils import timezone

from accounts.models import User
from dossiers.services import core
from outbox import delivery
from outbox.admin import DeliveryAdmin
from outbox.models import Delivery, Event, Kind, Status, Subscriber
from outbox.tasks import sweep

from .journey import file_dossier, take_through
from .receiver import verify

# Each test steps the clock by hand; no test waits on it.
pytestmark = pytest.mark.usefixtures("people")


def sweep_at(moment) -> int:
    """One sweep as the beat would run it at ``moment`` (tasks run eagerly)."""
    with time_machine.travel(moment, tick=False):
        return sweep()


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (7, 1920), (8, 3600), (15, 3600)],
)
def test_backoff_doubles_up_to_its_cap(attempts, seconds):
    """The wait after the nth failure: 30 s, then doubling, capped at an hour."""
    assert delivery.backoff(attempts, base=30, cap=3600) == timedelta(seconds=seconds)


def test_failed_attempts_are_rescheduled_with_backoff(
    people, procedure, webhook, receiver, settings
):
    """Each failure sets the next attempt at now + the backoff for that attempt;
    the sweep does not touch it before then."""
    settings.OUTBOX_BACKOFF_SECONDS = 30
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 3600
    receiver.up("unavailable")
    file_dossier(people, procedure)
    row = Delivery.objects.get()
    now = timezone.now()
    for attempt, wait in [(1, 30), (2, 60), (3, 120)]:
        assert sweep_at(now) == 1
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_response) == (
            Status.PENDING,
            attempt,
            503,
        )
        assert row.next_attempt_at == now + timedelta(seconds=wait)
        assert sweep_at(row.next_attempt_at - timedelta(seconds=1)) == 0
        now = row.next_attempt_at
    assert len(receiver.requests) == 3


def test_delivered_in_order_per_dossier(people, procedure, webhook, receiver):
    """A dossier's event n+1 is not sent before event n has been delivered,
    even when it is asked for first."""
    first = file_dossier(people, procedure)
    take_through(first, people)
    rows = list(Delivery.objects.order_by("sequence"))
    assert len(rows) == 6
    receiver.up("unavailable")
    assert delivery.deliver(rows[0].pk).status == Status.PENDING
    receiver.up("up")
    for later in rows[1:]:
        assert delivery.deliver(later.pk) is None
    assert len(receiver.requests) == 1
    # The first one's backoff has not passed: nothing may go yet.
    assert sweep() == 0
    assert sweep_at(timezone.now() + timedelta(hours=1)) == 1
    assert receiver.applied_sequences() == {first.code: [1, 2, 3, 4, 5, 6]}
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.DELIVERED}


def test_dead_after_max_attempts_holds_back_later_events(
    people, procedure, webhook, receiver, settings
):
    """After OUTBOX_MAX_ATTEMPTS failures a delivery is dead: no more attempts,
    and the dossier's later events wait behind it."""
    settings.OUTBOX_MAX_ATTEMPTS = 3
    receiver.up("unavailable")
    dossier = file_dossier(people, procedure)
    later = timezone.now() + timedelta(days=1)
    for hours in range(1, 4):
        sweep_at(timezone.now() + timedelta(hours=hours))
    row = Delivery.objects.get(sequence=1)
    assert (row.status, row.attempts) == (Status.DEAD, 3)
    assert "503" in row.last_error
    receiver.up("up")
    take_through(dossier, people)
    assert sweep_at(later) == 0
    assert receiver.dedup == {}
    assert Delivery.objects.filter(status=Status.PENDING).count() == 5


def test_admin_replays_a_dead_delivery(
    people, procedure, webhook, receiver, settings, rf
):
    """The admin's replay action gives a dead delivery fresh attempts, is
    written to the admin's history under who asked, and the dossier's line
    moves on once it is delivered."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    receiver.up("unavailable")
    dossier = file_dossier(people, procedure)
    sweep()
    row = Delivery.objects.get()
    assert row.status == Status.DEAD
    receiver.up("up")
    take_through(dossier, people)
    assert sweep() == 0
    superuser = User.objects.create_superuser("outbox-admin", "a@example.vn", "pw")
    request = rf.post("/admin/outbox/delivery/")
    request.user = superuser
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = DeliveryAdmin(Delivery, site)
    assert "replay" in model_admin.get_actions(request)
    assert "replay" not in model_admin.get_actions(staff_request(rf, people.clerk))
    model_admin.replay(request, Delivery.objects.filter(pk=row.pk))
    row.refresh_from_db()
    assert (row.status, row.attempts, row.replays) == (Status.PENDING, 0, 1)
    entry = LogEntry.objects.get(object_id=str(row.pk))
    assert entry.user == superuser
    # Recorded in the language of the administrator who replayed it.
    assert entry.get_change_message() == "Đã gửi lại một lượt gửi thất bại."
    assert sweep() == 1
    assert receiver.applied_sequences() == {dossier.code: [1, 2, 3, 4, 5, 6]}


def staff_request(rf, user):
    request = rf.post("/admin/outbox/delivery/")
    request.user = user
    return request


def test_webhook_signature_is_verifiable(people, procedure, webhook, receiver):
    """A webhook carries an HMAC-SHA256 of "<timestamp>.<body>" under the
    subscriber's secret; a changed body or another secret does not verify."""
    file_dossier(people, procedure)
    sweep()
    [(key, headers, body)] = receiver.requests
    timestamp = headers["X-OneCenter-Timestamp"]
    signature = headers["X-OneCenter-Signature"]
    assert verify("test-secret", timestamp, body, signature)
    assert not verify("other-secret", timestamp, body, signature)
    assert not verify("test-secret", timestamp, body.replace(b"1", b"2"), signature)
    assert not verify("test-secret", str(int(timestamp) + 1), body, signature)
    document = json.loads(body)
    event = Event.objects.get()
    assert key == str(event.key) == document["id"]
    assert document["type"] == "dossier.submit"
    assert document["data"] == event.payload
    assert receiver.bad_signatures == 0
    documented = documented_verify()
    assert documented("test-secret", headers, body)
    assert not documented("test-secret", headers, body + b" ")


def documented_verify():
    """The ``verify`` function docs/outbox.md gives webhook receivers."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "outbox.md").read_text()
    section = text.split("## Checking the signature", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(code, namespace)
    return namespace["verify"]


def test_national_portal_gets_the_flat_record_with_its_token(
    people, procedure, receiver
):
    """The national portal adapter posts the flat status record with the
    portal's bearer token and the idempotency key."""
    receiver.secret = None
    Subscriber.objects.create(
        name="Cổng DVC quốc gia",
        kind=Kind.NATIONAL_PORTAL,
        url=receiver.url,
        secret="portal-token",
    )
    dossier = file_dossier(people, procedure)
    sweep()
    [(key, headers, body)] = receiver.requests
    event = Event.objects.get()
    assert headers["Authorization"] == "Bearer portal-token"
    assert key == str(event.key)
    assert json.loads(body) == {"event_id": str(event.key), **event.payload}
    assert json.loads(body)["dossier_code"] == dossier.code


def test_a_lost_answer_is_sent_again_with_the_same_key(
    people, procedure, webhook, receiver
):
    """When the receiver got the event but its answer was lost, the retry
    carries the same idempotency key and the receiver applies it once."""
    receiver.up("drop")
    file_dossier(people, procedure)
    sweep()
    receiver.up("up")
    sweep_at(timezone.now() + timedelta(minutes=5))
    keys = [key for key, _headers, _body in receiver.requests]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert list(receiver.dedup) == [keys[0]]
    assert Delivery.objects.get().status == Status.DELIVERED


def test_end_to_end_receiver_down_then_up(
    people,
    procedure,
    webhook,
    receiver,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    """The receiver refuses connections, then answers 503, then is up: every
    event of three dossiers arrives exactly once per idempotency key, each
    dossier's in order, and every delivery ends delivered."""
    # The transitions' on-commit work runs, the deliveries' included; the
    # applicants' notices are another test's business.
    monkeypatch.setattr(
        core.send_transition_notice, "delay_on_commit", lambda *args: None
    )
    receiver.down()
    dossiers = []
    with django_capture_on_commit_callbacks(execute=True):
        for hour in ("08", "09", "10"):
            dossiers.append(
                file_dossier(people, procedure, when=f"2026-12-01 {hour}:00")
            )
        for dossier in dossiers[:2]:
            take_through(dossier, people)
    refused = Delivery.objects.filter(attempts=1, last_response=None)
    assert refused.count() == 3  # each dossier's first event; the rest waited
    now = timezone.now()
    receiver.up("unavailable")
    for _ in range(2):
        now += timedelta(hours=1)
        sweep_at(now)
    assert Delivery.objects.filter(last_response=503).count() == 3
    receiver.up("up")
    sweep_at(now + timedelta(hours=1))
    events = Event.objects.all()
    assert len(receiver.dedup) == events.count() == 6 + 6 + 1
    assert set(receiver.dedup) == {
        str(key) for key in events.values_list("key", flat=True)
    }
    assert receiver.applied_sequences() == {
        dossiers[0].code: [1, 2, 3, 4, 5, 6],
        dossiers[1].code: [1, 2, 3, 4, 5, 6],
        dossiers[2].code: [1],
    }
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.DELIVERED}
    # Nothing left to do: a second sweep sends nothing.
    sent = len(receiver.requests)
    assert sweep_at(now + timedelta(hours=2)) == 0
    assert len(receiver.requests) == sent
