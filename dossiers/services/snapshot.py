"""The procedure as filed: a dossier keeps what it was filed under."""

from typing import Any

from procedures.models import OnlineLevel, Procedure


def result_delivery_options(procedure: Procedure) -> list[str]:
    """How the applicant may receive the result: at the counter always, by post
    when the procedure is served by post, online only with full online service."""
    options = ["counter"]
    if procedure.via_post:
        options.append("post")
    if procedure.online_level == OnlineLevel.FULL:
        options.append("online")
    return options


def snapshot_procedure(procedure: Procedure) -> dict[str, Any]:
    """What the dossier is filed under; later catalogue edits never move it."""
    return {
        # The online form as filed: later edits to the definition never change it.
        "form": procedure.form_definition or {},
        "result_delivery": result_delivery_options(procedure),
        # Whether the applicant may file on behalf of a business or organisation.
        "organisation_filing": procedure.organisation_filing,
        "code": procedure.code,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "processing_time": {
            "value": procedure.processing_time_value,
            "unit": procedure.processing_time_unit,
            "cutoff": (
                procedure.cutoff_time.strftime("%H:%M")
                if procedure.cutoff_time
                else None
            ),
        },
        "papers": [
            {
                "index": i,
                "name": paper.name,
                "originals": paper.originals,
                "certified_copies": paper.certified_copies,
                "copies": paper.copies,
                "mandatory": paper.mandatory,
                "multiple_files": paper.multiple_files,
                "accepted_types": paper.accepted_type_list,
            }
            for i, paper in enumerate(procedure.papers.all())
        ],
        "fees": [
            {"name": fee.name, "amount_vnd": fee.amount_vnd, "note": fee.note}
            for fee in procedure.fees.all()
        ],
        "route": [
            {
                "name": step.name,
                "role": step.role,
                # The agency working the step: its own on an inter-agency route
                # (docs/interagency.md), else the deciding agency.
                "agency_id": step.agency_id or procedure.deciding_agency_id,
                "department_id": step.department_id,
                "department": step.department.name if step.department else "",
                "working_days": str(step.working_days),
                # A branch worked at the same time as the step before it
                # (parallel branches with a join, docs/interagency.md).
                "parallel_with_previous": step.parallel_with_previous,
            }
            for step in procedure.route_steps.select_related("department")
        ],
    }


def route_crosses_agencies(snapshot: dict[str, Any]) -> bool:
    """Whether the route as filed is worked by more than one agency."""
    return len({step.get("agency_id") for step in snapshot.get("route", [])}) > 1
