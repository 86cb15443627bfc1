"""Public tracking by code and PIN: each stage, no personal data, rate limited."""

import re
from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier
from tests.factories import demo_user
from workcalendar.calendar import calendar_for

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


def overdue(dossier, hours: int = 30) -> None:
    """Move the dossier's date in force into the past (the clock is running)."""
    Dossier.objects.filter(pk=dossier.pk).update(
        current_due_at=timezone.now() - timedelta(hours=hours)
    )
    dossier.refresh_from_db()


def test_an_overdue_dossier_is_shown_overdue_with_the_apology(client, in_processing):
    """Not "being processed": overdue, with the apology the centre owes."""
    overdue(in_processing)
    response = track(client, in_processing)
    status = response.context["status"]
    assert status.overdue
    assert status.state_label != str(in_processing.get_state_display())
    content = response.content.decode()
    assert 'data-testid="overdue-apology"' in content
    assert "Mẫu 04" in content or "Form 04" in content


def test_an_extended_dossier_shows_its_form_04_date(client, in_processing):
    due = in_processing.current_due_at
    calendar = calendar_for(due)
    later = calendar.add_working_days(timezone.localtime(due).date(), 5)
    services.dossier_extend(
        dossier=in_processing,
        actor=demo_user("leader"),
        new_due=calendar.at(later, time(10, 0)),
        reason="Cần xác minh thêm.",
        at=in_processing.received_at,
    )
    in_processing.refresh_from_db()
    response = track(client, in_processing)
    assert response.context["status"].extended_to == in_processing.extended_due_at
    assert not response.context["status"].overdue


def test_a_paused_dossier_is_not_overdue_on_tracking(client, in_processing):
    services.dossier_request_supplement(
        dossier=in_processing,
        actor=demo_user("officer"),
        items=[{"paper_index": 0, "guidance": "Ký tên"}],
        message="Bổ sung chữ ký.",
    )
    overdue(in_processing)
    status = track(client, in_processing).context["status"]
    assert not status.overdue
    assert status.state == "awaiting_supplement"


def test_the_code_matches_whatever_its_case(client, in_processing):
    for code in (in_processing.code.lower(), in_processing.code.upper()):
        response = client.get(
            reverse("dossiers:track"), {"code": code, "pin": in_processing.lookup_pin}
        )
        assert response.context["status"].code == in_processing.code
