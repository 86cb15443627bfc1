"""Export and import of the whole catalogue as one JSON document (version 1).

The format is documented in docs/catalogue-format.md. Import is all-or-nothing: the
whole file is validated first and every problem is reported with its position
(e.g. ``procedures[3].papers[1].originals``); only a clean file is written, inside one
transaction.
"""

import base64
import binascii
import io
import json
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .blank_forms import TYPES, check_blank_form, detect, storage_name
from .eforms import definition_errors
from .models import (
    Agency,
    Department,
    Fee,
    OnlineLevel,
    Procedure,
    PublicationStatus,
    RequiredPaper,
    RouteStep,
    Sector,
    StepRole,
    TimeUnit,
)

logger = logging.getLogger(__name__)

FORMAT = "onecenter.catalogue"
VERSION = 1
CHANNELS = ("counter", "post", "online")


class CatalogueImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s) in the catalogue file")
        self.errors = errors


@dataclass(frozen=True)
class CatalogueSection:
    """A list of the file owned by an app above the catalogue (e.g. ``groups``,
    ``procedure_groups/catalogue.py``), registered from its ``AppConfig.ready``:
    the catalogue itself knows nothing of it.

    ``read(items, procedure_codes, error)`` validates the list (``error(where,
    message)`` for each problem, ``procedure_codes`` every procedure known after
    the file) and returns what to write; ``write(plan, actor)`` writes it after
    the procedures, in the import's transaction. A file without the key leaves
    what it describes unchanged."""

    key: str
    export: Callable[[], list[Any]]
    read: Callable[[list[Any], set[str], Callable[[str, str], None]], Any]
    write: Callable[[Any, User | None], None]


SECTIONS: dict[str, CatalogueSection] = {}


def register_section(section: CatalogueSection) -> None:
    SECTIONS[section.key] = section


def export_catalogue() -> str:
    """The whole catalogue (fields, agencies, procedures) as a JSON document."""
    procedures = (
        Procedure.objects.select_related(
            "sector", "receiving_agency", "deciding_agency"
        )
        .prefetch_related(
            "papers", "fees", "route_steps__department__agency", "route_steps__agency"
        )
        .order_by("code")
    )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "sectors": [
            {"code": s.code, "name": s.name, "name_en": s.name_en}
            for s in Sector.objects.order_by("code")
        ],
        "agencies": [
            {
                "code": a.code,
                "name": a.name,
                "short_name": a.short_name,
                "level": a.level,
                "parent": a.parent.code if a.parent else None,
                "is_receiving_desk": a.is_receiving_desk,
                "address": a.address,
                "phone": a.phone,
                "departments": [
                    {"code": d.code, "name": d.name} for d in a.departments.all()
                ],
            }
            for a in Agency.objects.select_related("parent")
            .prefetch_related("departments")
            .order_by("code")
        ],
        "procedures": [_export_procedure(p) for p in procedures],
    }
    for key, section in SECTIONS.items():
        document[key] = section.export()
    return json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)


def _export_procedure(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "name_en": p.name_en,
        "sector": p.sector.code,
        "level": p.level,
        "receiving_agency": p.receiving_agency.code,
        "deciding_agency": p.deciding_agency.code,
        "implementing_note": p.implementing_note,
        "processing_time": {
            "value": p.processing_time_value,
            "unit": p.processing_time_unit,
            "cutoff": p.cutoff_time.strftime("%H:%M") if p.cutoff_time else None,
            "note": p.processing_time_note,
        },
        "conditions": p.conditions,
        "result": p.result,
        "legal_basis": p.legal_basis_lines,
        "channels": [
            name
            for name, on in zip(
                CHANNELS, (p.via_counter, p.via_post, p.via_online), strict=True
            )
            if on
        ],
        "online_level": p.online_level,
        "organisation_filing": p.organisation_filing,
        "form": p.form_definition or {},
        "status": p.status,
        "valid_from": p.valid_from.isoformat() if p.valid_from else None,
        "valid_until": p.valid_until.isoformat() if p.valid_until else None,
        "is_demo_data": p.is_demo_data,
        "sources": [line for line in p.sources.splitlines() if line.strip()],
        "papers": [
            {
                "name": paper.name,
                "originals": paper.originals,
                "certified_copies": paper.certified_copies,
                "copies": paper.copies,
                "mandatory": paper.mandatory,
                "multiple_files": paper.multiple_files,
                "accepted_types": paper.accepted_type_list,
                **_export_blank_form(paper),
            }
            for paper in p.papers.all()
        ],
        "fees": [
            {"name": fee.name, "amount_vnd": fee.amount_vnd, "note": fee.note}
            for fee in p.fees.all()
        ],
        "route": [
            {
                "name": step.name,
                "role": step.role,
                # Inter-agency one-stop: the step's own agency, null for the
                # deciding agency (docs/interagency.md).
                "agency": step.agency.code if step.agency_id else None,
                "department": (
                    {
                        "agency": step.department.agency.code,
                        "code": step.department.code,
                    }
                    if step.department
                    else None
                ),
                "working_days": str(step.working_days.normalize()),
                # Parallel branches (docs/interagency.md): written only when set,
                # so a sequential route's export is as before.
                **(
                    {"parallel_with_previous": True}
                    if step.parallel_with_previous
                    else {}
                ),
            }
            for step in p.route_steps.all()
        ],
    }


def _export_blank_form(paper: RequiredPaper) -> dict[str, Any]:
    """The paper's blank form, its bytes in base64, read through the file storage
    (local disk or S3); nothing for a paper without one."""
    if not paper.blank_form:
        return {}
    try:
        with paper.blank_form.open("rb") as file:
            content = file.read()
    except FileNotFoundError:
        logger.warning(
            "Blank form %s of paper %s is missing from the storage; not exported",
            paper.blank_form.name,
            paper.pk,
        )
        return {}
    name = paper.blank_form.name.rsplit("/", 1)[-1]
    kind = detect(io.BytesIO(content))
    return {
        "blank_form": {
            "name": name,
            "content_type": TYPES[kind]
            if kind
            else mimetypes.guess_type(name)[0] or "application/octet-stream",
            "data": base64.b64encode(content).decode("ascii"),
        }
    }


@dataclass(frozen=True)
class _BlankForm:
    """A blank form a file carries, checked and decoded."""

    name: str
    content: bytes


@dataclass
class _Plan:
    """What a validated file will write."""

    sectors: list[Sector] = field(default_factory=list)
    agencies: list[tuple[Agency, str | None, list[Department]]] = field(
        default_factory=list
    )
    procedures: list[tuple[Procedure, dict[str, Any]]] = field(default_factory=list)
    # What each registered section (``SECTIONS``) will write, by its key.
    sections: dict[str, Any] = field(default_factory=dict)
    # The blank forms the file gives, by (procedure code, paper index); None
    # removes the paper's form. A paper not listed keeps the form it has.
    blank_forms: dict[tuple[str, int], _BlankForm | None] = field(default_factory=dict)


class _Validator:
    """Reads a document into unsaved model instances, collecting every problem."""

    def __init__(self, document: Any):
        self.document = document
        self.errors: list[str] = []
        self.plan = _Plan()

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def check_instance(self, where: str, instance, exclude: list[str]) -> None:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    label = where if name == "__all__" else f"{where}.{name}"
                    self.error(label, message)

    def run(self) -> _Plan:
        doc = self.document
        if not isinstance(doc, dict):
            raise CatalogueImportError(["$: the file must contain a JSON object"])
        if doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise CatalogueImportError(
                [f"$: expected format '{FORMAT}' version {VERSION}"]
            )
        for key in ("sectors", "agencies", "procedures", *SECTIONS):
            if not isinstance(doc.get(key, []), list):
                self.error(key, "must be a list")
        if self.errors:
            raise CatalogueImportError(self.errors)
        self.sector_codes = {s.code for s in Sector.objects.all()}
        self.agency_codes = {a.code for a in Agency.objects.all()}
        self.department_keys = set(
            Department.objects.values_list("agency__code", "code")
        )
        self.read_sectors(doc.get("sectors", []))
        self.read_agencies(doc.get("agencies", []))
        self.read_procedures(doc.get("procedures", []))
        procedure_codes = set(Procedure.objects.values_list("code", flat=True)) | {
            p.code for p, _item in self.plan.procedures
        }
        for key, section in SECTIONS.items():
            if key in doc:
                self.plan.sections[key] = section.read(
                    doc[key], procedure_codes, self.error
                )
        if self.errors:
            raise CatalogueImportError(self.errors)
        return self.plan

    def read_sectors(self, items: list) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            where = f"sectors[{i}]"
            if not isinstance(item, dict):
                self.error(where, "must be an object")
                continue
            sector = Sector(
                code=str(item.get("code", "")),
                name=str(item.get("name", "")),
                name_en=str(item.get("name_en") or ""),
            )
            if sector.code in seen:
                self.error(f"{where}.code", f"'{sector.code}' appears twice")
            seen.add(sector.code)
            self.check_instance(where, sector, exclude=[])
            self.plan.sectors.append(sector)
            self.sector_codes.add(sector.code)

    def read_agencies(self, items: list) -> None:
        seen: set[str] = set()
        for item in items:
            if isinstance(item, dict) and item.get("code"):
                self.agency_codes.add(str(item["code"]))
        for i, item in enumerate(items):
            where = f"agencies[{i}]"
            if not isinstance(item, dict):
                self.error(where, "must be an object")
                continue
            agency = Agency(
                code=str(item.get("code", "")),
                name=str(item.get("name", "")),
                short_name=str(item.get("short_name") or ""),
                level=str(item.get("level", "")),
                is_receiving_desk=bool(item.get("is_receiving_desk", False)),
                address=str(item.get("address") or ""),
                phone=str(item.get("phone") or ""),
            )
            if agency.code in seen:
                self.error(f"{where}.code", f"'{agency.code}' appears twice")
            seen.add(agency.code)
            self.check_instance(where, agency, exclude=["parent"])
            parent = item.get("parent")
            if parent and parent not in self.agency_codes:
                self.error(f"{where}.parent", f"unknown agency '{parent}'")
            departments = []
            for j, dep in enumerate(item.get("departments") or []):
                dwhere = f"{where}.departments[{j}]"
                if not isinstance(dep, dict):
                    self.error(dwhere, "must be an object")
                    continue
                department = Department(
                    code=str(dep.get("code", "")), name=str(dep.get("name", ""))
                )
                self.check_instance(dwhere, department, exclude=["agency"])
                departments.append(department)
                self.department_keys.add((agency.code, department.code))
            self.plan.agencies.append((agency, parent, departments))

    def read_procedures(self, items: list) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            where = f"procedures[{i}]"
            if not isinstance(item, dict):
                self.error(where, "must be an object")
                continue
            code = str(item.get("code", ""))
            where = f"procedures[{i}] ({code})" if code else where
            if code in seen:
                self.error(f"{where}.code", f"'{code}' appears twice")
            seen.add(code)
            procedure = self.read_procedure(where, item)
            if procedure is not None:
                self.plan.procedures.append((procedure, item))

    def read_procedure(self, where: str, item: dict) -> Procedure | None:
        time_ = item.get("processing_time") or {}
        channels = item.get("channels") or []
        if not isinstance(time_, dict):
            self.error(f"{where}.processing_time", "must be an object")
            time_ = {}
        if not isinstance(channels, list) or set(channels) - set(CHANNELS):
            self.error(f"{where}.channels", f"must be a list of {', '.join(CHANNELS)}")
            channels = []
        for key, known in (
            ("sector", self.sector_codes),
            ("receiving_agency", self.agency_codes),
            ("deciding_agency", self.agency_codes),
        ):
            if item.get(key) not in known:
                self.error(f"{where}.{key}", f"unknown code '{item.get(key)}'")
        procedure = Procedure(
            code=str(item.get("code", "")),
            name=str(item.get("name", "")),
            name_en=str(item.get("name_en") or ""),
            level=str(item.get("level", "")),
            implementing_note=str(item.get("implementing_note") or ""),
            processing_time_value=time_.get("value"),
            processing_time_unit=str(time_.get("unit") or TimeUnit.WORKING_DAYS),
            cutoff_time=time_.get("cutoff") or None,
            processing_time_note=str(time_.get("note") or ""),
            conditions=str(item.get("conditions") or ""),
            result=str(item.get("result", "")),
            legal_basis="\n".join(map(str, item.get("legal_basis") or [])),
            via_counter="counter" in channels,
            via_post="post" in channels,
            via_online="online" in channels,
            online_level=str(item.get("online_level") or OnlineLevel.NONE),
            organisation_filing=item.get("organisation_filing", False) is True,
            form_definition=item.get("form") or {},
            status=str(item.get("status") or PublicationStatus.DRAFT),
            valid_from=item.get("valid_from") or None,
            valid_until=item.get("valid_until") or None,
            is_demo_data=bool(item.get("is_demo_data", False)),
            sources="\n".join(map(str, item.get("sources") or [])),
        )
        self.check_instance(
            where,
            procedure,
            exclude=["sector", "receiving_agency", "deciding_agency"],
        )
        if not isinstance(item.get("organisation_filing", False), bool):
            self.error(f"{where}.organisation_filing", "must be true or false")
        # The form's references to papers, against the papers of the file (the
        # model's own check, above, cannot count them before they exist).
        papers = item.get("papers") if isinstance(item.get("papers"), list) else []
        known = set(definition_errors(procedure.form_definition))
        for message in definition_errors(
            procedure.form_definition, paper_count=len(papers)
        ):
            if message not in known:
                self.error(f"{where}.form", message)
        self.read_papers(where, item.get("papers") or [], code=procedure.code)
        self.read_fees(where, item.get("fees") or [])
        days = self.read_route(where, item.get("route") or [])
        if days is not None and procedure.processing_time_unit in TimeUnit.values:
            route = item.get("route") or []
            parallel = [step.get("parallel_with_previous") is True for step in route]
            names = [str(step.get("name") or "") for step in route]
            try:
                route_error = procedure.route_error(days, parallel, names)
            except (TypeError, InvalidOperation):
                route_error = None
            if route_error:
                self.error(f"{where}.route", str(route_error))
        if procedure.status == PublicationStatus.PUBLISHED and not item.get("papers"):
            self.error(f"{where}.papers", "a published procedure lists its papers")
        return procedure

    def read_papers(self, where: str, papers: list, *, code: str) -> None:
        for j, paper in enumerate(papers):
            pwhere = f"{where}.papers[{j}]"
            if not isinstance(paper, dict):
                self.error(pwhere, "must be an object")
                continue
            types = paper.get("accepted_types") or ["pdf", "jpg", "png"]
            instance = RequiredPaper(
                position=j + 1,
                name=str(paper.get("name", "")),
                originals=paper.get("originals", 1),
                certified_copies=paper.get("certified_copies", 0),
                copies=paper.get("copies", 0),
                mandatory=bool(paper.get("mandatory", True)),
                multiple_files=bool(paper.get("multiple_files", False)),
                accepted_types=",".join(map(str, types)),
            )
            self.check_instance(pwhere, instance, exclude=["procedure", "blank_form"])
            if "blank_form" in paper:
                self.read_blank_form(
                    f"{pwhere}.blank_form", paper["blank_form"], (code, j)
                )

    def read_blank_form(self, where: str, entry: Any, key: tuple[str, int]) -> None:
        """Check a blank form as the admin checks an upload: its type from its
        content, its size, its name."""
        if entry is None:
            self.plan.blank_forms[key] = None
            return
        if not isinstance(entry, dict):
            self.error(where, "must be an object (name, content_type, data) or null")
            return
        name, declared = entry.get("name"), entry.get("content_type")
        if not isinstance(name, str) or not name.strip():
            self.error(f"{where}.name", "is required")
            return
        try:
            content = base64.b64decode(str(entry.get("data") or ""), validate=True)
        except (binascii.Error, ValueError):
            self.error(f"{where}.data", "is not valid base64")
            return
        try:
            kind = check_blank_form(io.BytesIO(content), name=name, size=len(content))
        except ValidationError as exc:
            for message in exc.messages:
                self.error(where, message)
            return
        if declared is not None and declared != TYPES[kind]:
            self.error(
                f"{where}.content_type",
                f"is {declared!r} but the content is {TYPES[kind]!r}",
            )
            return
        self.plan.blank_forms[key] = _BlankForm(name, content)

    def read_fees(self, where: str, fees: list) -> None:
        for j, fee in enumerate(fees):
            fwhere = f"{where}.fees[{j}]"
            if not isinstance(fee, dict):
                self.error(fwhere, "must be an object")
                continue
            instance = Fee(
                position=j + 1,
                name=str(fee.get("name", "")),
                amount_vnd=fee.get("amount_vnd"),
                note=str(fee.get("note") or ""),
            )
            self.check_instance(fwhere, instance, exclude=["procedure"])

    def read_route(self, where: str, steps: list) -> list[Decimal] | None:
        days: list[Decimal] = []
        valid = True
        for j, step in enumerate(steps):
            swhere = f"{where}.route[{j}]"
            if not isinstance(step, dict):
                self.error(swhere, "must be an object")
                valid = False
                continue
            department = step.get("department")
            if department is not None and (
                not isinstance(department, dict)
                or (department.get("agency"), department.get("code"))
                not in self.department_keys
            ):
                self.error(f"{swhere}.department", f"unknown department {department}")
            agency = step.get("agency")
            if agency is not None and agency not in self.agency_codes:
                self.error(f"{swhere}.agency", f"unknown agency code {agency!r}")
            elif (
                agency is not None
                and isinstance(department, dict)
                and department.get("agency") != agency
            ):
                self.error(
                    f"{swhere}.department",
                    f"belongs to {department.get('agency')!r}, not to the step's "
                    f"agency {agency!r}",
                )
            role = step.get("role", StepRole.OFFICER)
            if role not in StepRole.values:
                self.error(f"{swhere}.role", f"must be one of {StepRole.values}")
            try:
                amount = Decimal(str(step.get("working_days")))
                if not amount.is_finite() or amount <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                self.error(f"{swhere}.working_days", "must be a positive number")
                valid = False
                continue
            if not step.get("name"):
                self.error(f"{swhere}.name", "is required")
            if not isinstance(step.get("parallel_with_previous", False), bool):
                self.error(f"{swhere}.parallel_with_previous", "must be true or false")
            days.append(amount)
        return days if valid else None


def validate_catalogue(document: Any) -> None:
    """Raise CatalogueImportError listing every problem of the document."""
    _Validator(document).run()


def import_catalogue(document: Any, *, actor: User | None = None) -> dict[str, int]:
    """Validate the whole document, then create or update everything it describes.

    Procedures are matched by national code; their papers, fees and route are
    replaced by the file's. A paper's blank form is the file's when the file gives
    one; otherwise a form already uploaded stays with the paper of the same name.
    """
    stored: list[str] = []
    try:
        return _import(document, actor, stored)
    except BaseException:
        # The rows are rolled back; the blank forms stored for them go as well.
        storage = _blank_form_storage()
        for name in stored:
            storage.delete(name)
        raise


def _blank_form_storage() -> Storage:
    return RequiredPaper._meta.get_field("blank_form").storage


def _store_blank_form(form: _BlankForm | None, stored: list[str]) -> str:
    """The stored name of a blank form the file gives, storing it unless the same
    content is there already; "" for none."""
    if form is None:
        return ""
    storage = _blank_form_storage()
    name = storage_name(form.name, form.content)
    if storage.exists(name):
        return name
    name = storage.save(name, ContentFile(form.content))
    stored.append(name)
    logger.info("Blank form %s stored (%d bytes)", name, len(form.content))
    return name


@transaction.atomic
def _import(document: Any, actor: User | None, stored: list[str]) -> dict[str, int]:
    plan = _Validator(document).run()
    for sector in plan.sectors:
        Sector.objects.update_or_create(
            code=sector.code, defaults={"name": sector.name, "name_en": sector.name_en}
        )
    agencies: dict[str, Agency] = {}
    for agency, _parent, departments in plan.agencies:
        agencies[agency.code], _ = Agency.objects.update_or_create(
            code=agency.code,
            defaults={
                "name": agency.name,
                "short_name": agency.short_name,
                "level": agency.level,
                "is_receiving_desk": agency.is_receiving_desk,
                "address": agency.address,
                "phone": agency.phone,
            },
        )
        for department in departments:
            Department.objects.update_or_create(
                agency=agencies[agency.code],
                code=department.code,
                defaults={"name": department.name},
            )
    for agency, parent, _departments in plan.agencies:
        if parent:
            Agency.objects.filter(code=agency.code).update(
                parent=Agency.objects.get(code=parent)
            )
    sectors = {s.code: s for s in Sector.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}
    departments = {
        (d.agency.code, d.code): d for d in Department.objects.select_related("agency")
    }
    created = updated = 0
    for procedure, item in plan.procedures:
        existing = Procedure.objects.filter(code=procedure.code).first()
        if existing:
            procedure.pk = existing.pk
            procedure.created_at = existing.created_at
            # A file from before these keys existed keeps what the procedure has.
            if "form" not in item:
                procedure.form_definition = existing.form_definition
            if "organisation_filing" not in item:
                procedure.organisation_filing = existing.organisation_filing
            updated += 1
        else:
            created += 1
        procedure.sector = sectors[item["sector"]]
        procedure.receiving_agency = agencies[item["receiving_agency"]]
        procedure.deciding_agency = agencies[item["deciding_agency"]]
        procedure._history_user = actor
        procedure._change_reason = "catalogue import"
        procedure.save()
        kept_forms = dict(
            procedure.papers.exclude(blank_form="").values_list("name", "blank_form")
        )
        procedure.papers.all().delete()
        procedure.fees.all().delete()
        procedure.route_steps.all().delete()
        for j, paper in enumerate(item.get("papers") or []):
            if (procedure.code, j) in plan.blank_forms:
                form = _store_blank_form(plan.blank_forms[procedure.code, j], stored)
            else:
                form = kept_forms.get(paper["name"], "")
            RequiredPaper.objects.create(
                procedure=procedure,
                position=j + 1,
                name=paper["name"],
                originals=paper.get("originals", 1),
                certified_copies=paper.get("certified_copies", 0),
                copies=paper.get("copies", 0),
                mandatory=paper.get("mandatory", True),
                multiple_files=paper.get("multiple_files", False),
                accepted_types=",".join(
                    paper.get("accepted_types") or ["pdf", "jpg", "png"]
                ),
                blank_form=form,
            )
        for j, fee in enumerate(item.get("fees") or []):
            Fee.objects.create(
                procedure=procedure,
                position=j + 1,
                name=fee["name"],
                amount_vnd=fee.get("amount_vnd"),
                note=fee.get("note") or "",
            )
        for j, step in enumerate(item.get("route") or []):
            department = step.get("department")
            RouteStep.objects.create(
                procedure=procedure,
                position=j + 1,
                name=step["name"],
                role=step.get("role", StepRole.OFFICER),
                agency=agencies[step["agency"]] if step.get("agency") else None,
                department=(
                    departments[(department["agency"], department["code"])]
                    if department
                    else None
                ),
                working_days=Decimal(str(step["working_days"])),
                parallel_with_previous=step.get("parallel_with_previous") is True,
            )
    for key, section_plan in plan.sections.items():
        SECTIONS[key].write(section_plan, actor)
    return {"created": created, "updated": updated}
