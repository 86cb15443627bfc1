"""Ratings are evidence: the admin reads and exports them, never edits or deletes."""

import pytest
from django.urls import reverse

from dossiers.models import Dossier, State
from feedback.models import Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(demo):
    dossier = Dossier.objects.filter(state=State.RETURNED).first()
    return Rating.objects.create(
        dossier=dossier,
        scores={"guidance": 5, "courtesy": 4, "timeliness": 2, "fees": 5},
        comment="=HYPERLINK()",
        via=Rating.Via.LOOKUP,
    )


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "root-reports", "root@example.org", "x-long-password-1"
    )
    client.force_login(user)
    return client


def test_ratings_cannot_be_changed_or_deleted(superuser_client, rating):
    """Even a superuser sees a rating read-only and cannot delete it."""
    change = reverse("admin:feedback_rating_change", args=[rating.pk])
    assert superuser_client.get(change).status_code == 200
    response = superuser_client.post(change, {"scores": '{"guidance": 1}'})
    assert response.status_code == 403
    delete = reverse("admin:feedback_rating_delete", args=[rating.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    rating.refresh_from_db()
    assert rating.scores["guidance"] == 5
    changelist = superuser_client.get(reverse("admin:feedback_rating_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_ratings_export_as_csv(superuser_client, rating):
    """The selected ratings download as CSV; a comment never becomes a formula."""
    response = superuser_client.post(
        reverse("admin:feedback_rating_changelist"),
        {"action": "export_csv", "_selected_action": [rating.pk]},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert rating.dossier.code in text
    assert "'=HYPERLINK()" in text
