"""Groups of linked procedures in the catalogue file: the ``groups`` list
(docs/catalogue-format.md), registered with ``procedures.catalogue_io`` from this
app's ``AppConfig.ready`` (the catalogue sits below this app and never imports it).

Each group: its code, names (Vietnamese, English), description, the group's time
(working days, its one appointment), shared fields, legal basis, sources,
publication status, demo flag, and its members in order: the procedure (national
code), its share of the group's time, the members (procedure codes) whose results
it needs, and whether the group needs its result. The whole file is refused when
a group refers to an unknown procedure, a dependency outside the group, goes round
in a circle or has a chain of dependent members longer than the group's time,
each problem with its position (``groups[0].members[2].depends_on``).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from procedures.catalogue_io import CatalogueSection, register_section
from procedures.models import Procedure, PublicationStatus

from .models import GroupChild, GroupMember, ProcedureGroup

KEY = "groups"


def export_groups() -> list[dict[str, Any]]:
    groups = ProcedureGroup.objects.prefetch_related(
        "members__procedure", "members__depends_on__procedure"
    ).order_by("code")
    return [
        {
            "code": g.code,
            "name": g.name,
            "name_en": g.name_en,
            "description": g.description,
            "processing_time_days": g.processing_time_days,
            "shared_fields": g.shared_fields,
            "legal_basis": [line for line in g.legal_basis.splitlines() if line],
            "sources": [line for line in g.sources.splitlines() if line],
            "status": g.status,
            "is_demo_data": g.is_demo_data,
            "via_counter": g.via_counter,
            "via_online": g.via_online,
            "members": [
                {
                    "procedure": m.procedure.code,
                    "order": m.position,
                    "working_days": f"{m.working_days.normalize():f}",
                    "depends_on": sorted(d.procedure.code for d in m.depends_on.all()),
                    "result_required": m.result_required,
                    # Only on a member with papers a linked result provides.
                    **(
                        {"provided_papers": m.provided_papers}
                        if m.provided_papers
                        else {}
                    ),
                }
                for m in g.members.all()
            ],
        }
        for g in groups
    ]


@dataclass
class MemberPlan:
    procedure: str
    order: int
    working_days: Decimal
    depends_on: list[str]
    result_required: bool
    provided_papers: list[dict[str, str]]


@dataclass
class GroupPlan:
    group: ProcedureGroup
    members: list[MemberPlan]


def _check(where: str, instance: Any, exclude: list[str], error: Any) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                error(where if name == "__all__" else f"{where}.{name}", message)


def read_groups(items: list[Any], procedures: set[str], error: Any) -> list[GroupPlan]:
    """Validate the ``groups`` list; every problem goes to ``error(where, msg)``."""
    plans = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"groups[{i}]"
        if not isinstance(item, dict):
            error(where, "must be an object")
            continue
        code = str(item.get("code", ""))
        where = f"groups[{i}] ({code})" if code else where
        if code in seen:
            error(f"{where}.code", f"'{code}' appears twice")
        seen.add(code)
        group = ProcedureGroup(
            code=code,
            name=str(item.get("name", "")),
            name_en=str(item.get("name_en") or ""),
            description=str(item.get("description") or ""),
            processing_time_days=item.get("processing_time_days"),
            shared_fields=item.get("shared_fields") or [],
            legal_basis="\n".join(map(str, item.get("legal_basis") or [])),
            sources="\n".join(map(str, item.get("sources") or [])),
            status=str(item.get("status") or PublicationStatus.DRAFT),
            is_demo_data=item.get("is_demo_data", False) is True,
            via_counter=item.get("via_counter", True) is not False,
            via_online=item.get("via_online", True) is not False,
        )
        _check(where, group, [], error)
        members = _read_members(where, item.get("members"), procedures, error)
        if members is None:
            continue
        if isinstance(group.processing_time_days, int) and group.processing_time_days:
            for message in group.route_errors(
                [(m.procedure, m.working_days, m.depends_on) for m in members]
            ):
                error(f"{where}.members", message)
        _check_kept_members(where, code, {m.procedure for m in members}, error)
        plans.append(GroupPlan(group, members))
    return plans


def _read_members(
    where: str, items: Any, procedures: set[str], error: Any
) -> list[MemberPlan] | None:
    if not isinstance(items, list) or not items:
        error(f"{where}.members", "list the procedures of the group")
        return None
    members: list[MemberPlan] = []
    valid = True
    codes = [m.get("procedure") for m in items if isinstance(m, dict)]
    for j, item in enumerate(items):
        mwhere = f"{where}.members[{j}]"
        if not isinstance(item, dict):
            error(mwhere, "must be an object")
            valid = False
            continue
        code = item.get("procedure")
        if code not in procedures:
            error(f"{mwhere}.procedure", f"unknown procedure {code!r}")
            valid = False
        elif codes.count(code) > 1:
            error(f"{mwhere}.procedure", f"{code!r} appears twice in the group")
            valid = False
        try:
            days = Decimal(str(item.get("working_days")))
            if not days.is_finite() or days <= 0:
                raise InvalidOperation
        except InvalidOperation:
            error(f"{mwhere}.working_days", "must be a positive number")
            valid = False
            days = Decimal(0)
        order = item.get("order", j + 1)
        if not isinstance(order, int) or isinstance(order, bool) or order < 0:
            error(f"{mwhere}.order", "must be a whole number, 0 or more")
            valid = False
        depends_on = item.get("depends_on") or []
        if not isinstance(depends_on, list):
            error(f"{mwhere}.depends_on", "must be a list of procedure codes")
            valid = False
            depends_on = []
        for k, before in enumerate(depends_on):
            if before not in codes:
                error(
                    f"{mwhere}.depends_on[{k}]",
                    f"{before!r} is not a procedure of this group",
                )
                valid = False
        result_required = item.get("result_required", True)
        if not isinstance(result_required, bool):
            error(f"{mwhere}.result_required", "must be true or false")
            valid = False
        provided = item.get("provided_papers") or []
        if not isinstance(provided, list):
            error(f"{mwhere}.provided_papers", "must be a list")
            valid = False
            provided = []
        for k, line in enumerate(provided):
            if not (isinstance(line, dict) and line.get("paper")):
                error(f"{mwhere}.provided_papers[{k}]", "name the paper")
                valid = False
            elif line.get("by") not in depends_on:
                error(
                    f"{mwhere}.provided_papers[{k}].by",
                    f"{line.get('by')!r} is not a procedure whose result it needs",
                )
                valid = False
        members.append(
            MemberPlan(
                str(code), order, days, list(depends_on), result_required, provided
            )
        )
    return members if valid else None


def _check_kept_members(where: str, code: str, kept: set[str], error: Any) -> None:
    """A member with dossiers filed stays: removing it would orphan them."""
    filed = set(
        GroupChild.objects.filter(member__group__code=code)
        .exclude(member__procedure__code__in=kept)
        .values_list("member__procedure__code", flat=True)
    )
    for procedure in sorted(filed):
        error(
            f"{where}.members",
            f"{procedure!r} has group files and cannot be removed from the group",
        )


@transaction.atomic
def write_groups(plans: list[GroupPlan], actor: User | None) -> None:
    procedures = {
        p.code: p
        for p in Procedure.objects.filter(
            code__in={m.procedure for plan in plans for m in plan.members}
        )
    }
    for plan in plans:
        data = plan.group
        group = ProcedureGroup.objects.filter(code=data.code).first() or data
        for name in (
            "name",
            "name_en",
            "description",
            "processing_time_days",
            "shared_fields",
            "legal_basis",
            "sources",
            "status",
            "is_demo_data",
            "via_counter",
            "via_online",
        ):
            setattr(group, name, getattr(data, name))
        group._history_user = actor
        group._change_reason = "catalogue import"
        group.save()
        group.members.exclude(
            procedure__code__in=[m.procedure for m in plan.members]
        ).delete()
        members: dict[str, GroupMember] = {}
        for m in plan.members:
            members[m.procedure], _created = GroupMember.objects.update_or_create(
                group=group,
                procedure=procedures[m.procedure],
                defaults={
                    "position": m.order,
                    "working_days": m.working_days,
                    "result_required": m.result_required,
                    "provided_papers": m.provided_papers,
                },
            )
        for m in plan.members:
            members[m.procedure].depends_on.set([members[b] for b in m.depends_on])


register_section(
    CatalogueSection(
        key=KEY, export=export_groups, read=read_groups, write=write_groups
    )
)
