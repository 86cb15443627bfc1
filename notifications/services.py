"""Writes of a user's own notifications: marking them read."""

from typing import Any

from django.utils import timezone

from .models import Notification
from .selectors import forget_unread


def notification_mark_read(*, user: Any, notification_id: int) -> int:
    """Mark one of the user's notifications read; 0 if it is not theirs or was read."""
    marked = Notification.objects.filter(
        pk=notification_id, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    forget_unread(user.pk)
    return marked


def notifications_mark_all_read(*, user: Any) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    forget_unread(user.pk)
    return marked
