"""The counter intake's procedure picker ranks, per desk, the procedures the desk
received most in the last ``PICKER_DAYS`` days first (procedures.selectors.
counter_picker), and the intake page's list shows that group before the rest."""

from datetime import datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.models import ApplicantDetails, Dossier
from portal.demo import DEMO_PASSWORD, PROVINCE_CENTRE, seed_accounts, seed_agencies
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Agency, Procedure
from procedures.selectors import PICKER_DAYS, counter_picker
from tests.factories import UserFactory, demo_user, received_mandatory
from workcalendar.demo import seed_calendar

pytestmark = pytest.mark.django_db

# Three procedures the ward desk receives, and one nobody does. By name they sort
# W, Z, Y, X ("cấp…", "đăng ký kết hôn", "… khai sinh", "… khai tử"), so a list
# that ranked by name only would put X last.
X = "1.000656"  # Thủ tục đăng ký khai tử: received 3 times lately
Y = "1.001193"  # Thủ tục đăng ký khai sinh: once lately
Z = "1.000894"  # Thủ tục đăng ký kết hôn: long ago here, lately at another desk
W = "1.004873"  # Thủ tục cấp Giấy xác nhận tình trạng hôn nhân: never
CODES = {X, Y, Z, W}


@pytest.fixture
def centre(db, settings, tmp_path) -> None:
    """Calendar, agencies and the demo accounts, the four procedures; no dossier."""
    settings.MEDIA_ROOT = tmp_path
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [p for p in catalogue["procedures"] if p["code"] in CODES]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )


@pytest.fixture
def province_clerk(centre):
    """A clerk of the other desk, the province's service centre."""
    return UserFactory(
        username="province_clerk",
        role="clerk",
        agency=Agency.objects.get(code=PROVINCE_CENTRE),
    )


def day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def receive(clerk, code: str, at: datetime) -> Dossier:
    """A walk-in dossier received at ``clerk``'s desk at ``at``."""
    procedure = Procedure.objects.get(code=code)
    return services.dossier_receive_at_counter(
        clerk=clerk,
        procedure=procedure,
        details=ApplicantDetails(name="Trần Văn Bình", phone="0987654321"),
        received=received_mandatory(procedure),
        at=at,
    )


@pytest.fixture
def history(centre, province_clerk):
    """The ward desk received X three times and Y once in the last weeks, Z only
    before the window; the province desk received Z twice lately."""
    today = timezone.localdate()
    clerk = demo_user("clerk")
    recently = day_start(today - timedelta(days=10)).replace(hour=9)
    for hours in range(3):
        receive(clerk, X, recently + timedelta(hours=hours))
    receive(clerk, Y, recently + timedelta(days=1))
    receive(clerk, Z, day_start(today - timedelta(days=PICKER_DAYS + 30)))
    for hours in range(2):
        receive(province_clerk, Z, recently + timedelta(hours=hours))
    return today


def ranked(desk_id: int, today) -> list[tuple[str, int]]:
    return [(p["code"], p["uses"]) for p in counter_picker(desk_id, today)]


def most_received(desk_id: int, today) -> list[str]:
    return [p["code"] for p in counter_picker(desk_id, today) if p["uses"]]


def test_the_desks_most_received_procedures_come_first(history):
    """X (received 3 times) before Y (once); Z, received only before the window,
    and W, never received, follow by name with no count; every procedure the
    counter takes is still listed."""
    desk = demo_user("clerk").agency_id
    assert ranked(desk, history) == [(X, 3), (Y, 1), (W, 0), (Z, 0)]
    assert most_received(desk, history) == [X, Y]


def test_the_ranking_is_per_desk(history, province_clerk):
    """Another desk's receipts neither count at this desk nor the other way round:
    the province desk ranks only its own Z."""
    ward = demo_user("clerk").agency_id
    assert Z not in most_received(ward, history)
    province = province_clerk.agency_id
    assert ranked(province, history) == [(Z, 2), (W, 0), (Y, 0), (X, 0)]


def test_the_window_starts_at_midnight_picker_days_ago(centre):
    """A dossier received on the first day of the window counts; one received the
    last moment before it does not."""
    today = timezone.localdate()
    clerk = demo_user("clerk")
    first_day = day_start(today - timedelta(days=PICKER_DAYS))
    receive(clerk, Y, first_day)
    receive(clerk, X, first_day - timedelta(seconds=1))
    assert most_received(clerk.agency_id, today) == [Y]


def test_a_dossier_registered_but_not_received_does_not_count(centre):
    """A walk-in registered without being received (to guide or refuse it) was not
    received: it does not raise its procedure in the ranking."""
    clerk = demo_user("clerk")
    procedure = Procedure.objects.get(code=X)
    services.dossier_file_at_counter(
        clerk=clerk,
        procedure=procedure,
        details=ApplicantDetails(name="Trần Văn Bình"),
        received=[],
    )
    assert most_received(clerk.agency_id, timezone.localdate()) == []


class SelectGroups(HTMLParser):
    """The option groups of the page's ``<select id="procedure">``: (label, the
    options' values) in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[tuple[str, list[str]]] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "select" and attributes.get("id") == "procedure":
            self.inside = True
        elif self.inside and tag == "optgroup":
            self.groups.append((attributes["label"], []))
        elif self.inside and tag == "option" and self.groups:
            self.groups[-1][1].append(attributes["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.inside = False


def select_groups(html: str) -> list[tuple[str, list[str]]]:
    parser = SelectGroups()
    parser.feed(html)
    return parser.groups


def test_the_intake_page_lists_the_most_received_group_first(client, history):
    """The clerk's intake page opens its list with the desk's most received
    procedures, X then Y, then every procedure by name, Z among them."""
    client.force_login(demo_user("clerk"))
    response = client.get(reverse("workspace:intake"))
    assert response.status_code == 200
    assert select_groups(response.content.decode()) == [
        ("Tiếp nhận nhiều nhất tại bộ phận này", [X, Y]),
        ("Tất cả thủ tục", [X, Y, W, Z]),
    ]


def test_each_clerk_sees_their_own_desks_ranking(client, history, province_clerk):
    """The province desk's clerk sees only Z, which their desk received lately,
    in the first group."""
    client.force_login(province_clerk)
    groups = select_groups(client.get(reverse("workspace:intake")).content.decode())
    assert groups[0] == ("Tiếp nhận nhiều nhất tại bộ phận này", [Z])


def test_a_desk_with_no_receipts_shows_only_the_full_list(client, centre):
    """With nothing received at the desk in the window, the list has no "most
    received" group, only every procedure by name."""
    client.force_login(demo_user("clerk"))
    groups = select_groups(client.get(reverse("workspace:intake")).content.decode())
    assert groups == [("Tất cả thủ tục", [W, Z, Y, X])]
