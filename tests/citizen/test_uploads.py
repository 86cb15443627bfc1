"""Uploaded papers: type read from the content, size limits, nothing lost on failure."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import services
from dossiers.forms import PaperUploadsForm
from dossiers.uploads import check_upload

from .conftest import NO_FORM, png_bytes, upload

pytestmark = pytest.mark.django_db

ACCEPTED = ["pdf", "jpg", "png"]
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("to-khai.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("scan.PDF", b"%PDF-1.4\n", "application/pdf"),
        ("anh.png", png_bytes(), "image/png"),
        ("anh.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        ("anh.jpeg", b"\xff\xd8\xff\xe1\x00\x10Exif", "image/jpeg"),
        ("hồ sơ v1.2.pdf", b"%PDF-1.4\n", "application/pdf"),
    ],
)
def test_accepted_files_get_their_detected_type(name, content, mime, settings):
    """A PDF, PNG or JPG passes, and is stored as the type its content shows."""
    file = upload(name, content)
    check_upload(file, ACCEPTED)
    assert file.content_type == mime


HTML_WITH_PDF_MARKER = b"<html><body><script>alert(1)</script>%PDF-1.4</body></html>"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        # The files: "%PDF-" somewhere in the first KiB, an HTML page named
        # .html, a program named .pdf.exe.
        ("to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 100 + b"%PDF-1.4\n", "wrong_type"),
        ("scan.pdf", b"\r\n%PDF-1.4\n", "wrong_type"),
        ("don-yeu-cau.html", HTML_WITH_PDF_MARKER, "wrong_extension"),
        ("to-khai.pdf.exe", b"%PDF-1.4\n", "wrong_extension"),
        ("to-khai.pdf", HTML_WITH_PDF_MARKER, "markup"),
        ("to-khai.pdf", b"%PDF-1.4\n<script>alert(1)</script>", "markup"),
        ("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "markup"),
        (
            "ve.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
            "wrong_extension",
        ),
        ("khong-duoi", b"%PDF-1.4\n", "wrong_extension"),
        ("to-khai.pdf", b"MZ\x90\x00 this is a program", "wrong_type"),
        ("to-khai.pdf", b"<html><script>alert(1)</script>", "markup"),
        ("anh.png", b"GIF89a......", "wrong_type"),
        ("to-khai.pdf", png_bytes(), "mismatch"),
        ("anh.jpg", b"%PDF-1.4\n", "mismatch"),
        ("rong.pdf", b"", "empty"),
    ],
)
def test_content_that_does_not_match_is_refused(name, content, code):
    """A file whose content is not what the paper accepts from byte 0, whose last
    extension is not one the paper accepts, or that holds markup, is refused with
    a message naming the file."""
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content), ACCEPTED)
    assert caught.value.code == code
    assert name in caught.value.messages[0]


def test_a_paper_accepting_only_pdf_refuses_an_image():
    """The paper's own accepted types decide: a PNG is refused where only PDF is."""
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("anh.png"), ["pdf"])
    assert caught.value.code == "wrong_extension"
    assert "PDF" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("anh.pdf", png_bytes()), ["pdf"])
    assert caught.value.code == "wrong_type"


def test_oversize_file_is_refused_with_the_limit(settings):
    """A file above UPLOAD_MAX_BYTES is refused, and the message gives the limit."""
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("to.pdf", b"%PDF-1.4\n" + b"0" * 2000), ACCEPTED)
    assert caught.value.code == "too_large"
    assert "1,0" in caught.value.messages[0] or "1.0" in caught.value.messages[0]


def test_mismatching_upload_is_refused_in_the_draft_with_a_clear_message(
    client, citizen, new_draft
):
    """A fake PDF is refused on the form, the valid paper beside it is kept."""
    dossier = new_draft()
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[dossier.pk]),
        {
            "save": "1",
            "name": "Nguyễn Văn An",
            "id_number": "036095001234",
            "phone": "0912345678",
            "paper-0": upload("to-khai.pdf", b"MZ\x90\x00program"),
            "paper-1": upload("cccd.png"),
        },
    )
    assert response.status_code == 400
    errors = response.context["error_forms"][1].errors
    assert "to-khai.pdf" in errors["paper-0"][0]
    assert b'id="error-summary"' in response.content
    kept = dossier.attachments.get()
    assert (kept.paper_index, kept.content_type) == (1, "image/png")


def test_oversize_upload_is_refused_without_a_server_error(
    client, citizen, new_draft, settings
):
    """Above the per-file limit: a form error (400), never a 500; nothing stored."""
    settings.UPLOAD_MAX_BYTES = 2048
    dossier = new_draft()
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[dossier.pk]),
        {"save": "1", "paper-0": upload("big.pdf", b"%PDF-1.4\n" + b"0" * 5000)},
    )
    assert response.status_code == 400
    assert "big.pdf" in response.context["error_forms"][1].errors["paper-0"][0]
    assert not dossier.attachments.exists()


def test_request_above_the_total_limit_gets_a_413_page(
    client, citizen, new_draft, settings
):
    """A request larger than UPLOAD_MAX_REQUEST_BYTES is answered 413, unread."""
    settings.UPLOAD_MAX_REQUEST_BYTES = 4096
    dossier = new_draft()
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[dossier.pk]),
        {"save": "1", "paper-0": upload("big.pdf", b"%PDF-1.4\n" + b"0" * 10_000)},
    )
    assert response.status_code == 413
    assert response.templates[0].name == "dossiers/upload_refused.html"
    assert not dossier.attachments.exists()
    xhr = client.post(
        reverse("dossiers:upload_paper", args=[dossier.pk, 0]),
        {"paper-0": upload("big.pdf", b"%PDF-1.4\n" + b"0" * 10_000)},
        **XHR,
    )
    assert xhr.status_code == 413
    assert xhr["Content-Type"].startswith("text/plain")


def test_request_data_too_big_is_a_413_page_not_a_400(client, citizen, settings):
    """Django's RequestDataTooBig (form fields too large) becomes the 413 page."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:file", args=["1.000894"]), {"name": "x" * 500}
    )
    assert response.status_code == 413


def test_draft_keeps_earlier_files_when_one_upload_fails(client, citizen, new_draft):
    """A refused replacement leaves the paper's earlier file in place."""
    dossier = new_draft()
    first = services.dossier_attach_paper(
        dossier=dossier, actor=citizen, paper_index=0, upload=upload("dung.pdf")
    )
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[dossier.pk]),
        {
            "save": "1",
            "paper-0": upload("hong.pdf", b"not a pdf at all"),
            "paper-1": upload("cccd.png"),
        },
    )
    assert response.status_code == 400
    names = set(dossier.attachments.values_list("original_name", flat=True))
    assert names == {"dung.pdf", "cccd.png"}
    assert dossier.attachments.filter(pk=first.pk).exists()


def test_one_paper_upload_answers_its_row_for_the_progress_bar(
    client, citizen, new_draft
):
    """The per-paper endpoint stores the file and returns the paper's row."""
    dossier = new_draft()
    client.force_login(citizen)
    url = reverse("dossiers:upload_paper", args=[dossier.pk, 1])
    response = client.post(url, {"paper-1": upload("cccd.png")}, **XHR)
    assert response.status_code == 200
    assert b'id="paper-row-1"' in response.content
    assert b"cccd.png" in response.content
    bad = client.post(url, {"paper-1": upload("cccd.png", b"plain text")}, **XHR)
    assert bad.status_code == 400
    assert b"invalid-feedback" in bad.content
    assert dossier.attachments.count() == 1


def test_one_paper_upload_without_javascript_redirects_back(client, citizen, new_draft):
    """Without JavaScript the same endpoint redirects back to the draft."""
    dossier = new_draft()
    client.force_login(citizen)
    url = reverse("dossiers:upload_paper", args=[dossier.pk, 0])
    response = client.post(url, {"paper-0": upload()})
    assert response["Location"] == reverse("dossiers:draft", args=[dossier.pk])
    assert dossier.attachments.count() == 1
    assert (
        client.post(reverse("dossiers:upload_paper", args=[dossier.pk, 9])).status_code
        == 404
    )


def test_papers_of_a_submitted_dossier_cannot_change(client, file_online):
    """Once submitted, an upload is refused and nothing is added."""
    dossier = file_online()
    count = dossier.attachments.count()
    client.force_login(dossier.applicant)
    url = reverse("dossiers:upload_paper", args=[dossier.pk, 0])
    response = client.post(url, {"paper-0": upload()}, **XHR)
    assert response.status_code == 400
    assert dossier.attachments.count() == count


def test_submit_names_every_missing_paper_along_with_a_refused_file(
    client, citizen, new_draft
):
    """Guide once: a refused file and a missing mandatory paper are both named."""
    dossier = new_draft()
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[dossier.pk]),
        {
            "submit": "1",
            "name": "Nguyễn Văn An",
            "id_number": "036095001234",
            "phone": "0912345678",
            "paper-0": upload("to-khai.pdf", b"not a pdf"),
        },
    )
    assert response.status_code == 400
    errors = response.context["error_forms"][1].errors
    assert set(errors) == {"paper-0", "paper-1"}
    assert len(errors["paper-0"]) == 1


def test_a_paper_with_several_files_keeps_them_all(client, demo, media):
    """Where the catalogue allows several files, each upload is added, not replaced."""
    from dossiers.models import Attachment
    from procedures.models import Procedure, RequiredPaper
    from tests.factories import UserFactory

    # A procedure without an online form: its first paper takes scans.
    procedure = Procedure.objects.get(code=NO_FORM)
    first = procedure.papers.first()
    RequiredPaper.objects.filter(pk=first.pk).update(multiple_files=True)
    applicant = UserFactory(username="nhieu-tep", role="applicant")
    dossier = services.dossier_create_draft(applicant=applicant, procedure=procedure)
    assert dossier.papers[0]["multiple_files"]
    client.force_login(applicant)
    url = reverse("dossiers:draft", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert 'name="paper-0" id="id_paper-0"' in page and "multiple" in page
    client.post(
        url, {"save": "1", "paper-0": [upload("trang-1.pdf"), upload("trang-2.png")]}
    )
    client.post(url, {"save": "1", "paper-0": upload("trang-3.pdf")})
    names = Attachment.objects.filter(dossier=dossier, paper_index=0).values_list(
        "original_name", flat=True
    )
    assert sorted(names) == ["trang-1.pdf", "trang-2.png", "trang-3.pdf"]


def test_the_picker_offers_only_types_the_check_can_verify():
    """A paper whose catalogue entry also lists DOC and ZIP (not verifiable from
    their content) offers only the verifiable types in the file picker."""
    form = PaperUploadsForm(
        papers=[
            {"index": 0, "name": "Tờ khai", "accepted_types": ["pdf", "doc", "zip"]}
        ]
    )
    accept = form.fields[form.field_name(0)].widget.attrs["accept"].split(",")
    assert ".pdf" in accept
    assert not {".doc", ".zip"} & set(accept)
