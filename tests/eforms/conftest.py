"""The e-form tests read messages in English, whatever the catalogue holds."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield
