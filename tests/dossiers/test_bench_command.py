"""The bench command runs end to end on a small synthetic load and leaves nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_bench_prints_figures_and_rolls_its_dossiers_back(demo):
    """Every measure prints a median, a query count and a memory peak; the
    synthetic dossiers are gone afterwards."""
    before = Dossier.objects.count()
    out = StringIO()
    call_command("bench", dossiers=1500, repeat=1, stdout=out)
    text = out.getvalue()
    assert "worklist, clerk, first page" in text
    assert "dashboard counts, manager" in text
    assert text.count(" ms ") >= 8
    assert "Synthetic dossiers rolled back." in text
    assert Dossier.objects.count() == before
