"""Checks of uploaded papers and how stored files are served back.

A browser's declared content type and a file's name are whatever the sender says;
the first bytes of the file are what it is. A scan is accepted only when its content
is, from byte 0, one of the paper's accepted types, its name ends in an extension the
paper accepts, and the antivirus (when configured) finds nothing. The detected type
is what the file is stored and later served as, under a name ending in that type's
extension, never the one the sender chose.
"""

import hashlib
import logging
import os
import re
import secrets
import unicodedata
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exports.filetypes import (
    KINDS,  # noqa: F401 (callers read uploads.KINDS)
    KINDS_BY_MIME,
    MARKUP,
    SNIFF_BYTES,
    FileKind,
    detect,
)

from . import antivirus

logger = logging.getLogger(__name__)


# Extensions a procedure may accept, and the type their content must be. Others a
# catalogue may list (doc, xls: OLE files that may carry macros and cannot be told
# apart; zip: an archive of anything) cannot be verified and are never accepted.
EXTENSIONS = {
    "pdf": "pdf",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "gif": "gif",
    "tif": "tif",
    "tiff": "tif",
    "docx": "docx",
    "xlsx": "xlsx",
    "odt": "odt",
    "ods": "ods",
}


def verifiable(accepted: list[str]) -> list[str]:
    """The paper's accepted extensions we can verify (PDF when none is left)."""
    return [ext for ext in accepted if ext in EXTENSIONS] or ["pdf"]


def accepted_label(accepted: list[str]) -> str:
    """The accepted types as a person reads them: "PDF, JPG, PNG"."""
    return ", ".join(ext.upper() for ext in verifiable(accepted))


def _safe_stem(name: str) -> str:
    """The sender's file name without folders, extension, inner dots, control or
    direction-changing characters (U+202E turns "gpj.exe" into "exe.jpg")."""
    name = unicodedata.normalize("NFC", PurePath(name.replace("\\", "/")).name)
    stem = "".join(
        c if c == " " or unicodedata.category(c)[0] not in "CZ" else "-"
        for c in name.rsplit(".", 1)[0]
    )
    stem = re.sub(r'[<>:"/\\|?*.;%]+', "-", stem)
    return re.sub(r"[\s-]{2,}", "-", stem).strip(" -_")[:100] or _("file")


def display_name(name: str, kind: FileKind) -> str:
    """The sender's file name made safe to show and to download, ending in the
    detected type's extension: ``don-yeu-cau.html`` holding a PDF is shown and
    downloaded as ``don-yeu-cau.pdf``."""
    return f"{_safe_stem(name)}.{kind.name}"


def _refuse(message: str, code: str, **values: Any) -> ValidationError:
    return ValidationError(message % values, code=code)


def check_upload(upload: UploadedFile, accepted: list[str]) -> FileKind:
    """Refuse an upload that is too large, empty, not what it claims to be, or
    infected; the checks run before anything is stored.

    On success the upload's ``content_type`` is set to the detected type, so the
    file is stored and later served as what it really is.
    """
    name = PurePath((upload.name or "").replace("\\", "/")).name
    limit = settings.UPLOAD_MAX_BYTES
    accepted = verifiable(accepted)
    types = accepted_label(accepted)
    if upload.size > limit:
        raise _refuse(
            _(
                "“%(name)s” is %(size)s, more than the limit of %(limit)s per file. "
                "Scan it at 150–200 dpi, or split it into several files."
            ),
            "too_large",
            name=name,
            size=filesizeformat(upload.size),
            limit=filesizeformat(limit),
        )
    if not upload.size:
        raise _refuse(
            _("“%(name)s” is empty. Choose the scanned file again."),
            "empty",
            name=name,
        )
    # The last extension is the one a computer opens the file by: "to-khai.pdf.exe"
    # is a program, "don.html" a web page, whatever their content.
    extension = PurePath(name).suffix.lower().lstrip(".")
    families = {EXTENSIONS[ext] for ext in accepted}
    if EXTENSIONS.get(extension) not in families:
        raise _refuse(
            _(
                "“%(name)s” is not accepted: only %(types)s files are, and the name "
                "must end in one of them (for example .%(example)s)."
            ),
            "wrong_extension",
            name=name,
            types=types,
            example=accepted[0],
        )
    upload.seek(0)
    if MARKUP.search(upload.read(SNIFF_BYTES)):
        upload.seek(0)
        raise _refuse(
            _(
                "“%(name)s” contains a web page or a script, not a scan. Save the "
                "scan as %(types)s and choose it again."
            ),
            "markup",
            name=name,
            types=types,
        )
    kind = detect(upload)
    if kind is None or kind.name not in families:
        raise _refuse(
            _(
                "“%(name)s” is not a %(types)s file: its content does not match. "
                "Save the scan as %(types)s and choose it again."
            ),
            "wrong_type",
            name=name,
            types=types,
        )
    if EXTENSIONS[extension] != kind.name:
        raise _refuse(
            _(
                "“%(name)s” is named as a %(claimed)s file but its content is "
                "%(actual)s. Save it again with the right type."
            ),
            "mismatch",
            name=name,
            claimed=extension.upper(),
            actual=kind.label,
        )
    _scan_for_viruses(upload, name)
    upload.content_type = kind.mime
    return kind


def _scan_for_viruses(upload: UploadedFile, name: str) -> None:
    """Ask clamd when ``CLAMAV_URL`` is set; an infected file is quarantined and
    refused, and a scanner that gives no answer refuses the file too (fail closed)."""
    url = settings.CLAMAV_URL
    if not url:
        return
    upload.seek(0)
    try:
        signature = antivirus.scan(upload, url=url, timeout=settings.CLAMAV_TIMEOUT)
    except antivirus.ScanError:
        logger.exception("Virus scan failed; upload %r refused", name)
        raise _refuse(
            _(
                "“%(name)s” could not be checked for viruses just now, so it was not "
                "saved. Try again in a few minutes; if it keeps failing, call the "
                "hotline."
            ),
            "scan_failed",
            name=name,
        ) from None
    finally:
        upload.seek(0)
    if signature is None:
        return
    where = _quarantine(upload)
    logger.warning(
        "Infected upload refused: name=%r size=%d sha256=%s signature=%s "
        "quarantined=%s",
        name,
        upload.size,
        _sha256(upload),
        signature,
        where or "-",
    )
    raise _refuse(
        _(
            "“%(name)s” contains a virus (%(signature)s) and was refused; nothing was "
            "saved. Scan your computer or phone, then scan the paper again."
        ),
        "infected",
        name=name,
        signature=signature,
    )


def _sha256(upload: UploadedFile) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _quarantine(upload: UploadedFile) -> str:
    """Keep an infected upload for investigation, outside the dossiers and media,
    readable by the owner only. Returns where it went ("" when not kept)."""
    folder = settings.UPLOAD_QUARANTINE_DIR
    if not folder:
        return ""
    folder = Path(folder)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        target = folder / f"{stamp}-{secrets.token_hex(8)}.quarantined"
        upload.seek(0)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    except OSError:
        logger.exception("Could not quarantine an infected upload")
        return ""
    finally:
        upload.seek(0)
    return str(target)


def extension_for(content_type: str) -> str:
    """ ".pdf" for a type we store, "" otherwise: the stored file's suffix."""
    kind = KINDS_BY_MIME.get(content_type)
    return f".{kind.name}" if kind else ""


def file_response(
    file: IO[bytes], *, content_type: str, name: str, download: bool
) -> FileResponse:
    """A stored file as the type it was detected as, never something a browser
    would run: PDFs and images inline only when asked for and sandboxed, everything
    else downloaded, under a name ending in the type's own extension.

    The first bytes are checked again: a file stored before these checks (or
    changed on disk) that is not what its row says is sent as opaque bytes.
    """
    kind = KINDS_BY_MIME.get(content_type)
    head = file.read(len(max(kind.signatures, key=len))) if kind else b""
    file.seek(0)
    if kind is None or not head.startswith(kind.signatures):
        kind = None
        filename = f"{_safe_stem(name)}.bin"
        mime = "application/octet-stream"
    else:
        filename = display_name(name, kind)
        mime = kind.mime
    inline = kind is not None and kind.inline and not download
    response = FileResponse(
        file, content_type=mime, as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


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
