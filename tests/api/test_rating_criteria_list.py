"""GET /api/v1/rating-criteria/: anyone reads the criteria a rating must score now,
in the centre's order and the portal's language, with the score range the rating
service checks; the schema documents it."""

import pytest
from django.conf import settings

from feedback.models import (
    DEFAULT_CRITERIA,
    HIGHEST_SCORE,
    LOWEST_SCORE,
    RatingCriterion,
)
from tests.factories import default_criteria_rows, demo_user

from .conftest import error_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/rating-criteria/"


@pytest.fixture
def criteria(demo):
    """The four first criteria as rows, a fifth the centre added and asks first
    (the wait at the desk), and the fees retired."""
    default_criteria_rows(retired=("fees",))
    RatingCriterion.objects.create(
        code="waiting",
        label="Thời gian chờ tại quầy",
        label_en="Waiting time at the desk",
        question="Ông/Bà có phải chờ lâu tại quầy không?",
        question_en="Was the wait at the desk short?",
        position=5,
    )


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_anyone_reads_the_active_criteria_in_order(anon, criteria):
    """The added criterion comes first; the retired one is not listed."""
    response = anon.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [c["code"] for c in body] == [
        "waiting",
        "guidance",
        "courtesy",
        "timeliness",
    ]
    assert body[0] == {
        "code": "waiting",
        "label": "Thời gian chờ tại quầy",
        "question": "Ông/Bà có phải chờ lâu tại quầy không?",
        "lowest_score": LOWEST_SCORE,
        "highest_score": HIGHEST_SCORE,
    }
    assert {(c["lowest_score"], c["highest_score"]) for c in body} == {(1, 5)}


def test_the_list_follows_a_change_of_the_criteria(anon, criteria):
    """Reordered and retired in the admin: the next read says so."""
    RatingCriterion.objects.filter(code="waiting").update(position=99)
    RatingCriterion.objects.filter(code="courtesy").update(is_active=False)
    codes = [c["code"] for c in anon.get(URL).json()]
    assert codes == ["guidance", "timeliness", "waiting"]


def test_without_configured_criteria_the_default_four_are_listed(anon, demo):
    RatingCriterion.objects.all().delete()
    codes = [c["code"] for c in anon.get(URL).json()]
    assert codes == [default.code for default in DEFAULT_CRITERIA]


def test_labels_are_in_the_portals_language(anon, criteria):
    """Vietnamese by default; English when the language cookie asks for it."""
    vietnamese = anon.get(URL)
    assert vietnamese["Content-Language"] == "vi"
    assert [c["label"] for c in vietnamese.json()][:2] == [
        "Thời gian chờ tại quầy",
        "Hướng dẫn rõ ràng",
    ]
    english = in_english(anon).get(URL)
    assert english["Content-Language"] == "en"
    first = english.json()[0]
    assert (first["label"], first["question"]) == (
        "Waiting time at the desk",
        "Was the wait at the desk short?",
    )
    assert [c["label"] for c in english.json()][1:] == [
        "Clear guidance",
        "Courtesy of the staff",
        "Result on time",
    ]


def test_the_browsers_accept_language_does_not_change_the_language(anon, criteria):
    """As on every page and endpoint (docs/api.md, "Errors"): Vietnamese first."""
    response = anon.get(URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.json()[0]["label"] == "Thời gian chờ tại quầy"


def test_a_signed_in_users_preferred_language_is_used(as_user, criteria):
    client = as_user("citizen")
    user = demo_user("citizen")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    assert client.get(URL).json()[0]["label"] == "Waiting time at the desk"


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_reads_a_constant_number_of_queries(
    anon, demo, count, django_assert_max_num_queries
):
    RatingCriterion.objects.all().delete()
    RatingCriterion.objects.bulk_create(
        RatingCriterion(
            code=f"criterion-{i}",
            label=f"Tiêu chí {i}",
            label_en=f"Criterion {i}",
            question=f"Câu hỏi {i}?",
            question_en=f"Question {i}?",
            position=i,
        )
        for i in range(count)
    )
    with django_assert_max_num_queries(2):
        response = anon.get(URL)
    assert len(response.json()) == count


def test_the_list_is_throttled_per_client(anon, demo, monkeypatch):
    from api.throttles import PublicThrottle

    monkeypatch.setattr(
        PublicThrottle,
        "THROTTLE_RATES",
        {**PublicThrottle.THROTTLE_RATES, "public": "2/minute"},
    )
    assert anon.get(URL).status_code == 200
    assert anon.get(URL).status_code == 200
    response = anon.get(URL)
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_the_schema_documents_the_list(anon, demo):
    schema = anon.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/rating-criteria/"]["get"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["type"] == "array"
    name = answer["items"]["$ref"].rsplit("/", 1)[-1]
    criterion = schema["components"]["schemas"][name]
    assert set(criterion["properties"]) == {
        "code",
        "label",
        "question",
        "lowest_score",
        "highest_score",
    }
    assert criterion["properties"]["lowest_score"]["type"] == "integer"
    assert {"401", "429"} <= set(operation["responses"])
