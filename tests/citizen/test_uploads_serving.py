"""Uploaded papers end to end: the issue's bad files refused with nothing stored,
names carrying the detected type, office files checked by their parts, and every
file served as its detected type with headers a browser cannot misread."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from dossiers import services
from dossiers.models import Attachment, AttachmentKind
from dossiers.uploads import KINDS, accepted_label, check_upload, display_name
from tests.factories import demo_user

from .conftest import png_bytes, upload

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
HTML_WITH_PDF_MARKER = b"<html><body><script>alert(1)</script>%PDF-1.4</body></html>"
ISSUE_FILES = [
    ("to-khai.pdf", b"junk before the header " * 3 + b"%PDF-1.4\n"),
    ("don-yeu-cau.html", HTML_WITH_PDF_MARKER),
    ("to-khai.pdf.exe", b"%PDF-1.4\n"),
    ("to-khai.pdf", HTML_WITH_PDF_MARKER),
]


@pytest.mark.parametrize(("name", "content"), ISSUE_FILES)
def test_the_issues_files_are_refused_and_nothing_is_stored(
    client, citizen, new_draft, media, name, content
):
    """Each file from the report is refused on upload with a message naming it,
    and no attachment or file is left behind."""
    dossier = new_draft()
    files_before = set(media.rglob("*"))
    client.force_login(citizen)
    url = reverse("dossiers:upload_paper", args=[dossier.pk, 0])
    response = client.post(url, {"paper-0": upload(name, content)}, **XHR)
    assert response.status_code == 400
    assert name in response.content.decode()
    page = client.post(
        reverse("dossiers:draft", args=[dossier.pk]),
        {"save": "1", "paper-0": upload(name, content)},
    )
    assert page.status_code == 400
    assert name in page.context["error_forms"][1].errors["paper-0"][0]
    assert not dossier.attachments.exists()
    assert set(media.rglob("*")) == files_before


def test_the_stored_name_and_file_carry_the_detected_type(citizen, new_draft, media):
    """The shown name keeps the sender's words with the detected extension; the
    file on disk has a random name with that extension."""
    dossier = new_draft()
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
    stored = services.dossier_attach_paper(
        dossier=dossier,
        actor=citizen,
        paper_index=1,
        upload=upload("Ảnh CCCD.JPEG", jpeg),
    )
    assert (stored.original_name, stored.content_type) == ("Ảnh CCCD.jpg", "image/jpeg")
    assert stored.file.name.endswith(".jpg")
    assert "CCCD" not in stored.file.name
    pdf = services.dossier_attach_paper(
        dossier=dossier,
        actor=citizen,
        paper_index=0,
        upload=upload("don.html", b"%PDF-1.4\n"),
    )
    assert (pdf.original_name, pdf.content_type) == ("don.pdf", "application/pdf")
    assert pdf.file.name.endswith(".pdf")


def test_the_service_refuses_a_file_no_check_recognises(citizen, new_draft):
    """Even called directly, the store keeps no file whose content is unknown."""
    dossier = new_draft()
    with pytest.raises(ValidationError):
        services.dossier_attach_paper(
            dossier=dossier,
            actor=citizen,
            paper_index=0,
            upload=upload("trang.html", HTML_WITH_PDF_MARKER),
        )
    assert not dossier.attachments.exists()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("to khai.pdf", "to khai.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\An\\Tờ khai.pdf", "Tờ khai.pdf"),
        ("to-khai.pdf.exe", "to-khai-pdf.pdf"),
        ("hoa-don\u202efdp.exe", "hoa-don-fdp.pdf"),
        ('<img src=x onerror="a">.pdf', "img src=x onerror=-a.pdf"),
        ("trang\x00\n1.pdf", "trang-1.pdf"),
        (".pdf", "tệp.pdf"),
    ],
)
def test_shown_names_are_sanitised(name, shown):
    """No folders, control or direction-changing characters, inner dots or markup
    characters survive; the extension is always the detected type's."""
    assert display_name(name, KINDS["pdf"]) == shown


# --- office documents, checked by their parts -------------------------------------


def office_zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = (
    b'<Types><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX = office_zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w/>"})
DOCM = office_zip(
    {
        "[Content_Types].xml": DOCX_TYPES.replace(
            b"vnd.openxmlformats-officedocument.wordprocessingml.document.main",
            b"vnd.ms-word.document.macroEnabled.main",
        ),
        "word/document.xml": b"<w/>",
        "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
    }
)
XLSX = office_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
ODT = office_zip(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"}
)
ZIP = office_zip({"readme.txt": b"anything", "run.exe": b"MZ"})
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
OFFICE = ["pdf", "docx", "xlsx", "odt"]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("don.docx", DOCX, "docx"), ("bang.xlsx", XLSX, "xlsx"), ("don.odt", ODT, "odt")],
)
def test_office_documents_pass_when_their_parts_say_so(name, content, kind):
    file = upload(name, content)
    assert check_upload(file, OFFICE) == KINDS[kind]
    assert file.content_type == KINDS[kind].mime


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("don.docx", DOCM, "wrong_type"),
        ("don.docx", ZIP, "wrong_type"),
        ("don.docx", XLSX, "mismatch"),
        ("don.doc", OLE_DOC, "wrong_extension"),
        ("don.zip", ZIP, "wrong_extension"),
    ],
)
def test_macros_archives_and_unverifiable_types_are_refused(name, content, code):
    """A document with macros, any other archive, and legacy DOC/XLS (which
    cannot be verified) are refused."""
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content), [*OFFICE, "doc", "zip"])
    assert caught.value.code == code


def test_a_catalogue_type_that_cannot_be_verified_is_not_offered():
    """A paper listing only "doc" accepts PDF instead, and says so."""
    assert accepted_label(["doc", "xls"]) == "PDF"
    assert accepted_label(["pdf", "zip", "png"]) == "PDF, PNG"


# --- serving ----------------------------------------------------------------------


KINDS_BY_TYPE = {kind.mime: kind.name for kind in KINDS.values()}


def assert_safe_headers(response, mime: str) -> None:
    assert response["Content-Type"] == mime
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "sandbox"


def test_the_applicant_sees_a_paper_inline_and_downloads_a_result(
    client, citizen, returned
):
    """A PDF paper opens sandboxed in the browser; the result is a download; both
    are sent as their detected type under a name with its extension."""
    client.force_login(citizen)
    paper = returned.attachments.filter(kind=AttachmentKind.PAPER).first()
    response = client.get(reverse("dossiers:attachment", args=[returned.pk, paper.pk]))
    assert_safe_headers(response, paper.content_type)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert f".{KINDS_BY_TYPE[paper.content_type]}" in disposition
    result = returned.attachments.get(kind=AttachmentKind.RESULT)
    response = client.get(reverse("dossiers:attachment", args=[returned.pk, result.pk]))
    assert_safe_headers(response, "application/pdf")
    assert response["Content-Disposition"].startswith("attachment")
    assert '.pdf"' in response["Content-Disposition"]


def test_staff_see_files_inline_or_download_them(file_storage, client, in_processing):
    """For staff too: inline and sandboxed by default, a download when asked; the
    same from the local disk and from S3."""
    client.force_login(demo_user("officer"))
    item = in_processing.attachments.first()
    assert file_storage.holds(item.file.name)
    url = reverse("workspace:attachment", args=[in_processing.pk, item.pk])
    shown = client.get(url)
    assert_safe_headers(shown, "application/pdf")
    assert shown["Content-Disposition"].startswith("inline")
    assert b"".join(shown.streaming_content) == b"%PDF-1.4\n%test\n"
    downloaded = client.get(url, {"download": "1"})
    assert_safe_headers(downloaded, "application/pdf")
    assert downloaded["Content-Disposition"].startswith("attachment")


def test_office_files_are_always_downloaded(file_storage, client, in_processing):
    """A DOCX is never shown inline, only downloaded with its own type."""
    item = Attachment(
        dossier=in_processing,
        kind=AttachmentKind.PAPER,
        paper_index=0,
        original_name="don.docx",
        content_type=KINDS["docx"].mime,
        size=len(DOCX),
    )
    item.file.save("don.docx", ContentFile(DOCX), save=True)
    assert item.file.name.endswith(".docx")
    assert file_storage.holds(item.file.name)
    client.force_login(demo_user("officer"))
    response = client.get(
        reverse("workspace:attachment", args=[in_processing.pk, item.pk])
    )
    assert_safe_headers(response, KINDS["docx"].mime)
    assert response["Content-Disposition"] == 'attachment; filename="don.docx"'


@pytest.mark.parametrize("stored_type", ["application/pdf", "text/html", ""])
def test_a_file_stored_before_the_checks_is_sent_as_opaque_bytes(
    file_storage, client, in_processing, stored_type
):
    """The HTML page accepted as a "PDF" before this fix is not served as a page,
    a PDF or under its .html name: the bytes no longer match, so it downloads as
    application/octet-stream named .bin."""
    item = Attachment(
        dossier=in_processing,
        kind=AttachmentKind.PAPER,
        paper_index=0,
        original_name="don-yeu-cau.html",
        content_type=stored_type,
        size=len(HTML_WITH_PDF_MARKER),
    )
    item.file.save("x", ContentFile(HTML_WITH_PDF_MARKER), save=True)
    client.force_login(demo_user("clerk"))
    response = client.get(
        reverse("workspace:attachment", args=[in_processing.pk, item.pk])
    )
    assert_safe_headers(response, "application/octet-stream")
    assert response["Content-Disposition"] == 'attachment; filename="don-yeu-cau.bin"'


def test_a_png_paper_is_served_as_png(file_storage, client, citizen, new_draft):
    """The type served is the one detected at upload, not the browser's claim."""
    dossier = new_draft()
    stored = services.dossier_attach_paper(
        dossier=dossier, actor=citizen, paper_index=1, upload=upload("cccd.png")
    )
    assert file_storage.holds(stored.file.name)
    client.force_login(citizen)
    response = client.get(reverse("dossiers:attachment", args=[dossier.pk, stored.pk]))
    assert_safe_headers(response, "image/png")
    assert b"".join(response.streaming_content) == png_bytes()
