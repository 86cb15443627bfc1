"""The outbox in the admin site: pages open, and a replay through the form."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import User
from outbox.models import Delivery, Kind, Status, Subscriber
from outbox.tasks import sweep
from tests.audit.conftest import staff_login

from .journey import file_dossier


@pytest.fixture
def superuser_client(client):
    user = User.objects.create_superuser("outbox-root", "root@example.vn", "pw")
    return staff_login(client, user), user


def test_admin_pages_open(people, procedure, superuser_client):
    """Subscribers, events (with their deliveries) and deliveries open for a
    superuser."""
    client, _user = superuser_client
    Subscriber.objects.create(
        name="Nowhere", kind=Kind.WEBHOOK, url="http://127.0.0.1:9/"
    )
    file_dossier(people, procedure)
    row = Delivery.objects.get()
    for url in [
        reverse("admin:outbox_subscriber_changelist"),
        reverse("admin:outbox_subscriber_add"),
        reverse("admin:outbox_event_changelist"),
        reverse("admin:outbox_event_change", args=[row.event_id]),
        reverse("admin:outbox_delivery_changelist") + "?status=dead",
        reverse("admin:outbox_delivery_change", args=[row.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_replay_through_the_admin_form(people, procedure, superuser_client, settings):
    """The replay action, posted from the deliveries list, sets a dead delivery
    pending again and writes the admin's history."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    client, user = superuser_client
    Subscriber.objects.create(
        name="Nowhere", kind=Kind.WEBHOOK, url="http://127.0.0.1:9/"
    )
    file_dossier(people, procedure)
    sweep()
    row = Delivery.objects.get()
    assert row.status == Status.DEAD
    response = client.post(
        reverse("admin:outbox_delivery_changelist"),
        {"action": "replay", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.replays == 1
    assert LogEntry.objects.filter(object_id=str(row.pk), user=user).exists()
