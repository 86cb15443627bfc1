"""The portal shell: home page, staff landing, language, health check, error pages."""

import pytest
from django.test import override_settings
from django.urls import reverse

from onecenter.celery import app as celery_app


@pytest.mark.django_db
def test_home_is_vietnamese_by_default(client):
    """The home page speaks Vietnamese even to a browser that prefers English."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Tra cứu hồ sơ" in content


@pytest.mark.django_db
def test_language_switcher_sets_english(client):
    """Choosing English in the switcher renders the next pages in English."""
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/"}, follow=True
    )
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Track a dossier" in content


@pytest.mark.django_db
def test_logged_in_user_gets_saved_language(client, demo):
    """A user's saved language applies when no switcher choice was made."""
    from accounts.models import User

    User.objects.filter(username="citizen").update(preferred_language="en")
    client.login(username="citizen", password="onecenter-demo")
    assert '<html lang="en">' in client.get("/").content.decode()


def test_healthz_is_liveness_only(client, monkeypatch, django_assert_num_queries):
    """/healthz says the process answers: no query, and still 200 when the broker
    is down (a supervisor must not restart web processes for a Redis outage;
    /readyz reports the services)."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "max-age=0" in response["Cache-Control"]


def test_readyz_is_503_when_broker_is_unreachable(client, monkeypatch, db):
    """/readyz answers 503 and names the broker when it does not answer."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failed"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_staff_home_refuses_citizens(client, demo):
    """A citizen who opens the staff workspace gets the Vietnamese 403 page."""
    client.login(username="citizen", password="onecenter-demo")
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 403
    assert "không có quyền truy cập" in response.content.decode()


@pytest.mark.django_db
def test_staff_home_requires_login(client):
    """An anonymous visitor is sent to the login page."""
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "manager"])
def test_staff_home_shows_workplace(client, demo, username):
    """Each staff member sees their role and agency on the workspace page."""
    client.login(username=username, password="onecenter-demo")
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 200
    user = response.context["user"]
    assert user.get_role_display() in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_page_is_vietnamese(client):
    """An unknown address shows the Vietnamese 404 page."""
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_500_page_needs_no_context():
    """The 500 page renders with no request and no database."""
    from portal.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()
