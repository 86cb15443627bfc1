"""Fixtures of the API tests: clients signed in by session (second factor passed,
as after the code page) or by a real API key, and small real files."""

import pytest
from django.test import Client

from api.models import SCOPES
from api.services import api_key_issue
from tests.factories import UserFactory, demo_user

ALL_SCOPES = [scope for scope, _label in SCOPES]


@pytest.fixture
def anon() -> Client:
    return Client()


def session_client(username: str) -> Client:
    client = Client()
    client.force_login(demo_user(username))
    return client


@pytest.fixture
def as_user(demo):
    """A function: a client signed in as a demo account by session."""
    return session_client


@pytest.fixture
def stranger(demo):
    """Another applicant, who must never see the demo citizen's dossiers."""
    return UserFactory(username="stranger", role="applicant", email="s@example.vn")


@pytest.fixture
def key_client(demo):
    """A function: a client carrying a new API key of ``username``."""

    def make(username: str, scopes=None, **options) -> Client:
        _key, secret = api_key_issue(
            name=f"test {username}",
            user=demo_user(username),
            scopes=ALL_SCOPES if scopes is None else scopes,
            **options,
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


def error_of(response) -> dict:
    """The body of an error answer, checked to be in the documented shape."""
    body = response.json()
    assert set(body) == {"status", "code", "detail", "fields"}, body
    assert body["status"] == response.status_code
    return body
