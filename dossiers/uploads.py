"""Checks of uploaded papers: size, and type read from the file's content.

A browser's declared content type and a file's name are whatever the sender says;
the first bytes of the file are what it is. A scan is accepted only when its content
is one of the paper's accepted types and its name does not claim another type, and
the detected type is what the file is later served as.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class FileKind:
    """A family of files recognised by their first bytes."""

    name: str
    mime: str
    label: str


KINDS = {
    "pdf": FileKind("pdf", "application/pdf", "PDF"),
    "jpg": FileKind("jpg", "image/jpeg", "JPG"),
    "png": FileKind("png", "image/png", "PNG"),
    "gif": FileKind("gif", "image/gif", "GIF"),
    "tif": FileKind("tif", "image/tiff", "TIFF"),
    "ole": FileKind("ole", "application/msword", "DOC/XLS"),
    "zip": FileKind("zip", "application/zip", "DOCX/XLSX/ZIP"),
}

# File extensions a procedure may accept, and the family their content must be.
EXTENSIONS = {
    "pdf": "pdf",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "gif": "gif",
    "tif": "tif",
    "tiff": "tif",
    "doc": "ole",
    "xls": "ole",
    "docx": "zip",
    "xlsx": "zip",
    "odt": "zip",
    "ods": "zip",
    "zip": "zip",
}

# The PDF standard allows bytes before the header; readers look in the first 1 KiB.
PDF_HEADER_WINDOW = 1024
SNIFF_BYTES = 2048


def sniff(head: bytes) -> FileKind | None:
    """The family of a file from its first bytes, or None when unrecognised."""
    if b"%PDF-" in head[:PDF_HEADER_WINDOW]:
        return KINDS["pdf"]
    signatures: list[tuple[bytes, str]] = [
        (b"\xff\xd8\xff", "jpg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"II*\x00", "tif"),
        (b"MM\x00*", "tif"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
        (b"PK\x03\x04", "zip"),
    ]
    for signature, kind in signatures:
        if head.startswith(signature):
            return KINDS[kind]
    return None


def accepted_label(accepted: list[str]) -> str:
    """The accepted types as a person reads them: "PDF, JPG, PNG"."""
    return ", ".join(ext.upper() for ext in accepted) or "PDF"


def check_upload(upload: UploadedFile, accepted: list[str]) -> FileKind:
    """Refuse an upload that is too large, empty, or not what it claims to be.

    On success the upload's ``content_type`` is set to the detected type, so the
    file is stored and later served as what it really is.
    """
    name = PurePath(upload.name or "").name
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _(
                "“%(name)s” is %(size)s, more than the limit of %(limit)s per file. "
                "Scan it at 150–200 dpi, or split it into several files."
            )
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(
            _("“%(name)s” is empty. Choose the scanned file again.") % {"name": name},
            code="empty",
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = sniff(head)
    families = {EXTENSIONS[ext] for ext in accepted if ext in EXTENSIONS}
    if kind is None or kind.name not in families:
        raise ValidationError(
            _(
                "“%(name)s” is not a %(types)s file: its content does not match. "
                "Save the scan as %(types)s and choose it again."
            )
            % {"name": name, "types": accepted_label(accepted)},
            code="wrong_type",
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    claimed = EXTENSIONS.get(extension)
    if claimed is not None and claimed != kind.name:
        raise ValidationError(
            _(
                "“%(name)s” is named as a %(claimed)s file but its content is "
                "%(actual)s. Save it again with the right type."
            )
            % {"name": name, "claimed": extension.upper(), "actual": kind.label},
            code="mismatch",
        )
    upload.content_type = kind.mime
    return kind


TOO_LARGE = gettext_lazy(
    "The upload is too large and nothing was saved. Each file may be at most "
    "%(file_limit)s; send large scans one paper at a time."
)


class UploadLimitMiddleware:
    """Answer an oversize or malformed upload with a readable page, never a 500.

    Uploads larger than ``UPLOAD_MAX_REQUEST_BYTES`` are refused from their declared
    length before the body is read. Otherwise the form is parsed here, before any
    view or the CSRF check touches it, so Django's own limits
    (``DATA_UPLOAD_MAX_MEMORY_SIZE``, ``DATA_UPLOAD_MAX_NUMBER_FILES``…) surface as
    a 413 page that says what to do instead of a bare 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.UPLOAD_MAX_REQUEST_BYTES:
                return self.refuse(request)
            try:
                request.POST  # noqa: B018 - parse now, where errors are caught
            except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent):
                return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        message = TOO_LARGE % {"file_limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        if request.headers.get("X-Requested-With") == "XMLHttpRequest":
            return HttpResponse(message, status=413, content_type="text/plain")
        return render(
            request, "dossiers/upload_refused.html", {"message": message}, status=413
        )
