"""Reads of group files, scoped to who asks (docs/interagency.md)."""

from typing import Any

import segno
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts.models import Role
from procedures.models import PublicationStatus
from procedures.selectors import agency_subtree

from .models import GroupFiling, ProcedureGroup


def group_filings_visible_to(user: Any) -> QuerySet[GroupFiling]:
    """The group files ``user`` reads whole: the receiving desk's clerks, and the
    managers whose agency tree covers the desk. Each agency reads its own child
    through the dossiers' scope (``dossiers_visible_to``), not the parent."""
    filings = GroupFiling.objects.select_related("group", "receiving_desk__parent")
    if not getattr(user, "is_authenticated", False):
        return filings.none()
    if user.role == Role.CLERK and user.agency_id:
        return filings.filter(receiving_desk_id=user.agency_id)
    if user.role == Role.MANAGER:
        return filings.filter(Q(receiving_desk_id__in=agency_subtree(user.agency_id)))
    return filings.none()


def group_tracking_qr(request: HttpRequest, code: str) -> str:
    """An inline SVG QR code opening the group's public tracking page."""
    url = request.build_absolute_uri(reverse("procedure_groups:track"))
    svg = segno.make(f"{url}?code={code}", error="m").svg_inline(scale=3, border=1)
    # Safe: segno generates the markup from our own URL.
    return mark_safe(svg)


def published_groups() -> QuerySet[ProcedureGroup]:
    """The groups the public catalogue lists."""
    return ProcedureGroup.objects.filter(status=PublicationStatus.PUBLISHED).order_by(
        "name"
    )


def applicant_group_filings(user: Any) -> QuerySet[GroupFiling]:
    """The group files a citizen filed online or was received for: their own only."""
    if not getattr(user, "is_authenticated", False):
        return GroupFiling.objects.none()
    return (
        GroupFiling.objects.filter(applicant=user)
        .select_related("group")
        .prefetch_related("children__dossier", "children__member")
        .order_by("-created_at", "-id")
    )
