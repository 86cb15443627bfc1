"""Blank forms (mẫu đơn, tờ khai) in the catalogue file, through the file storage
(local disk and S3); refusals; the demo's forms; the procedure page's link and the
download."""

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation

from portal.demo import seed_agencies
from procedures import catalogue_io
from procedures.admin import PaperForm
from procedures.blank_forms import DOCX
from procedures.catalogue_io import (
    CatalogueImportError,
    CatalogueSection,
    export_catalogue,
    import_catalogue,
)
from procedures.demo import BLANK_FORMS_DIR, seed_catalogue
from procedures.models import Agency, Procedure, RequiredPaper, Sector
from tests.factories import ProcedureFactory, RequiredPaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are checked in English (their Vietnamese is in locale/)."""
    with translation.override("en"):
        yield


# A small real PDF; every byte value follows its end, so any re-encoding shows.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n" + bytes(range(256))
)
DOWNLOAD_LABEL = "Tải mẫu đơn, tờ khai"


def docx(*, macros: bool = False) -> bytes:
    """A minimal Word document (a zip with its content types and body)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            "<w:document><w:body><w:p><w:r><w:t>Tờ khai</w:t></w:r></w:p>"
            "</w:body></w:document>",
        )
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


DOCX_BYTES = docx()


def entry(name: str, content: bytes, content_type: str | None = None) -> dict:
    form = {"name": name, "data": base64.b64encode(content).decode("ascii")}
    if content_type is not None:
        form["content_type"] = content_type
    return form


def stored_files(media: Path) -> set[Path]:
    return {path for path in media.rglob("*") if path.is_file()}


def read(paper: RequiredPaper) -> bytes:
    with paper.blank_form.open("rb") as file:
        return file.read()


@pytest.fixture
def procedure(media) -> Procedure:
    """A published procedure: a PDF form, a DOCX form, a paper without one.
    (Ask for ``file_storage`` first to run it on S3 as well.)"""
    procedure = ProcedureFactory(published=True, code="9.100001")
    first = RequiredPaperFactory(procedure=procedure, position=1, name="Tờ khai")
    second = RequiredPaperFactory(procedure=procedure, position=2, name="Đơn đề nghị")
    RequiredPaperFactory(procedure=procedure, position=3, name="Giấy chứng sinh")
    first.blank_form.save("to-khai.pdf", ContentFile(PDF))
    second.blank_form.save("don-de-nghi.docx", ContentFile(DOCX_BYTES))
    return procedure


def without_timestamp(document: str) -> dict:
    data = json.loads(document)
    data.pop("exported_at")
    return data


def test_round_trip_gives_byte_identical_files(file_storage, procedure):
    """Exported, then imported into an empty centre (no catalogue, no stored
    files), every blank form comes back byte for byte under its name, stored in
    the same storage (local disk or S3), and exports the same again."""
    exported = export_catalogue()
    papers = json.loads(exported)["procedures"][0]["papers"]
    assert papers[0]["blank_form"]["name"] == "to-khai.pdf"
    assert papers[0]["blank_form"]["content_type"] == "application/pdf"
    assert base64.b64decode(papers[0]["blank_form"]["data"]) == PDF
    assert papers[1]["blank_form"]["content_type"] == DOCX
    assert "blank_form" not in papers[2]
    for paper in RequiredPaper.objects.exclude(blank_form=""):
        name = paper.blank_form.name
        paper.blank_form.delete(save=False)
        assert not file_storage.holds(name)
    Procedure.objects.all().delete()
    Sector.objects.all().delete()
    Agency.objects.all().delete()

    assert import_catalogue(json.loads(exported)) == {"created": 1, "updated": 0}

    first, second, third = Procedure.objects.get(code="9.100001").papers.all()
    assert read(first) == PDF
    assert read(second) == DOCX_BYTES
    assert not third.blank_form
    assert first.blank_form.name.endswith("/to-khai.pdf")
    assert second.blank_form.name.endswith("/don-de-nghi.docx")
    assert file_storage.holds(first.blank_form.name)
    assert file_storage.holds(second.blank_form.name)
    assert without_timestamp(export_catalogue()) == without_timestamp(exported)


def test_importing_the_same_file_again_stores_nothing_new(procedure, media):
    """A re-import of the same forms keeps the stored files: no new copy."""
    document = json.loads(export_catalogue())
    import_catalogue(document)
    names = list(RequiredPaper.objects.values_list("blank_form", flat=True))
    files = stored_files(media)
    import_catalogue(document)
    assert list(RequiredPaper.objects.values_list("blank_form", flat=True)) == names
    assert stored_files(media) == files


TOO_LARGE = "more than the limit"


@pytest.mark.parametrize(
    ("form", "where", "reason"),
    [
        pytest.param(
            entry("to-khai.pdf", b"<!DOCTYPE html><html>%PDF-1.4</html>"),
            "blank_form",
            "contains a web page or a script, not a form",
            id="web page named .pdf",
        ),
        pytest.param(
            entry("to-khai.pdf", b"MZ\x90\x00 a program", "application/pdf"),
            "blank_form",
            "is not a PDF or DOCX file",
            id="program named .pdf",
        ),
        pytest.param(
            entry("to-khai.docx", PDF),
            "blank_form",
            "is named as a DOCX file but its content is PDF",
            id="PDF named .docx",
        ),
        pytest.param(
            entry("to-khai.docx", docx(macros=True)),
            "blank_form",
            "is not a PDF or DOCX file (a DOCX without macros)",
            id="DOCX with macros",
        ),
        pytest.param(
            entry("to-khai.doc", b"\xd0\xcf\x11\xe0 old Word"),
            "blank_form",
            "a blank form is a PDF or DOCX file",
            id="old Word .doc",
        ),
        pytest.param(entry("to-khai.pdf", b""), "blank_form", "is empty", id="empty"),
        pytest.param(
            entry("to-khai.pdf", PDF, DOCX),
            "blank_form.content_type",
            "but the content is 'application/pdf'",
            id="declared type is not the content's",
        ),
        pytest.param(
            {"name": "to-khai.pdf", "data": "%PDF not base64!"},
            "blank_form.data",
            "is not valid base64",
            id="not base64",
        ),
        pytest.param(
            {"data": base64.b64encode(PDF).decode()},
            "blank_form.name",
            "is required",
            id="no name",
        ),
        pytest.param("to-khai.pdf", "blank_form", "must be an object", id="string"),
        pytest.param(
            entry("to-khai.pdf", PDF + bytes(4096)),
            "blank_form",
            TOO_LARGE,
            id="too large",
        ),
    ],
)
def test_bad_blank_form_is_refused_with_its_reason_and_nothing_imported(
    procedure, media, settings, form, where, reason
):
    """A bad blank form is refused with its paper's position and the reason; the
    file's other changes (a new procedure, a renamed one) are not written and no
    file is stored."""
    if reason == TOO_LARGE:
        settings.UPLOAD_MAX_BYTES = 4096  # the other papers' forms are smaller
    document = json.loads(export_catalogue())
    new = json.loads(json.dumps(document["procedures"][0]))
    new["code"] = "9.100002"
    for paper in new["papers"]:
        paper.pop("blank_form", None)
    document["procedures"].append(new)
    document["procedures"][0]["name"] = "Đã đổi tên"
    document["procedures"][0]["papers"][2]["blank_form"] = form
    before = export_catalogue()
    files = stored_files(media)

    with pytest.raises(CatalogueImportError) as excinfo:
        import_catalogue(document)

    [error] = excinfo.value.errors
    position, message = error.split(": ", 1)
    assert position == f"procedures[0] (9.100001).papers[2].{where}"
    assert reason in message
    assert not Procedure.objects.filter(code="9.100002").exists()
    assert without_timestamp(export_catalogue()) == without_timestamp(before)
    assert stored_files(media) == files


def test_failed_import_removes_the_forms_it_stored(procedure, media, monkeypatch):
    """When the import fails after storing a new form (here a section of the
    file that fails to write), the rows roll back and the stored file goes too."""

    def fail(plan, actor):
        raise RuntimeError("the section could not be written")

    monkeypatch.setitem(
        catalogue_io.SECTIONS,
        "failing",
        CatalogueSection("failing", list, lambda items, codes, error: items, fail),
    )
    document = json.loads(export_catalogue())
    assert document["failing"] == []
    document["procedures"][0]["papers"][2]["blank_form"] = entry("moi.pdf", PDF + b"2")
    files = stored_files(media)

    with pytest.raises(RuntimeError, match="could not be written"):
        import_catalogue(document)

    assert stored_files(media) == files
    assert not RequiredPaper.objects.get(name="Giấy chứng sinh").blank_form


def test_absent_entry_keeps_the_existing_form_and_null_removes_it(procedure):
    """A paper without the key keeps the form it has (files from before blank
    forms travelled); ``null`` removes it; a new form replaces it."""
    names = dict(RequiredPaper.objects.values_list("name", "blank_form"))
    document = json.loads(export_catalogue())
    papers = document["procedures"][0]["papers"]
    del papers[0]["blank_form"]
    papers[1]["blank_form"] = None
    papers[2]["blank_form"] = entry("giay-chung-sinh.pdf", PDF + b"new")

    import_catalogue(document)

    first, second, third = Procedure.objects.get(code="9.100001").papers.all()
    assert first.blank_form.name == names["Tờ khai"]
    assert read(first) == PDF
    assert not second.blank_form
    assert read(third) == PDF + b"new"


def test_admin_upload_is_checked_like_an_imported_form(procedure):
    """The admin's paper form refuses a web page named .pdf, with the same reason
    as an import, and takes a real PDF."""
    form_class = modelform_factory(
        RequiredPaper,
        form=PaperForm,
        fields=["position", "name", "mandatory", "accepted_types", "blank_form"],
    )
    data = {"position": 4, "name": "Tờ khai bổ sung", "accepted_types": "pdf"}
    bad = form_class(
        data,
        {"blank_form": SimpleUploadedFile("to-khai.pdf", b"<html>%PDF-</html>")},
        instance=RequiredPaper(procedure=procedure),
    )
    assert not bad.is_valid()
    assert "contains a web page or a script" in bad.errors["blank_form"][0]
    good = form_class(
        data,
        {"blank_form": SimpleUploadedFile("to-khai.pdf", PDF)},
        instance=RequiredPaper(procedure=procedure),
    )
    assert good.is_valid(), good.errors


def test_procedure_page_links_the_blank_forms_and_they_download(client, procedure):
    """The procedure page offers "Tải mẫu đơn, tờ khai" for each paper with a form
    and for no other; each link downloads the form's bytes."""
    first, second, third = procedure.papers.all()
    content = client.get(procedure.get_absolute_url()).content.decode()
    assert content.count(DOWNLOAD_LABEL) == 2
    urls = [
        reverse("procedures:blank_form", args=[procedure.code, paper.pk])
        for paper in (first, second, third)
    ]
    assert f'href="{urls[0]}"' in content
    assert f'href="{urls[1]}"' in content
    assert urls[2] not in content
    for url, expected, content_type in (
        (urls[0], PDF, "application/pdf"),
        (urls[1], DOCX_BYTES, DOCX),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == expected
    assert client.get(urls[2]).status_code == 404


def test_demo_seeds_its_blank_forms_once(media):
    """The demo's birth and marriage declarations are real PDFs, attached to their
    papers; seeding again stores nothing new."""
    seed_agencies()
    seed_catalogue()
    birth = RequiredPaper.objects.get(procedure__code="1.001193", position=1)
    marriage = RequiredPaper.objects.get(procedure__code="1.000894", position=1)
    for paper, name in (
        (birth, "to-khai-dang-ky-khai-sinh.pdf"),
        (marriage, "to-khai-dang-ky-ket-hon.pdf"),
    ):
        assert paper.name.startswith("Tờ khai đăng ký")
        assert read(paper) == (BLANK_FORMS_DIR / name).read_bytes()
        assert read(paper).startswith(b"%PDF-")
    files = stored_files(media)
    assert len(files) == 2

    seed_catalogue()

    assert stored_files(media) == files
    assert RequiredPaper.objects.exclude(blank_form="").count() == 2
