"""The unread badge in the header, kept in the cache and forgotten on every change."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BADGE = 'badge rounded-pill text-bg-warning">{}<'


def test_the_unread_badge_is_cached_and_follows_every_change(
    client, django_assert_max_num_queries
):
    """A new notice shows at once, a read one goes at once, and in between the
    count costs no query."""
    user = UserFactory()
    client.force_login(user)
    first = Notification.objects.create(recipient=user, key="a", subject="s", body="b")
    assert BADGE.format(1) in client.get(reverse("portal:home")).text
    with django_assert_max_num_queries(2):  # the session (without Redis), the user
        client.get(reverse("portal:home"))
    Notification.objects.create(recipient=user, key="b", subject="s", body="b")
    assert BADGE.format(2) in client.get(reverse("portal:home")).text
    client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert BADGE.format(1) in client.get(reverse("portal:home")).text
    client.post(reverse("notifications:mark_all_read"))
    assert "text-bg-warning" not in client.get(reverse("portal:home")).text
