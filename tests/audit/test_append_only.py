"""Audit events are append-only: not through the ORM, not through the admin site,
and on PostgreSQL not even through raw SQL, except the retention purge."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import Action, AppendOnlyError, AuditEvent
from audit.services import record
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@pytest.fixture
def event(db) -> AuditEvent:
    return record(None, Action.LOGIN_FAILED, actor_label="someone")


def test_a_recorded_event_cannot_be_saved_again(event):
    """Changing a row and saving it is refused."""
    event.actor_label = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "someone"


def test_an_event_cannot_be_deleted(event):
    """Deleting a row, or a queryset, is refused."""
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event):
    """QuerySet.update and bulk_update are refused."""
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="x")
    event.actor_label = "x"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["actor_label"])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "someone"


def test_the_admin_site_shows_events_to_superusers_read_only(client, as_staff, db):
    """A superuser may list and open events but not add, change or delete one."""
    event = record(None, Action.LOGIN_FAILED, actor_label="someone")
    as_staff(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="actor_label"' not in page.content
    assert client.post(change, {"actor_label": "x"}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "someone"


def test_the_catalogue_administrator_cannot_read_the_trail(client, as_staff, demo):
    """An administrator without superuser rights has no audit pages in the admin."""
    as_staff(demo_user("admin"))
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403


@postgresql_only
def test_the_database_refuses_a_raw_update_or_delete(event):
    """Raw SQL, as from a console, cannot change or delete an event."""
    for sql in (
        "UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "someone"


@postgresql_only
def test_the_purge_switch_allows_deleting_but_never_updating(event):
    """The purge's transaction-local switch lets a DELETE through, not an UPDATE,
    and ends with its transaction."""
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL audit.purge = 'on'")
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s",
            [event.pk],
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.purge = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert not AuditEvent.objects.filter(pk=event.pk).exists()
