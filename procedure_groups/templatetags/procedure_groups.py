"""Template tags showing groups of linked procedures on pages of other apps (the
citizen's "My dossiers", a procedure's page) without those apps importing this
one (the layers of pyproject's import-linter contract)."""

from typing import Any

from django import template

from .. import rules
from ..models import GroupMember
from ..selectors import applicant_group_filings, published_groups

register = template.Library()


@register.simple_tag
def my_group_files(user: Any) -> list[dict[str, Any]]:
    """The citizen's group files, each one entry with its children and the
    parent's summarised status (a constant number of queries)."""
    entries = []
    for filing in applicant_group_filings(user):
        children = sorted(
            filing.children.all(), key=lambda c: (c.member.position, c.pk)
        )
        status = rules.parent_status(
            [
                rules.ChildState(c.dossier.state, c.member.result_required)
                for c in children
            ]
        )
        entries.append(
            {
                "filing": filing,
                "children": children,
                "status_label": None
                if filing.is_draft
                else rules.STATUS_LABELS[status],
            }
        )
    return entries


@register.simple_tag
def groups_of(procedure: Any) -> list[tuple[Any, list[str]]]:
    """The published groups a procedure belongs to, each with the names of its
    other procedures (one query)."""
    members = (
        GroupMember.objects.filter(
            group__in=published_groups().filter(members__procedure=procedure)
        )
        .select_related("group", "procedure")
        .order_by("group__name", "position", "pk")
    )
    groups: dict[int, tuple[Any, list[str]]] = {}
    for member in members:
        _group, others = groups.setdefault(member.group_id, (member.group, []))
        if member.procedure_id != procedure.pk:
            others.append(member.procedure.display_name)
    return list(groups.values())
