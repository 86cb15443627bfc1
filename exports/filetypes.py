"""What a file is, read from its content (never from its name or declared type).

Every signature is read from byte 0; markup anywhere in the first bytes is refused;
an office file is a zip whose parts must name its type, without macros. Shared by
the applicants' uploads (dossiers/uploads.py) and the catalogue's blank forms
(procedures/blank_forms.py).
"""

import re
import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileKind:
    """A type of file we can recognise for certain from its content."""

    name: str
    mime: str
    label: str
    # Prefixes one of which the file must start with, at byte 0.
    signatures: tuple[bytes, ...]
    # Browsers may show it in a tab (sandboxed); anything else is downloaded.
    inline: bool = False
    # A zip container whose structure must name it (checked by ``_office_kind``).
    container: str = ""


_ZIP = (b"PK\x03\x04",)
KINDS = {
    kind.name: kind
    for kind in (
        FileKind("pdf", "application/pdf", "PDF", (b"%PDF-",), inline=True),
        FileKind("jpg", "image/jpeg", "JPG", (b"\xff\xd8\xff",), inline=True),
        FileKind("png", "image/png", "PNG", (b"\x89PNG\r\n\x1a\n",), inline=True),
        FileKind("gif", "image/gif", "GIF", (b"GIF87a", b"GIF89a"), inline=True),
        FileKind("tif", "image/tiff", "TIFF", (b"II*\x00", b"MM\x00*")),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "DOCX",
            _ZIP,
            container="word/document.xml",
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "XLSX",
            _ZIP,
            container="xl/workbook.xml",
        ),
        FileKind(
            "odt",
            "application/vnd.oasis.opendocument.text",
            "ODT",
            _ZIP,
            container="application/vnd.oasis.opendocument.text",
        ),
        FileKind(
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            "ODS",
            _ZIP,
            container="application/vnd.oasis.opendocument.spreadsheet",
        ),
    )
}
KINDS_BY_MIME = {kind.mime: kind for kind in KINDS.values()}

SNIFF_BYTES = 2048
# A web page, an SVG drawing or a script is never a scan, whatever else it holds.
MARKUP = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|svg|iframe|object|embed)\b"
    rb"|javascript:",
    re.IGNORECASE,
)
# Office files with macros declare them in [Content_Types].xml or carry a VBA part;
# OpenDocument files keep theirs under Basic/ or Scripts/.
MACROS = re.compile(rb"macroEnabled|vbaProject|^Basic/|^Scripts/", re.IGNORECASE)
ZIP_MAX_ENTRIES = 2000


def _office_kind(upload: IO[bytes], kind: FileKind) -> bool:
    """Whether a zip file really is the office document ``kind`` names, without
    macros: its parts, not its first bytes, tell a DOCX from any other archive."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if len(names) > ZIP_MAX_ENTRIES or any(
                MACROS.search(n.encode()) for n in names
            ):
                return False
            if kind.name in {"odt", "ods"}:
                # ODF: the first entry is "mimetype", stored, holding the type.
                first = archive.infolist()[0] if names else None
                if (
                    first is None
                    or first.filename != "mimetype"
                    or first.file_size > 100
                ):
                    return False
                return archive.read(first).strip() == kind.container.encode()
            if "[Content_Types].xml" not in names or kind.container not in names:
                return False
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return False
            return not MACROS.search(archive.read(info))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError):
        return False
    finally:
        upload.seek(0)


def detect(upload: IO[bytes]) -> FileKind | None:
    """The type of a file from its content, or None when it is none we can verify.

    Every signature is read from byte 0: a PDF starts with ``%PDF-``, a JPEG with
    FF D8 FF, a PNG with its 8 bytes. Markup anywhere in the first bytes is refused,
    so an HTML page cannot pass as a PDF by holding "%PDF-" somewhere.
    """
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if MARKUP.search(head):
        return None
    for kind in KINDS.values():
        if head.startswith(kind.signatures):
            if kind.container and not _office_kind(upload, kind):
                continue
            return kind
    return None
