"""The queues per role (dossiers/queues.py): what each holds, counted in one
statement and listed by the worklist with the same definition; their order,
columns and keyset pages."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dossiers import freshness, services
from dossiers.models import WORK_STATES, Dossier, ExtensionDraft, State
from dossiers.queues import QUEUES, agency_loads, queue_counts, queues_for
from dossiers.selectors import SORTS, due_windows, keyset_page, worklist
from procedures.models import Procedure
from tests.factories import AgencyFactory, UserFactory, demo_user
from workcalendar.calendar import load_calendar

pytestmark = pytest.mark.django_db


def per_count_statement() -> int:
    """Queries per counting statement (``selectors.capped_counts``)."""
    return 1


def make_dossiers(count: int, state: str, **fields) -> list[Dossier]:
    citizen = demo_user("citizen")
    procedure = Procedure.objects.get(code="1.004873")
    made = []
    for _ in range(count):
        dossier = services.dossier_create_draft(applicant=citizen, procedure=procedure)
        Dossier.objects.filter(pk=dossier.pk).update(state=state, **fields)
        made.append(Dossier.objects.get(pk=dossier.pk))
    return made


def rows(client, **params) -> list[str]:
    """The worklist's body rows, as HTML."""
    response = client.get(reverse("workspace:dossier_list"), params)
    assert response.status_code == 200, response.status_code
    return re.findall(r"<tr>\s*<td.*?</tr>", response.content.decode(), re.S)


def listed(client, **params) -> set[int]:
    return {
        int(pk)
        for row in rows(client, **params)
        for pk in re.findall(r'href="/staff/dossiers/(\d+)/"', row)
    }


def test_each_role_has_its_own_queues():
    names = {
        role: [q.name for q in queues_for(type("U", (), {"role": role}))]
        for role in (Role.CLERK, Role.OFFICER, Role.LEADER, Role.MANAGER)
    }
    assert names == {
        Role.CLERK: ["to_check", "to_transfer", "to_hand_back", "supplements"],
        Role.OFFICER: ["my_steps", "unassigned", "department_due_soon"],
        Role.LEADER: ["to_decide", "extensions_to_sign", "overdue"],
        Role.MANAGER: ["overdue", "due_soon", "open"],
    }
    # Handing back results is the desk's alone.
    assert QUEUES["to_hand_back"].roles == {Role.CLERK}


def test_an_officer_cannot_open_the_desks_queues(client, demo):
    client.force_login(demo_user("officer"))
    response = client.get(reverse("workspace:dossier_list"), {"queue": "to_hand_back"})
    assert response.status_code == 404
    page = client.get(reverse("workspace:dashboard")).content.decode()
    assert "to_hand_back" not in page
    assert "Kết quả chờ trả" not in page


def test_the_clerks_queues_hold_what_they_say(client, demo, media):
    Dossier.objects.all().delete()
    now = timezone.now()
    old, new = make_dossiers(2, State.SUBMITTED)
    Dossier.objects.filter(pk=old.pk).update(submitted_at=now - timedelta(days=4))
    Dossier.objects.filter(pk=new.pk).update(submitted_at=now - timedelta(hours=5))
    [received] = make_dossiers(1, State.RECEIVED, received_at=now)
    [ready] = make_dossiers(1, State.RESULT_READY, outcome="approved")
    [waiting] = make_dossiers(1, State.SUPPLEMENT_REQUESTED)
    clerk = demo_user("clerk")
    counts = queue_counts(clerk, due_windows(now))
    assert counts == {
        "to_check": 2,
        "to_transfer": 1,
        "to_hand_back": 1,
        "supplements": 1,
    }
    client.force_login(clerk)
    # Oldest first, each with its age.
    to_check = rows(client, queue="to_check")
    assert f"/staff/dossiers/{old.pk}/" in to_check[0]
    assert f"/staff/dossiers/{new.pk}/" in to_check[1]
    assert "4 ngày" in to_check[0] and "5 giờ" in to_check[1]
    assert listed(client, queue="to_transfer") == {received.pk}
    assert listed(client, queue="to_hand_back") == {ready.pk}
    assert listed(client, queue="supplements") == {waiting.pk}


def test_the_landing_page_shows_the_counts_with_links(client, demo, media):
    Dossier.objects.all().delete()
    make_dossiers(3, State.RECEIVED, received_at=timezone.now())
    client.force_login(demo_user("clerk"))
    page = client.get(reverse("workspace:dashboard")).content.decode()
    card = re.search(r'<a [^>]*data-queue="to_transfer".*?</a>', page, re.S).group()
    assert "?queue=to_transfer" in card
    assert re.search(r'queue-count d-block">3<', card)


@pytest.fixture
def colleague():
    officer = demo_user("officer")
    return UserFactory(
        username="officer2",
        role=Role.OFFICER,
        agency=officer.agency,
        department=officer.department,
    )


@pytest.fixture
def only(in_processing):
    """The processing dossier alone (the demo's own dossiers removed)."""
    Dossier.objects.exclude(pk=in_processing.pk).delete()
    return in_processing


def test_the_officers_queues(client, only, colleague):
    in_processing = only
    officer = demo_user("officer")
    windows = due_windows(timezone.now())
    assert queue_counts(officer, windows)["unassigned"] == 1
    assert queue_counts(officer, windows)["my_steps"] == 0
    services.dossier_claim(dossier=in_processing, actor=colleague)
    assert queue_counts(officer, windows)["unassigned"] == 0
    assert queue_counts(colleague, windows)["my_steps"] == 1
    client.force_login(colleague)
    assert listed(client, queue="my_steps") == {in_processing.pk}
    # The worklist says who holds it.
    [row] = rows(client, queue="my_steps")
    assert colleague.display_name in row or str(colleague) in row


def test_the_leaders_signing_queues(client, only):
    in_processing = only
    officer, leader = demo_user("officer"), demo_user("leader")
    windows = due_windows(timezone.now())
    assert queue_counts(leader, windows)["to_decide"] == 0
    services.dossier_draft_extension(
        dossier=in_processing,
        actor=officer,
        new_due=in_processing.current_due_at + timedelta(days=7),
        reason="Cần xác minh thêm.",
    )
    assert ExtensionDraft.objects.filter(dossier=in_processing).exists()
    assert queue_counts(leader, windows)["extensions_to_sign"] == 1
    in_processing.refresh_from_db()
    services.dossier_forward(dossier=in_processing, actor=officer)
    assert queue_counts(leader, windows)["to_decide"] == 1
    client.force_login(leader)
    assert listed(client, queue="to_decide") == {in_processing.pk}
    assert listed(client, queue="extensions_to_sign") == {in_processing.pk}
    in_processing.refresh_from_db()
    services.dossier_approve(dossier=in_processing, actor=leader)
    assert queue_counts(leader, windows)["to_decide"] == 0
    # Once decided nothing is left to extend.
    assert queue_counts(leader, windows)["extensions_to_sign"] == 0


def test_overdue_lists_agency_and_working_days_late_never_a_paused_dossier(
    client, only, file_online
):
    """Past its date while the clock runs: in the overdue queue with its agency
    and days late. Paused for a supplement: in no overdue list, never "quá hạn"."""
    in_processing = only
    leader = demo_user("leader")
    late = timezone.now() - timedelta(days=10)
    Dossier.objects.filter(pk=in_processing.pk).update(current_due_at=late)
    paused = file_online()
    clerk = demo_user("clerk")
    services.dossier_receive(dossier=paused, actor=clerk)
    services.dossier_transfer(dossier=paused, actor=clerk)
    services.dossier_request_supplement(
        dossier=paused,
        actor=demo_user("officer"),
        items=[{"paper_index": 0, "guidance": "Ký tên"}],
        message="Bổ sung chữ ký.",
    )
    Dossier.objects.filter(pk=paused.pk).update(current_due_at=late)
    client.force_login(leader)
    [row] = rows(client, queue="overdue")
    assert in_processing.code in row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert leader.agency.name in cells
    # The working days after the due day, up to today (the calendar's holidays
    # skipped), as the statistics count them.
    calendar = load_calendar()
    today = timezone.localdate()
    expected = sum(
        calendar.is_working_day(today - timedelta(days=back)) for back in range(10)
    )
    assert int(cells[-2]) == expected > 0
    page = client.get(reverse("workspace:dossier_list"), {"queue": "overdue"})
    assert "Số ngày làm việc quá hạn" in page.content.decode()
    # The paused one, in the full list: "paused", not overdue.
    client.force_login(clerk)
    [paused_row] = [r for r in rows(client) if paused.code in r]
    assert "badge-paused" in paused_row and "badge-overdue" not in paused_row


def test_the_manager_sees_each_agencys_load(client, only):
    in_processing = only
    manager = demo_user("manager")
    now = timezone.now()
    Dossier.objects.filter(pk=in_processing.pk).update(
        current_due_at=now - timedelta(days=1)
    )
    [load] = [
        load
        for load in agency_loads(manager, due_windows(now))
        if load.agency_id == in_processing.deciding_agency_id
    ]
    assert (load.open, load.overdue) == (
        Dossier.objects.filter(
            deciding_agency_id=in_processing.deciding_agency_id,
            state__in=WORK_STATES,
        ).count(),
        1,
    )
    client.force_login(manager)
    page = client.get(reverse("workspace:dashboard")).content.decode()
    link = f"?queue=overdue&amp;agency={in_processing.deciding_agency_id}"
    assert link in page
    assert listed(client, queue="overdue", agency=in_processing.deciding_agency_id) == {
        in_processing.pk
    }
    other = AgencyFactory()
    assert listed(client, queue="overdue", agency=other.pk) == set()


@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "manager"])
@pytest.mark.parametrize("count", [3, 30])
def test_each_landing_page_counts_in_one_statement(
    client, demo, media, django_assert_max_num_queries, username, count
):
    """Session, user, second factor, the queue counts in one statement, and for
    the manager the agencies' load in one more and the month's summary (cached;
    its scope reads the number of agencies): whatever the number of dossiers."""
    Dossier.objects.all().delete()
    make_dossiers(count, State.RECEIVED, received_at=timezone.now())
    client.force_login(demo_user(username))
    client.get(reverse("workspace:dashboard"))
    # A dossier changes: the counts kept from the first visit are stale.
    freshness.changed()
    statements = 2 if username == "manager" else 1
    limit = 3 + statements * per_count_statement() + (username == "manager")
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 200
    counting = [
        q for q in captured.captured_queries if 'FROM "dossiers_dossier"' in q["sql"]
    ]
    assert len(counting) == (2 if username == "manager" else 1)


@pytest.mark.parametrize("queue", ["to_check", "to_transfer"])
def test_a_queue_page_reads_in_a_fixed_number_of_queries(
    client, demo, media, django_assert_max_num_queries, queue
):
    Dossier.objects.all().delete()
    make_dossiers(30, State.SUBMITTED, submitted_at=timezone.now())
    make_dossiers(30, State.RECEIVED, received_at=timezone.now())
    client.force_login(demo_user("clerk"))
    client.get(reverse("workspace:dossier_list"), {"queue": queue})
    with django_assert_max_num_queries(5 + per_count_statement()):
        response = client.get(reverse("workspace:dossier_list"), {"queue": queue})
    assert response.status_code == 200


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_keyset_pages_cover_every_dossier_once_in_each_sort(demo, media, sort):
    """Sorted by due, received or age, either way, with empty dates last:
    following the cursors gives every dossier once, in order."""
    Dossier.objects.all().delete()
    now = timezone.now()
    made = make_dossiers(11, State.RECEIVED)
    for position, dossier in enumerate(made):
        # Some share a date, some have none.
        moment = None if position % 4 == 3 else now - timedelta(hours=position // 2)
        Dossier.objects.filter(pk=dossier.pk).update(
            received_at=moment, submitted_at=moment, current_due_at=moment
        )
    clerk = demo_user("clerk")
    dossiers = worklist(clerk, windows=due_windows(now), sort=sort)
    seen, cursor = [], None
    while True:
        page, cursor = keyset_page(dossiers, cursor, size=3, sort=sort)
        seen.extend(page)
        if cursor is None:
            break
    assert sorted(d.pk for d in seen) == sorted(d.pk for d in made)
    key, descending = SORTS[sort]
    dated = [getattr(d, key) for d in seen if getattr(d, key) is not None]
    assert dated == sorted(dated, reverse=descending)
    # Empty dates last.
    assert all(getattr(d, key) is None for d in seen[len(dated) :])


def test_the_column_links_sort_and_keep_the_queue(client, demo, media):
    Dossier.objects.all().delete()
    make_dossiers(2, State.RECEIVED, received_at=timezone.now())
    client.force_login(demo_user("clerk"))
    page = client.get(
        reverse("workspace:dossier_list"), {"queue": "to_transfer", "sort": "received"}
    ).content.decode()
    assert 'aria-sort="ascending"><a href="?queue=to_transfer&amp;sort=-received"' in (
        page
    )
    assert "sort=due" in page and "sort=age" in page


@pytest.mark.parametrize("username", ["clerk", "manager"])
def test_counts_are_kept_until_a_dossier_changes(
    client, demo, media, settings, django_assert_max_num_queries, username
):
    """Shown again with nothing changed, the landing page counts nothing; any
    change of a dossier (a save, or a bulk update) and the counts are read again
    and right; so is a new minute."""
    settings.QUEUE_COUNT_CACHE_SECONDS = 60
    Dossier.objects.all().delete()
    make_dossiers(3, State.RECEIVED, received_at=timezone.now())
    client.force_login(demo_user(username))
    client.get(reverse("workspace:dashboard"))

    def counting_statements() -> int:
        with django_assert_max_num_queries(20) as captured:
            assert client.get(reverse("workspace:dashboard")).status_code == 200
        return sum(
            'FROM "dossiers_dossier"' in q["sql"] for q in captured.captured_queries
        )

    assert counting_statements() == 0
    user = demo_user(username)
    windows = due_windows(timezone.now())
    queue = "open" if username == "manager" else "to_transfer"
    statements = 2 if username == "manager" else 1
    assert queue_counts(user, windows)[queue] == 3

    make_dossiers(2, State.RECEIVED, received_at=timezone.now())
    assert counting_statements() == statements
    assert queue_counts(user, windows)[queue] == 5

    Dossier.objects.filter(state=State.RECEIVED).update(state=State.PROCESSING)
    assert counting_statements() == statements
    if username == "clerk":
        assert queue_counts(user, windows)["to_transfer"] == 0
    else:
        assert queue_counts(user, windows)["open"] == 5
        loads = agency_loads(user, windows)
        assert sum(load.open for load in loads) == 5

    later = due_windows(timezone.now() + timedelta(minutes=1))
    with django_assert_max_num_queries(3) as captured:
        queue_counts(user, later)
    assert sum('FROM "dossiers_dossier"' in q["sql"] for q in captured) == 1


def test_the_landing_page_body_is_kept_and_drawn_again_after_a_change(
    client, demo, media, settings
):
    """The landing page's body is kept rendered under its counts' key: shown
    again unchanged it reads no dossier, a change shows the new count, and each
    language has its own copy."""
    settings.QUEUE_COUNT_CACHE_SECONDS = 60
    Dossier.objects.all().delete()
    make_dossiers(3, State.RECEIVED, received_at=timezone.now())
    client.force_login(demo_user("clerk"))

    def shown() -> tuple[str, str]:
        page = client.get(reverse("workspace:dashboard")).content.decode()
        count = re.search(
            r'data-queue="to_transfer">.*?queue-count d-block">(\d+)', page, re.S
        )
        heading = re.search(r'<h2 class="h5 fw-bold">([^<]+)</h2>', page)
        return count.group(1), heading.group(1)

    assert shown() == ("3", "Việc cần xử lý")
    assert shown() == ("3", "Việc cần xử lý")
    make_dossiers(1, State.RECEIVED, received_at=timezone.now())
    assert shown() == ("4", "Việc cần xử lý")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert shown() == ("4", "My queues")
