"""Reminders of an inter-agency dossier go to the agency holding its step."""

import pytest

from dossiers import services
from reminders.models import Kind
from reminders.scan import find_due_reminders

from .scenario import at, fresh

pytestmark = pytest.mark.django_db


def recipients(kind: str, now) -> set[str]:
    return {
        reminder.recipient.username
        for reminder in find_due_reminders(now).due
        if reminder.kind == kind and reminder.recipient is not None
    }


def test_due_today_reminds_the_agency_holding_the_step(transferred, people):
    """On its due day, a dossier at the ward leader's step reminds the ward's
    leader (and the desk), not the land office that decides it; once handed over,
    the land office's officers."""
    services.dossier_forward(dossier=transferred, actor=people.officer)
    due_day = at("2026-12-15 07:00")
    assert recipients(Kind.DUE_TODAY, due_day) == {"leader", "clerk"}
    services.dossier_transfer_to_agency(dossier=fresh(transferred), actor=people.leader)
    assert recipients(Kind.DUE_TODAY, due_day) == {"land_officer", "clerk"}
