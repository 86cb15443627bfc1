"""A satisfaction rating is evidence: saving one writes an audit event in the same
transaction, with who rated (the account, or "code + PIN" for the public form),
when, the dossier and how; the comment stays in the rating alone. A refused
rating writes nothing."""

import json

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from dossiers.models import Dossier, State
from feedback import services
from feedback.models import Rating, active_criteria
from feedback.services import LOOKUP_ACTOR, rating_submit
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db

COMMENT = "Cán bộ Trần Văn Bình hướng dẫn rất tận tình"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(demo):
    return demo_user("citizen")


@pytest.fixture
def returned(citizen) -> Dossier:
    """The demo citizen's returned dossier, not rated yet."""
    return Dossier.objects.get(
        applicant=citizen, state=State.RETURNED, ratings__isnull=True
    )


@pytest.fixture
def scores(demo) -> dict[str, int]:
    return {criterion.code: 4 for criterion in active_criteria()}


def rated_events():
    return AuditEvent.objects.filter(action=Action.DOSSIER_RATED)


def assert_comment_not_kept(event: AuditEvent) -> None:
    kept = json.dumps(event.details, ensure_ascii=False) + event.object_label
    assert COMMENT not in kept
    assert "comment" not in event.details


def test_a_rating_from_the_account_is_audited_with_its_applicant(
    citizen, returned, scores
):
    """One event: the applicant as actor, the rating as object, on the dossier,
    "account" as the way in; the comment is not copied."""
    rating = rating_submit(
        dossier=returned, scores=scores, comment=COMMENT, actor=citizen
    )
    event = rated_events().get()
    assert (event.actor, event.actor_label) == (citizen, citizen.username)
    assert (event.object_type, event.object_id) == ("feedback.rating", rating.pk)
    assert (event.dossier_id, event.dossier_code) == (returned.pk, returned.code)
    assert event.receiving_desk_id == returned.receiving_desk_id
    assert event.deciding_agency_id == returned.deciding_agency_id
    assert event.details == {"via": Rating.Via.ACCOUNT, "scores": scores}
    assert event.created_at >= rating.created_at
    assert_comment_not_kept(event)


def test_a_rating_by_code_and_pin_is_audited_without_an_account(
    client, returned, scores
):
    """The public form has no account: no actor, "code + PIN" in its place, and
    the address it came from; "lookup" as the way in."""
    response = client.post(
        reverse("feedback:track_rate"),
        {
            **scores,
            "code": returned.code,
            "pin": returned.lookup_pin,
            "comment": COMMENT,
        },
    )
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=returned)
    event = rated_events().get()
    assert (event.actor, event.actor_label) == (None, LOOKUP_ACTOR)
    assert (event.object_type, event.object_id) == ("feedback.rating", rating.pk)
    assert (event.dossier_id, event.dossier_code) == (returned.pk, returned.code)
    assert event.details == {"via": Rating.Via.LOOKUP, "scores": scores}
    assert event.ip == "127.0.0.1"
    assert_comment_not_kept(event)


def test_the_service_called_without_an_actor_records_code_and_pin(returned, scores):
    rating_submit(dossier=returned, scores=scores)
    event = rated_events().get()
    assert (event.actor, event.actor_label, event.ip) == (None, LOOKUP_ACTOR, None)
    assert event.details["via"] == Rating.Via.LOOKUP


def test_a_second_rating_is_refused_and_writes_no_audit_event(
    citizen, returned, scores
):
    rating_submit(dossier=returned, scores=scores, actor=citizen)
    with pytest.raises(ValidationError) as caught:
        rating_submit(dossier=returned, scores=scores)
    assert caught.value.code == "already_rated"
    assert rated_events().count() == 1
    assert rated_events().get().actor == citizen


def test_a_dossier_not_returned_is_refused_and_writes_no_audit_event(citizen, scores):
    ready = Dossier.objects.get(applicant=citizen, state=State.RESULT_READY)
    with pytest.raises(ValidationError) as caught:
        rating_submit(dossier=ready, scores=scores, actor=citizen)
    assert caught.value.code == "not_returned"
    assert not rated_events().exists()


def test_wrong_scores_or_another_person_write_no_audit_event(returned, scores):
    with pytest.raises(ValidationError):
        rating_submit(dossier=returned, scores={**scores, "unknown": 3})
    stranger = UserFactory(username="stranger", role=Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        rating_submit(dossier=returned, scores=scores, actor=stranger)
    assert not rated_events().exists()
    assert not Rating.objects.filter(dossier=returned).exists()


def test_no_rating_is_kept_when_its_audit_event_cannot_be_written(
    citizen, returned, scores, monkeypatch
):
    """One transaction: a rating is never kept without its audit event."""

    def fail(*args, **kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(services.audit, "record", fail)
    with pytest.raises(RuntimeError):
        rating_submit(dossier=returned, scores=scores, actor=citizen)
    assert not Rating.objects.filter(dossier=returned).exists()
