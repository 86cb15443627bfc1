"""The applicant's pages: each opens for its owner and refuses others and staff."""

import pytest
from django.core import mail
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, State, TransitionLog
from tests.factories import demo_user

from .conftest import MARRIAGE, upload

pytestmark = pytest.mark.django_db


def details(**overrides):
    return {
        "name": "Nguyễn Văn An",
        "id_number": "036095001234",
        "phone": "0912345678",
        "email": "citizen@example.vn",
        "address": "Số 12 đường Lê Lợi",
        **overrides,
    }


def test_my_dossiers_lists_only_the_applicants_own(client, citizen, stranger):
    """The list shows the citizen's dossiers and none of anyone else's."""
    client.force_login(citizen)
    response = client.get(reverse("dossiers:my_list"))
    assert response.status_code == 200
    listed = {d.pk for d in response.context["page"].object_list}
    assert listed == set(
        Dossier.objects.filter(applicant=citizen).values_list("pk", flat=True)
    )
    client.force_login(stranger)
    assert not client.get(reverse("dossiers:my_list")).context["page"].object_list


@pytest.mark.parametrize("username", ["clerk", "officer", "manager"])
def test_staff_have_no_citizen_pages(client, demo, username):
    """The citizen portal is for applicants: staff are refused (403)."""
    client.force_login(demo_user(username))
    assert client.get(reverse("dossiers:my_list")).status_code == 403
    assert client.get(reverse("dossiers:file", args=[MARRIAGE])).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, demo):
    """Filing needs an account: a visitor is sent to the login page and back."""
    url = reverse("dossiers:file", args=[MARRIAGE])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


def test_filing_starts_with_details_prefilled_from_the_profile(client, citizen):
    """The first step shows the profile's details and the procedure's fees."""
    client.force_login(citizen)
    response = client.get(reverse("dossiers:file", args=[MARRIAGE]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["id_number"] == citizen.id_number
    assert form.initial["phone"] == citizen.phone
    assert "Lệ phí đăng ký kết hôn" in response.content.decode()


def test_filing_a_procedure_not_online_is_404(client, citizen):
    """A procedure filed only at the counter has no online filing page."""
    from procedures.models import Procedure

    offline = Procedure.objects.public().filter(via_online=False).first()
    client.force_login(citizen)
    assert client.get(reverse("dossiers:file", args=[offline.code])).status_code == 404
    assert client.get(reverse("dossiers:file", args=["9.999999"])).status_code == 404


def test_details_are_checked_and_the_draft_keeps_them(client, citizen, media):
    """A bad ID number re-renders with errors; good details make a draft with them."""
    client.force_login(citizen)
    url = reverse("dossiers:file", args=[MARRIAGE])
    response = client.post(url, details(id_number="123"))
    assert response.status_code == 400
    assert response.context["has_errors"]
    assert b'id="error-summary"' in response.content
    response = client.post(url, details(name="Nguyễn Văn Anh", phone="0912 345 679"))
    dossier = Dossier.objects.filter(applicant=citizen).latest("pk")
    assert response["Location"] == reverse("dossiers:draft", args=[dossier.pk])
    assert dossier.state == State.DRAFT
    assert dossier.applicant_name == "Nguyễn Văn Anh"
    assert dossier.applicant_phone == "0912345679"


def test_draft_saves_files_and_details_then_submits(
    client, citizen, new_draft, django_capture_on_commit_callbacks
):
    """Saving keeps files and details; submitting sends the confirmation e-mail."""
    dossier = new_draft()
    client.force_login(citizen)
    url = reverse("dossiers:draft", args=[dossier.pk])
    response = client.post(
        url, {**details(address="Số 99"), "save": "1", "paper-0": upload("to-khai.pdf")}
    )
    assert response["Location"] == url
    dossier.refresh_from_db()
    assert dossier.applicant_address == "Số 99"
    assert dossier.attachments.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {**details(), "submit": "1", "paper-1": upload("cccd.png")}
        )
    assert response["Location"] == reverse("dossiers:submitted", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert [m.to for m in mail.outbox] == [["citizen@example.vn"]]
    assert client.get(response["Location"]).status_code == 200


def test_submit_without_a_mandatory_paper_names_it(client, citizen, new_draft):
    """Submitting with a mandatory paper missing marks that paper, nothing is sent."""
    dossier = new_draft()
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[dossier.pk]),
        {**details(), "submit": "1", "paper-0": upload()},
    )
    assert response.status_code == 400
    form = response.context["error_forms"][1]
    assert "paper-1" in form.errors
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT
    assert dossier.attachments.count() == 1


def test_a_submitted_dossier_is_no_longer_editable(client, file_online):
    """The draft page of a submitted dossier redirects to its page."""
    dossier = file_online()
    client.force_login(dossier.applicant)
    response = client.get(reverse("dossiers:draft", args=[dossier.pk]))
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.pk])


def test_detail_shows_a_plain_timeline_without_staff_notes(client, in_processing):
    """The timeline has a sentence per event; internal notes and names stay out."""
    clerk = demo_user("clerk")
    dossier = in_processing
    TransitionLog.objects.filter(dossier=dossier, transition="transfer").update(
        note="Ghi chú nội bộ: gọi anh Bảo"
    )
    client.force_login(dossier.applicant)
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert response.status_code == 200
    events = response.context["timeline"]
    assert [e.action for e in events] == ["submit", "receive", "transfer"]
    assert all(e.text for e in events)
    content = response.content.decode()
    assert "Ghi chú nội bộ" not in content
    assert clerk.full_name not in content
    assert [slip.number for slip in response.context["slips"]] == ["01"]


def test_slip_01_is_a_pdf_for_the_applicant(client, in_processing):
    """Form 01 downloads as a PDF; an unissued slip and Form 06 are 404."""
    client.force_login(in_processing.applicant)
    response = client.get(reverse("dossiers:slip", args=[in_processing.pk, "01"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    for number in ("03", "06", "07"):
        url = reverse("dossiers:slip", args=[in_processing.pk, number])
        assert client.get(url).status_code == 404


def test_withdraw_before_intake_asks_then_withdraws(client, file_online):
    """GET asks to confirm; POST withdraws and redirects to the dossier."""
    dossier = file_online()
    client.force_login(dossier.applicant)
    url = reverse("dossiers:withdraw", args=[dossier.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "Tôi nộp nhầm thủ tục"})
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN


def test_withdraw_after_intake_is_refused(client, in_processing):
    """Once received, a dossier cannot be withdrawn online: nothing changes."""
    client.force_login(in_processing.applicant)
    url = reverse("dossiers:withdraw", args=[in_processing.pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 302
    in_processing.refresh_from_db()
    assert in_processing.state == State.PROCESSING


def test_intake_supplement_is_answered_and_resubmitted(client, file_online):
    """The desk asks for a paper; the applicant uploads it and sends: submitted."""
    dossier = file_online()
    clerk = demo_user("clerk")
    services.dossier_request_intake_supplement(
        dossier=dossier,
        actor=clerk,
        items=[{"paper_index": 0, "guidance": "Tờ khai chưa ký"}],
        message="Vui lòng ký tờ khai.",
    )
    client.force_login(dossier.applicant)
    url = reverse("dossiers:supplement", args=[dossier.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["rows"][0]["asked"]["guidance"] == "Tờ khai chưa ký"
    response = client.post(url, {"send": "1"})
    assert response.status_code == 400
    assert "paper-0" in response.context["error_forms"][0].errors
    response = client.post(url, {"send": "1", "paper-0": upload("to-khai-da-ky.pdf")})
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert dossier.supplement_requests.get().answered_at is not None


def test_processing_supplement_resumes_the_paused_clock(client, in_processing):
    """During processing the answer resumes the clock and moves the due date."""
    dossier = in_processing
    services.dossier_request_supplement(
        dossier=dossier,
        actor=demo_user("officer"),
        items=[{"paper_index": 1, "guidance": "Ảnh mờ"}],
        message="Chụp lại giấy tờ tùy thân.",
    )
    client.force_login(dossier.applicant)
    response = client.post(
        reverse("dossiers:supplement", args=[dossier.pk]),
        {"send": "1", "note": "Đã chụp lại", "paper-1": upload("cccd-moi.png")},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert dossier.pauses.get().resumed_at is not None
    assert dossier.transitions.last().note == "Đã chụp lại"


def test_supplement_page_without_a_request_redirects(client, file_online):
    """With nothing asked, the supplement page sends the applicant to the dossier."""
    dossier = file_online()
    client.force_login(dossier.applicant)
    response = client.get(reverse("dossiers:supplement", args=[dossier.pk]))
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.pk])


def test_result_downloads_only_once_returned_online(client, returned, citizen):
    """The result file downloads from a dossier returned online."""
    result = returned.attachments.get(kind="result")
    client.force_login(citizen)
    url = reverse("dossiers:attachment", args=[returned.pk, result.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_result_is_hidden_before_it_is_returned(client, citizen):
    """A result waiting at the desk cannot be downloaded yet (404)."""
    ready = Dossier.objects.get(applicant=citizen, state=State.RESULT_READY)
    result = ready.attachments.get(kind="result")
    client.force_login(citizen)
    url = reverse("dossiers:attachment", args=[ready.pk, result.pk])
    assert client.get(url).status_code == 404


def test_remove_a_paper_from_a_draft(client, citizen, new_draft):
    """A file attached by mistake is removed from the draft (POST, then redirect)."""
    dossier = new_draft()
    attached = services.dossier_attach_paper(
        dossier=dossier, actor=citizen, paper_index=0, upload=upload()
    )
    client.force_login(citizen)
    url = reverse("dossiers:remove_paper", args=[dossier.pk, attached.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response["Location"] == reverse("dossiers:draft", args=[dossier.pk])
    assert not dossier.attachments.exists()


def test_checked_papers_cannot_be_removed_during_a_supplement(client, citizen):
    """During a supplement only the new answer may be removed, not checked papers."""
    dossier = Dossier.objects.get(applicant=citizen, state=State.SUPPLEMENT_REQUESTED)
    old = dossier.attachments.first()
    client.force_login(citizen)
    client.post(reverse("dossiers:remove_paper", args=[dossier.pk, old.pk]))
    assert dossier.attachments.filter(pk=old.pk).exists()


def test_slip_02_of_a_supplement_request_is_issued(client, citizen):
    """A supplement request issues Form 02; the applicant downloads it as a PDF."""
    dossier = Dossier.objects.get(applicant=citizen, state=State.AWAITING_SUPPLEMENT)
    client.force_login(citizen)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert [slip.number for slip in page.context["slips"]] == ["01", "02"]
    response = client.get(reverse("dossiers:slip", args=[dossier.pk, "02"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
