"""Public catalogue pages: list, filters, detail, blank forms, query counts."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from procedures.models import AdministrativeLevel
from tests.factories import (
    FeeFactory,
    ProcedureFactory,
    RequiredPaperFactory,
    RouteStepFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def make_catalogue(count: int) -> None:
    sectors = [SectorFactory() for _ in range(3)]
    for i in range(count):
        procedure = ProcedureFactory(published=True, sector=sectors[i % 3])
        RequiredPaperFactory(procedure=procedure)
        RequiredPaperFactory(procedure=procedure)
        FeeFactory(procedure=procedure)
        RouteStepFactory(procedure=procedure)


@pytest.mark.parametrize("count", [5, 200])
def test_list_query_count_is_constant(client, django_assert_max_num_queries, count):
    """The public list needs the same few queries at 5 and at 200 procedures."""
    make_catalogue(count)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("procedures:list"), {"q": "thu tuc"})
    assert response.status_code == 200
    assert len(response.context["search"].page.object_list) == min(count, 20)


@pytest.mark.parametrize("count", [5, 200])
def test_detail_query_count_is_constant(client, django_assert_max_num_queries, count):
    """A procedure page costs the same queries however large the catalogue."""
    make_catalogue(count)
    procedure = ProcedureFactory(published=True)
    for _ in range(5):
        RequiredPaperFactory(procedure=procedure)
    # 8: with the line naming the groups of linked procedures it belongs to.
    with django_assert_max_num_queries(8):
        response = client.get(procedure.get_absolute_url())
    assert response.status_code == 200


def test_list_filters_by_field_level_and_online(client):
    """Filters narrow the list to the chosen field, level and online availability."""
    sector = SectorFactory(code="ho-tich", name="Hộ tịch")
    wanted = ProcedureFactory(
        published=True, sector=sector, level=AdministrativeLevel.COMMUNE
    )
    ProcedureFactory(published=True, sector=sector, level=AdministrativeLevel.PROVINCE)
    ProcedureFactory(
        published=True,
        sector=sector,
        level=AdministrativeLevel.COMMUNE,
        via_online=False,
        online_level="none",
    )
    ProcedureFactory(published=True, level=AdministrativeLevel.COMMUNE)
    response = client.get(
        reverse("procedures:list"),
        {"sector": "ho-tich", "level": "commune", "online": "on"},
    )
    assert list(response.context["search"].page.object_list) == [wanted]


def test_list_paginates_and_keeps_the_search(client):
    """Page links keep the search terms."""
    make_catalogue(25)
    response = client.get(reverse("procedures:list"), {"q": "thu tuc", "page": 2})
    assert len(response.context["search"].page.object_list) == 5
    assert "q=thu+tuc&amp;page=1" in response.content.decode()


def test_detail_shows_what_a_citizen_needs(client):
    """The page lists papers, fees, time, route, result and legal basis."""
    procedure = ProcedureFactory(
        published=True,
        name="Đăng ký khai sinh",
        legal_basis="Luật Hộ tịch 2014\nNghị định 123/2015/NĐ-CP",
    )
    RequiredPaperFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh")
    FeeFactory(procedure=procedure, name="Lệ phí cấp bản sao", amount_vnd=8000)
    RouteStepFactory(procedure=procedure, name="Thẩm định hồ sơ")
    content = client.get(procedure.get_absolute_url()).content.decode()
    for text in (
        "Tờ khai đăng ký khai sinh",
        "Lệ phí cấp bản sao",
        "8.000 đ",
        "Thẩm định hồ sơ",
        "Nghị định 123/2015/NĐ-CP",
        "5 ngày làm việc",
    ):
        assert text in content


@pytest.mark.parametrize("trait", [{}, {"withdrawn": True}])
def test_unpublished_procedures_are_not_public(client, trait):
    """Draft and withdrawn procedures answer 404."""
    procedure = ProcedureFactory(**trait)
    assert client.get(procedure.get_absolute_url()).status_code == 404


def test_blank_form_downloads_for_public_procedures_only(client, file_storage):
    """A blank form is downloadable while its procedure is public, from the local
    disk or from S3."""
    procedure = ProcedureFactory(published=True)
    paper = RequiredPaperFactory(procedure=procedure)
    paper.blank_form.save("to-khai.pdf", ContentFile(b"%PDF-1.4 form"))
    assert file_storage.holds(paper.blank_form.name)
    url = reverse("procedures:blank_form", args=[procedure.code, paper.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 form"
    procedure.status = "withdrawn"
    procedure.save()
    assert client.get(url).status_code == 404
