"""Fixtures of the citizen portal tests: applicants, drafts and small real files."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import Dossier, State
from procedures.models import Procedure
from tests.factories import UserFactory, demo_user

# Thủ tục đăng ký kết hôn: two mandatory papers, one optional; ward centre desk;
# with the online form (Tờ khai đăng ký kết hôn) standing for paper 0.
MARRIAGE = "1.000894"
# Cấp Giấy xác nhận tình trạng hôn nhân: two mandatory papers, three optional;
# ward centre desk; no online form, so a draft is submitted with its scans alone.
NO_FORM = "1.004873"


def png_bytes() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def upload(name: str = "scan.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = png_bytes() if name.endswith(".png") else b"%PDF-1.4\n%test\n"
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def citizen(demo):
    return demo_user("citizen")


@pytest.fixture
def stranger(demo):
    """Another applicant, who must never see the demo citizen's dossiers."""
    return UserFactory(username="stranger", role="applicant", email="s@example.vn")


@pytest.fixture
def new_draft(citizen, media):
    def make(user=None, code: str = NO_FORM) -> Dossier:
        return services.dossier_create_draft(
            applicant=user or citizen, procedure=Procedure.objects.get(code=code)
        )

    return make


@pytest.fixture
def returned(citizen):
    """The demo citizen's dossier returned online, with its result file."""
    return Dossier.objects.get(
        applicant=citizen, state=State.RETURNED, result_channel="online"
    )
