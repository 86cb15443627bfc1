"""Reads of a user's notifications: the inbox and its unread count."""

from typing import Any

from django.db.models import QuerySet

from .models import Notification

# The badge says "99+" beyond this; counting further would cost for nothing.
UNREAD_CAP = 100


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return (
        Notification.objects.filter(recipient=user)
        .only("subject", "body", "link", "created_at", "read_at")
        .order_by("-created_at", "-id")
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .order_by()[:UNREAD_CAP]
        .count()
    )
