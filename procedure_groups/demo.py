"""The demo's group of linked procedures (docs/interagency.md).

Birth registration + permanent residence registration + health-insurance card for
a child under 6: one of the two groups run electronically under Decree
63/2024/NĐ-CP and published by Decision 296/QĐ-VPCP (June 2024), whose whole time
was reported as at most 3 working days (cand.com.vn, 15 June 2024). The members'
shares and dependencies below are ours *(verify the lists and times against the
current publication: the two-tier local government since 1 July 2025 moved the
district-level parts to the commune and the province)*.
"""

from decimal import Decimal

from procedures.models import Procedure, PublicationStatus

from .models import GroupMember, ProcedureGroup

BIRTH_GROUP = "khai-sinh-thuong-tru-bhyt-tre-duoi-6-tuoi"
# (national code, working days in the group, codes of the members it needs)
BIRTH_GROUP_MEMBERS = [
    ("1.001193", Decimal(1), []),  # birth registration, ward people's committee
    ("1.004222", Decimal(1), ["1.001193"]),  # permanent residence, ward police
    ("1.014137", Decimal(1), ["1.004222"]),  # health-insurance card, social insurance
]
# Papers a linked result provides (GroupMember.provided_papers): the birth
# extract proves the child's relationship to the parent they live with, so the
# residence registration does not ask for it (ours; verify against the group's
# published papers).
BIRTH_GROUP_PROVIDED = {
    "1.004222": [
        {
            "paper": (
                "Giấy tờ chứng minh quan hệ nhân thân (khi về ở với người thân, nếu "
                "không khai thác được)"
            ),
            "by": "1.001193",
        }
    ],
}
BIRTH_GROUP_FIELDS = [
    {"key": "child_name", "label": "Họ, chữ đệm, tên của trẻ"},
    {"key": "child_birth_date", "label": "Ngày, tháng, năm sinh của trẻ"},
    {"key": "child_sex", "label": "Giới tính của trẻ"},
    {"key": "mother_name", "label": "Họ, chữ đệm, tên của mẹ"},
    {"key": "father_name", "label": "Họ, chữ đệm, tên của cha"},
    {"key": "residence_address", "label": "Địa chỉ đăng ký thường trú"},
]


def seed_groups() -> ProcedureGroup | None:
    """Create or refresh the demo groups (the death-registration group too,
    ``demo_death``); returns the birth group, nothing when its procedures are
    absent."""
    from .demo_death import seed_death_group

    seed_death_group()
    procedures = {
        p.code: p
        for p in Procedure.objects.filter(
            code__in=[c for c, _d, _b in BIRTH_GROUP_MEMBERS]
        )
    }
    if len(procedures) != len(BIRTH_GROUP_MEMBERS):
        return None
    group, _created = ProcedureGroup.objects.update_or_create(
        code=BIRTH_GROUP,
        defaults={
            "name": (
                "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm "
                "y tế cho trẻ em dưới 6 tuổi"
            ),
            "name_en": (
                "Birth registration, permanent residence registration and "
                "health-insurance card for a child under 6"
            ),
            "processing_time_days": 3,
            "shared_fields": BIRTH_GROUP_FIELDS,
            "legal_basis": ("Nghị định 63/2024/NĐ-CP\nQuyết định 296/QĐ-VPCP (2024)"),
            "sources": (
                "https://amp.cand.com.vn/su-kien-binh-luan-thoi-su/huong-dan-dang-ky-"
                "khai-sinh-dang-ky-thuong-tru-cap-the-bhyt-online-cho-tre-duoi-6-tuoi-"
                "i734441 (15/06/2024): không quá 3 ngày làm việc (verify)"
            ),
            "status": PublicationStatus.PUBLISHED,
            "is_demo_data": True,
        },
    )
    members = {}
    for position, (code, days, _before) in enumerate(BIRTH_GROUP_MEMBERS, start=1):
        members[code], _ = GroupMember.objects.update_or_create(
            group=group,
            procedure=procedures[code],
            defaults={
                "position": position,
                "working_days": days,
                "provided_papers": BIRTH_GROUP_PROVIDED.get(code, []),
            },
        )
    for code, _days, before in BIRTH_GROUP_MEMBERS:
        members[code].depends_on.set([members[b] for b in before])
    return group
