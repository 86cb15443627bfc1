"""The dashboard and the worklist at a fixed, small number of queries, with their
counts in one statement and their rows drawn without a query or a template each."""

import pytest
from django.urls import reverse

from dossiers import freshness, services
from dossiers.models import Dossier, State
from procedures.models import Procedure
from tests.factories import demo_user

pytestmark = pytest.mark.django_db


def make_dossiers(count: int, state: str) -> None:
    citizen = demo_user("citizen")
    procedure = Procedure.objects.get(code="1.004873")
    for _ in range(count):
        dossier = services.dossier_create_draft(applicant=citizen, procedure=procedure)
        Dossier.objects.filter(pk=dossier.pk).update(state=state)


@pytest.mark.parametrize("count", [5, 50])
def test_dashboard_counts_every_queue_in_one_query(
    client, demo, media, django_assert_max_num_queries, count
):
    """The clerk's dashboard: session (without Redis), user, second factor, one
    statement for the counts of all the clerk's queues; the header's agency comes
    from the cache."""
    Dossier.objects.all().delete()
    make_dossiers(count, State.SUBMITTED)
    client.force_login(demo_user("clerk"))
    client.get(reverse("workspace:dashboard"))
    freshness.changed()  # counts kept from the first visit are read again
    with django_assert_max_num_queries(4) as captured:
        response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 200
    assert response.context["counts"]["to_check"] == count
    assert sum("COUNT(" in query["sql"] for query in captured.captured_queries) == 1
    assert demo_user("clerk").agency.name in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_worklist_reads_a_page_in_a_fixed_number_of_queries(
    client, demo, media, django_assert_max_num_queries, count
):
    """The worklist after its first visit: session (without Redis), user, second
    factor, the page, the counts of the queue tabs (one statement) and the
    assignees of the filter (the catalogue's choices and the calendar are
    cached)."""
    Dossier.objects.all().delete()
    make_dossiers(count, State.SUBMITTED)
    client.force_login(demo_user("clerk"))
    client.get(reverse("workspace:dossier_list"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("workspace:dossier_list"))
    content = response.content.decode()
    assert content.count('<span class="badge rounded-pill text-bg-info">') == min(
        count, 25
    )


def test_a_new_procedure_shows_in_the_worklist_filter_at_once(client, demo, media):
    """The cached filter choices follow the catalogue."""
    from tests.factories import ProcedureFactory

    client.force_login(demo_user("clerk"))
    client.get(reverse("workspace:dossier_list"))
    ProcedureFactory(code="1.999123", name="Thủ tục mới thêm vào danh mục")
    content = client.get(reverse("workspace:dossier_list")).content.decode()
    assert "Thủ tục mới thêm vào danh mục" in content


def test_the_worklist_says_how_the_applicant_wants_the_result(client, demo, media):
    """The delivery chosen at filing shows under the channel, with no extra query."""
    Dossier.objects.all().delete()
    make_dossiers(2, State.SUBMITTED)
    Dossier.objects.filter(pk=Dossier.objects.first().pk).update(result_delivery="post")
    client.force_login(demo_user("clerk"))
    content = client.get(reverse("workspace:dossier_list")).content.decode()
    assert content.count("Nhận kết quả: Qua bưu chính") == 1
