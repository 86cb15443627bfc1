"""Reads of the procedure catalogue: public search and detail."""

from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from .cache import catalogue_cached
from .models import Agency, Department, Procedure, RouteStep
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


def _agency_parents() -> list[tuple[int, int | None]]:
    """Every agency with its parent, from the shared cache (they seldom change;
    the catalogue version changes when one does)."""
    return catalogue_cached(
        "agency-parents", lambda: list(Agency.objects.values_list("pk", "parent_id"))
    )


def unit_names() -> dict[str, dict[int, str]]:
    """The name of every agency and department by id, from the shared cache: a
    page header that names the user's own needs no query."""
    return catalogue_cached(
        "unit-names",
        lambda: {
            "agency": dict(Agency.objects.values_list("pk", "name")),
            "department": dict(Department.objects.values_list("pk", "name")),
        },
    )


def agency_count() -> int:
    return len(_agency_parents())


def agency_subtree(agency_id: int | None) -> set[int]:
    """The agency and every agency below it (agencies form a small tree)."""
    if agency_id is None:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in _agency_parents():
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
        .only("code", "name", "name_folded")
        .order_by("name")
    )


# How far back the counter's picker counts a desk's dossiers to rank procedures.
PICKER_DAYS = 90


def counter_picker(desk_id: int | None, today: date) -> list[dict[str, object]]:
    """The counter's procedure picker: what the desk may receive, the procedures
    it received most in the last ``PICKER_DAYS`` days first, then by name; each
    with its text folded for matching without accents. Kept until the catalogue
    changes or the day ends."""

    def build() -> list[dict[str, object]]:
        since = timezone.make_aware(
            datetime.combine(today - timedelta(days=PICKER_DAYS), time.min)
        )
        # The dossiers are read through the reverse relation: the catalogue
        # imports nothing of the dossiers app.
        rows = counter_procedures().annotate(
            uses=Count(
                "dossiers",
                filter=Q(
                    dossiers__receiving_desk_id=desk_id,
                    dossiers__received_at__gte=since,
                ),
            )
        )
        return [
            {
                "code": p.code,
                "name": p.name,
                "folded": fold(f"{p.code} {p.name}"),
                "uses": p.uses,
            }
            for p in sorted(rows, key=lambda p: (-p.uses, p.name_folded))
        ]

    return catalogue_cached(f"counter-picker:{desk_id}:{today.isoformat()}", build)
