"""The in-app inbox, its unread badge, and the notices of supplements."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from dossiers import services
from dossiers.timeline import applicant_event
from notifications.models import Notification
from tests.factories import demo_user

from .conftest import upload

pytestmark = pytest.mark.django_db


def notify(user, n=1, dossier=None):
    return [
        Notification.objects.create(
            recipient=user,
            link=dossier.get_absolute_url() if dossier else "",
            key=f"k{user.pk}-{i}",
            subject=f"S{i}",
            body="B",
        )
        for i in range(n)
    ]


def test_inbox_lists_the_users_notifications_with_an_unread_badge(
    client, citizen, stranger
):
    """The inbox shows one's own notices; the nav badge counts the unread ones."""
    notify(citizen, 3)
    notify(stranger, 2)
    client.force_login(citizen)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    badge = response.content.decode().split('id="nav-inbox"')[1].split("</a>")[0]
    assert ">3<" in badge


def test_mark_read_and_open_the_dossier(client, citizen, returned):
    """Opening a notice marks it read and leads to the dossier's page."""
    (notice,) = notify(citizen, dossier=returned)
    client.force_login(citizen)
    url = reverse("notifications:mark_read", args=[notice.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"open": "1"})
    assert response["Location"] == reverse("dossiers:detail", args=[returned.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_all_read(client, citizen, stranger):
    """Mark all read touches only the user's own notices."""
    notify(citizen, 2)
    (other,) = notify(stranger)
    client.force_login(citizen)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=citizen, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_someone_elses_notice_is_404(client, citizen, stranger):
    """Another user's notice cannot be read or marked."""
    (notice,) = notify(citizen)
    client.force_login(stranger)
    url = reverse("notifications:mark_read", args=[notice.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_supplement_request_and_answer_notices_read_well(
    client, file_online, django_capture_on_commit_callbacks
):
    """The request lists every paper with guidance; the answer says what follows."""
    dossier = file_online()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_request_intake_supplement(
            dossier=dossier,
            actor=demo_user("clerk"),
            items=[{"paper_index": 0, "guidance": "Tờ khai chưa ký"}],
            message="Vui lòng ký tờ khai.",
        )
    request_mail = mail.outbox[-1].body
    assert "Tờ khai chưa ký" in request_mail
    assert "Vui lòng ký tờ khai." in request_mail
    client.force_login(dossier.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dossiers:supplement", args=[dossier.pk]),
            {"send": "1", "paper-0": upload()},
        )
    notice = Notification.objects.filter(
        link__endswith=f"/dossiers/{dossier.pk}/"
    ).latest("pk")
    assert notice.key.startswith("transition:")
    assert notice.body == mail.outbox[-1].body
    with translation.override(dossier.applicant_language):
        assert applicant_event("resubmit") in notice.body


def test_internal_notes_stay_out_of_the_applicants_e_mail(
    in_processing, django_capture_on_commit_callbacks
):
    """An officer's note on the approval is not e-mailed to the applicant."""
    officer, leader = demo_user("officer"), demo_user("leader")
    services.dossier_forward(dossier=in_processing, actor=officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_approve(
            dossier=in_processing, actor=leader, note="Nội bộ: đã gọi điện xác minh"
        )
    assert "Nội bộ" not in mail.outbox[-1].body
