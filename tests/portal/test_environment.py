"""The services the suite runs against, and the committed translations."""

import os
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db import connection

from portal.health import broker_status

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.mark.skipif(not IN_CI, reason="CI runs against PostgreSQL and Redis")
@pytest.mark.django_db
def test_ci_runs_on_real_postgresql_and_redis():
    """In CI the suite uses real PostgreSQL and a reachable Redis broker."""
    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    status = broker_status()
    assert status.ok, status.detail


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_translations_match_sources(language):
    """Every translated .po entry is in the committed .mo (run `make messages`)."""
    locale = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"
    po = polib.pofile(str(locale / "django.po"))
    mo = polib.mofile(str(locale / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid


def test_vietnamese_translation_is_complete():
    """Every interface string has a Vietnamese translation."""
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po")
    )
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == []
