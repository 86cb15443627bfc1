"""The statistics' tests compare figures right after changing dossiers: the live
days are never served from the cache by age, only when nothing happened since."""

import pytest


@pytest.fixture(autouse=True)
def _live_days_exact(settings):
    settings.REPORTS_LIVE_MAX_AGE_SECONDS = 0
