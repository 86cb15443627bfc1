"""The dashboard and the worklist at a fixed, small number of queries, with their
counts in one statement and their rows drawn without a query or a template each."""

import pytest
from django.conf import settings
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
    freshness.changed()  # the page kept from the first visit is drawn again
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


def dossier_reads(captured) -> int:
    return sum('FROM "dossiers_dossier"' in q["sql"] for q in captured)


def test_the_worklist_is_kept_rendered_until_a_dossier_changes(
    client, demo, media, django_assert_max_num_queries
):
    """A worklist reloaded while nothing changed is served as drawn (no read of
    the dossiers); a new dossier, a changed one or another filter shows at once."""
    Dossier.objects.all().delete()
    make_dossiers(3, State.SUBMITTED)
    client.force_login(demo_user("clerk"))
    url = reverse("workspace:dossier_list")
    badge = '<span class="badge rounded-pill text-bg-info">'
    assert client.get(url).content.decode().count(badge) == 3
    with django_assert_max_num_queries(4) as captured:
        response = client.get(url)
    assert dossier_reads(captured.captured_queries) == 0
    assert response.content.decode().count(badge) == 3
    make_dossiers(1, State.SUBMITTED)
    assert client.get(url).content.decode().count(badge) == 4
    first = Dossier.objects.order_by("pk").first()
    first.applicant_name = "Tên Vừa Sửa"
    first.save(update_fields=["applicant_name"])
    assert "Tên Vừa Sửa" in client.get(url).content.decode()
    # Another query is another page; a cursor that does not parse says so
    # every time, kept or not.
    assert client.get(url, {"q": "Tên Vừa Sửa"}).content.decode().count(badge) == 1
    for _ in range(2):
        response = client.get(url, {"after": "not-a-cursor"})
        assert response.status_code == 400
        assert "không hợp lệ" in response.content.decode()


def test_the_kept_worklist_is_the_users_own_in_their_language(client, demo, media):
    """The kept page is per user and per language: the officer does not get the
    clerk's, nor an English visitor the Vietnamese one."""
    Dossier.objects.all().delete()
    make_dossiers(2, State.SUBMITTED)
    url = reverse("workspace:dossier_list")
    client.force_login(demo_user("clerk"))
    clerk_page = client.get(url).content.decode()
    client.force_login(demo_user("officer"))
    officer_page = client.get(url).content.decode()
    assert officer_page != clerk_page
    assert 'data-queue="to_check"' in clerk_page
    assert 'data-queue="to_check"' not in officer_page
    client.force_login(demo_user("clerk"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "More filters" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "More filters" not in client.get(url).content.decode()
