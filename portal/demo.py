"""Demo data of one fictional provincial centre (Sơn Hà), loaded idempotently."""

from dataclasses import dataclass

from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from accounts.groups import sync_catalogue_administrators
from accounts.mfa import demo_app_device, requires_second_factor
from accounts.models import Role, User
from dossiers.demo import seed_dossiers
from procedure_groups.demo import seed_groups
from procedures.demo import seed_catalogue
from procedures.models import AdministrativeLevel, Agency, Department
from workcalendar.demo import seed_calendar

PROVINCE = "000.00.00.H99"
PROVINCE_CENTRE = "000.00.01.H99"
WARD_PEOPLES_COMMITTEE = "000.21.31.H99"
WARD_CENTRE = "000.21.32.H99"

# (code, name, short name, level, parent code, receives dossiers, departments)
AGENCIES: list[tuple[str, str, str, str, str | None, bool, list[tuple[str, str]]]] = [
    (
        "000.00.00.H99",
        "Ủy ban nhân dân tỉnh Sơn Hà",
        "UBND tỉnh Sơn Hà",
        AdministrativeLevel.PROVINCE,
        None,
        False,
        [],
    ),
    (
        PROVINCE_CENTRE,
        "Trung tâm Phục vụ hành chính công tỉnh Sơn Hà",
        "Trung tâm PVHCC tỉnh",
        AdministrativeLevel.PROVINCE,
        "000.00.00.H99",
        True,
        [("tiep-nhan", "Bộ phận Tiếp nhận và Trả kết quả")],
    ),
    (
        "000.00.12.H99",
        "Sở Tư pháp tỉnh Sơn Hà",
        "Sở Tư pháp",
        AdministrativeLevel.PROVINCE,
        "000.00.00.H99",
        False,
        [
            ("hanh-chinh-tu-phap", "Phòng Hành chính tư pháp"),
            ("ly-lich-tu-phap", "Phòng Lý lịch tư pháp"),
            ("lanh-dao", "Ban Giám đốc"),
        ],
    ),
    (
        "000.00.15.H99",
        "Sở Xây dựng tỉnh Sơn Hà",
        "Sở Xây dựng",
        AdministrativeLevel.PROVINCE,
        "000.00.00.H99",
        False,
        [
            ("quan-ly-xay-dung", "Phòng Quản lý hoạt động xây dựng"),
            ("lanh-dao", "Ban Giám đốc"),
        ],
    ),
    (
        "000.00.11.H99",
        "Sở Tài chính tỉnh Sơn Hà",
        "Sở Tài chính",
        AdministrativeLevel.PROVINCE,
        "000.00.00.H99",
        False,
        [
            ("dang-ky-kinh-doanh", "Phòng Đăng ký kinh doanh"),
            ("lanh-dao", "Ban Giám đốc"),
        ],
    ),
    (
        "000.00.20.H99",
        "Văn phòng Đăng ký đất đai tỉnh Sơn Hà",
        "VP Đăng ký đất đai",
        AdministrativeLevel.PROVINCE,
        "000.00.00.H99",
        False,
        [
            ("dang-ky-cap-giay", "Phòng Đăng ký và Cấp giấy chứng nhận"),
            ("lanh-dao", "Ban Giám đốc"),
        ],
    ),
    (
        "000.00.14.H99",
        "Sở Nội vụ tỉnh Sơn Hà",
        "Sở Nội vụ",
        AdministrativeLevel.PROVINCE,
        "000.00.00.H99",
        False,
        [
            ("viec-lam", "Phòng Lao động – Việc làm"),
            ("lanh-dao", "Ban Giám đốc"),
        ],
    ),
    (
        "000.00.30.H99",
        "Công an tỉnh Sơn Hà",
        "Công an tỉnh",
        AdministrativeLevel.PROVINCE,
        "000.00.00.H99",
        False,
        [
            ("csgt", "Phòng Cảnh sát giao thông"),
            ("qlhc", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội"),
            ("lanh-dao", "Ban Giám đốc"),
        ],
    ),
    (
        "000.00.40.H99",
        "Bảo hiểm xã hội tỉnh Sơn Hà",
        "BHXH tỉnh",
        AdministrativeLevel.PROVINCE,
        None,
        False,
        [
            ("thu-so-the", "Phòng Thu – Sổ, thẻ"),
            ("lanh-dao", "Ban Giám đốc"),
        ],
    ),
    (
        "000.21.31.H99",
        "Ủy ban nhân dân phường Đông Sơn",
        "UBND phường Đông Sơn",
        AdministrativeLevel.COMMUNE,
        "000.00.00.H99",
        False,
        [
            ("tu-phap-ho-tich", "Văn phòng HĐND và UBND (Tư pháp – Hộ tịch)"),
            ("kinh-te-ha-tang", "Phòng Kinh tế, Hạ tầng và Đô thị"),
            ("van-hoa-xa-hoi", "Phòng Văn hóa – Xã hội"),
            ("lanh-dao", "Lãnh đạo UBND phường"),
        ],
    ),
    (
        "000.21.32.H99",
        "Trung tâm Phục vụ hành chính công phường Đông Sơn",
        "Trung tâm PVHCC phường Đông Sơn",
        AdministrativeLevel.COMMUNE,
        "000.21.31.H99",
        True,
        [("tiep-nhan", "Bộ phận Tiếp nhận và Trả kết quả")],
    ),
    (
        "000.21.33.H99",
        "Công an phường Đông Sơn",
        "Công an phường Đông Sơn",
        AdministrativeLevel.COMMUNE,
        "000.21.31.H99",
        False,
        [
            ("cu-tru", "Đội Quản lý hành chính – Cư trú"),
            # The fire-safety opinion of the demo construction permit's parallel
            # branch (procedure 1.013225, docs/interagency.md).
            ("pccc", "Tổ Phòng cháy, chữa cháy và cứu nạn, cứu hộ"),
        ],
    ),
    (
        "000.21.40.H99",
        "Trường Trung học cơ sở Đông Sơn",
        "Trường THCS Đông Sơn",
        AdministrativeLevel.COMMUNE,
        "000.21.31.H99",
        False,
        [("giao-vu", "Tổ Giáo vụ – Tuyển sinh")],
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    agency_code: str | None = None
    department_code: str | None = None
    is_staff: bool = False
    is_superuser: bool = False
    catalogue_administrator: bool = False
    email: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin",
        "Quản trị danh mục",
        Role.ADMINISTRATOR,
        PROVINCE_CENTRE,
        # Not a superuser: the admin site lets them edit the catalogue, the calendar
        # and their centre's staff accounts, nothing else (accounts/groups.py).
        is_staff=True,
        catalogue_administrator=True,
        email="admin@onecenter.local",
    ),
    # The centre manager monitors the whole province: their agency is the top of the
    # tree, so every desk and deciding agency below it is in their scope.
    DemoAccount(
        "manager",
        "Trần Thị Minh",
        Role.MANAGER,
        PROVINCE,
        email="manager@onecenter.local",
    ),
    DemoAccount(
        "clerk",
        "Lê Văn Hòa",
        Role.CLERK,
        WARD_CENTRE,
        "tiep-nhan",
        email="clerk@onecenter.local",
    ),
    DemoAccount(
        "officer",
        "Phạm Thu Hà",
        Role.OFFICER,
        WARD_PEOPLES_COMMITTEE,
        "tu-phap-ho-tich",
        email="officer@onecenter.local",
    ),
    DemoAccount(
        "leader",
        "Nguyễn Quốc Bảo",
        Role.LEADER,
        WARD_PEOPLES_COMMITTEE,
        "lanh-dao",
        email="leader@onecenter.local",
    ),
    # The provincial land registration office's side of the inter-agency demo
    # route (procedure 1.115712, docs/interagency.md).
    DemoAccount(
        "land_officer",
        "Đỗ Minh Tuấn",
        Role.OFFICER,
        "000.00.20.H99",
        "dang-ky-cap-giay",
        email="land.officer@onecenter.local",
    ),
    DemoAccount(
        "land_leader",
        "Vũ Thị Lan",
        Role.LEADER,
        "000.00.20.H99",
        "lanh-dao",
        email="land.leader@onecenter.local",
    ),
    # The two parallel branches of the demo construction permit (procedure
    # 1.013225, docs/interagency.md): the ward's economic, infrastructure and
    # urban department, and the ward police's fire-safety team.
    DemoAccount(
        "works_officer",
        "Trịnh Quang Huy",
        Role.OFFICER,
        WARD_PEOPLES_COMMITTEE,
        "kinh-te-ha-tang",
        email="works.officer@onecenter.local",
    ),
    DemoAccount(
        "fire_officer",
        "Đinh Văn Cường",
        Role.OFFICER,
        "000.21.33.H99",
        "pccc",
        email="fire.officer@onecenter.local",
    ),
    DemoAccount(
        "citizen",
        "Nguyễn Văn An",
        Role.APPLICANT,
        email="citizen@example.vn",
        phone="0912345678",
        id_number="036095001234",
        address="Số 12 đường Lê Lợi, phường Đông Sơn, tỉnh Sơn Hà",
    ),
]


@transaction.atomic
def seed_agencies() -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for code, name, short, level, parent, desk, departments in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "level": level,
                "parent": agencies.get(parent) if parent else None,
                "is_receiving_desk": desk,
            },
        )
        agencies[code] = agency
        for dept_code, dept_name in departments:
            Department.objects.update_or_create(
                agency=agency, code=dept_code, defaults={"name": dept_name}
            )
    return agencies


@transaction.atomic
def seed_accounts(password: str = DEMO_PASSWORD) -> list[User]:
    users = []
    for account in DEMO_ACCOUNTS:
        agency = (
            Agency.objects.get(code=account.agency_code)
            if account.agency_code
            else None
        )
        department = (
            Department.objects.get(agency=agency, code=account.department_code)
            if account.department_code
            else None
        )
        user, _ = User.objects.update_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "role": account.role,
                "agency": agency,
                "department": department,
                "is_staff": account.is_staff,
                "is_superuser": account.is_superuser,
                "email": account.email,
                "phone": account.phone,
                "id_number": account.id_number,
                "address": account.address,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.set(
            [sync_catalogue_administrators()] if account.catalogue_administrator else []
        )
        if requires_second_factor(user):
            # Staff pass a second factor: the published demo key (README).
            demo_app_device(user, DEMO_TOTP_SECRET)
        users.append(user)
    return users


def seed_demo(password: str = DEMO_PASSWORD) -> None:
    """Create or refresh everything the demo shows; safe to run again."""
    seed_calendar()
    seed_agencies()
    users = seed_accounts(password)
    seed_catalogue(actor=next(u for u in users if u.username == "admin"))
    seed_groups()
    seed_dossiers(password=password)
