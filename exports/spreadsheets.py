"""A streamed CSV answer, and cell text a spreadsheet never reads as a formula.

Used by the register of dossiers (``dossiers/register.py``) and the audit trail
(``audit/export.py``); each says which columns it has and how a value is written.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import translation

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it: typed text that would start a formula
    gets a leading apostrophe, which makes Excel read it as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file that hands back what is written, for ``csv.writer`` to stream."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    headings: Iterable[Any],
    items: Iterable[Any],
    cells: Callable[[Any], Iterable[str]],
    filename: str,
) -> StreamingHttpResponse:
    """``items`` as a CSV download, one row of ``cells(item)`` each, streamed.

    UTF-8 with a byte-order mark, which is how Excel knows to read Vietnamese
    letters as UTF-8. The rows are written after the view returns, so they are
    written in the request's language, kept here.
    """
    language = translation.get_language()
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        with translation.override(language):
            yield "\ufeff" + writer.writerow([str(h) for h in headings])
            for item in items:
                yield writer.writerow(list(cells(item)))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
