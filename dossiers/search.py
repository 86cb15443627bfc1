"""The staff's one search box over dossiers: code, applicant's name, ID number, phone.

Each dossier keeps ``search_folded``: its applicant's name folded as the catalogue
folds text (``procedures.search.fold``: no accents, no case, "đ" is "d"), then the
phone's digits and the ID number, each word after a space::

    " nguyen van an 0912345678 001090001234"

so one ``LIKE`` answers every kind of search on SQLite and PostgreSQL alike, and on
PostgreSQL a trigram index on that column (and one on the code) serves it
(migration 0008).

What a query finds (``search_condition``):

- any part of a dossier code, in any case ("h99-2611", "0000123");
- the applicant's name without accents or case, words in any order, each word the
  start of a word of the name ("nguyen van an", "An Nguyễn", "đỗ", "do");
- the ID number, whole (its own index) or any part of three digits or more;
- the phone, any part of three digits or more, typed with spaces, dots or dashes,
  or in the international form ("+84 912 345 678").

A query needs ``MIN_QUERY_LENGTH`` characters: a single letter would match most of
the table, and a fragment of fewer than three characters anywhere in a code or a
number has no trigram to look up, so short queries match the start of a name's
word only (" do…"), which the trigram index still serves.
"""

import re
import unicodedata

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procedures.search import fold, query_terms

MIN_QUERY_LENGTH = 2
# Shorter than this, a fragment has no trigram: only a name word's start matches.
MIN_FRAGMENT_LENGTH = 3
MAX_QUERY_LENGTH = 100
SEARCH_FOLDED_LENGTH = 255
TOO_SHORT_MESSAGE = _("Type at least %(count)d characters to search.")

_NOT_DIGIT = re.compile(r"[^0-9]")
_NOT_ID_CHARACTER = re.compile(r"[^0-9a-z]")
# A fragment the trigram index can look up: three letters or digits in a row (a
# pattern of dashes and dots alone has none, and would read the whole index).
_TRIGRAM = re.compile(rf"[^\W_]{{{MIN_FRAGMENT_LENGTH}}}")
# What people type between the digits of a phone number.
_PHONE_LIKE = re.compile(r"^\+?[0-9][0-9 .\-()]*$")


def phone_digits(phone: str) -> str:
    """The national form of a phone number, digits only: "+84 912 345 678" and
    "0912.345.678" are both "0912345678" (a national number starts with 0, so
    eleven digits or more starting with 84 are the international form)."""
    digits = _NOT_DIGIT.sub("", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def id_characters(id_number: str) -> str:
    """An ID number as stored for search: lower-case letters and digits only."""
    return _NOT_ID_CHARACTER.sub("", (id_number or "").lower())


def dossier_search_text(name: str, phone: str, id_number: str) -> str:
    """The ``search_folded`` value of a dossier: a space before every word."""
    parts = [fold(name), phone_digits(phone), id_characters(id_number)]
    text = " ".join(part for part in parts if part)
    return (" " + text)[:SEARCH_FOLDED_LENGTH] if text else ""


def search_folded_sql(name: str, phone: str, id_number: str) -> str:
    """``dossier_search_text`` as a PostgreSQL expression, for writing rows in SQL
    (the migration, the benchmark's generator): ``name`` is an SQL expression of
    the name already folded (by ``fold``, in Python: PostgreSQL has no such fold),
    ``phone`` and ``id_number`` of the raw columns."""
    digits = f"regexp_replace({phone}, '[^0-9]', '', 'g')"
    national = (
        f"CASE WHEN {digits} ~ '^84' AND length({digits}) >= 11 "
        f"THEN '0' || substr({digits}, 3) ELSE {digits} END"
    )
    id_text = f"regexp_replace(lower({id_number}), '[^0-9a-z]', '', 'g')"
    parts = f"nullif({name}, ''), nullif({national}, ''), nullif({id_text}, '')"
    return (
        f"coalesce(left(' ' || nullif(concat_ws(' ', {parts}), ''), "
        f"{SEARCH_FOLDED_LENGTH}), '')"
    )


def normalise_query(query: str) -> str:
    """The query as the matcher reads it: composed Unicode, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", query or "").split())


def query_problem(query: str) -> str | None:
    """Why the box cannot search for ``query`` (a message for the form), or None."""
    text = normalise_query(query)
    if text and len(text.replace(" ", "")) < MIN_QUERY_LENGTH:
        return TOO_SHORT_MESSAGE % {"count": MIN_QUERY_LENGTH}
    return None


def _word_condition(term: str) -> Q:
    """A folded word of the query: a name word's start, or (with a digit, and
    long enough for a trigram) any part of a number."""
    if len(term) >= MIN_FRAGMENT_LENGTH and any(c.isdigit() for c in term):
        return Q(search_folded__contains=term)
    return Q(search_folded__contains=" " + term)


def search_condition(query: str) -> Q | None:
    """The dossiers a query in the staff's search box finds, as one condition.

    Every alternative is served by an index on PostgreSQL: the code's and the
    folded column's trigram indexes, the ID number's B-tree. None when the query is
    empty or too short (``query_problem`` says why).
    """
    text = normalise_query(query)[:MAX_QUERY_LENGTH]
    if not text or query_problem(text):
        return None
    alternatives: list[Q] = []
    if " " not in text:
        alternatives.append(Q(applicant_id_number=text))
        if _TRIGRAM.search(text):
            alternatives.append(Q(code__icontains=text))
    terms = query_terms(text)
    digits = phone_digits(text) if _PHONE_LIKE.match(text) else ""
    if len(digits) >= MIN_FRAGMENT_LENGTH and terms != [digits]:
        alternatives.append(Q(search_folded__contains=digits))
    if terms:
        words = Q()
        for term in terms:
            words &= _word_condition(term)
        alternatives.append(words)
    if not alternatives:
        return None
    condition = alternatives[0]
    for alternative in alternatives[1:]:
        condition |= alternative
    return condition
