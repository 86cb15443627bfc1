"""Reading complaints within the reader's scope."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import Role
from dossiers.selectors import dossiers_visible_to

from .models import Complaint


def is_complaint_manager(user: Any) -> bool:
    """Complaints are answered by the centre's managers (DOMAIN.md §8)."""
    return bool(getattr(user, "is_authenticated", False) and user.role == Role.MANAGER)


def complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    """The complaints a manager may read: those about the dossiers of their agency
    subtree (``dossiers_visible_to``); nobody else's, and none for other roles."""
    if not is_complaint_manager(user):
        return Complaint.objects.none()
    return Complaint.objects.filter(dossier__in=dossiers_visible_to(user))


def complaint_in_scope(user: Any, pk: int) -> bool:
    return complaints_visible_to(user).filter(pk=pk).exists()


def complaints_list(user: Any, status: str) -> QuerySet[Complaint]:
    """The manager's list: one status, oldest waiting first when open, newest
    answer first when answered; the dossier read in the same query."""
    order = (
        ["created_at", "pk"]
        if status == Complaint.Status.OPEN
        else [
            "-answered_at",
            "-pk",
        ]
    )
    return (
        complaints_visible_to(user)
        .filter(status=status)
        .select_related("dossier")
        .order_by(*order)
    )


def complaints_of(dossier: Any) -> list[Complaint]:
    """The complaints about one dossier, oldest first (its applicant's page)."""
    return list(Complaint.objects.filter(dossier=dossier).order_by("created_at", "pk"))
