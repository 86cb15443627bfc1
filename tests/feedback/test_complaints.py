"""Complaints (phản ánh, kiến nghị) about a dossier: the applicant files one from
their dossier's page or with the code and PIN; a manager whose scope covers the
dossier reads and answers it; the applicant is told and sees the answer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from dossiers.models import Dossier, State
from feedback.models import Complaint, ComplaintNotice
from feedback.services import MAX_OPEN_COMPLAINTS, complaint_answer, complaint_file
from notifications.models import Notification
from tests.factories import AgencyFactory, UserFactory, demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(demo):
    return demo_user("citizen")


@pytest.fixture
def manager(demo):
    return demo_user("manager")


@pytest.fixture
def other_manager(demo):
    """A manager of an agency outside the demo province's tree."""
    return UserFactory(
        username="other-manager", role=Role.MANAGER, agency=AgencyFactory()
    )


@pytest.fixture
def dossier(citizen):
    return (
        Dossier.objects.filter(applicant=citizen)
        .exclude(state=State.DRAFT)
        .order_by("pk")
        .first()
    )


def file(dossier, citizen, subject="Chậm trả kết quả", text="Quá hẹn hai ngày."):
    return complaint_file(dossier=dossier, actor=citizen, subject=subject, text=text)


# --- services ----------------------------------------------------------------------


def test_the_applicant_files_a_complaint(dossier, citizen):
    """A complaint is recorded open, from the account, with who filed it."""
    complaint = file(dossier, citizen)
    assert complaint.status == Complaint.Status.OPEN
    assert complaint.via == Complaint.Via.ACCOUNT
    assert complaint.filed_by == citizen
    assert complaint.created_at is not None


def test_another_person_cannot_complain_about_a_dossier(dossier, demo):
    stranger = UserFactory(username="stranger", role=Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        file(dossier, stranger)
    assert not Complaint.objects.exists()


def test_a_draft_cannot_be_complained_about(citizen):
    draft = Dossier.objects.filter(applicant=citizen, state=State.DRAFT).first()
    if draft is None:
        pytest.skip("the demo data has no draft")
    with pytest.raises(ValidationError) as caught:
        file(draft, citizen)
    assert caught.value.code == "draft"


def test_blank_subject_or_text_is_refused(dossier, citizen):
    with pytest.raises(ValidationError) as caught:
        file(dossier, citizen, subject="   ")
    assert caught.value.code == "empty"


def test_open_complaints_per_dossier_are_limited(dossier, citizen):
    """More than a few complaints waiting for an answer is a flood: refused."""
    for _ in range(MAX_OPEN_COMPLAINTS):
        file(dossier, citizen)
    with pytest.raises(ValidationError) as caught:
        file(dossier, citizen)
    assert caught.value.code == "too_many_open"


def test_the_manager_answers_and_the_applicant_is_told(
    dossier, citizen, manager, django_capture_on_commit_callbacks, mailoutbox
):
    """The answer is saved with who and when, and a notice is recorded and sent
    after commit: in the app (and by e-mail when the dossier has an address)."""
    complaint = file(dossier, citizen)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        complaint_answer(complaint=complaint, actor=manager, answer="Đã xin lỗi.")
    assert callbacks, "nothing was scheduled after commit"
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED
    assert complaint.answered_by == manager
    assert complaint.answered_at is not None
    notice = ComplaintNotice.objects.get(complaint=complaint)
    assert notice.status == "sent"
    inbox = Notification.objects.get(recipient=citizen, key=notice.key)
    assert "Đã xin lỗi." in inbox.body
    assert inbox.link.endswith("#complaints")
    assert any("Đã xin lỗi." in message.body for message in mailoutbox)


def test_a_complaint_is_answered_once(dossier, citizen, manager):
    complaint = file(dossier, citizen)
    complaint_answer(complaint=complaint, actor=manager, answer="Trả lời.")
    with pytest.raises(ValidationError) as caught:
        complaint_answer(complaint=complaint, actor=manager, answer="Lần hai.")
    assert caught.value.code == "answered"


def test_a_manager_outside_the_scope_cannot_answer(dossier, citizen, other_manager):
    complaint = file(dossier, citizen)
    with pytest.raises(PermissionDenied):
        complaint_answer(complaint=complaint, actor=other_manager, answer="Không.")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN


def test_a_clerk_cannot_answer(dossier, citizen):
    complaint = file(dossier, citizen)
    with pytest.raises(PermissionDenied):
        complaint_answer(complaint=complaint, actor=demo_user("clerk"), answer="x")


# --- the applicant's pages ---------------------------------------------------------


def test_the_applicant_files_from_the_dossier_page(client, dossier, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("feedback:complain", args=[dossier.pk]),
        {"subject": "Thái độ", "text": "Công chức không hướng dẫn."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#complaints")
    assert Complaint.objects.get().subject == "Thái độ"
    page = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert "Công chức không hướng dẫn." in page.content.decode()


def test_an_incomplete_complaint_shows_the_errors(client, dossier, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("feedback:complain", args=[dossier.pk]), {"subject": "", "text": ""}
    )
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_citizen_cannot_complain_about_anothers_dossier(client, dossier, demo):
    client.force_login(UserFactory(username="stranger", role=Role.APPLICANT))
    response = client.post(
        reverse("feedback:complain", args=[dossier.pk]),
        {"subject": "x", "text": "y"},
    )
    assert response.status_code == 404
    assert not Complaint.objects.exists()


def test_a_citizen_sees_only_their_own_complaints(client, dossier, citizen):
    file(dossier, citizen, text="Nội dung riêng tư")
    stranger = UserFactory(username="stranger", role=Role.APPLICANT)
    client.force_login(stranger)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("complaints:list")).status_code == 403


# --- by code and PIN ---------------------------------------------------------------


def test_a_complaint_by_code_and_pin(client, dossier):
    pin = "123456"
    Dossier.objects.filter(pk=dossier.pk).update(lookup_pin=pin)
    response = client.post(
        reverse("feedback:track_complain"),
        {"code": dossier.code, "pin": pin, "subject": "Chậm", "text": "Quá hẹn."},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.via == Complaint.Via.LOOKUP
    assert complaint.filed_by is None


def test_a_wrong_pin_files_nothing_and_is_limited(client, dossier, settings):
    """A wrong PIN says so; repeated guesses are stopped by the tracking limits."""
    data = {"code": dossier.code, "pin": "000000", "subject": "x", "text": "y"}
    response = client.post(reverse("feedback:track_complain"), data)
    assert response.status_code == 400
    assert "No dossier matches" in response.content.decode() or (
        "Không tìm thấy" in response.content.decode()
    )
    statuses = {
        client.post(reverse("feedback:track_complain"), data).status_code
        for _ in range(settings.TRACKING_MAX_FAILURES + 1)
    }
    assert 429 in statuses
    assert not Complaint.objects.exists()


# --- the managers' list -----------------------------------------------------------


def test_the_manager_sees_the_complaints_of_the_scope_and_the_view_is_logged(
    client, dossier, citizen, manager
):
    complaint = file(dossier, citizen, subject="Phí thu thêm")
    client.force_login(manager)
    response = client.get(reverse("complaints:list"))
    assert response.status_code == 200
    assert "Phí thu thêm" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=Action.DOSSIER_VIEWED, actor=manager, details__view="complaints"
    ).exists()
    detail = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.DOSSIER_VIEWED, actor=manager, dossier_id=dossier.pk
    ).exists()


def test_another_agencys_manager_cannot_see_a_complaint(
    client, dossier, citizen, other_manager
):
    complaint = file(dossier, citizen, subject="Phí thu thêm")
    client.force_login(other_manager)
    response = client.get(reverse("complaints:list"))
    assert response.status_code == 200
    assert "Phí thu thêm" not in response.content.decode()
    url = reverse("complaints:detail", args=[complaint.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "x"}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN


def test_other_staff_roles_cannot_open_the_list(client, demo):
    for name in ("clerk", "officer", "leader"):
        client.force_login(demo_user(name))
        assert client.get(reverse("complaints:list")).status_code == 403


def test_the_manager_answers_from_the_page(client, dossier, citizen, manager):
    complaint = file(dossier, citizen)
    client.force_login(manager)
    url = reverse("complaints:detail", args=[complaint.pk])
    assert client.post(url, {"answer": ""}).status_code == 400
    response = client.post(url, {"answer": "Trung tâm đã xử lý."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.answer == "Trung tâm đã xử lý."
    answered = client.get(reverse("complaints:list"), {"status": "answered"})
    assert "Chậm trả kết quả" in answered.content.decode()


@pytest.mark.parametrize("count", [5, 25])
def test_the_list_reads_a_constant_number_of_queries(
    client, citizen, manager, count, django_assert_max_num_queries
):
    dossiers = list(
        Dossier.objects.filter(applicant=citizen).exclude(state=State.DRAFT)[:5]
    )
    Complaint.objects.bulk_create(
        Complaint(
            dossier=dossiers[i % len(dossiers)],
            subject=f"Phản ánh {i}",
            text="Nội dung",
            via=Complaint.Via.ACCOUNT,
        )
        for i in range(count)
    )
    client.force_login(manager)
    client.get(reverse("complaints:list"))  # warm the per-session reads
    with django_assert_max_num_queries(16):
        response = client.get(reverse("complaints:list"))
    assert response.content.decode().count("Phản ánh ") == count


def test_filing_and_answering_are_in_the_audit_trail(dossier, citizen, manager):
    """Who filed (or "code + PIN") and who answered, with when, on the dossier."""
    complaint = file(dossier, citizen)
    public = complaint_file(dossier=dossier, subject="Thái độ", text="Chưa lịch sự.")
    complaint_answer(complaint=complaint, actor=manager, answer="Đã xử lý.")
    events = AuditEvent.objects.filter(
        action__in=[Action.COMPLAINT_FILED, Action.COMPLAINT_ANSWERED]
    ).order_by("pk")
    assert [(e.action, e.actor_label, e.object_id, e.dossier_code) for e in events] == [
        (Action.COMPLAINT_FILED, citizen.username, complaint.pk, dossier.code),
        (Action.COMPLAINT_FILED, "code + PIN", public.pk, dossier.code),
        (Action.COMPLAINT_ANSWERED, manager.username, complaint.pk, dossier.code),
    ]
