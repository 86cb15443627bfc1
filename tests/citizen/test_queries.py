"""The applicant's list costs the same number of queries at 5 and at 50 dossiers."""

import pytest
from django.urls import reverse

from dossiers import services
from procedures.models import Procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [5, 50])
def test_my_dossiers_list_query_count(
    client, demo, media, count, django_assert_max_num_queries
):
    """Session, user, count, page and the unread badge: a fixed handful of queries."""
    applicant = UserFactory(username=f"many{count}", role="applicant")
    procedure = Procedure.objects.get(code="1.000894")
    for _ in range(count):
        services.dossier_create_draft(applicant=applicant, procedure=procedure)
    client.force_login(applicant)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("dossiers:my_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 20)


@pytest.mark.parametrize("count", [5, 50])
def test_inbox_query_count(client, demo, count, django_assert_max_num_queries):
    """The inbox is paginated and reads each notice's dossier in the same query."""
    from notifications.models import Notification

    applicant = UserFactory(username=f"inbox{count}", role="applicant")
    Notification.objects.bulk_create(
        Notification(recipient=applicant, key=f"q{count}-{i}", subject="s", body="b")
        for i in range(count)
    )
    client.force_login(applicant)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("notifications:inbox")).status_code == 200


def test_my_dossiers_are_kept_rendered_until_one_changes(
    client, demo, media, django_assert_max_num_queries
):
    """Reloaded while nothing changed, the list is served as drawn (no read of
    the dossiers); a new draft or a changed one shows at once, and another
    applicant never gets this one's list."""
    applicant = UserFactory(username="kept", role="applicant")
    other = UserFactory(username="kept-other", role="applicant")
    procedure = Procedure.objects.get(code="1.000894")
    first = services.dossier_create_draft(applicant=applicant, procedure=procedure)
    url = reverse("dossiers:my_list")
    client.force_login(applicant)
    row = '<td class="cell-title">'
    assert client.get(url).content.decode().count(row) == 1
    with django_assert_max_num_queries(3) as captured:
        content = client.get(url).content.decode()
    assert not any(
        'FROM "dossiers_dossier"' in q["sql"] for q in captured.captured_queries
    )
    assert content.count(row) == 1
    services.dossier_create_draft(applicant=applicant, procedure=procedure)
    assert client.get(url).content.decode().count(row) == 2
    first.delete()
    assert client.get(url).content.decode().count(row) == 1
    client.force_login(other)
    assert row not in client.get(url).content.decode()
