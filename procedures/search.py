"""Accent-, case- and Unicode-form-insensitive text folding for Vietnamese search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s.]", re.UNICODE)


def fold(text: str) -> str:
    """Fold Vietnamese text to plain lowercase ASCII-like letters for matching.

    "ĐĂNG KÝ Khai sinh", "dang ky khai sinh" and NFD-decomposed input all fold to
    "dang ky khai sinh". "đ" is a letter of its own, not a d with a mark, so it is
    mapped explicitly.
    """
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D").casefold()
    stripped = _PUNCTUATION.sub(" ", stripped)
    return _SPACES.sub(" ", stripped).strip()


def query_terms(query: str) -> list[str]:
    """The folded words of a search query, longest first, without duplicates."""
    terms = dict.fromkeys(word.strip(".") for word in fold(query).split())
    return sorted((t for t in terms if t), key=len, reverse=True)
