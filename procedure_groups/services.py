"""Filing a group of linked procedures once at the counter, and reading the parent
file's status (docs/interagency.md).

The desk receives the group in one transaction: one parent file (one code, one
PIN, one appointment date: the group's time from receipt) and, through the
dossiers' own counter service, a child dossier per procedure at its competent
agency, each with its own lifecycle, deadline and code. Each paper is handed over
once: a paper several procedures ask for under the same name is one line of the
combined list, recorded on every child that asks for it.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from dossiers import deadlines
from dossiers import services as dossier_services
from dossiers.models import Dossier
from dossiers.services import ApplicantDetails, ReceivedPaper
from procedures.models import PublicationStatus
from procedures.search import fold
from workcalendar.calendar import calendar_for

from . import rules
from .models import GroupChild, GroupFiling, GroupMember, ProcedureGroup


@dataclass
class CombinedPaper:
    """One line of the group's combined paper list, and where each member has it."""

    name: str
    mandatory: bool
    # (member id, index of the paper in that member's procedure snapshot)
    uses: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class ProvidedPaper:
    """A paper of a member that the result of another member provides: not asked
    of the applicant, attached when that result arrives."""

    name: str
    procedure: str
    # The procedure whose result provides it, by name.
    provided_by: str


def group_members(group: ProcedureGroup) -> list[GroupMember]:
    return list(
        group.members.select_related("procedure__deciding_agency").prefetch_related(
            "depends_on__procedure"
        )
    )


def _key(name: str) -> str:
    return " ".join(fold(name).split())


def provided_indexes(
    member: GroupMember, members: Sequence[GroupMember], papers: Sequence[dict]
) -> dict[int, dict[str, str]]:
    """The papers of ``member`` (its snapshot's ``papers``) that a linked
    result provides: paper index -> the providing procedure's code and name.
    Each ``provided_papers`` line must name a paper of the procedure and a
    member it needs the result of (``provided_paper_errors``)."""
    by_code = {m.procedure.code: m for m in members}
    names = {_key(p["name"]): p["index"] for p in papers}
    provided = {}
    for line in member.provided_papers or []:
        index = names.get(_key(str(line.get("paper", ""))))
        provider = by_code.get(str(line.get("by", "")))
        if index is not None and provider is not None:
            provided[index] = {
                "code": provider.procedure.code,
                "name": provider.procedure.display_name,
            }
    return provided


def provided_paper_errors(members: Sequence[GroupMember]) -> list[str]:
    """Why a member's ``provided_papers`` cannot hold: a paper its procedure
    does not ask for, or a procedure it does not need the result of."""
    errors = []
    for member in members:
        papers = dossier_services.snapshot_procedure(member.procedure)["papers"]
        names = {_key(p["name"]) for p in papers}
        needs = {d.procedure.code for d in member.depends_on.all()}
        for line in member.provided_papers or []:
            line = line if isinstance(line, dict) else {}
            values = {
                "procedure": member.procedure.display_name,
                "paper": str(line.get("paper", "")),
                "by": str(line.get("by", "")),
            }
            if _key(values["paper"]) not in names:
                errors.append(
                    _("%(procedure)s does not ask for the paper “%(paper)s”.") % values
                )
            elif values["by"] not in needs:
                errors.append(
                    _(
                        "%(procedure)s: “%(paper)s” can be provided only by the "
                        "result of a procedure it needs (not %(by)s)."
                    )
                    % values
                )
    return errors


def provided_papers(members: Sequence[GroupMember]) -> list[ProvidedPaper]:
    """The papers the group does not ask for: each provided by the result of
    another member (``GroupMember.provided_papers``)."""
    lines = []
    for member in members:
        papers = dossier_services.snapshot_procedure(member.procedure)["papers"]
        provided = provided_indexes(member, members, papers)
        lines += [
            ProvidedPaper(
                p["name"], member.procedure.display_name, provided[p["index"]]["name"]
            )
            for p in papers
            if p["index"] in provided
        ]
    return lines


def filed_provided_papers(children: Sequence[Any]) -> list[ProvidedPaper]:
    """The papers a linked result provides, as the children were filed (their
    snapshots), for the group's Form 01; ``children``: ``filing_status``'s."""
    return [
        ProvidedPaper(
            paper["name"],
            view.child.dossier.procedure_snapshot.get("name", ""),
            paper["provided_by"]["name"],
        )
        for view in children
        for paper in view.child.dossier.papers
        if paper.get("provided_by")
    ]


def combined_papers(members: Sequence[GroupMember]) -> list[CombinedPaper]:
    """Every paper of the members, each name once (accents and case ignored),
    except those a linked result provides (``provided_papers``)."""
    lines: dict[str, CombinedPaper] = {}
    for member in members:
        snapshot = dossier_services.snapshot_procedure(member.procedure)
        provided = provided_indexes(member, members, snapshot["papers"])
        for paper in snapshot["papers"]:
            if paper["index"] in provided:
                continue
            key = _key(paper["name"])
            line = lines.setdefault(key, CombinedPaper(paper["name"], False))
            line.mandatory = line.mandatory or bool(paper["mandatory"])
            line.uses.append((member.pk, paper["index"]))
    return list(lines.values())


def check_group(group: ProcedureGroup, members: Sequence[GroupMember]) -> None:
    if group.status != PublicationStatus.PUBLISHED or not members:
        raise ValidationError(_("This group of procedures is not open for filing."))
    errors = group.route_errors(
        [(m.pk, m.working_days, [d.pk for d in m.depends_on.all()]) for m in members]
    ) + provided_paper_errors(members)
    if errors:
        raise ValidationError(errors)


def prerequisites_first(members: Sequence[GroupMember]) -> list[GroupMember]:
    """The members in their order, each after the members it needs (the group
    has no cycle: ``check_group``)."""
    ordered: list[GroupMember] = []
    placed: set[int] = set()
    pending = list(members)
    while pending:
        ready = [m for m in pending if all(d.pk in placed for d in m.depends_on.all())]
        for member in ready:
            ordered.append(member)
            placed.add(member.pk)
        pending = [m for m in pending if m.pk not in placed]
    return ordered


@transaction.atomic
def group_receive_at_counter(
    *,
    clerk: User,
    group: ProcedureGroup,
    details: ApplicantDetails,
    received: dict[int, tuple[int, int, int]],
    shared_answers: dict[str, Any] | None = None,
    applicant: User | None = None,
    at: datetime | None = None,
) -> GroupFiling:
    """The desk receives a group filed once: ``received`` maps each line of
    ``combined_papers`` (its index) to the counts handed over (originals,
    certified copies, copies). Every mandatory line must be there; a shared
    answer must be one of the group's shared fields."""
    at = at or timezone.now()
    if clerk.role != Role.CLERK or clerk.agency_id is None:
        raise ValidationError(_("Only a clerk of a receiving desk receives dossiers."))
    members = group_members(group)
    check_group(group, members)
    # The group is its own channel: offered at the counter, every member is
    # received there as part of it (even one published online only alone).
    if not group.via_counter:
        raise ValidationError(_("This group is not received at the counter."))
    lines = combined_papers(members)
    missing = [
        line.name
        for i, line in enumerate(lines)
        if line.mandatory and sum(received.get(i, (0, 0, 0))) <= 0
    ]
    if missing:
        raise ValidationError(
            _("Every mandatory paper is needed, each once: missing %(papers)s.")
            % {"papers": "; ".join(missing)}
        )
    shared_answers = dict(shared_answers or {})
    keys = {f["key"] for f in group.shared_fields}
    if set(shared_answers) - keys:
        raise ValidationError(_("An answer is not one of the group's shared fields."))
    filing = GroupFiling.objects.create(
        group=group,
        **parent_identity(group, clerk.agency, at),
        applicant=applicant,
        applicant_name=details.name.strip(),
        receiving_desk_id=clerk.agency_id,
        answers=shared_answers,
        papers=[
            {
                "name": line.name,
                "originals": received[i][0],
                "certified_copies": received[i][1],
                "copies": received[i][2],
            }
            for i, line in enumerate(lines)
            if sum(received.get(i, (0, 0, 0))) > 0
        ],
        received_by=clerk,
    )
    children: dict[int, Dossier] = {}
    # One notice to the applicant for the whole group (notices_batched).
    with dossier_services.notices_batched():
        for member in prerequisites_first(members):
            papers = [
                ReceivedPaper(index, line.name, *received[i])
                for i, line in enumerate(lines)
                if sum(received.get(i, (0, 0, 0))) > 0
                for member_id, index in line.uses
                if member_id == member.pk
            ]
            dossier = dossier_services.dossier_receive_at_counter(
                clerk=clerk,
                at=at,
                procedure=member.procedure,
                details=details,
                applicant=applicant,
                received=papers,
                note=_("Filed with the group %(code)s (%(group)s).")
                % {"code": filing.code, "group": group.name},
                group=child_group_entry(filing, member, members),
            )
            GroupChild.objects.create(filing=filing, member=member, dossier=dossier)
            chain_child(filing, member, dossier, children)
    collect_results_together(filing)
    return filing


def child_group_entry(
    filing: GroupFiling, member: GroupMember, members: Sequence[GroupMember]
) -> dict[str, Any]:
    """What a child's snapshot records of its group from its creation: the
    group file's code (None while an online draft), the member's share of the
    group's time, the group's appointment, and the papers linked results
    provide (``dossiers.services.group_results.group_snapshot``)."""
    papers = dossier_services.snapshot_procedure(member.procedure)["papers"]
    return {
        "code": filing.code,
        "filing": filing.pk,
        "share_days": str(member.working_days),
        "appointment": filing.due_at.isoformat() if filing.due_at else None,
        "provided": {
            str(i): v for i, v in provided_indexes(member, members, papers).items()
        },
    }


def collect_results_together(filing: GroupFiling) -> None:
    """A group whose results are collected together: each child records the
    dossiers whose results the group requires, and the desk hands back none
    before all of them are ready (``dossiers.models.group_results_ready``)."""
    if not filing.group.results_together:
        return
    children = list(filing.children.select_related("member"))
    required = [c.dossier_id for c in children if c.member.result_required]
    for child in children:
        snapshot = Dossier.objects.values_list("procedure_snapshot", flat=True).get(
            pk=child.dossier_id
        )
        group = {**snapshot.get("group", {}), "collect_with": required}
        Dossier.objects.filter(pk=child.dossier_id).update(
            procedure_snapshot={**snapshot, "group": group}
        )


def parent_identity(group: ProcedureGroup, desk: Any, at: datetime) -> dict[str, Any]:
    """The parent file's one code (the desk's running number, the dossiers'
    counter), its lookup PIN and its one appointment: the group's time from
    receipt. The same for a group received at the counter and one filed online."""
    due = deadlines.due_for(
        at,
        deadlines.ProcessingTime(group.processing_time_days, deadlines.WORKING_DAYS),
        calendar_for(at),
    )
    return {
        "code": dossier_services.issue_dossier_code(desk, at),
        "lookup_pin": f"{secrets.randbelow(10**6):06d}",
        "received_at": at,
        "due_at": due,
    }


def chain_child(
    filing: GroupFiling,
    member: GroupMember,
    dossier: Dossier,
    children: dict[int, Dossier],
) -> None:
    """Record on a child what it was filed with: the group, and the dossiers whose
    results it needs before the desk may transfer it (results chained).
    ``children`` holds the members placed so far (``prerequisites_first``)."""
    children[member.pk] = dossier
    waits_for = [children[before.pk].pk for before in member.depends_on.all()]
    snapshot = Dossier.objects.values_list("procedure_snapshot", flat=True).get(
        pk=dossier.pk
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        procedure_snapshot={
            **snapshot,
            "group": {
                **snapshot.get("group", {}),
                "code": filing.code,
                "filing": filing.pk,
                "share_days": str(member.working_days),
                "appointment": filing.due_at.isoformat() if filing.due_at else None,
                "waits_for": waits_for,
            },
        }
    )
    # Its clock waits for the results it needs (``pass_result_on`` starts it).
    dossier_services.hold_for_linked_results(dossier.pk)


@dataclass(frozen=True)
class ChildView:
    """A child of a group file as its status page shows it."""

    child: GroupChild
    waiting_for: list[str]


def filing_status(filing: GroupFiling) -> tuple[str, list[ChildView]]:
    """The parent's status (``rules.parent_status``) and each child with the
    procedures whose results it still waits for (a result feeds the next)."""
    children = list(
        filing.children.select_related(
            "dossier__procedure", "member__procedure"
        ).prefetch_related("member__depends_on__procedure")
    )
    state_by_member = {c.member_id: c.dossier.state for c in children}
    status = rules.parent_status(
        [rules.ChildState(c.dossier.state, c.member.result_required) for c in children]
    )
    views = [
        ChildView(
            child=c,
            waiting_for=[
                before.procedure.display_name
                for before in c.member.depends_on.all()
                if state_by_member.get(before.pk) not in ("result_ready", "returned")
            ],
        )
        for c in children
    ]
    return status, views
