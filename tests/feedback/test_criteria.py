"""Rating criteria are configured by administrators: the form asks the active ones
in their order and language; ratings keep the scores they were given; the
satisfaction figures average each criterion over the ratings that scored it."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from dossiers.models import Dossier, State
from feedback.forms import RatingForm
from feedback.models import (
    Rating,
    RatingCriterion,
    active_criteria,
    all_criteria,
)
from feedback.services import rating_submit
from reports import summaries
from reports.indicators import Period, Scope, Source, indicators
from tests.factories import default_criteria_rows, demo_user

pytestmark = pytest.mark.django_db
OLD_SCORES = {"guidance": 5, "courtesy": 4, "timeliness": 3, "fees": 5}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def criteria(demo):
    """The four criteria seeded by the migration, as rows."""
    default_criteria_rows()
    return RatingCriterion.objects.all()


@pytest.fixture
def returned_dossiers(demo):
    return list(Dossier.objects.filter(state=State.RETURNED, ratings__isnull=True)[:3])


def add_waiting_time_and_retire_fees():
    RatingCriterion.objects.create(
        code="waiting",
        label="Thời gian chờ tại quầy",
        label_en="Waiting time at the desk",
        question="Ông/Bà có phải chờ lâu tại quầy không?",
        question_en="Was the wait at the desk short?",
        position=5,
    )
    RatingCriterion.objects.filter(code="fees").update(is_active=False)


def test_the_form_asks_the_active_criteria_in_order_and_language(criteria):
    """A new criterion placed first is asked first; a retired one is not asked."""
    add_waiting_time_and_retire_fees()
    form = RatingForm()
    assert [f.name for f in form.criteria()] == [
        "waiting",
        "guidance",
        "courtesy",
        "timeliness",
    ]
    assert list(form.fields)[-1] == "comment"
    with translation.override("vi"):
        assert RatingForm()["waiting"].label == "Ông/Bà có phải chờ lâu tại quầy không?"
    with translation.override("en"):
        assert RatingForm()["waiting"].label == "Was the wait at the desk short?"


def test_the_page_form_rates_on_the_configured_criteria(client, criteria, demo):
    """The applicant's rating carries a score for each criterion asked now; a
    missing one is an error naming it, and nothing is saved."""
    add_waiting_time_and_retire_fees()
    citizen = demo_user("citizen")
    dossier = Dossier.objects.filter(applicant=citizen, state=State.RETURNED).first()
    client.force_login(citizen)
    url = reverse("feedback:rate", args=[dossier.pk])
    scores = {"guidance": 5, "courtesy": 4, "timeliness": 3}
    missing = client.post(url, scores)
    assert missing.status_code == 400
    assert "waiting" in missing.context["rating_form"].errors
    assert not Rating.objects.filter(dossier=dossier).exists()
    client.post(url, {**scores, "waiting": 2})
    rating = Rating.objects.get(dossier=dossier)
    assert rating.scores == {**scores, "waiting": 2}
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert (
        "Thời gian chờ tại quầy: 2/5" in page or "Waiting time at the desk: 2/5" in page
    )


def test_the_service_refuses_scores_for_other_criteria(criteria, returned_dossiers):
    """Scores must cover exactly the criteria asked, each from 1 to 5."""
    dossier = returned_dossiers[0]
    with pytest.raises(ValidationError):
        rating_submit(dossier=dossier, scores={**OLD_SCORES, "unknown": 3})
    with pytest.raises(ValidationError):
        rating_submit(dossier=dossier, scores={**OLD_SCORES, "fees": 6})
    with pytest.raises(ValidationError):
        rating_submit(dossier=dossier, scores={**OLD_SCORES, "fees": True})
    assert not Rating.objects.filter(dossier=dossier).exists()


def test_old_ratings_keep_their_scores_and_averages_count_who_scored(
    criteria, returned_dossiers
):
    """A rating made before a criterion was added or retired keeps its scores;
    each criterion's average is over the ratings that scored it; a retired
    criterion with scores in the period is still shown."""
    first, second = returned_dossiers[:2]
    old = rating_submit(dossier=first, scores=OLD_SCORES)
    add_waiting_time_and_retire_fees()
    new = rating_submit(
        dossier=second,
        scores={"waiting": 1, "guidance": 1, "courtesy": 2, "timeliness": 2},
    )
    old.refresh_from_db()
    assert old.scores == OLD_SCORES
    assert new.is_dissatisfied and not old.is_dissatisfied
    summaries.refresh()
    today = timezone.localdate()
    values = indicators(Period(today.replace(day=1), today), Scope(), Source())
    assert values.rated >= 2
    rows = {row.code: row for row in values.criteria_rows()}
    assert list(rows)[:4] == ["waiting", "guidance", "courtesy", "timeliness"]
    assert rows["waiting"].scored == 1 and rows["waiting"].average == 1
    assert rows["fees"].scored == values.rated - 1
    assert not rows["fees"].is_active
    assert values.as_dict()["complaints"] == 0  # none filed: a count, not no data


def test_defaults_apply_while_no_criterion_is_configured(demo):
    """With no criterion rows (a fresh database), the four defaults are asked."""
    RatingCriterion.objects.all().delete()
    assert [c.code for c in active_criteria()] == [
        "guidance",
        "courtesy",
        "timeliness",
        "fees",
    ]
    assert len(all_criteria()) == 4


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "root-feedback", "root@example.org", "x-long-password-1"
    )
    client.force_login(user)
    return client


def test_admin_orders_and_retires_criteria_but_never_deletes_a_scored_one(
    superuser_client, criteria, returned_dossiers
):
    """The criteria list is editable (order, asked); a criterion that has been
    scored keeps its code and cannot be deleted; an unscored one can."""
    rating_submit(dossier=returned_dossiers[0], scores=OLD_SCORES)
    guidance = RatingCriterion.objects.get(code="guidance")
    change = reverse("admin:feedback_ratingcriterion_change", args=[guidance.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert 'name="code"' not in page.content.decode()
    delete = reverse("admin:feedback_ratingcriterion_delete", args=[guidance.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    unused = RatingCriterion.objects.create(
        code="unused", label="x", label_en="x", question="x?", question_en="x?"
    )
    delete = reverse("admin:feedback_ratingcriterion_delete", args=[unused.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
    assert not RatingCriterion.objects.filter(code="unused").exists()
    changelist = superuser_client.get(
        reverse("admin:feedback_ratingcriterion_changelist")
    )
    assert "delete_selected" not in changelist.content.decode()


def test_statistics_page_shows_criteria_and_the_complaints(client, criteria):
    """The staff page lists each criterion's average and the number of
    complaints filed in the period."""
    summaries.refresh()
    client.force_login(demo_user("manager"))
    with translation.override("en"):
        response = client.get(
            "/staff/statistics/", {"kind": "year"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    body = response.content.decode()
    assert 'id="table-criteria"' in body
    assert response.context["criteria"]
    assert "Complaints about dossiers" in body or "Phản ánh" in body
    assert "the system does not record complaints" not in body
    assert response.context["values"].complaints == 0
