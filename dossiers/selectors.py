"""Reads of dossiers, always scoped to what the asking user may see."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role
from procedures.models import Agency

from .models import Dossier, DossierStep, State


def agency_subtree(agency_id: int | None) -> set[int]:
    """The agency and every agency below it (agencies form a small tree)."""
    if agency_id is None:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [agency_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def dossiers_visible_to(user: Any) -> QuerySet[Dossier]:
    """The dossiers ``user`` may see.

    Applicant: their own. Clerk: those of their desk. Officer: those with a step
    of their department that has started. Leader: those their agency decides.
    Manager: those received or decided anywhere in their agency's subtree (the
    provincial centre's manager sits at the top and sees the province).
    Administrators of the catalogue see none: dossiers are not theirs to read.
    """
    dossiers = Dossier.objects.all()
    if not getattr(user, "is_authenticated", False):
        return dossiers.none()
    if user.role == Role.APPLICANT:
        return dossiers.filter(applicant=user)
    if user.role == Role.CLERK:
        return dossiers.filter(receiving_desk_id=user.agency_id)
    if user.role == Role.OFFICER:
        started_here = DossierStep.objects.filter(
            dossier=OuterRef("pk"),
            department_id=user.department_id,
            started_at__isnull=False,
        )
        return dossiers.filter(Exists(started_here))
    if user.role == Role.LEADER:
        return dossiers.filter(deciding_agency_id=user.agency_id)
    if user.role == Role.MANAGER:
        scope = agency_subtree(user.agency_id)
        return dossiers.filter(
            Q(receiving_desk_id__in=scope) | Q(deciding_agency_id__in=scope)
        ).exclude(state=State.DRAFT)
    return dossiers.none()
