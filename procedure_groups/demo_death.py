"""The demo's second group of linked procedures (docs/interagency.md): death
registration + removal from permanent residence registration + funeral-cost
support (*đăng ký khai tử, xóa đăng ký thường trú, hỗ trợ chi phí mai táng*).

The real linked group is published as "Thủ tục liên thông về đăng ký khai tử, xóa
đăng ký thường trú, hưởng chế độ tử tuất (trợ cấp tuất và trợ cấp mai táng)/hỗ trợ
chi phí mai táng/hưởng mai táng phí" (Decree 63/2024/NĐ-CP): the third procedure
depends on who the deceased was (a social-insurance pensioner: the social
insurance's survivor benefits; a beneficiary of social protection: the commune's
funeral-cost support; a person with meritorious services: the funeral allowance).
The demo takes the commune's **funeral-cost support for a beneficiary of social
protection** (Decree 20/2021/NĐ-CP, form no. 04), which is not in the shared
procedure data: its record below comes from secondary sources and is marked
*(verify)*. Death registration (1.000656) and removal from permanent residence
(1.003197) are the demo catalogue's own records.

Each later procedure needs the death extract (*trích lục khai tử*), the result of
the death registration. The group's time, 6 working days (the death registration's
day, then the removal's 5 working days; the support's 3 run alongside), is ours,
within the "about 6 to 18 working days by the deceased's situation" a provincial
portal's guide gives for this group *(verify against the province's
publication)*.
"""

from decimal import Decimal
from typing import Any

from procedures.catalogue_io import FORMAT, VERSION, import_catalogue
from procedures.demo import _procedure
from procedures.models import Procedure, PublicationStatus

from .models import GroupMember, ProcedureGroup

DEATH_GROUP = "khai-tu-xoa-thuong-tru-mai-tang"
DEATH, RESIDENCE_REMOVAL, FUNERAL_SUPPORT = "1.000656", "1.003197", "1.001731"

# Funeral-cost support for a beneficiary of social protection, at the commune.
# Secondary sources only (verify every value against the national portal's
# record of 1.001731 and the province's publication).
FUNERAL_SUPPORT_RECORD: dict[str, Any] = {
    "code": FUNERAL_SUPPORT,
    "name_vi": "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
    "name_en": "Funeral-cost support for a beneficiary of social protection",
    "field_vi": "Bảo trợ xã hội",
    "level": "commune",
    "agency_vi": "UBND cấp xã",
    "processing_time": {
        "value": 3,
        "unit": "working_days",
        "note_vi": "03 ngày làm việc kể từ khi nhận đủ hồ sơ (verify).",
    },
    "fees": [{"name_vi": "Không mất phí", "amount_vnd": 0, "note_vi": ""}],
    "papers": [
        {
            "name_vi": (
                "Tờ khai đề nghị hỗ trợ chi phí mai táng (Mẫu số 04 ban hành kèm "
                "theo Nghị định 20/2021/NĐ-CP)"
            ),
            "originals": 1,
            "copies": 0,
            "mandatory": True,
        },
        {
            "name_vi": "Bản sao Giấy chứng tử hoặc Trích lục khai tử",
            "originals": 0,
            "copies": 1,
            "mandatory": True,
        },
        {
            "name_vi": (
                "Bản sao quyết định hưởng trợ cấp xã hội hằng tháng của người đã "
                "mất (nếu có)"
            ),
            "originals": 0,
            "copies": 1,
            "mandatory": False,
        },
    ],
    "result_vi": "Quyết định hỗ trợ chi phí mai táng của Chủ tịch UBND cấp xã",
    "legal_basis": ["Nghị định 20/2021/NĐ-CP (Điều 11, Mẫu số 04)"],
    "channels": ["counter", "post", "online"],
    "online_level": "full",
    "sources": [
        "Mã 1.001731 trên Cổng DVCQG (dichvucong.gov.vn, maThuTuc=1.001731), theo "
        "các trình nhận diện thủ tục trong kho mã nguồn công khai (verify)",
        "Hướng dẫn quầy Trung tâm PVHCC phường Tây Nha Trang: 'Hỗ trợ chi phí mai "
        "táng cho đối tượng bảo trợ: Không quá 03 ngày làm việc' (verify)",
        "Danh mục TTHC UBND xã Hoa Quân, Nghệ An: 03 ngày làm việc; tờ khai, bản sao "
        "giấy chứng tử (verify)",
    ],
    "confidence": "low",
}

# (national code, working days in the group, codes of the members it needs)
DEATH_GROUP_MEMBERS = [
    (DEATH, Decimal(1), []),
    (RESIDENCE_REMOVAL, Decimal(5), [DEATH]),
    (FUNERAL_SUPPORT, Decimal(3), [DEATH]),
]
# Papers the death extract provides (GroupMember.provided_papers): the proof
# that the removal applies, and the copy of the death certificate or extract
# the funeral support asks for (verify against the group's published papers).
DEATH_GROUP_PROVIDED = {
    RESIDENCE_REMOVAL: [
        {
            "paper": (
                "Giấy tờ chứng minh thuộc trường hợp xóa đăng ký thường trú – khi "
                "chưa khai thác được từ CSDL"
            ),
            "by": DEATH,
        }
    ],
    FUNERAL_SUPPORT: [
        {"paper": "Bản sao Giấy chứng tử hoặc Trích lục khai tử", "by": DEATH}
    ],
}
DEATH_GROUP_FIELDS = [
    {"key": "deceased_name", "label": "Họ, chữ đệm, tên người đã chết"},
    {"key": "deceased_id_number", "label": "Số định danh cá nhân của người đã chết"},
    {"key": "death_date", "label": "Ngày, tháng, năm chết"},
    {"key": "last_residence", "label": "Nơi cư trú cuối cùng của người đã chết"},
    {"key": "relationship", "label": "Quan hệ của người đi khai tử với người đã chết"},
]


def seed_funeral_support() -> None:
    """The funeral-cost support procedure, through the catalogue import."""
    item = _procedure(FUNERAL_SUPPORT_RECORD)
    import_catalogue(
        {
            "format": FORMAT,
            "version": VERSION,
            "sectors": [
                {
                    "code": item["sector"],
                    "name": FUNERAL_SUPPORT_RECORD["field_vi"],
                    "name_en": "Social protection",
                }
            ],
            "agencies": [],
            "procedures": [item],
        }
    )


def seed_death_group() -> ProcedureGroup | None:
    """Create or refresh the death-registration group; nothing when the demo
    catalogue lacks death registration or the removal from residence."""
    if Procedure.objects.filter(code__in=[DEATH, RESIDENCE_REMOVAL]).count() != 2:
        return None
    if not Procedure.objects.filter(code=FUNERAL_SUPPORT).exists():
        seed_funeral_support()
    procedures = {
        p.code: p
        for p in Procedure.objects.filter(
            code__in=[c for c, _d, _b in DEATH_GROUP_MEMBERS]
        )
    }
    group, _created = ProcedureGroup.objects.update_or_create(
        code=DEATH_GROUP,
        defaults={
            "name": (
                "Liên thông đăng ký khai tử, xóa đăng ký thường trú, hỗ trợ chi phí "
                "mai táng"
            ),
            "name_en": (
                "Death registration, removal from permanent residence registration "
                "and funeral-cost support"
            ),
            "description": (
                "Nhóm thủ tục liên thông theo Nghị định 63/2024/NĐ-CP; thủ tục thứ ba "
                "tùy đối tượng (chế độ tử tuất, hỗ trợ chi phí mai táng, mai táng "
                "phí): bản trình diễn dùng hỗ trợ chi phí mai táng cho đối tượng bảo "
                "trợ xã hội (verify)."
            ),
            "processing_time_days": 6,
            "shared_fields": DEATH_GROUP_FIELDS,
            "legal_basis": (
                "Nghị định 63/2024/NĐ-CP\nNghị định 20/2021/NĐ-CP\n"
                "Luật Hộ tịch 2014\nLuật Cư trú 2020"
            ),
            "sources": (
                "Tên nhóm trên Cổng DVCQG: Thủ tục liên thông về đăng ký khai tử, xóa "
                "đăng ký thường trú, hưởng chế độ tử tuất (trợ cấp tuất và trợ cấp "
                "mai táng)/hỗ trợ chi phí mai táng/hưởng mai táng phí\n"
                "Thời gian: khoảng 06-18 ngày làm việc tùy nhóm đối tượng, theo "
                "hướng dẫn liên thông của một cổng dịch vụ công cấp tỉnh (verify)"
            ),
            "status": PublicationStatus.PUBLISHED,
            "is_demo_data": True,
        },
    )
    members = {}
    for position, (code, days, _before) in enumerate(DEATH_GROUP_MEMBERS, start=1):
        members[code], _ = GroupMember.objects.update_or_create(
            group=group,
            procedure=procedures[code],
            defaults={
                "position": position,
                "working_days": days,
                "provided_papers": DEATH_GROUP_PROVIDED.get(code, []),
            },
        )
    for code, _days, before in DEATH_GROUP_MEMBERS:
        members[code].depends_on.set([members[b] for b in before])
    return group
