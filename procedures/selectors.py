"""Reads of the procedure catalogue: public search and detail."""

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from .models import Agency, Procedure, RouteStep
from .search import fold, query_terms


def public_procedures(
    *,
    query: str = "",
    sector_code: str | None = None,
    agency_code: str | None = None,
    level: str | None = None,
    online_only: bool = False,
) -> QuerySet[Procedure]:
    """Published procedures matching the search, best matches first.

    Every word of the query must appear, accent-insensitively, somewhere in the
    procedure's text (partial words match). A procedure whose name holds the whole
    phrase ranks first, then one whose name holds every word, then the rest.
    """
    procedures = Procedure.objects.public().select_related("sector", "deciding_agency")
    if sector_code:
        procedures = procedures.filter(sector__code=sector_code)
    if agency_code:
        procedures = procedures.filter(deciding_agency__code=agency_code)
    if level:
        procedures = procedures.filter(level=level)
    if online_only:
        procedures = procedures.filter(via_online=True).exclude(online_level="none")
    terms = query_terms(query)
    if not terms:
        return procedures.order_by("sector__name", "name")
    for term in terms:
        procedures = procedures.filter(search_folded__contains=term)
    in_name = Q()
    for term in terms:
        in_name &= Q(name_folded__contains=term)
    phrase = fold(query)
    return procedures.annotate(
        rank=Case(
            When(name_folded__contains=phrase, then=Value(0)),
            When(in_name, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "name")


def public_procedure(code: str) -> Procedure:
    """A published procedure with everything its page shows; DoesNotExist if none."""
    return (
        Procedure.objects.public()
        .select_related("sector", "receiving_agency", "deciding_agency")
        .prefetch_related(
            "papers",
            "fees",
            Prefetch(
                "route_steps",
                queryset=RouteStep.objects.select_related("department__agency"),
            ),
        )
        .get(code=code)
    )


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


def counter_procedures() -> QuerySet[Procedure]:
    """The procedures a clerk may receive at the counter, by name."""
    return (
        Procedure.objects.public()
        .filter(via_counter=True)
        .only("code", "name")
        .order_by("name")
    )
