"""Satisfaction ratings: once per returned dossier, from the account or by code+PIN."""

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.urls import reverse

from dossiers.models import Dossier, State
from feedback.models import Rating

pytestmark = pytest.mark.django_db

SCORES = {"guidance": 5, "courtesy": 4, "timeliness": 3, "fees": 5}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_the_applicant_rates_a_returned_dossier_once(client, citizen, returned):
    """The first rating is saved; a second is refused and changes nothing."""
    client.force_login(citizen)
    url = reverse("feedback:rate", args=[returned.pk])
    response = client.post(url, {**SCORES, "comment": "Nhanh, chu đáo"})
    assert response["Location"].endswith("#rating")
    rating = Rating.objects.get(dossier=returned)
    assert rating.scores == SCORES
    assert (rating.via, rating.rated_by) == (Rating.Via.ACCOUNT, citizen)
    client.post(url, {**SCORES, "guidance": 1})
    assert Rating.objects.get(dossier=returned).scores["guidance"] == 5
    page = client.get(reverse("dossiers:detail", args=[returned.pk]))
    assert page.context["rating"] == rating
    assert page.context["rating_form"] is None


def test_unique_constraint_on_dossier(returned):
    """Rating rows are unique per dossier in the database itself."""
    Rating.objects.create(dossier=returned, via="account", scores=SCORES)
    with pytest.raises(IntegrityError):
        Rating.objects.create(dossier=returned, via="lookup", scores=SCORES)


def test_scores_outside_1_to_5_are_refused(client, citizen, returned):
    """Missing or out-of-range scores re-render the page with the error summary."""
    client.force_login(citizen)
    response = client.post(
        reverse("feedback:rate", args=[returned.pk]), {**SCORES, "fees": 9}
    )
    assert response.status_code == 400
    assert "fees" in response.context["rating_form"].errors
    assert b'id="error-summary"' in response.content
    assert not Rating.objects.exists()


def test_a_dossier_not_yet_returned_cannot_be_rated(client, citizen):
    """Before the result is handed over, the rating is refused."""
    ready = Dossier.objects.get(applicant=citizen, state=State.RESULT_READY)
    client.force_login(citizen)
    client.post(reverse("feedback:rate", args=[ready.pk]), SCORES)
    assert not Rating.objects.exists()


def test_counter_applicant_rates_by_code_and_pin(client, returned):
    """Without an account: code + PIN + scores; once only."""
    url = reverse("feedback:track_rate")
    data = {**SCORES, "code": returned.code, "pin": returned.lookup_pin}
    response = client.post(url, data)
    assert response["Location"] == reverse("dossiers:track")
    rating = Rating.objects.get(dossier=returned)
    assert (rating.via, rating.rated_by) == (Rating.Via.LOOKUP, None)
    again = client.post(url, data)
    assert again.status_code == 400
    assert Rating.objects.count() == 1


def test_public_rating_with_a_wrong_pin_reads_like_an_unknown_code(client, returned):
    """A wrong PIN and an unknown code get the same answer and count as misses."""
    url = reverse("feedback:track_rate")
    wrong = client.post(url, {**SCORES, "code": returned.code, "pin": "000000"})
    unknown = client.post(url, {**SCORES, "code": "KHONG-CO", "pin": "000000"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.context["form"].non_field_errors() == (
        unknown.context["form"].non_field_errors()
    )
    assert not Rating.objects.exists()


def test_public_rating_is_blocked_after_too_many_misses(client, returned, settings):
    """After TRACKING_MAX_FAILURES misses the rating form answers 429 too."""
    settings.TRACKING_MAX_FAILURES = 2
    url = reverse("feedback:track_rate")
    for _ in range(2):
        client.post(url, {**SCORES, "code": returned.code, "pin": "1"})
    response = client.post(
        url, {**SCORES, "code": returned.code, "pin": returned.lookup_pin}
    )
    assert response.status_code == 429
    assert not Rating.objects.exists()
