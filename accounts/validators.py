"""Password rules of the site: no leaked password, nor one a little disguised."""

import re
import unicodedata
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Look-alike characters people put in place of letters ("P@ssw0rd"). A "1" stands
# for an "i" as often as for an "l", so both readings are tried.
_LOOK_ALIKES = {
    "@": "a",
    "4": "a",
    "8": "b",
    "3": "e",
    "€": "e",
    "6": "g",
    "9": "g",
    "!": "i",
    "|": "l",
    "0": "o",
    "$": "s",
    "5": "s",
    "7": "t",
    "+": "t",
}
_READINGS = (
    str.maketrans({**_LOOK_ALIKES, "1": "i"}),
    str.maketrans({**_LOOK_ALIKES, "1": "l"}),
)
# Digits, years and punctuation added before or after a word; a password longer
# than this at either end is not one word with a little added.
_MAX_ADDED = 12
# "mat-khau" and "pass word" are the listed "matkhau" and "password".
_SEPARATORS = re.compile(r"[\s._-]+")


def _plain(text: str) -> str:
    """Lower case without Vietnamese diacritics: "Mật-khẩu" and "mat-khau" match."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _added_length(text: str) -> int:
    """How many characters at the start of ``text`` are not letters."""
    match = re.match(r"[\W\d_]*", text)
    return min(len(match.group(0)), _MAX_ADDED)


def password_variants(password: str) -> set[str]:
    """The password and the words it may hide: without what was added before or
    after (digits, years, punctuation), without separators between its words, and
    with look-alikes read back as letters.
    """
    lowered = password.strip().lower()
    variants = {lowered}
    for text in {lowered, _plain(lowered)}:
        head, tail = _added_length(text), _added_length(text[::-1])
        for start in range(head + 1):
            for end in range(tail + 1):
                core = text[start : len(text) - end]
                for word in {core, _SEPARATORS.sub("", core)} - {""}:
                    variants.add(word)
                    variants.update(word.translate(table) for table in _READINGS)
    return variants


class BreachedPasswordValidator(CommonPasswordValidator):
    """Refuse a password found in the bundled lists of leaked passwords, also when
    it is one of them with look-alike characters, digits, a year or punctuation.

    The list (``accounts/data/breached-passwords.txt.gz``, ~56,000 entries; its
    sources are in ``accounts/data/README.md``) includes Django's own list of 20,000,
    so this validator takes the place of ``CommonPasswordValidator``. It works
    offline; it is no substitute for a check against the full breach corpora.
    """

    DEFAULT_PASSWORD_LIST_PATH = (
        Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"
    )

    def validate(self, password: str, user=None) -> None:
        if not self.passwords.isdisjoint(password_variants(password)):
            raise ValidationError(self.get_error_message(), code="password_breached")

    def get_error_message(self) -> str:
        return _(
            "This password is on the lists of passwords leaked from other sites, or "
            "is one of them with letters swapped for look-alike characters or with "
            "digits, a year or punctuation added. Choose another one: a few "
            "unrelated words make a strong password."
        )

    def get_help_text(self) -> str:
        return _(
            "Your password cannot be a commonly used or leaked password, even with "
            "letters swapped for look-alike characters or a year added."
        )
