"""The demo catalogue: real procedures (demo_data/) mapped onto the demo centre."""

import base64
import json
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from accounts.models import User

from .catalogue_io import FORMAT, VERSION, import_catalogue
from .demo_forms import seed_demo_forms
from .search import fold

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "national_procedures.json"
# Blank forms of demo papers, by (procedure code, paper index): small PDFs made from
# the HTML beside them (demo_data/blank_forms/README.md; labels to verify).
BLANK_FORMS_DIR = DATA_FILE.parent / "blank_forms"
BLANK_FORMS = {
    ("1.001193", 0): "to-khai-dang-ky-khai-sinh.pdf",
    ("1.000894", 0): "to-khai-dang-ky-ket-hon.pdf",
}

PROVINCE_DESK = "000.00.01.H99"
WARD_DESK = "000.21.32.H99"
WARD_PEOPLES_COMMITTEE = "000.21.31.H99"

SECTOR_NAMES_EN = {
    "Hộ tịch": "Civil status",
    "Cư trú": "Residence",
    "Hoạt động xây dựng": "Construction",
    "Đất đai": "Land",
    "Chứng thực": "Certification",
    "Sát hạch, cấp giấy phép lái xe": "Driving licences",
    "Bảo trợ xã hội": "Social protection",
    "Cấp, quản lý căn cước": "Identity cards",
    "Thành lập và hoạt động của doanh nghiệp": "Business registration",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)": "Household businesses",
    "Lý lịch tư pháp": "Judicial records",
    "Việc làm": "Employment",
    "Lao động, tiền lương": "Labour and wages",
    "Bảo hiểm y tế": "Health insurance",
    "Giáo dục trung học": "Secondary education",
}

# (words in the published implementing agency, agency code, reviewing department)
PROVINCE_AGENCIES = [
    ("bao hiem xa hoi", "000.00.40.H99", "thu-so-the"),
    ("canh sat giao thong", "000.00.30.H99", "csgt"),
    ("cong an", "000.00.30.H99", "qlhc"),
    ("noi vu", "000.00.14.H99", "viec-lam"),
    ("tu phap", "000.00.12.H99", "hanh-chinh-tu-phap"),
    ("tai chinh", "000.00.11.H99", "dang-ky-kinh-doanh"),
    ("xay dung", "000.00.15.H99", "quan-ly-xay-dung"),
    ("dat dai", "000.00.20.H99", "dang-ky-cap-giay"),
]
COMMUNE_AGENCIES = [
    ("cong an", "000.21.33.H99", "cu-tru"),
    ("truong trung hoc", "000.21.40.H99", "giao-vu"),
]
WARD_DEPARTMENT_BY_SECTOR = {
    "Bảo trợ xã hội": "van-hoa-xa-hoi",
    "Hoạt động xây dựng": "kinh-te-ha-tang",
    "Đất đai": "kinh-te-ha-tang",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)": "kinh-te-ha-tang",
}
LEADER_DEPARTMENT = "lanh-dao"
AGENCIES_WITH_LEADERSHIP = {
    "000.00.12.H99",
    "000.00.15.H99",
    "000.00.11.H99",
    "000.00.20.H99",
    "000.00.14.H99",
    "000.00.30.H99",
    "000.00.40.H99",
    WARD_PEOPLES_COMMITTEE,
}
CUTOFF_SAME_DAY = "15:00"

LAND_REGISTRATION_OFFICE = "000.00.20.H99"
WARD_POLICE = "000.21.33.H99"
# Inter-agency one-stop (docs/interagency.md): a vertical route, commune → province.
# Re-issuing a lost land-use certificate: filed at the ward centre, the ward's
# people's committee posts the notice of loss and confirms it (the posting time
# itself does not count, per the published procedure), then transfers the dossier
# to the provincial land registration office, which re-issues the certificate.
# The shares of the 10 working days are ours *(verify against the province's
# published internal route)*.
INTERAGENCY_ROUTES: dict[str, dict[str, Any]] = {
    "1.115712": {
        "receiving_agency": WARD_DESK,
        "route": [
            {
                "name": "Niêm yết thông báo mất Giấy chứng nhận, xác nhận",
                "role": "officer",
                "agency": WARD_PEOPLES_COMMITTEE,
                "department": None,
                "working_days": "2",
            },
            {
                "name": "Lãnh đạo UBND phường xác nhận, chuyển liên thông",
                "role": "leader",
                "agency": WARD_PEOPLES_COMMITTEE,
                "department": {"agency": WARD_PEOPLES_COMMITTEE, "code": "lanh-dao"},
                "working_days": "1",
            },
            {
                "name": "Thẩm định hồ sơ, lập Giấy chứng nhận",
                "role": "officer",
                "agency": LAND_REGISTRATION_OFFICE,
                "department": {
                    "agency": LAND_REGISTRATION_OFFICE,
                    "code": "dang-ky-cap-giay",
                },
                "working_days": "5",
            },
            {
                "name": "Ký cấp lại Giấy chứng nhận",
                "role": "leader",
                "agency": LAND_REGISTRATION_OFFICE,
                "department": {"agency": LAND_REGISTRATION_OFFICE, "code": "lanh-dao"},
                "working_days": "2",
            },
        ],
    },
    # Parallel branches with a join (docs/interagency.md): a construction permit
    # (7 working days for a house) filed at the ward centre. The ward's economic,
    # infrastructure and urban department checks the file and the site, then at
    # the same time it checks the plan against the zoning and drafts the permit
    # while the ward police give their opinion on fire safety; the ward's leader
    # signs once both are done. The route and its split of the days are ours
    # *(verify against the province's published internal route)*.
    "1.013225": {
        "receiving_agency": WARD_DESK,
        "route": [
            {
                "name": "Kiểm tra hồ sơ, hiện trạng; gửi lấy ý kiến",
                "role": "officer",
                "agency": WARD_PEOPLES_COMMITTEE,
                "department": {
                    "agency": WARD_PEOPLES_COMMITTEE,
                    "code": "kinh-te-ha-tang",
                },
                "working_days": "2",
            },
            {
                "name": "Đối chiếu quy hoạch, dự thảo giấy phép",
                "role": "officer",
                "agency": WARD_PEOPLES_COMMITTEE,
                "department": {
                    "agency": WARD_PEOPLES_COMMITTEE,
                    "code": "kinh-te-ha-tang",
                },
                "working_days": "3",
            },
            {
                "name": "Ý kiến về phòng cháy, chữa cháy",
                "role": "officer",
                "agency": WARD_POLICE,
                "department": {"agency": WARD_POLICE, "code": "pccc"},
                "working_days": "2",
                "parallel_with_previous": True,
            },
            {
                "name": "Phê duyệt, ký giấy phép xây dựng",
                "role": "leader",
                "agency": WARD_PEOPLES_COMMITTEE,
                "department": {"agency": WARD_PEOPLES_COMMITTEE, "code": "lanh-dao"},
                "working_days": "2",
            },
        ],
    },
}


def _deciding(record: dict[str, Any]) -> tuple[str, str]:
    """The demo agency and reviewing department for a record's published agency."""
    agency_text = fold(record["agency_vi"])
    table = PROVINCE_AGENCIES if record["level"] == "province" else COMMUNE_AGENCIES
    for words, code, department in table:
        if words in agency_text:
            return code, department
    if record["level"] == "province":
        return "000.00.12.H99", "hanh-chinh-tu-phap"
    return WARD_PEOPLES_COMMITTEE, WARD_DEPARTMENT_BY_SECTOR.get(
        record["field_vi"], "tu-phap-ho-tich"
    )


def _route(total: Decimal, agency: str, department: str) -> list[dict[str, Any]]:
    """A plausible two-step route: specialist review, then the leader's approval."""
    cent = Decimal("0.01")
    approval = min(
        Decimal(2), max(Decimal("0.5"), (total / 5).quantize(Decimal("0.5")))
    )
    if approval >= total:
        approval = (total / 2).quantize(cent, rounding=ROUND_DOWN)
    review = (total - approval).quantize(cent, rounding=ROUND_DOWN)
    leader_department = (
        LEADER_DEPARTMENT if agency in AGENCIES_WITH_LEADERSHIP else department
    )
    return [
        {
            "name": "Thẩm định hồ sơ, đề xuất kết quả",
            "role": "officer",
            "department": {"agency": agency, "code": department},
            "working_days": str(review),
        },
        {
            "name": "Phê duyệt, ký kết quả",
            "role": "leader",
            "department": {"agency": agency, "code": leader_department},
            "working_days": str(approval),
        },
    ]


def _procedure(record: dict[str, Any]) -> dict[str, Any]:
    time_ = record["processing_time"]
    unit = {"days": "calendar_days"}.get(time_["unit"], time_["unit"])
    value = time_["value"]
    agency, department = _deciding(record)
    if unit == "same_day":
        total = Decimal(1)
    elif unit == "working_hours" and value:
        total = Decimal(value) / 8
    else:
        total = Decimal(value) if value else None
    channels = record["channels"]
    online_level = record["online_level"] or (
        "partial" if "online" in channels else "none"
    )
    if "online" not in channels:
        online_level = "none"
    return {
        "code": record["code"],
        "name": record["name_vi"],
        "name_en": record["name_en"],
        "sector": fold(record["field_vi"]).replace(" ", "-")[:80],
        "level": record["level"],
        "receiving_agency": PROVINCE_DESK
        if record["level"] == "province"
        else WARD_DESK,
        "deciding_agency": agency,
        "implementing_note": record["agency_vi"],
        "processing_time": {
            "value": value,
            "unit": unit,
            "cutoff": CUTOFF_SAME_DAY if unit == "same_day" else None,
            "note": time_.get("note_vi") or "",
        },
        "conditions": "",
        "result": record["result_vi"],
        "legal_basis": record["legal_basis"],
        "channels": channels,
        "online_level": online_level,
        # Records without a confirmed processing time stay drafts until checked.
        "status": "published" if total else "draft",
        "is_demo_data": True,
        "sources": record["sources"] + [f"confidence: {record['confidence']}"],
        "papers": [
            {
                "name": paper["name_vi"],
                "originals": paper["originals"],
                "certified_copies": 0,
                "copies": paper["copies"],
                "mandatory": paper["mandatory"],
                "multiple_files": False,
                "accepted_types": ["pdf", "jpg", "png"],
            }
            for paper in record["papers"]
        ],
        "fees": [
            {
                "name": fee["name_vi"],
                "amount_vnd": fee["amount_vnd"],
                "note": fee.get("note_vi") or "",
            }
            for fee in record["fees"]
        ],
        "route": _route(total, agency, department) if total else [],
    }


def _with_interagency_route(procedure: dict[str, Any]) -> dict[str, Any]:
    return {**procedure, **INTERAGENCY_ROUTES.get(procedure["code"], {})}


def _with_blank_forms(procedure: dict[str, Any]) -> dict[str, Any]:
    papers = [
        {**paper, "blank_form": _blank_form(BLANK_FORMS[procedure["code"], j])}
        if (procedure["code"], j) in BLANK_FORMS
        else paper
        for j, paper in enumerate(procedure["papers"])
    ]
    return {**procedure, "papers": papers}


def _blank_form(name: str) -> dict[str, str]:
    content = (BLANK_FORMS_DIR / name).read_bytes()
    return {
        "name": name,
        "content_type": "application/pdf",
        "data": base64.b64encode(content).decode("ascii"),
    }


def demo_catalogue_document(*, blank_forms: bool = False) -> dict[str, Any]:
    """The demo catalogue in the import format (docs/catalogue-format.md).

    With ``blank_forms``, the demo papers that have one carry their blank form
    (stored by the import: tests that only need the catalogue leave it out)."""
    records = json.loads(DATA_FILE.read_text(encoding="utf-8"))["procedures"]
    sectors = {
        record["field_vi"]: fold(record["field_vi"]).replace(" ", "-")[:80]
        for record in records
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "sectors": [
            {"code": code, "name": name, "name_en": SECTOR_NAMES_EN.get(name, "")}
            for name, code in sectors.items()
        ],
        "agencies": [],
        "procedures": [
            _with_blank_forms(procedure) if blank_forms else procedure
            for procedure in (
                _with_interagency_route(_procedure(record)) for record in records
            )
        ],
    }


def seed_catalogue(actor: User | None = None) -> dict[str, int]:
    """Load the demo catalogue through the same import as any shared catalogue,
    with the blank forms of its demo papers, then the online forms of the
    procedures that have one."""
    summary = import_catalogue(demo_catalogue_document(blank_forms=True), actor=actor)
    seed_demo_forms()
    return summary
