"""Reads the API adds to the apps' selectors: the catalogue's reference lists, and
a machine client's agency scope laid over the dossiers its account may see."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from dossiers.models import Dossier, TransitionLog
from procedures.models import Agency, Sector
from procedures.selectors import agency_subtree

from .models import ApiKey


def sectors() -> QuerySet[Sector]:
    return Sector.objects.order_by("name", "code")


def agencies() -> QuerySet[Agency]:
    return Agency.objects.select_related("parent").order_by("code")


def within_key_scope(dossiers: QuerySet[Dossier], key: ApiKey | None) -> QuerySet:
    """Only the dossiers received or decided in the key's agency subtree; a key
    without an agency, or a session, narrows nothing."""
    if key is None or key.agency_id is None:
        return dossiers
    scope = agency_subtree(key.agency_id)
    return dossiers.filter(
        Q(receiving_desk_id__in=scope) | Q(deciding_agency_id__in=scope)
    )


def changed_since(dossiers: QuerySet[Dossier], since: datetime) -> QuerySet[Dossier]:
    """Dossiers with a transition logged at or after ``since``: every change of a
    submitted dossier's state, dates or handler is one (``services.core.perform``)."""
    return dossiers.filter(
        Exists(
            TransitionLog.objects.filter(dossier=OuterRef("pk"), created_at__gte=since)
        )
    )


def at_agency(dossiers: QuerySet[Dossier], code: str) -> QuerySet[Dossier]:
    """Dossiers received by, or decided by, the agency with this code."""
    return dossiers.filter(Q(receiving_desk__code=code) | Q(deciding_agency__code=code))
