"""Public tracking by code and PIN: each stage, no personal data, rate limited."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from dossiers import services
from tests.factories import demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def track(client, dossier, pin=None):
    return client.get(
        reverse("dossiers:track"),
        {"code": dossier.code, "pin": dossier.lookup_pin if pin is None else pin},
    )


def page(response) -> str:
    """The page without its per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


def current_stage(response):
    return [s.label for s in response.context["stages"] if s.status == "current"]


def test_tracking_follows_each_stage_to_the_result(client, in_processing, media):
    """Received → processing → result ready → returned, each shown as it comes."""
    dossier = in_processing
    clerk, officer, leader = (demo_user(u) for u in ("clerk", "officer", "leader"))
    response = track(client, dossier)
    assert response.context["status"].state == "processing"
    assert len(current_stage(response)) == 1
    stages_seen = [current_stage(response)]
    services.dossier_forward(dossier=dossier, actor=officer)
    services.dossier_approve(dossier=dossier, actor=leader)
    response = track(client, dossier)
    assert response.context["status"].state == "result_ready"
    stages_seen.append(current_stage(response))
    services.dossier_return_result(
        dossier=dossier,
        actor=clerk,
        channel="counter",
        collected_by="An",
        id_checked=True,
    )
    response = track(client, dossier)
    assert response.context["status"].state == "returned"
    assert all(s.status == "done" for s in response.context["stages"])
    assert response.context["rating_form"] is not None
    assert stages_seen[0] != stages_seen[1]


def test_tracking_shows_no_personal_data(client, in_processing):
    """The applicant's name, ID number and phone never appear."""
    content = track(client, in_processing).content.decode()
    for private in (
        in_processing.applicant_name,
        in_processing.applicant_id_number,
        in_processing.applicant_phone,
    ):
        assert private not in content


def test_wrong_pin_reads_exactly_like_an_unknown_code(client, in_processing):
    """A real code with a wrong PIN gets the same page as a code that does not exist."""
    wrong = track(client, in_processing, pin="999999")
    unknown = client.get(reverse("dossiers:track"), {"code": "X-1", "pin": "999999"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["not_found"] and unknown.context["not_found"]
    assert "status" not in wrong.context
    assert page(wrong).replace(in_processing.code, "X-1") == page(unknown)


def test_repeated_guessing_is_refused_with_429(client, in_processing, settings):
    """After TRACKING_MAX_FAILURES misses, even the right PIN gets 429 for a while."""
    settings.TRACKING_MAX_FAILURES = 3
    for _ in range(3):
        track(client, in_processing, pin="000000")
    assert track(client, in_processing).status_code == 429
