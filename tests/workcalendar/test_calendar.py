"""The working calendar: national holidays, stored exceptions, validation, admin."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dossiers.deadlines import due_at
from workcalendar.calendar import load_calendar
from workcalendar.demo import seed_calendar
from workcalendar.models import CalendarException, ExceptionKind
from workcalendar.national import is_national_working_day, national_holiday_name
from workcalendar.types import CalendarRangeError

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OFF, WORK = ExceptionKind.DAY_OFF, ExceptionKind.WORKING_DAY


def exception(day: date, kind: str, reason: str = "Test swap") -> CalendarException:
    return CalendarException.objects.create(date=day, kind=kind, reason=reason)


def messages(error: ValidationError) -> str:
    return " ".join(error.message_dict["date"])


def test_national_calendar_facts():
    """The holidays package gives Tết, Hùng Kings', 30/4, 1/5, 2/9 with the day
    beside it, observed days and its known make-up Saturdays."""
    tet_2026 = [date(2026, 2, day) for day in range(16, 21)]
    tet_2027 = [date(2027, 2, day) for day in range(4, 11)]
    for day in [
        *tet_2026,
        *tet_2027,
        date(2026, 4, 27),  # Hùng Kings' (Sun 26/4) observed
        date(2027, 4, 16),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2027, 5, 3),  # 1/5 on a Saturday, observed
        date(2026, 8, 31),  # swapped with Sat 22/8
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2027, 9, 3),
    ]:
        assert not is_national_working_day(day), day
    assert is_national_working_day(date(2026, 8, 22))
    assert is_national_working_day(date(2026, 2, 23))
    assert not is_national_working_day(date(2026, 11, 28))
    with translation.override("en"):
        assert national_holiday_name(date(2026, 2, 17)) == "Lunar New Year"
    with translation.override("vi"):
        assert national_holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert national_holiday_name(date(2026, 11, 30)) is None


@pytest.mark.django_db
def test_load_calendar_honours_db_exceptions(django_assert_num_queries):
    """Stored day-off and working-day rows override the national calendar, in one
    query."""
    exception(date(2026, 12, 8), OFF)
    exception(date(2026, 12, 5), WORK)
    exception(date(2026, 4, 30), WORK)  # a holiday the offices open
    exception(date(2026, 8, 22), OFF)  # the package's make-up Saturday cancelled
    with django_assert_num_queries(1):
        calendar = load_calendar([2026])
    assert not calendar.is_working_day(date(2026, 12, 8))
    assert calendar.is_working_day(date(2026, 12, 5))
    assert calendar.is_working_day(date(2026, 4, 30))
    assert not calendar.is_working_day(date(2026, 8, 22))
    assert not calendar.is_working_day(date(2026, 2, 17))
    received = datetime(2026, 12, 4, 10, tzinfo=VN)
    assert due_at(received, 2, "working_days", calendar) == datetime(
        2026, 12, 7, 17, tzinfo=VN
    )


@pytest.mark.django_db
def test_load_calendar_covers_the_next_year_and_no_further():
    """Given 2026, the calendar also knows 2027 (deadlines cross New Year) and
    refuses 2028 instead of guessing."""
    exception(date(2027, 2, 20), WORK)
    calendar = load_calendar([2026])
    assert calendar.years == {2026, 2027}
    assert calendar.is_working_day(date(2027, 2, 20))
    assert not calendar.is_working_day(date(2027, 2, 8))
    with pytest.raises(CalendarRangeError):
        calendar.is_working_day(date(2028, 1, 3))


@pytest.mark.django_db
def test_load_calendar_default_years_and_settings(settings):
    """Without years it covers recent and next year; office hours and time zone
    come from settings."""
    settings.OFFICE_HOURS = "08:00-12:00,13:30-17:30"
    calendar = load_calendar()
    today = datetime.now(tz=VN).date()
    assert {today.year - 1, today.year, today.year + 1} <= calendar.years
    assert calendar.office_hours.closing == time(17, 30)
    assert calendar.tz == VN


@pytest.mark.django_db
def test_exceptions_of_other_years_are_ignored():
    """Exceptions outside the loaded years do not leak into the calendar."""
    exception(date(2029, 1, 2), OFF)
    calendar = load_calendar([2026])
    assert date(2029, 1, 2) not in calendar.days_off


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 12, 5), WORK),  # Saturday
        (date(2026, 12, 6), WORK),  # Sunday
        (date(2026, 9, 2), WORK),  # National Day
        (date(2026, 12, 7), OFF),  # ordinary Monday
        (date(2026, 8, 22), OFF),  # the package's make-up Saturday
    ],
)
def test_sensible_exceptions_are_valid(day, kind):
    """Working days on weekends or holidays, days off on worked days, pass."""
    CalendarException(date=day, kind=kind, reason="Swap").full_clean()


@pytest.mark.django_db
def test_working_day_on_a_weekday_is_refused_with_a_clear_message():
    """A make-up working day on an ordinary Monday makes no sense."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            CalendarException(
                date=date(2026, 12, 7), kind=WORK, reason="x"
            ).full_clean()
        text = messages(caught.value)
    assert "is already a working day" in text
    assert "Monday" in text
    assert "Saturday, a Sunday or a public holiday" in text


@pytest.mark.django_db
def test_day_off_on_a_weekend_is_refused_with_a_clear_message():
    """An extra day off on a Sunday makes no sense."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            CalendarException(date=date(2026, 12, 6), kind=OFF, reason="x").full_clean()
        text = messages(caught.value)
    assert "is a Sunday, already a day off" in text


@pytest.mark.django_db
def test_day_off_on_a_holiday_names_the_holiday():
    """An extra day off on 2/9 is refused, naming National Day."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            CalendarException(date=date(2026, 9, 2), kind=OFF, reason="x").full_clean()
        assert "already a public holiday (National Day)" in messages(caught.value)


@pytest.mark.django_db
def test_one_exception_per_date():
    """A second row for the same date is refused, pointing at the first."""
    exception(date(2026, 12, 7), OFF)
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            CalendarException(date=date(2026, 12, 7), kind=OFF, reason="x").full_clean()
        assert "Edit that one instead" in messages(caught.value)


@pytest.mark.django_db
def test_exceptions_keep_history():
    """Every change of an exception is recorded."""
    row = exception(date(2026, 12, 7), OFF)
    row.reason = "Decision 123/QĐ-UBND"
    row.save()
    assert row.history.count() == 2
    assert str(row).startswith("07/12/2026")


@pytest.mark.django_db
def test_seed_calendar_is_idempotent_and_valid():
    """Seeding twice adds the two demo rows once, flagged as demo; an edited row
    is kept."""
    first = seed_calendar()
    assert len(first) == 2
    assert {row.kind for row in first} == {OFF, WORK}
    assert all("Demo example" in row.reason for row in first)
    assert all(row.is_demo for row in first)
    CalendarException.objects.filter(date=first[0].date).update(reason="Edited")
    seed_calendar()
    assert CalendarException.objects.filter(is_demo=True).count() == 2
    assert CalendarException.objects.get(date=first[0].date).reason == "Edited"


@pytest.fixture
def admin_client_(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        username="root", password="calendar-admin-1"
    )
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_admin_pages_load_for_a_superuser(admin_client_):
    """The changelist (with year drill-down and search), add, change and history
    pages load."""
    row = exception(date(2027, 2, 11), OFF, "Bridge day after Tết")
    changelist = reverse("admin:workcalendar_calendarexception_changelist")
    response = admin_client_.get(changelist)
    assert response.status_code == 200
    assert "Bridge day after Tết" in response.content.decode()
    assert admin_client_.get(changelist, {"date__year": 2027}).status_code == 200
    searched = admin_client_.get(changelist, {"q": "Bridge", "kind": OFF})
    assert searched.status_code == 200
    assert "Bridge day after Tết" in searched.content.decode()
    add = reverse("admin:workcalendar_calendarexception_add")
    assert admin_client_.get(add).status_code == 200
    change = reverse("admin:workcalendar_calendarexception_change", args=[row.pk])
    assert admin_client_.get(change).status_code == 200
    history = reverse("admin:workcalendar_calendarexception_history", args=[row.pk])
    assert admin_client_.get(history).status_code == 200


@pytest.mark.django_db
def test_admin_add_rejects_a_senseless_exception(admin_client_, settings):
    """Adding a working day on a Monday through the admin shows the reason."""
    admin_client_.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    add = reverse("admin:workcalendar_calendarexception_add")
    response = admin_client_.post(
        add, {"date": "2026-12-07", "kind": WORK, "reason": "x"}
    )
    assert response.status_code == 200
    assert "is already a working day" in response.content.decode()
    assert not CalendarException.objects.filter(date=date(2026, 12, 7)).exists()


@pytest.mark.django_db
def test_validation_message_in_vietnamese():
    """In Vietnamese the date, the weekday and the holiday are Vietnamese too."""
    with translation.override("vi"):
        with pytest.raises(ValidationError) as caught:
            CalendarException(date=date(2026, 9, 2), kind=OFF, reason="x").full_clean()
        text = messages(caught.value)
    assert "Ngày 02 tháng 9 năm 2026" in text
    assert "Quốc khánh" in text
