"""The public catalogue pages served from the shared cache, and retired at once
when the catalogue or the calendar changes."""

import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from procedures.catalogue_io import export_catalogue, import_catalogue
from procedures.services import procedure_publish, procedure_withdraw
from tests.factories import (
    FeeFactory,
    ProcedureFactory,
    RequiredPaperFactory,
    RouteStepFactory,
    UserFactory,
)
from workcalendar.models import CalendarException, ExceptionKind
from workcalendar.types import OFFICE_TZ

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure():
    procedure = ProcedureFactory(
        published=True, name="Đăng ký khai sinh", name_en="Birth registration"
    )
    RequiredPaperFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh")
    FeeFactory(procedure=procedure, name="Lệ phí cấp bản sao", amount_vnd=8000)
    RouteStepFactory(procedure=procedure, name="Thẩm định hồ sơ")
    return procedure


def without_csrf_token(response) -> str:
    """The page, less the language switcher's token (masked anew each time)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text)


def public_pages(procedure) -> list[str]:
    return [
        reverse("portal:home"),
        reverse("procedures:list"),
        f"{reverse('procedures:list')}?q=khai+sinh",
        procedure.get_absolute_url(),
    ]


def test_a_second_visit_reads_nothing_from_the_database(
    client, procedure, django_assert_num_queries
):
    """Home, catalogue, search and procedure page: the second visit is served from
    the cache, with no query however large the page."""
    for url in public_pages(procedure):
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == first.status_code == 200
        assert without_csrf_token(second) == without_csrf_token(first)


def test_signed_in_visitors_share_the_cached_content(
    client, procedure, django_assert_max_num_queries
):
    """A signed-in citizen gets the cached content inside their own header: only
    the session and the user are read."""
    client.get(procedure.get_absolute_url())
    client.force_login(UserFactory(full_name="Nguyễn Văn An"))
    for url in public_pages(procedure):
        client.get(url)
        with django_assert_max_num_queries(2):
            response = client.get(url)
        content = response.content.decode()
        assert "Nguyễn Văn An" in content
        assert reverse("accounts:logout") in content


def test_catalogue_edits_show_on_the_next_request(client, procedure):
    """A new name, fee or paper, and a newly published procedure, show at once."""
    detail, search = procedure.get_absolute_url(), reverse("procedures:list")
    client.get(detail), client.get(search)

    procedure.name = "Đăng ký khai sinh lưu động"
    procedure.save()
    FeeFactory(procedure=procedure, name="Phí trích lục", amount_vnd=12000)
    RequiredPaperFactory(procedure=procedure, name="Giấy chứng sinh")
    content = client.get(detail).content.decode()
    for text in ("Đăng ký khai sinh lưu động", "Phí trích lục", "Giấy chứng sinh"):
        assert text in content
    assert "Đăng ký khai sinh lưu động" in client.get(search).content.decode()


def test_publishing_and_withdrawing_show_at_once(client, django_user_model):
    """A procedure published (the admin's action) appears on the cached list at
    once, and leaves it when withdrawn."""
    draft = ProcedureFactory(name="Cấp phép thử nghiệm bộ nhớ đệm")
    RequiredPaperFactory(procedure=draft)
    search = f"{reverse('procedures:list')}?q=bo+nho+dem"
    admin = django_user_model.objects.create_superuser(
        username="admin", password="onecenter-demo", role="administrator"
    )
    assert "Cấp phép thử nghiệm" not in client.get(search).content.decode()
    procedure_publish(procedure=draft, actor=admin)
    assert "Cấp phép thử nghiệm" in client.get(search).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200
    procedure_withdraw(procedure=draft, actor=admin)
    assert "Cấp phép thử nghiệm" not in client.get(search).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_catalogue_import_shows_at_once(client, procedure):
    """A renamed procedure in an imported catalogue file shows on the next visit."""
    client.get(procedure.get_absolute_url())
    document = json.loads(export_catalogue())
    for item in document["procedures"]:
        if item["code"] == procedure.code:
            item["name"] = "Đăng ký khai sinh (nhập từ tệp)"
    import_catalogue(document)
    content = client.get(procedure.get_absolute_url()).content.decode()
    assert "Đăng ký khai sinh (nhập từ tệp)" in content


@time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=OFFICE_TZ), tick=False)
def test_a_new_day_off_moves_the_expected_result_date(client, procedure):
    """The expected result date follows a day off added to the calendar."""
    # Five working days from Monday 7 December 2026: Monday 14th.
    url = procedure.get_absolute_url()
    assert "14/12/2026" in client.get(url).content.decode()
    CalendarException.objects.create(
        date=date(2026, 12, 9), kind=ExceptionKind.DAY_OFF, reason="Nghỉ thử"
    )
    content = client.get(url).content.decode()
    assert "14/12/2026" not in content
    assert "15/12/2026" in content


def test_the_expected_result_date_follows_the_clock(client, procedure):
    """The cached page around it does not freeze the expected result date."""
    url = procedure.get_absolute_url()
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=OFFICE_TZ)):
        first = client.get(url).content.decode()
    with time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=OFFICE_TZ)):
        second = client.get(url).content.decode()
    assert "14/12/2026" in first
    assert "15/12/2026" in second


def test_each_language_has_its_own_cached_page(client, procedure):
    """Vietnamese and English visitors each get the page in their language."""
    url = procedure.get_absolute_url()
    vietnamese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    again = client.get(url).content.decode()
    assert "Thành phần hồ sơ" in vietnamese
    assert "Required papers" in english
    assert "Birth registration</h1>" in english
    assert "Đăng ký khai sinh</h1>" in vietnamese
    assert "Thành phần hồ sơ" in again
    assert "Required papers" not in again


def test_anonymous_pages_carry_a_working_csrf_token_of_their_own(procedure):
    """Served whole from the cache, each anonymous page still gets its own token
    for the language switch, with its cookie, and the switch works with it."""
    from django.test import Client

    url = procedure.get_absolute_url()
    Client().get(url)  # someone else's visit fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    assert "\x00" not in page.text
    assert settings.CSRF_COOKIE_NAME in page.cookies
    switched = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": url, "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302
    assert "Required papers" in visitor.get(url).text


def test_a_visitor_with_a_session_or_a_message_is_not_served_the_shared_page(
    client, procedure
):
    """A message waiting (after a sign-out) shows on the page, which is rendered
    for that visitor, not taken from the cache."""
    url = reverse("portal:home")
    client.get(url)
    user = UserFactory(full_name="Trần Thị Bình")
    client.force_login(user)
    client.post(reverse("accounts:logout"))
    content = client.get(url).text
    assert "Trần Thị Bình" not in content
    assert reverse("accounts:login") in content
