"""The API's rating takes the criteria the centre configured (``scores`` keyed by
criterion code), checked and stored by the same service as the portal's form;
the first four criteria's old fields still work; the schema documents both."""

import json

import pytest
from django.urls import reverse

from dossiers.models import Dossier, State
from feedback.models import Rating, RatingCriterion
from tests.factories import default_criteria_rows, demo_user

from .conftest import error_of

pytestmark = pytest.mark.django_db

JSON = "application/json"
OLD_SCORES = {"guidance": 5, "courtesy": 4, "timeliness": 3, "fees": 5}


@pytest.fixture
def criteria(demo):
    """The four first criteria as rows, and a fifth the centre added: the wait at
    the desk, asked first."""
    default_criteria_rows()
    RatingCriterion.objects.create(
        code="waiting",
        label="Thời gian chờ tại quầy",
        label_en="Waiting time at the desk",
        question="Ông/Bà có phải chờ lâu tại quầy không?",
        question_en="Was the wait at the desk short?",
        position=5,
    )


@pytest.fixture
def returned(demo) -> Dossier:
    """The demo citizen's returned dossier, not rated yet."""
    return Dossier.objects.get(
        applicant__username="citizen", state=State.RETURNED, ratings__isnull=True
    )


def rate(client, dossier: Dossier, body: dict):
    return client.post(
        f"/api/v1/me/dossiers/{dossier.pk}/rating/", json.dumps(body), content_type=JSON
    )


def test_a_configured_criterion_is_scored_and_stored_as_the_form_stores_it(
    as_user, client, criteria, returned
):
    """The added criterion is accepted with the four others; the rating stored is
    the one the portal's form stores for the same answers."""
    scores = {**OLD_SCORES, "waiting": 2}
    response = rate(as_user("citizen"), returned, {"scores": scores, "comment": " Ổn "})
    assert response.status_code == 201, response.content
    assert response.json() == {**OLD_SCORES, "scores": scores, "comment": "Ổn"}
    citizen = demo_user("citizen")
    by_api = Rating.objects.get(dossier=returned)
    stored = (by_api.scores, by_api.comment, by_api.via, by_api.rated_by)
    assert stored == (scores, "Ổn", Rating.Via.ACCOUNT, citizen)

    by_api.delete()
    client.force_login(citizen)
    page = client.post(
        reverse("feedback:rate", args=[returned.pk]), {**scores, "comment": " Ổn "}
    )
    assert page.status_code == 302
    by_page = Rating.objects.get(dossier=returned)
    assert (by_page.scores, by_page.comment, by_page.via, by_page.rated_by) == stored


@pytest.mark.parametrize(
    ("scores", "field", "says"),
    [
        (OLD_SCORES, "scores.waiting", "Thời gian chờ tại quầy"),
        ({**OLD_SCORES, "waiting": 2, "queue": 4}, "scores.queue", "waiting"),
        ({**OLD_SCORES, "waiting": 9}, "scores.waiting", "5"),
    ],
    ids=["a required criterion missing", "an unknown criterion", "out of range"],
)
def test_a_wrong_set_of_scores_is_refused_and_nothing_stored(
    as_user, criteria, returned, scores, field, says
):
    """A missing criterion is named; an unknown code is refused with the codes
    asked; a score out of 1 to 5 is pointed at. Nothing is stored."""
    dossier = returned
    response = rate(as_user("citizen"), dossier, {"scores": scores})
    error = error_of(response)
    assert error["status"] == 422
    assert set(error["fields"]) == {field}
    assert says in " ".join(error["fields"][field])
    assert not Rating.objects.filter(dossier=dossier).exists()


def test_a_retired_criterion_is_refused_and_no_longer_required(
    as_user, criteria, returned
):
    """Once the fees criterion is retired, a score for it is refused as no longer
    asked; the rating without it is stored."""
    RatingCriterion.objects.filter(code="fees").update(is_active=False)
    dossier = returned
    client = as_user("citizen")
    scores = {**OLD_SCORES, "waiting": 4}
    refused = error_of(rate(client, dossier, {"scores": scores}))
    assert refused["status"] == 422
    assert set(refused["fields"]) == {"scores.fees"}
    assert "Phí, lệ phí đúng quy định" in refused["fields"]["scores.fees"][0]
    assert not Rating.objects.filter(dossier=dossier).exists()

    del scores["fees"]
    accepted = rate(client, dossier, {"scores": scores})
    assert accepted.status_code == 201, accepted.content
    assert "fees" not in accepted.json()
    assert Rating.objects.get(dossier=dossier).scores == scores


def test_the_first_four_fields_still_rate_while_only_those_are_asked(
    as_user, criteria, returned
):
    """An older client sending the four fields of the first version is still
    served when those are the criteria asked; told what is missing otherwise;
    refused when it sends both shapes at once."""
    client = as_user("citizen")
    dossier = returned
    missing = error_of(rate(client, dossier, OLD_SCORES))
    assert missing["status"] == 422
    assert set(missing["fields"]) == {"waiting"}
    both = error_of(rate(client, dossier, {**OLD_SCORES, "scores": OLD_SCORES}))
    assert both["status"] == 422 and "scores" in both["detail"]
    assert not Rating.objects.filter(dossier=dossier).exists()

    RatingCriterion.objects.filter(code="waiting").update(is_active=False)
    accepted = rate(client, dossier, OLD_SCORES)
    assert accepted.status_code == 201, accepted.content
    assert Rating.objects.get(dossier=dossier).scores == OLD_SCORES


def test_the_schema_documents_the_scores(anon, demo):
    """The rating's input and answer carry ``scores``, an object of integers from
    1 to 5 keyed by criterion code; the four old fields are marked deprecated."""
    schema = anon.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/me/dossiers/{id}/rating/"]["post"]
    reference = operation["requestBody"]["content"][JSON]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    given = components[reference.rsplit("/", 1)[1]]["properties"]
    assert given["scores"]["type"] == "object"
    assert given["scores"]["additionalProperties"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 5,
    }
    assert "guidance" in given["scores"]["description"]
    assert all(given[code]["deprecated"] for code in OLD_SCORES)
    answer = operation["responses"]["201"]["content"][JSON]["schema"]["$ref"]
    answered = components[answer.rsplit("/", 1)[1]]
    assert answered["properties"]["scores"]["type"] == "object"
    assert "scores" in answered["required"]
