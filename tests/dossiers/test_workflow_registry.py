"""The workflow registry: one entry per transition, each with its service."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dossiers import deadlines, workflow
from dossiers.models import Dossier
from dossiers.printing import FORMS
from workcalendar.calendar import build_calendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def transitions() -> set[str]:
    return {
        t.name for t in Dossier._meta.get_field("state").get_all_transitions(Dossier)
    }


def test_every_transition_has_exactly_one_registry_entry():
    """Adding a transition without its entry (or the reverse) fails here."""
    assert set(workflow.ACTIONS) == transitions()


def test_every_action_has_its_service_registered():
    """Each action names the service that performs it (``@performs``)."""
    for action in workflow.ACTIONS.values():
        assert callable(action.service), action.name
        assert action.service.__module__.startswith("dossiers.services."), action.name


def test_printed_forms_and_their_issuers_agree():
    """Every form an action issues exists, and every form is issued by some action."""
    for action in workflow.ACTIONS.values():
        assert set(action.issues) <= set(FORMS), action.name
    for number in FORMS:
        assert workflow.issuers(number), number


def test_staff_buttons_have_a_label_a_form_and_a_message():
    """A workspace button says what it does and what was done; the applicant's
    timeline has a sentence for every action but the internal ones (who holds
    the work inside the agency), which it never shows."""
    for action in workflow.ACTIONS.values():
        assert str(action.label), action.name
        assert action.internal or str(action.timeline), action.name
        if action.form is not None:
            assert str(action.done), action.name


def test_registering_an_unknown_action_is_refused():
    with pytest.raises(LookupError):
        workflow.performs("no_such_action")(lambda: None)


CALENDAR = build_calendar([2026])


@pytest.mark.parametrize(
    ("now", "days", "expected"),
    [
        # Tuesday: two working days later is Thursday, at closing time.
        (datetime(2026, 12, 1, 9, 0, tzinfo=TZ), 2, datetime(2026, 12, 3, 17, 0)),
        # Friday: over the weekend to Tuesday.
        (datetime(2026, 12, 4, 16, 0, tzinfo=TZ), 2, datetime(2026, 12, 8, 17, 0)),
        # Saturday counts from Monday, the next working day.
        (datetime(2026, 12, 5, 10, 0, tzinfo=TZ), 1, datetime(2026, 12, 8, 17, 0)),
        # Zero days: closing time today.
        (datetime(2026, 12, 1, 9, 0, tzinfo=TZ), 0, datetime(2026, 12, 1, 17, 0)),
    ],
)
def test_due_soon_window(now, days, expected):
    """The worklist and the reminders share this "due soon" limit."""
    assert deadlines.due_soon_until(now, days, CALENDAR) == expected.replace(tzinfo=TZ)


def test_route_step_dues_end_at_the_due_date_and_never_after_it():
    """Steps adding up to the processing time end exactly at the due date; with a
    due date in force earlier than that (a group's child's share), the route is
    fitted into the time to it (``deadlines.fit_route_days``): 2 + 1 days in 2."""
    received = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    time_ = deadlines.ProcessingTime.from_snapshot(
        {"value": 3, "unit": "working_days", "cutoff": None}
    )
    due = deadlines.due_for(received, time_, CALENDAR)
    dues = deadlines.route_step_dues(
        received,
        time_,
        [Decimal(2), Decimal(1)],
        CALENDAR,
        transferred_at=received,
        due=due,
    )
    assert dues[-1] == due
    assert dues[0] < dues[1]
    capped = deadlines.route_step_dues(
        received,
        time_,
        [Decimal(2), Decimal(1)],
        CALENDAR,
        transferred_at=received,
        due=dues[0],
    )
    # From Tue 1 Dec 17:00, 4/3 working days end Thu 3 Dec 10:10 (office hours
    # 07:30-11:30, 13:00-17:00); the second step with the dossier.
    assert capped == [datetime(2026, 12, 3, 10, 10, tzinfo=TZ), dues[0]]


def test_processing_time_reads_the_snapshot_cutoff():
    time_ = deadlines.ProcessingTime.from_snapshot(
        {"value": 1, "unit": "working_days", "cutoff": "15:30"}
    )
    assert time_.cutoff.isoformat() == "15:30:00"
