"""Public tracking of a group file by its one code and PIN: the group's status
and each child's, nothing personal; guesses limited as for a dossier
(``dossiers.tracking``)."""

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from dossiers.tracking import (
    PublicStatus,
    code_variants,
    limits_for,
    public_status,
    release,
    reserve,
)

from . import rules
from .models import GroupFiling
from .services import filing_status


@dataclass(frozen=True)
class PublicChild:
    status: PublicStatus
    waiting_for: list[str]


@dataclass(frozen=True)
class PublicGroupStatus:
    code: str
    group: str
    state: str
    state_label: str
    received_at: datetime
    appointment: datetime
    children: list[PublicChild]


@dataclass(frozen=True)
class GroupLookup:
    filing: GroupFiling | None = None
    retry_after: int = 0


def find_group_by_code(request: HttpRequest, code: str, pin: str) -> GroupLookup:
    """The group file with this code and PIN; a miss counts towards the same
    limits as a dossier's lookup, and a wrong PIN is the same miss as an unknown
    code."""
    limits = limits_for(request, code)
    wait = reserve(limits)
    if wait:
        return GroupLookup(retry_after=wait)
    filing = (
        GroupFiling.objects.filter(code__in=code_variants(code))
        .select_related("group")
        .first()
    )
    if filing and pin and constant_time_compare(filing.lookup_pin, pin):
        release(limits)
        return GroupLookup(filing=filing)
    return GroupLookup()


def public_group_status(filing: GroupFiling) -> PublicGroupStatus:
    """What anyone holding the code and PIN may read: the group's status, its
    appointment, and each procedure's public status (``public_status``)."""
    state, views = filing_status(filing)
    return PublicGroupStatus(
        code=filing.code,
        group=str(filing.group),
        state=state,
        state_label=str(rules.STATUS_LABELS[state]),
        received_at=filing.received_at,
        appointment=filing.due_at,
        children=[
            PublicChild(public_status(view.child.dossier), view.waiting_for)
            for view in views
        ],
    )
