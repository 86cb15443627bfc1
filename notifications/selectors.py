"""Reads of a user's notifications: the inbox and its unread count."""

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from .models import Notification

# The badge says "99+" beyond this; counting further would cost for nothing.
UNREAD_CAP = 100
# A bound on the count's life in the cache, should a write bypass the signals.
UNREAD_TIMEOUT = 600


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return (
        Notification.objects.filter(recipient=user)
        .only("subject", "body", "link", "created_at", "read_at")
        .order_by("-created_at", "-id")
    )


def unread_count(user: Any) -> int:
    """The user's unread notifications, counted up to ``UNREAD_CAP``.

    Every page's header shows it, so it is kept in the shared cache until a
    notification of the user's is created, read or deleted (``forget_unread``).
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    key = unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = (
            Notification.objects.filter(recipient=user, read_at__isnull=True)
            .order_by()[:UNREAD_CAP]
            .count()
        )
        cache.set(key, count, UNREAD_TIMEOUT)
    return count


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def forget_unread(user_id: int) -> None:
    """Drop the user's cached unread count, now and again after the commit (a
    count read by another request before the commit would be kept otherwise)."""
    cache.delete(unread_key(user_id))
    transaction.on_commit(lambda: cache.delete(unread_key(user_id)), robust=True)


def _notification_changed(sender: Any, instance: Notification, **kwargs: Any) -> None:
    forget_unread(instance.recipient_id)


def connect_signals() -> None:
    """Forget the count whenever a notification row is saved or deleted."""
    uid = "notifications-unread-count"
    post_save.connect(_notification_changed, sender=Notification, dispatch_uid=uid)
    post_delete.connect(_notification_changed, sender=Notification, dispatch_uid=uid)


def unread_badge(user: Any) -> str:
    """The text of the menu's unread badge for ``user`` ("" when none; the cap
    shown as "99+")."""
    count = unread_count(user)
    if not count:
        return ""
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)
