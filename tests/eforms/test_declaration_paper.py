"""The online form stands for the procedure's declaration: filed online, the
applicant uploads no scan of it, and on submission the answers, printed as the
declaration (PDF, with the code and QR), are attached as that paper, stored like
any file (on the disk or in S3); the desk receives and checks it as a paper."""

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import AttachmentKind, Dossier, PaperReceipt, State
from dossiers.services import answers as answer_services
from procedures.models import Procedure
from tests.citizen.conftest import upload
from tests.factories import demo_user

from .test_filing import BIRTH, answers, details

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(demo):
    return demo_user("citizen")


def declarations(dossier):
    return list(dossier.attachments.filter(kind=AttachmentKind.PAPER, paper_index=0))


def safe(code):
    """The code as a file name keeps it (dots become hyphens)."""
    return code.replace(".", "-")


def two_uploads():
    """The birth notice and the identity paper: the declaration is the form."""
    return {"paper-1": upload("giay-chung-sinh.pdf"), "paper-2": upload("cccd.pdf")}


def test_the_definition_names_the_declaration_paper(citizen, media):
    draft = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    assert draft.form_definition["declaration_paper"] == 0
    assert draft.eform_paper_index == 0
    assert draft.papers[0]["name"].startswith("Tờ khai đăng ký khai sinh")


def test_the_draft_asks_no_scan_of_the_declaration(client, citizen, media):
    draft = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    client.force_login(citizen)
    page = client.get(reverse("dossiers:draft", args=[draft.pk])).content.decode()
    assert 'id="id_paper-0"' not in page
    assert 'id="id_paper-1"' in page and 'id="id_paper-2"' in page
    assert 'data-testid="eform-paper"' in page
    # Mandatory, yet not missing: the form provides it.
    assert [p["index"] for p in draft.missing_mandatory_papers()] == [1, 2]


def test_submitting_attaches_the_declaration_as_the_first_paper(
    file_storage, client, citizen
):
    """Two uploads and the form: submitted, the declaration is paper 1 (index 0),
    a real PDF with the dossier's code, kept in the configured storage."""
    draft = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    client.force_login(citizen)
    url = reverse("dossiers:draft", args=[draft.pk])
    response = client.post(
        url, {**details(), **answers(), **two_uploads(), "submit": "1"}
    )
    assert response.status_code == 302, response.context["error_forms"]
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    [declaration] = declarations(draft)
    assert declaration.original_name == f"to-khai-{safe(draft.code)}.pdf"
    assert declaration.content_type == "application/pdf"
    assert declaration.uploaded_by == citizen
    assert file_storage.holds(declaration.file.name)
    with declaration.file.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF") and len(content) == declaration.size
    # The applicant's page lists it as the paper, made from the answers.
    mine = client.get(draft.get_absolute_url()).content.decode()
    assert declaration.original_name in mine
    assert 'data-testid="eform-paper"' in mine


def test_the_desk_checks_and_receives_the_declaration_as_a_paper(
    client, citizen, media
):
    draft = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    client.force_login(citizen)
    client.post(
        reverse("dossiers:draft", args=[draft.pk]),
        {**details(), **answers(), **two_uploads(), "submit": "1"},
    )
    draft.refresh_from_db()
    [declaration] = declarations(draft)
    clerk = demo_user("clerk")
    client.force_login(clerk)
    page = client.get(reverse("workspace:dossier_detail", args=[draft.pk]))
    html = page.content.decode()
    assert declaration.original_name in html
    assert 'data-testid="eform-paper"' in html
    assert 'name="verdict-0"' in html  # the clerk's paper check covers it
    services.dossier_check_papers(
        dossier=draft, actor=clerk, verdicts={0: ("valid", ""), 1: ("valid", "")}
    )
    services.dossier_receive(dossier=draft, actor=clerk)
    receipt = PaperReceipt.objects.get(dossier=draft, paper_index=0)
    assert receipt.electronic and receipt.copies == 1
    form_01 = client.get(
        reverse("workspace:print_form", args=[draft.pk, "01"])
    ).content.decode()
    assert "Tờ khai đăng ký khai sinh" in form_01
    assert "(bản điện tử)" in form_01


def test_a_scan_uploaded_anyway_is_replaced_and_resubmitting_renews_it(citizen, media):
    """Whatever was attached to the declaration's paper (through the API, say) is
    replaced by the printed answers; a resubmission prints them again."""
    draft = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    services.dossier_save_answers(
        dossier=draft,
        actor=citizen,
        answers={
            "requester_name": "Nguyễn Văn An",
            "requester_id_number": "036095001234",
            "requester_address": "Số 12 đường Lê Lợi",
            "relationship": "father",
            "child_name": "Nguyễn Minh Khang",
            "child_date_of_birth": "2026-11-02",
            "child_sex": "male",
            "child_ethnicity": "Kinh",
            "child_nationality": "Việt Nam",
            "born_at_facility": False,
            "place_of_birth": {"province": "01", "commune": "00070"},
            "parents": [
                {
                    "role": "father",
                    "full_name": "Nguyễn Văn An",
                    "date_of_birth": "1990-01-01",
                }
            ],
        },
    )
    for index in range(3):
        services.dossier_attach_paper(
            dossier=draft, actor=citizen, paper_index=index, upload=upload()
        )
    services.dossier_submit(dossier=draft, actor=citizen)
    draft.refresh_from_db()
    [first] = declarations(draft)
    assert first.original_name == f"to-khai-{safe(draft.code)}.pdf"
    clerk = demo_user("clerk")
    services.dossier_request_intake_supplement(
        dossier=draft,
        actor=clerk,
        items=[{"paper_index": 1, "name": draft.papers[1]["name"], "guidance": "Rõ"}],
        message="Bổ sung giấy chứng sinh.",
    )
    services.dossier_attach_paper(
        dossier=draft, actor=citizen, paper_index=1, upload=upload()
    )
    services.dossier_submit(dossier=Dossier.objects.get(pk=draft.pk), actor=citizen)
    [second] = declarations(draft)
    assert second.pk != first.pk
    assert second.original_name == first.original_name


def test_the_counter_keeps_the_paper_declaration(demo, media):
    """At the counter the signed paper declaration is handed over: the form does
    not stand in for it, and receiving still needs it ticked."""
    procedure = Procedure.objects.get(code=BIRTH)
    dossier = services.dossier_intake_at_counter(
        clerk=demo_user("clerk"),
        procedure=procedure,
        details=services.ApplicantDetails(name="Trần Thị Bích"),
        received=[],
        receive=False,
    )
    assert dossier.channel == "counter"
    assert dossier.eform_paper_index is None
    assert 0 in [p["index"] for p in dossier.missing_mandatory_papers()]
    assert not declarations(dossier)


def test_no_pdf_on_this_server_still_submits(citizen, media, monkeypatch):
    """Without WeasyPrint's libraries the dossier is submitted all the same; the
    desk prints the declaration from the answers."""

    def unavailable(dossier):
        raise answer_services.PdfUnavailable("no pango")

    monkeypatch.setattr(answer_services, "declaration_pdf", unavailable)
    draft = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    assert answer_services.attach_declaration(draft, citizen) is None
