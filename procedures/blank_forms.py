"""Blank forms (mẫu đơn, tờ khai) of the catalogue's papers: what a file must be.

A blank form is a PDF or a DOCX, checked the same way whether an administrator
uploads it in the admin or a catalogue file carries it: the name must end in .pdf
or .docx, the content must be that type from byte 0 (never trusted from the name or
the declared type), a DOCX must carry no macros, and the size is within the upload
limit. The type is read as for the applicants' uploads (``exports.filetypes``).
"""

import hashlib
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from exports import filetypes

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The types a blank form may be, by the extension its name must end in.
TYPES = {"pdf": PDF, "docx": DOCX}
LABELS = {"pdf": "PDF", "docx": "DOCX"}

FOLDER = "procedure-forms"
# RequiredPaper.blank_form's max_length: the stored name must fit in it.
MAX_NAME_LENGTH = 100
DIGEST_LENGTH = 24


def detect(file: IO[bytes]) -> str | None:
    """The form's type from its content, "pdf" or "docx" (a DOCX without macros),
    None for anything else (``exports.filetypes``, as the applicants' uploads)."""
    kind = filetypes.detect(file)
    return kind.name if kind is not None and kind.name in TYPES else None


def check_blank_form(file: IO[bytes], *, name: str, size: int) -> str:
    """The form's type ("pdf" or "docx"), or a ValidationError saying why the file
    cannot be a blank form."""
    name = PurePath(name.replace("\\", "/")).name
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s, more than the limit of %(limit)s per file.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    if not size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not accepted: a blank form is a PDF or DOCX file, its "
                "name ending in .pdf or .docx."
            )
            % {"name": name},
            code="wrong_extension",
        )
    file.seek(0)
    if filetypes.MARKUP.search(file.read(filetypes.SNIFF_BYTES)):
        file.seek(0)
        raise ValidationError(
            _("“%(name)s” contains a web page or a script, not a form.")
            % {"name": name},
            code="markup",
        )
    kind = detect(file)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF or DOCX file (a DOCX without macros): its "
                "content does not match."
            )
            % {"name": name},
            code="wrong_type",
        )
    if kind != extension:
        raise ValidationError(
            _(
                "“%(name)s” is named as a %(claimed)s file but its content is "
                "%(actual)s."
            )
            % {"name": name, "claimed": LABELS[extension], "actual": LABELS[kind]},
            code="mismatch",
        )
    return kind


def storage_name(name: str, content: bytes) -> str:
    """Where an imported form is kept: in a folder named by its content's digest,
    so the same file imported again (a re-import, the demo seeded twice) is the one
    already stored, under the name it was exported with."""
    digest = hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]
    folder = f"{FOLDER}/{digest}/"
    valid = get_valid_filename(PurePath(name.replace("\\", "/")).name)
    stem, dot, extension = valid.rpartition(".")
    room = MAX_NAME_LENGTH - len(folder) - len(dot + extension)
    return f"{folder}{stem[:room]}{dot}{extension}"
