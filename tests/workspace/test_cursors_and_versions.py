"""Worklist cursors that no page produced, and staff actions without a version:
both answered 400 with a message, never a 500, and nothing changed."""

import pytest
from django.urls import reverse

from dossiers.models import Dossier, State, TransitionLog
from dossiers.selectors import InvalidCursor, parse_cursor
from tests.factories import demo_user

pytestmark = pytest.mark.django_db

BAD_CURSORS = [
    "garbage",
    "|",
    "-|",
    "-|abc",
    "-|-5",
    "-|0",
    "-|1.5",
    "-|1e3",
    "-| 7",
    "-|１２",  # full-width digits: int() reads them, we do not
    "-|99999999999999999999",
    "-|9223372036854775808",
    "2026-01-01T00:00:00+07:00|99999999999999999999",
    "2026-01-01T00:00:00|5",  # no offset
    "2026-13-01T00:00:00+07:00|5",
    "9999-12-31T23:59:59-10:00|1",  # past year 9999 in UTC
    "0001-01-01T00:00:00+14:00|1",  # before year 1 in UTC
    "x" * 200 + "|1",
    "-|1\x00",
]


@pytest.mark.parametrize(
    ("cursor", "expected"),
    [
        ("-|5", (None, 5)),
        ("-|9223372036854775807", (None, 2**63 - 1)),
        (
            "2026-01-01T08:30:00+07:00|42",
            ("2026-01-01T08:30:00+07:00", 42),
        ),
    ],
)
def test_cursors_of_our_own_pages_parse(cursor, expected):
    """A cursor a page produced reads back as its due date and id."""
    due, last_id = parse_cursor(cursor)
    assert (due.isoformat() if due else None, last_id) == expected


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_any_other_cursor_is_refused(cursor):
    """Garbage, huge or negative ids and unstorable dates are InvalidCursor."""
    with pytest.raises(InvalidCursor):
        parse_cursor(cursor)


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_the_worklist_answers_a_bad_cursor_with_its_first_page(
    client, in_processing, cursor
):
    """A hand-edited page link: 400, a message, and page 1 — never a server error."""
    client.force_login(demo_user("clerk"))
    first = client.get(reverse("workspace:dossier_list"))
    response = client.get(reverse("workspace:dossier_list"), {"after": cursor})
    assert response.status_code == 400
    assert [d.pk for d in response.context["rows"]] == [
        d.pk for d in first.context["rows"]
    ]
    assert response.context["first_page"]
    assert [str(m) for m in response.context["messages"]]


def test_a_cursor_past_every_row_is_an_empty_page(client, in_processing):
    """A well-formed cursor beyond the last dossier is simply the end of the list."""
    client.force_login(demo_user("clerk"))
    response = client.get(
        reverse("workspace:dossier_list"), {"after": "9999-12-30T00:00:00+00:00|1"}
    )
    assert response.status_code == 200
    assert response.context["next_cursor"] is None


def act(client, dossier: Dossier, data: dict):
    return client.post(
        reverse("workspace:dossier_act", args=[dossier.pk, "receive"]), data
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"version": ""},
        {"version": "abc"},
        {"version": "1.5"},
        {"version": "-1"},
        {"version": "1e3"},
        {"version": "99999999999999999999"},
    ],
    ids=["missing", "empty", "text", "decimal", "negative", "exponent", "huge"],
)
def test_a_staff_action_without_a_version_does_nothing(client, file_online, data):
    """Without a valid version the "changed by someone else" check cannot be made:
    400 with a message, and the dossier is not touched."""
    dossier = file_online()
    logs = TransitionLog.objects.filter(dossier=dossier).count()
    client.force_login(demo_user("clerk"))
    response = act(client, dossier, data)
    assert response.status_code == 400
    messages = [str(m) for m in response.context["messages"]]
    assert any("phiên bản" in m or "version" in m for m in messages), messages
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert TransitionLog.objects.filter(dossier=dossier).count() == logs


def test_the_same_action_with_its_version_is_done(client, file_online):
    """The form's own version (as the page renders it) lets the action through."""
    dossier = file_online()
    client.force_login(demo_user("clerk"))
    response = act(client, dossier, {"version": str(dossier.version)})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED
