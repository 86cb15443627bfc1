"""Reads of inter-agency dossiers (một cửa liên thông) that follow who asks:
which internal notes a member of staff reads (docs/interagency.md)."""

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Role

from .models import Dossier, InternalNote


def internal_notes_visible_to(user: Any, dossier: Dossier) -> QuerySet[InternalNote]:
    """The internal notes of ``dossier`` that ``user`` reads, oldest first.

    A single-agency dossier's notes are read by everyone who sees the dossier.
    On an inter-agency dossier a note stays with the agency of its author; the
    receiving desk's notes reach every agency, and the desk's clerks and the
    managers read them all. What one agency has to tell the next goes in the
    hand-off's note (or the return's reasons), which both read on Form 06.
    """
    notes = dossier.internal_notes.select_related("author").order_by("created_at")
    if not dossier.crosses_agencies or user.role in (Role.CLERK, Role.MANAGER):
        return notes
    return notes.filter(
        Q(agency__isnull=True)
        | Q(agency_id=user.agency_id)
        | Q(agency_id=dossier.receiving_desk_id)
    )
