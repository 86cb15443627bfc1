"""The Vietnamese labels against the glossary (docs/glossary.md): one vocabulary."""

import re
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from dossiers.models import Channel, Outcome, State, Timeliness
from dossiers.printing import FORMS
from dossiers.workflow import ACTIONS
from workcalendar.models import CalendarException, ExceptionKind

BASE = Path(settings.BASE_DIR)
GLOSSARY = BASE / "docs" / "glossary.md"
CATALOGUE = BASE / "locale" / "vi" / "LC_MESSAGES" / "django.po"

# A glossary row: | `key` | English | Tiếng Việt | note |
ROW = re.compile(r"^\|\s*`(?P<key>[^`]+)`\s*\|(?P<english>[^|]+)\|(?P<vi>[^|]+)\|")

# The labels the code defines, by the glossary section (its heading's start) that
# names them. Form 07 is a template, not in FORMS: its row is checked as a msgid.
STATES = "Dossier states"
ACTIONS_ = "Workflow actions"
FORMS_ = "Printed forms"
LABELS = [
    *((STATES, s.value, s.label) for s in State),
    *((ACTIONS_, a.name, a.label) for a in ACTIONS.values()),
    *((FORMS_, f.number, f.label) for f in FORMS.values()),
    *(("Roles", r.value, r.label) for r in Role),
    *(("Channels", c.value, c.label) for c in Channel),
    *(("Timeliness", t.value, t.label) for t in Timeliness),
    *(("Timeliness", o.value, o.label) for o in Outcome),
]

# Ways of addressing the reader other than Ông/Bà; "bạn" only as a word of its own.
OTHER_ADDRESS = re.compile(r"(?<!\w)(bạn|quý khách|anh/chị)(?!\w)", re.IGNORECASE)
ONG_BA = re.compile(r"(?<!\w)ông\s*/\s*bà(?!\w)", re.IGNORECASE)


@cache
def glossary() -> dict[str, dict[str, tuple[str, str]]]:
    """Each ``## `` section's keyed rows: key -> (English, Tiếng Việt)."""
    sections: dict[str, dict[str, tuple[str, str]]] = {}
    rows: dict[str, tuple[str, str]] | None = None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            rows = sections.setdefault(line.removeprefix("## ").strip(), {})
        elif rows is not None and (row := ROW.match(line)):
            rows[row["key"]] = (row["english"].strip(), row["vi"].strip())
    return sections


def section(title: str) -> dict[str, tuple[str, str]]:
    matches = [rows for name, rows in glossary().items() if name.startswith(title)]
    assert len(matches) == 1, f"one glossary section starting {title!r}"
    return matches[0]


def vietnamese_texts() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every translation compiled into the catalogue, NFC."""
    texts = []
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                texts.append((entry.msgid, unicodedata.normalize("NFC", text)))
    return texts


def test_the_glossary_names_every_state_action_and_printed_form():
    """Every state, action and printed form of the code has a glossary row, and
    the glossary names none the code lacks."""
    assert set(section(STATES)) == {s.value for s in State}
    assert set(section(ACTIONS_)) == set(ACTIONS)
    assert set(section(FORMS_)) == {*FORMS, "07"}


@pytest.mark.parametrize(
    ("title", "key", "label"), LABELS, ids=[f"{t}:{k}" for t, k, _l in LABELS]
)
def test_a_label_reads_in_vietnamese_as_the_glossary_says(title, key, label):
    """A state, action, form, role, channel or timeliness label is the glossary's
    English in the source and its Vietnamese term once compiled."""
    english, vietnamese = section(title)[key]
    with translation.override("en"):
        assert str(label) == english
    with translation.override("vi"):
        assert str(label) == vietnamese


def test_every_glossary_row_is_its_compiled_translation():
    """Each keyed row's English, translated by the compiled catalogue, is its
    Vietnamese: rows the code does not hold as objects (Form 07) included."""
    rows = [row for rows in glossary().values() for row in rows.values()]
    assert rows
    with translation.override("vi"):
        wrong = [(en, got) for en, vi in rows if (got := translation.gettext(en)) != vi]
    assert wrong == []


def test_the_admin_history_button_says_lich_su_thay_doi():
    """Django's "History" reads as the glossary's change log, not "Bản ghi nhớ"."""
    with translation.override("vi"):
        assert translation.gettext("History") == "Lịch sử thay đổi"
        assert translation.gettext("Change history: %s") == "Lịch sử thay đổi: %s"


@pytest.mark.django_db
def test_the_admin_change_page_shows_lich_su_thay_doi(client, django_user_model):
    """The History button of an admin change page reads "Lịch sử thay đổi"."""
    admin = django_user_model.objects.create_superuser(
        username="glossary", password="glossary-admin-1", preferred_language="vi"
    )
    client.force_login(admin)
    row = CalendarException.objects.create(
        date=date(2039, 6, 6), kind=ExceptionKind.DAY_OFF, reason="Glossary check"
    )
    page = client.get(
        reverse("admin:workcalendar_calendarexception_change", args=[row.pk])
    ).content.decode()
    assert "Lịch sử thay đổi" in page
    assert "Bản ghi nhớ" not in page


def test_no_text_addresses_the_reader_as_ban():
    """No Vietnamese text calls the reader "bạn" (or "quý khách", "anh/chị")."""
    found = [
        (msgid, text)
        for msgid, text in vietnamese_texts()
        if OTHER_ADDRESS.search(text)
    ]
    assert found == []


def test_ong_ba_is_written_one_way():
    """The citizen is "Ông/Bà" wherever a text addresses them, always so spelled."""
    spellings = {
        match for _msgid, text in vietnamese_texts() for match in ONG_BA.findall(text)
    }
    assert spellings == {"Ông/Bà"}


@pytest.mark.parametrize(
    ("text", "addresses"),
    [
        ("Bạn đã nộp hồ sơ.", True),
        ("Hồ sơ của bạn.", True),
        ("BẠN CHƯA CÓ HỒ SƠ", True),
        ("Cảm ơn Ông/Bà.", False),
        ("Số căn cước công dân", False),
        ("Bạnh", False),
    ],
)
def test_the_address_check_matches_only_the_word(text, addresses):
    """The check finds "bạn" as a word of its own, in any case, and nothing else."""
    assert bool(OTHER_ADDRESS.search(text)) is addresses
