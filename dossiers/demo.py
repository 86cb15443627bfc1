"""Demo dossiers in every state, filed and handled through the services, for seed_demo.

Each demo dossier is a short script of events ("submitted 3 working days ago at
20:30, received 2 days ago at 08:15, …"). The scripts run through the same services
as the portal, dated in the past with their ``at=``, so the due dates, step dues,
pauses, dossier codes and the transition log are what the engine computes, never
written by hand. Times are counted in working days before ``now`` on the working
calendar, so the mix of overdue, due today, due soon and on-track dossiers is the
same whatever day the demo is loaded, weekends and Tết included.
"""

import dataclasses
import struct
import textwrap
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from procedures.demo_forms import sample_answers
from procedures.models import Procedure
from procedures.search import fold
from workcalendar.calendar import load_calendar

from . import services
from .models import Attachment, Channel, Dossier

ADDRESS_SUFFIX = "phường Đông Sơn, tỉnh Sơn Hà"


@dataclass(frozen=True)
class Person:
    """A demo applicant: with an account when ``username`` is set, else a walk-in."""

    name: str
    id_number: str
    phone: str
    address: str
    username: str = ""


# Applicants with portal accounts (besides the demo ``citizen``). Their dossiers are
# the marker that the demo dossiers exist: see ``seed_dossiers``.
DEMO_APPLICANTS = {
    "lan": Person(
        "Trần Thị Lan",
        "036190002417",
        "0987654321",
        f"Số 45 đường Trần Hưng Đạo, {ADDRESS_SUFFIX}",
        "tranthilan",
    ),
    "nam": Person(
        "Lê Hoàng Nam",
        "036085007731",
        "0903112233",
        f"Số 9 ngõ 4 đường Quang Trung, {ADDRESS_SUFFIX}",
        "lehoangnam",
    ),
    "mai": Person(
        "Phạm Thị Mai",
        "036193005862",
        "0915667788",
        f"Số 61 đường Lê Lợi, {ADDRESS_SUFFIX}",
        "phamthimai",
    ),
    "thang": Person(
        "Vũ Đức Thắng",
        "036079001945",
        "0936224466",
        f"Số 15 đường Phan Chu Trinh, {ADDRESS_SUFFIX}",
        "vuducthang",
    ),
    "huong": Person(
        "Đặng Thu Hương",
        "036196008314",
        "0948335577",
        f"Số 7 ngõ 12 đường Nguyễn Du, {ADDRESS_SUFFIX}",
        "dangthuhuong",
    ),
}
DEMO_APPLICANT_USERNAMES = frozenset(p.username for p in DEMO_APPLICANTS.values())

# Walk-in applicants without an account, received at the counter.
WALK_INS = {
    "hanh": Person(
        "Bùi Thị Hạnh",
        "036168002290",
        "0977445566",
        f"Số 8 ngõ 21 đường Nguyễn Trãi, {ADDRESS_SUFFIX}",
    ),
    "khai": Person(
        "Phan Văn Khải",
        "036075006618",
        "0905998877",
        f"Tổ dân phố Đông Hòa, {ADDRESS_SUFFIX}",
    ),
    "dung": Person(
        "Ngô Văn Dũng",
        "036058001127",
        "0919887766",
        f"Số 3 đường Bà Triệu, {ADDRESS_SUFFIX}",
    ),
    "tuan": Person(
        "Hoàng Minh Tuấn",
        "036092003376",
        "0962118899",
        f"Số 27 đường Lý Thường Kiệt, {ADDRESS_SUFFIX}",
    ),
    "trang": Person(
        "Đỗ Thị Thu Trang",
        "036301004455",
        "0971223344",
        f"Số 102 đường Hai Bà Trưng, {ADDRESS_SUFFIX}",
    ),
    "hung": Person(
        "Trịnh Văn Hùng",
        "036064003392",
        "0913556677",
        f"Tổ dân phố Đông Tiến, {ADDRESS_SUFFIX}",
    ),
}


@dataclass(frozen=True)
class Event:
    """One step of a demo dossier's history.

    ``days_ago`` counts working days back from ``now`` (1 = the previous working
    day) and ``clock`` is the local time that day. ``text`` is the note, message or
    reasons; ``items`` the (paper index, guidance) pairs of a supplement request;
    ``by`` a username when not the usual actor; ``channel`` how a result is
    returned; ``extra_days`` the working days an extension (Form 04) adds.
    """

    action: str
    days_ago: int
    clock: str
    text: str = ""
    items: tuple[tuple[int, str], ...] = ()
    by: str = ""
    channel: str = ""
    extra_days: int = 0


@dataclass(frozen=True)
class DemoDossier:
    """Who files under which procedure, and what happened since.

    The first event is ``draft`` (online) or ``counter`` (received at the ward
    centre's counter). ``papers`` are the indexes attached when filing; None means
    the mandatory ones.
    """

    who: str
    procedure: str
    events: tuple[Event, ...]
    papers: tuple[int, ...] | None = None


E = Event
FORWARD_NOTE = "Hồ sơ hợp lệ, đủ điều kiện; trình lãnh đạo phê duyệt."

# Mostly procedures decided by UBND phường Đông Sơn, whose civil-status officer and
# leader are demo accounts; a few are decided by provincial agencies (received at the
# ward centre, as a centre receives regardless of administrative boundary).
# Due windows below are for a working-day ``now`` before closing time.
DEMO_DOSSIERS: tuple[DemoDossier, ...] = (
    # --- the demo citizen: one dossier in each state they act on -------------
    DemoDossier(  # draft, only the declaration attached so far
        "citizen", "1.000894", (E("draft", 1, "19:30"),), papers=(0,)
    ),
    DemoDossier(  # submitted last evening, waiting for the desk
        "citizen",
        "1.004873",
        (E("draft", 1, "21:10"), E("submit", 1, "21:40")),
    ),
    DemoDossier(  # the desk asked for a paper at intake (Form 02)
        "citizen",
        "1.001022",
        (
            E("draft", 2, "15:50"),
            E("submit", 2, "16:20"),
            E(
                "intake_supplement",
                1,
                "08:30",
                "Đề nghị ông bổ sung văn bản xác nhận quan hệ cha con hợp lệ theo "
                "hướng dẫn dưới đây, sau đó nộp lại hồ sơ trên Cổng dịch vụ công.",
                items=(
                    (
                        1,
                        "Văn bản xác nhận quan hệ cha con phải là bản chính hoặc bản "
                        "sao có chứng thực; bản chụp đã nộp không có dấu của cơ sở "
                        "giám định.",
                    ),
                ),
            ),
        ),
    ),
    DemoDossier(  # paused: the officer asked for a supplement yesterday (on track)
        "citizen",
        "1.004884",
        (
            E("draft", 3, "20:00"),
            E("submit", 3, "20:30"),
            E("receive", 2, "08:15"),
            E("transfer", 2, "09:40"),
            E(
                "request_supplement",
                1,
                "14:00",
                "Hồ sơ tạm dừng tính thời hạn giải quyết cho đến khi ông bổ sung "
                "giấy tờ nêu dưới đây.",
                items=(
                    (
                        1,
                        "Bản chụp Giấy khai sinh cũ bị mờ, không đọc được số và quyển "
                        "đăng ký; đề nghị chụp lại rõ nét cả hai mặt.",
                    ),
                ),
            ),
        ),
    ),
    DemoDossier(  # approved, e-result attached, waiting to be collected
        "citizen",
        "1.001193",
        (
            E("draft", 2, "07:30"),
            E("submit", 2, "07:50"),
            E("receive", 2, "08:20"),
            E("transfer", 2, "08:40"),
            E("forward", 2, "10:30", FORWARD_NOTE),
            E("approve", 2, "14:30"),
        ),
    ),
    DemoDossier(  # returned online, early
        "citizen",
        "1.004873",
        (
            E("draft", 12, "18:40"),
            E("submit", 12, "19:05"),
            E("receive", 11, "08:15"),
            E("transfer", 11, "09:00"),
            E("forward", 10, "15:00", FORWARD_NOTE),
            E("approve", 9, "10:00"),
            E("return", 9, "10:30", channel=Channel.ONLINE),
        ),
    ),
    # --- received, not yet transferred ----------------------------------------
    DemoDossier(  # 1 working day: due today
        "lan",
        "2.002516",
        (
            E("draft", 1, "07:20"),
            E("submit", 1, "07:40"),
            E("receive", 1, "09:10"),
        ),
    ),
    DemoDossier(  # walk-in, 2 working days: due within two working days
        "hanh", "2.001035", (E("counter", 1, "14:00"),)
    ),
    DemoDossier(  # provincial procedure received at the ward centre (calendar days)
        "trang", "3.000333", (E("counter", 1, "10:15"),)
    ),
    # --- processing -------------------------------------------------------------
    DemoDossier(  # with the officer, overdue by two working days
        "nam",
        "1.004873",
        (
            E("draft", 6, "19:45"),
            E("submit", 6, "20:00"),
            E("receive", 5, "08:30"),
            E("transfer", 5, "09:15"),
        ),
    ),
    DemoDossier(  # with the leader, due today
        "mai",
        "1.004859",
        (
            E("counter", 3, "10:00"),
            E("transfer", 3, "10:30"),
            E("forward", 1, "16:00", FORWARD_NOTE),
        ),
    ),
    DemoDossier(  # corrected at intake, then received; on track (10 working days)
        "thang",
        "2.000806",
        (
            E("draft", 5, "20:00"),
            E("submit", 5, "21:00"),
            E(
                "intake_supplement",
                4,
                "08:30",
                "Đề nghị ông bổ sung giấy tờ còn thời hạn sử dụng theo hướng dẫn.",
                items=(
                    (
                        2,
                        "Giấy xác nhận của tổ chức y tế đã cấp quá 6 tháng tính đến "
                        "ngày nộp hồ sơ; đề nghị nộp giấy xác nhận mới.",
                    ),
                ),
            ),
            E("resubmit", 4, "19:00"),
            E("receive", 3, "08:00"),
            E("transfer", 3, "08:30"),
        ),
    ),
    DemoDossier(  # with the leader after an extension (Form 04), on track again
        "nam",
        "1.004884",
        (
            E("counter", 7, "08:00"),
            E("transfer", 7, "08:30"),
            E(
                "extend",
                3,
                "15:00",
                "Cần xác minh thông tin đăng ký khai sinh trước đây tại UBND xã Yên "
                "Lạc, tỉnh Sơn Hà. Thành thật xin lỗi ông vì sự chậm trễ này.",
                extra_days=5,
            ),
            E("forward", 1, "09:00", FORWARD_NOTE),
        ),
    ),
    DemoDossier(  # Phòng Kinh tế, Hạ tầng và Đô thị; on track
        "khai", "1.013225", (E("counter", 2, "09:00"), E("transfer", 2, "10:00"))
    ),
    DemoDossier(  # Phòng Kinh tế, Hạ tầng và Đô thị; due within two working days
        "lan", "1.001612", (E("counter", 2, "13:30"), E("transfer", 2, "14:00"))
    ),
    DemoDossier(  # land dispute mediation, 30 calendar days; on track
        "hung", "1.115453", (E("counter", 5, "08:45"), E("transfer", 5, "09:15"))
    ),
    DemoDossier(  # Phòng Văn hóa – Xã hội, 25 working days; on track
        "dung", "1.001699", (E("counter", 8, "09:30"), E("transfer", 8, "10:00"))
    ),
    DemoDossier(  # ward police (identity card); on track
        "huong",
        "1.014061",
        (
            E("draft", 3, "20:15"),
            E("submit", 3, "20:30"),
            E("receive", 2, "08:00"),
            E("transfer", 2, "08:30"),
        ),
    ),
    DemoDossier(  # provincial land registration office; on track
        "nam", "1.115712", (E("counter", 4, "08:45"), E("transfer", 4, "09:30"))
    ),
    DemoDossier(  # provincial social insurance; overdue
        "khai", "1.014137", (E("counter", 9, "10:00"), E("transfer", 9, "10:30"))
    ),
    DemoDossier(  # construction permit on parallel branches (docs/interagency.md):
        # the ward's department and the ward police work at once, each branch
        # held; the fire-safety opinion is due today, the dossier on track
        "tuan",
        "1.013225",
        (
            E("counter", 4, "09:00"),
            E("transfer", 4, "09:30"),
            E("claim", 4, "10:00", by="works_officer"),
            E(
                "transfer_to_agency",
                2,
                "10:00",
                "Hồ sơ đủ điều kiện; đề nghị Công an phường cho ý kiến về phòng "
                "cháy, chữa cháy đối với công trình.",
                by="works_officer",
            ),
            E("claim", 1, "08:00", by="works_officer"),
            E("claim", 1, "08:30", by="fire_officer"),
        ),
    ),
    # --- decided, result waiting ----------------------------------------------
    DemoDossier(  # approved after a supplement that paused the clock
        "huong",
        "1.004873",
        (
            E("draft", 7, "19:00"),
            E("submit", 7, "19:30"),
            E("receive", 6, "08:30"),
            E("transfer", 6, "09:00"),
            E(
                "request_supplement",
                5,
                "10:00",
                "Đề nghị bà hoàn thiện tờ khai theo hướng dẫn; thời hạn giải quyết "
                "được tính tiếp khi nhận đủ hồ sơ.",
                items=(
                    (
                        0,
                        "Tờ khai chưa ghi nơi cư trú trong thời gian từ đủ 18 tuổi đến "
                        "nay; đề nghị khai bổ sung và ký lại tờ khai.",
                    ),
                ),
            ),
            E("supplement", 3, "09:00", "Đã khai bổ sung và ký lại tờ khai."),
            E("forward", 2, "10:00", FORWARD_NOTE),
            E("approve", 1, "15:30"),
        ),
    ),
    DemoDossier(  # denied, with the written reasons waiting to be collected
        "tuan",
        "1.000894",
        (
            E("counter", 2, "08:00"),
            E("transfer", 2, "08:20"),
            E("forward", 2, "10:00", "Đề xuất từ chối đăng ký kết hôn."),
            E(
                "deny",
                1,
                "09:30",
                "Giấy xác nhận tình trạng hôn nhân của bên nam đã quá 6 tháng kể từ "
                "ngày cấp nên không còn giá trị sử dụng; đề nghị xin cấp lại giấy "
                "xác nhận và nộp hồ sơ mới.",
            ),
        ),
    ),
    # --- returned: early, on time, late -----------------------------------------
    DemoDossier(  # same-day procedure decided before closing: on time
        "mai",
        "1.001193",
        (
            E("draft", 6, "07:30"),
            E("submit", 6, "07:45"),
            E("receive", 6, "08:00"),
            E("transfer", 6, "08:15"),
            E("forward", 6, "11:00", FORWARD_NOTE),
            E("approve", 6, "16:30"),
            E("return", 5, "09:00", channel=Channel.COUNTER),
        ),
    ),
    DemoDossier(  # same-day certification signed the next morning: late
        "trang",
        "2.000884",
        (
            E("counter", 9, "14:40"),
            E("transfer", 9, "14:45"),
            E("forward", 9, "16:50", FORWARD_NOTE),
            E("approve", 8, "08:30"),
            E("return", 8, "09:00", channel=Channel.COUNTER),
        ),
    ),
    DemoDossier(  # early
        "lan",
        "1.004884",
        (
            E("counter", 15, "08:30"),
            E("transfer", 15, "09:00"),
            E("forward", 13, "10:00", FORWARD_NOTE),
            E("approve", 12, "14:00"),
            E("return", 11, "08:00", channel=Channel.COUNTER),
        ),
    ),
    DemoDossier(  # certified copy, done while the applicant waited: on time
        "hanh",
        "2.000815",
        (
            E("counter", 4, "09:20"),
            E("transfer", 4, "09:25"),
            E("forward", 4, "10:00", FORWARD_NOTE),
            E("approve", 4, "10:30"),
            E("return", 4, "10:45", channel=Channel.COUNTER),
        ),
    ),
    DemoDossier(  # a denial returned online
        "nam",
        "2.000908",
        (
            E("draft", 7, "08:40"),
            E("submit", 7, "09:00"),
            E("receive", 7, "09:20"),
            E("transfer", 7, "09:30"),
            E("forward", 7, "11:00", "Đề xuất từ chối cấp bản sao."),
            E(
                "deny",
                7,
                "15:00",
                "Sổ hộ tịch gốc năm 1986 của phường Đông Sơn bị hư hỏng, không còn "
                "lưu thông tin khai sinh của người được yêu cầu; đề nghị thực hiện "
                "thủ tục đăng ký lại khai sinh.",
            ),
            E("return", 7, "15:10", channel=Channel.ONLINE),
        ),
    ),
    # --- closed without a result ------------------------------------------------
    DemoDossier(  # refused at intake (Form 03)
        "lan",
        "2.002516",
        (
            E("draft", 5, "21:50"),
            E("submit", 5, "22:10"),
            E(
                "refuse",
                4,
                "08:30",
                "Yêu cầu không thuộc thẩm quyền của UBND phường Đông Sơn: việc hộ tịch "
                "đã được đăng ký tại UBND xã Hòa Bình; đề nghị nộp hồ sơ tại cơ quan "
                "đã đăng ký hộ tịch.",
            ),
        ),
    ),
    DemoDossier(  # stopped at the applicant's request (Form 05)
        "thang",
        "1.013225",
        (
            E("counter", 10, "09:00"),
            E("transfer", 10, "09:30"),
            E(
                "stop",
                6,
                "14:00",
                "Dừng giải quyết theo đơn đề nghị của ông Vũ Đức Thắng: gia đình thay "
                "đổi phương án thiết kế và sẽ nộp hồ sơ mới.",
            ),
        ),
    ),
    DemoDossier(  # provincial, stopped by the centre manager
        "thang",
        "3.000347",
        (
            E("counter", 6, "14:00"),
            E("transfer", 6, "14:30"),
            E(
                "stop",
                3,
                "10:00",
                "Dừng giải quyết theo đề nghị của người nộp hồ sơ: ông đã đổi giấy "
                "phép lái xe trực tuyến trên Cổng Dịch vụ công quốc gia.",
                by="manager",
            ),
        ),
    ),
    DemoDossier(  # withdrawn before intake
        "huong",
        "1.000894",
        (
            E("draft", 3, "19:40"),
            E("submit", 3, "20:00"),
            E(
                "withdraw",
                2,
                "07:30",
                "Nộp nhầm thủ tục; sẽ nộp hồ sơ đăng ký kết hôn có yếu tố nước ngoài.",
            ),
        ),
    ),
    DemoDossier(  # provincial, filed online with the provincial centre
        "mai",
        "2.001610",
        (E("draft", 1, "15:30"), E("submit", 1, "16:00")),
    ),
)

# Events that may store files: their attachments are dated with the event.
_FILE_EVENTS = frozenset({"draft", "counter", "resubmit", "supplement", "approve"})


def seed_dossiers(
    now: datetime | None = None, *, password: str | None = None
) -> dict[str, int]:
    """Create the demo applicants and, once, the demo dossiers; counts per state.

    The applicant accounts are created or refreshed on every run, like the other
    demo accounts. The dossiers are created only when none of those applicants
    (``DEMO_APPLICANT_USERNAMES``, not ``citizen``, whose account visitors use
    to try the portal) has a dossier yet: they exist only through this function,
    which writes all demo dossiers in one transaction, so "one of them has a
    dossier" means "the demo dossiers are there". Running again, later or with
    another ``now``, adds nothing and returns an empty dict; deleting every dossier
    of those applicants lets it seed afresh.

    ``now`` (default: the current time) anchors the history: events happen a
    given number of working days before it, so due windows come out the same on
    any day. ``password`` defaults to the demo accounts' password.
    """
    if password is None:
        password = DEMO_PASSWORD
    with transaction.atomic():
        _seed_applicants(password)
        if Dossier.objects.filter(
            applicant__username__in=DEMO_APPLICANT_USERNAMES
        ).exists():
            return {}
        seeder = _Seeder(now or timezone.now())
        # The history is replayed, not lived: applicants get no notices for it.
        with services.notifications_muted():
            pks = [dossier.pk for dossier in seeder.run(DEMO_DOSSIERS)]
        rows = (
            Dossier.objects.filter(pk__in=pks)
            .order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        return dict(rows)


def _seed_applicants(password: str) -> None:
    # One hash for all: hashing costs ~0.2 s each, and these share a published
    # password anyway.
    hashed = make_password(password)
    for person in DEMO_APPLICANTS.values():
        User.objects.update_or_create(
            username=person.username,
            defaults={
                "role": Role.APPLICANT,
                "full_name": person.name,
                "id_number": person.id_number,
                "phone": person.phone,
                "address": person.address,
                "password": hashed,
            },
        )


class _Seeder:
    """Plays the demo scripts through the services, each event at its moment."""

    def __init__(self, now: datetime) -> None:
        self.today = timezone.localtime(now).date()
        self.calendar = load_calendar({self.today.year - 1, self.today.year})
        usernames = {"clerk", "officer", "leader", "manager", "citizen"}
        usernames |= {"works_officer", "fire_officer"}
        usernames |= DEMO_APPLICANT_USERNAMES
        self.users = {
            user.username: user
            for user in User.objects.filter(username__in=usernames).select_related(
                "agency"
            )
        }
        codes = {spec.procedure for spec in DEMO_DOSSIERS}
        self.procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        self.snapshots: dict[str, dict[str, Any]] = {}
        self._days: dict[int, date] = {}
        self._dated: set[int] = set()

    # --- time ---------------------------------------------------------------

    def moment(self, days_ago: int, clock: str) -> datetime:
        """``clock`` o'clock on the ``days_ago``-th working day before today."""
        if days_ago < 1:
            raise ValueError("Demo events happen on earlier working days.")
        if days_ago not in self._days:
            day, count = self.today, 0
            while count < days_ago:
                day = date.fromordinal(day.toordinal() - 1)
                if self.calendar.is_working_day(day):
                    count += 1
            self._days[days_ago] = day
        return self.calendar.at(self._days[days_ago], time.fromisoformat(clock))

    # --- people ---------------------------------------------------------------

    def account(self, who: str) -> User | None:
        if who == "citizen":
            return self.users["citizen"]
        person = DEMO_APPLICANTS.get(who)
        return self.users[person.username] if person else None

    def details(self, who: str) -> services.ApplicantDetails:
        account = self.account(who)
        if account is not None:
            return services.ApplicantDetails.of(account)
        person = WALK_INS[who]
        return services.ApplicantDetails(
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
            address=person.address,
        )

    # --- the script -------------------------------------------------------------

    def run(self, specs: Iterable[DemoDossier]) -> list[Dossier]:
        """Play every script, all events in time order across dossiers.

        Interleaving, rather than one dossier after another, numbers the codes of
        each desk and day in the order the dossiers were received, as live use would.
        """
        specs = list(specs)
        timeline = []
        for number, spec in enumerate(specs):
            moments = [self.moment(e.days_ago, e.clock) for e in spec.events]
            if moments != sorted(moments):
                raise ValueError(f"Demo dossier {number}: events out of order.")
            timeline += [
                (at, number, e) for at, e in zip(moments, spec.events, strict=True)
            ]
        timeline.sort(key=lambda row: (row[0], row[1]))
        dossiers: dict[int, Dossier] = {}
        for at, number, event in timeline:
            spec = specs[number]
            handler = getattr(self, f"_{event.action}")
            dossiers[number] = handler(spec, dossiers.get(number), event, at)
            if event.action in _FILE_EVENTS:
                self._date_new_files(dossiers[number], at)
        for number, spec in enumerate(specs):
            # The row's creation stamp is the seeding time; its history says when.
            Dossier.objects.filter(pk=dossiers[number].pk).update(
                created_at=self.moment(spec.events[0].days_ago, spec.events[0].clock)
            )
        return [dossiers[number] for number in range(len(specs))]

    def _date_new_files(self, dossier: Dossier, at: datetime) -> None:
        new = set(dossier.attachments.values_list("pk", flat=True)) - self._dated
        Attachment.objects.filter(pk__in=new).update(uploaded_at=at)
        self._dated |= new

    def _draft(self, spec, dossier, event, at) -> Dossier:
        applicant = self.account(spec.who)
        dossier = services.dossier_create_draft(
            applicant=applicant, procedure=self.procedures[spec.procedure]
        )
        if dossier.form_definition:
            services.dossier_save_answers(
                dossier=dossier,
                actor=applicant,
                answers=sample_answers(
                    spec.procedure,
                    name=dossier.applicant_name,
                    id_number=dossier.applicant_id_number,
                ),
            )
        for index in self._filed_papers(spec, dossier.papers):
            services.dossier_attach_paper(
                dossier=dossier,
                actor=applicant,
                paper_index=index,
                upload=paper_file(dossier, index),
            )
        return dossier

    def _counter(self, spec, dossier, event, at) -> Dossier:
        procedure = self.procedures[spec.procedure]
        if procedure.code not in self.snapshots:
            self.snapshots[procedure.code] = services.snapshot_procedure(procedure)
        snapshot = self.snapshots[procedure.code]
        papers = self._filed_papers(spec, snapshot["papers"])
        details = self.details(spec.who)
        by_index = {paper["index"]: paper for paper in snapshot["papers"]}
        received = [
            services.ReceivedPaper(
                index=i,
                name=by_index[i]["name"],
                originals=by_index[i].get("originals", 0),
                certified_copies=by_index[i].get("certified_copies", 0),
                copies=by_index[i].get("copies", 0),
            )
            for i in papers
        ]
        # A paper the catalogue asks no particular kind of is handed over as one
        # original.
        received = [
            paper if paper.total else dataclasses.replace(paper, originals=1)
            for paper in received
        ]
        return services.dossier_receive_at_counter(
            clerk=self.users["clerk"],
            procedure=procedure,
            details=details,
            applicant=self.account(spec.who),
            received=received,
            uploads=[(i, _paper_upload(snapshot, i, details.name)) for i in papers],
            answers=sample_answers(
                procedure.code, name=details.name, id_number=details.id_number
            )
            if snapshot.get("form")
            else None,
            note=event.text,
            at=at,
        )

    def _submit(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_submit(
            dossier=dossier, actor=self.account(spec.who), at=at
        )

    def _resubmit(self, spec, dossier, event, at) -> Dossier:
        self._attach_requested(spec, dossier)
        return self._submit(spec, dossier, event, at)

    def _withdraw(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_withdraw(
            dossier=dossier, actor=self.account(spec.who), note=event.text, at=at
        )

    def _intake_supplement(self, spec, dossier, event, at) -> Dossier:
        services.dossier_request_intake_supplement(
            dossier=dossier,
            actor=self.users["clerk"],
            items=_items(event),
            message=event.text,
            at=at,
        )
        return dossier

    def _refuse(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_refuse(
            dossier=dossier, actor=self.users["clerk"], reasons=event.text, at=at
        )

    def _receive(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_receive(
            dossier=dossier, actor=self.users["clerk"], note=event.text, at=at
        )

    def _transfer(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_transfer(
            dossier=dossier,
            actor=self.users["clerk"],
            assignee=self._assignee(dossier, 0),
            note=event.text,
            at=at,
        )

    def _forward(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_forward(
            dossier=dossier,
            actor=self.users["officer"],
            assignee=self._assignee(dossier, dossier.current_step_index + 1),
            note=event.text,
            at=at,
        )

    def _claim(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_claim(
            dossier=dossier, actor=self.users[event.by], note=event.text, at=at
        )

    def _transfer_to_agency(self, spec, dossier, event, at) -> Dossier:
        # Into a stage of parallel branches nobody is named: each branch's
        # people take their own (``claim``).
        return services.dossier_transfer_to_agency(
            dossier=dossier, actor=self.users[event.by], note=event.text, at=at
        )

    def _request_supplement(self, spec, dossier, event, at) -> Dossier:
        services.dossier_request_supplement(
            dossier=dossier,
            actor=self.users["officer"],
            items=_items(event),
            message=event.text,
            at=at,
        )
        return dossier

    def _supplement(self, spec, dossier, event, at) -> Dossier:
        self._attach_requested(spec, dossier)
        return services.dossier_supplement(
            dossier=dossier, actor=self.account(spec.who), note=event.text, at=at
        )

    def _extend(self, spec, dossier, event, at) -> Dossier:
        due_day = timezone.localtime(dossier.current_due_at).date()
        new_due = self.calendar.at(
            self.calendar.add_working_days(due_day, event.extra_days),
            self.calendar.office_hours.closing,
        )
        # The officer drafts Form 04; the deciding agency's leader signs it.
        services.dossier_draft_extension(
            dossier=dossier,
            actor=self.users["officer"],
            new_due=new_due,
            reason=event.text,
            at=at,
        )
        return services.dossier_extend(
            dossier=dossier,
            actor=self.users["leader"],
            new_due=new_due,
            reason=event.text,
            at=at + timedelta(minutes=30),
        )

    def _approve(self, spec, dossier, event, at) -> Dossier:
        result = SimpleUploadedFile(
            f"ket-qua-{dossier.code}.pdf",
            pdf_document(
                "KET QUA GIAI QUYET THU TUC HANH CHINH",
                f"Ho so: {dossier.code}",
                _ascii(dossier.procedure_snapshot["name"]),
                f"Nguoi nop: {_ascii(dossier.applicant_name)}",
                "Ban dien tu co chu ky so (du lieu demo).",
            ),
            content_type="application/pdf",
        )
        return services.dossier_approve(
            dossier=dossier,
            actor=self.users["leader"],
            note=event.text,
            result_files=[result],
            at=at,
        )

    def _deny(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_deny(
            dossier=dossier, actor=self.users["leader"], reasons=event.text, at=at
        )

    def _stop(self, spec, dossier, event, at) -> Dossier:
        return services.dossier_stop(
            dossier=dossier,
            actor=self.users[event.by or "leader"],
            reasons=event.text,
            at=at,
        )

    def _return(self, spec, dossier, event, at) -> Dossier:
        at_counter = event.channel == Channel.COUNTER
        fees = sum(fee["amount_vnd"] or 0 for fee in dossier.procedure_snapshot["fees"])
        return services.dossier_return_result(
            dossier=dossier,
            actor=self.users["clerk"],
            channel=event.channel,
            collected_by=dossier.applicant_name if at_counter else "",
            id_checked=at_counter,
            fee_collected_vnd=(fees or None) if at_counter else None,
            at=at,
        )

    # --- helpers ----------------------------------------------------------------

    def _filed_papers(
        self, spec: DemoDossier, papers: Iterable[dict[str, Any]]
    ) -> list[int]:
        if spec.papers is not None:
            return list(spec.papers)
        return [paper["index"] for paper in papers if paper["mandatory"]]

    def _attach_requested(self, spec: DemoDossier, dossier: Dossier) -> None:
        request = dossier.supplement_requests.filter(answered_at__isnull=True).last()
        for item in request.items if request else []:
            if item["paper_index"] is not None:
                services.dossier_attach_paper(
                    dossier=dossier,
                    actor=self.account(spec.who),
                    paper_index=item["paper_index"],
                    upload=paper_file(dossier, item["paper_index"]),
                )

    def _assignee(self, dossier: Dossier, position: int) -> User | None:
        if position >= len(dossier.route):
            return None
        department_id = dossier.route[position].get("department_id")
        for username in ("officer", "leader"):
            user = self.users[username]
            if department_id and user.department_id == department_id:
                return user
        return None


def _items(event: Event) -> list[dict[str, Any]]:
    return [{"paper_index": i, "guidance": text} for i, text in event.items]


# --- small real files ---------------------------------------------------------


def paper_file(dossier: Dossier, index: int) -> SimpleUploadedFile:
    """A scan of paper ``index`` of ``dossier``: an ID photo (PNG) or a PDF."""
    return _paper_upload(dossier.procedure_snapshot, index, dossier.applicant_name)


def _paper_upload(
    snapshot: dict[str, Any], index: int, applicant: str
) -> SimpleUploadedFile:
    name = snapshot["papers"][index]["name"]
    folded = fold(name)
    if "tuy than" in folded:
        return SimpleUploadedFile(
            "anh-chup-giay-to-tuy-than.png", png_image(), content_type="image/png"
        )
    return SimpleUploadedFile(
        f"{slugify(folded)[:50].strip('-')}.pdf",
        pdf_document(
            "BAN SAO DIEN TU (DU LIEU DEMO)",
            _ascii(snapshot["name"]),
            _ascii(name),
            f"Nguoi nop: {_ascii(applicant)}",
        ),
        content_type="application/pdf",
    )


def _ascii(text: str) -> str:
    """Vietnamese text without its marks, for the PDF base font (nothing embedded)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if ord(c) < 128)


def pdf_document(*lines: str) -> bytes:
    """A one-page A5 PDF showing ``lines`` (ASCII) in Helvetica, with a valid xref."""
    text = ["BT", "/F1 11 Tf", "14 TL", "40 550 Td"]
    wrapped = [part for line in lines for part in textwrap.wrap(line, 60)]
    for line in wrapped:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"({escaped}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@cache
def png_image(width: int = 86, height: int = 54) -> bytes:
    """A small PNG of an identity card: pale card, dark border, a photo box."""

    def pixel(x: int, y: int) -> bytes:
        if x in (0, width - 1) or y in (0, height - 1):
            return b"\x33\x4d\x66"
        if 6 <= x < 26 and 12 <= y < 40:
            return b"\x9a\xa8\xb8"
        if 32 <= x < width - 6 and y in (14, 20, 26, 32):
            return b"\x66\x77\x88"
        return b"\xe8\xee\xf4"

    raw = b"".join(
        b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
