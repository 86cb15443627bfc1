"""The demo dossiers: every state, real deadlines and history, seeded once."""

import re
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role, User
from dossiers.demo import DEMO_APPLICANT_USERNAMES, DEMO_DOSSIERS, seed_dossiers
from dossiers.models import (
    Attachment,
    AttachmentKind,
    Channel,
    Dossier,
    Outcome,
    Pause,
    State,
    Timeliness,
    TransitionLog,
)
from dossiers.selectors import DueWindows, dossiers_visible_to, filter_due_window
from portal.demo import (
    DEMO_PASSWORD,
    WARD_PEOPLES_COMMITTEE,
    seed_accounts,
    seed_agencies,
    seed_demo,
)
from procedures.demo import seed_catalogue
from procedures.models import AdministrativeLevel
from workcalendar.calendar import load_calendar
from workcalendar.demo import seed_calendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db

# A working-day morning; a Sunday in Tết 2027; the first working day of 2027 before
# opening time, so the history runs back across New Year.
WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
TET_SUNDAY = datetime(2027, 2, 7, 9, 0, tzinfo=TZ)
NEW_YEAR_MONDAY = datetime(2027, 1, 4, 7, 0, tzinfo=TZ)

# The transitions each scripted event writes (a draft is created, not transitioned;
# an extension is drafted by the officer and signed by the leader).
TRANSITIONS = {
    "draft": (),
    "counter": ("receive_at_counter",),
    "intake_supplement": ("request_intake_supplement",),
    "return": ("return_result",),
    "extend": ("draft_extension", "extend"),
}
# The transitions that give a dossier its code: submission, or the counter.
CODE_ISSUERS = ("submit", "receive_at_counter", "file_at_counter")
PAST_INTAKE = set(State.values) - {
    State.DRAFT,
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.REFUSED,
    State.WITHDRAWN,
}


@pytest.fixture
def centre(db, settings, tmp_path) -> None:
    """Everything seed_demo loads except the dossiers."""
    settings.MEDIA_ROOT = tmp_path
    seed_calendar()
    seed_agencies()
    users = seed_accounts(DEMO_PASSWORD)
    seed_catalogue(actor=next(u for u in users if u.username == "admin"))


@pytest.fixture
def seeded(centre) -> dict[str, int]:
    return seed_dossiers(now=WEDNESDAY)


def windows(now: datetime) -> dict[str, int]:
    due = DueWindows.at(now, load_calendar({now.year}), soon_days=2)
    return {
        window: filter_due_window(Dossier.objects.all(), window, due).count()
        for window in ("overdue", "today", "soon", "later")
    }


def test_demo_fixture_loads_the_demo_dossiers(demo):
    """seed_demo (the ``demo`` fixture) loads dossiers in every state."""
    assert set(Dossier.objects.values_list("state", flat=True)) == set(State.values)


@pytest.mark.parametrize("now", [WEDNESDAY, TET_SUNDAY, NEW_YEAR_MONDAY])
def test_every_state_and_due_window_whatever_the_day(centre, now):
    """Every state is present and due dates spread over every window on any day."""
    counts = seed_dossiers(now=now)
    assert set(counts) == set(State.values)
    assert counts == Counter(Dossier.objects.values_list("state", flat=True))
    assert sum(counts.values()) == len(DEMO_DOSSIERS)
    found = windows(now)
    assert found["overdue"] >= 1
    assert found["soon"] >= 1  # due today or within two working days
    if now == WEDNESDAY:
        assert found["today"] >= 1
    # Paused dossiers wait for the applicant: they are in no due window.
    open_count = Dossier.objects.filter(
        state__in=[State.RECEIVED, State.PROCESSING]
    ).count()
    assert found["later"] >= 5
    assert found["later"] * 2 >= open_count  # at least half are on track
    assert TransitionLog.objects.filter(created_at__gte=now).count() == 0


def test_citizen_owns_dossiers_in_five_states(seeded):
    """The demo citizen's pages show a draft, waiting, paused, ready and done."""
    citizen = User.objects.get(username="citizen")
    states = set(dossiers_visible_to(citizen).values_list("state", flat=True))
    assert {
        State.DRAFT,
        State.SUBMITTED,
        State.AWAITING_SUPPLEMENT,
        State.RESULT_READY,
        State.RETURNED,
    } <= states
    assert len(states) >= 5


def test_history_is_one_log_row_per_scripted_transition(seeded):
    """Each dossier's log is its script: one row per transition, in order, past."""
    expected = Counter(
        tuple(
            name
            for event in spec.events
            for name in TRANSITIONS.get(event.action, (event.action,))
        )
        for spec in DEMO_DOSSIERS
    )
    found = Counter()
    for dossier in Dossier.objects.prefetch_related("transitions"):
        logs = list(dossier.transitions.all())
        found[tuple(log.transition for log in logs)] += 1
        state = State.DRAFT
        for log in logs:
            assert log.from_state == state
            state = log.to_state
            assert log.created_at < WEDNESDAY
        assert state == dossier.state
        assert [log.created_at for log in logs] == sorted(
            log.created_at for log in logs
        )
        if logs:
            assert dossier.created_at <= logs[0].created_at
    assert found == expected


def test_dossiers_past_intake_have_code_receipt_and_due(seeded):
    """A received dossier has its code, receipt time and the engine's due date."""
    past_intake = Dossier.objects.filter(state__in=PAST_INTAKE)
    assert past_intake.count() >= 20
    for dossier in past_intake:
        assert re.fullmatch(r"000\.21\.32\.H99-\d{6}-\d{4}", dossier.code)
        receipt = dossier.transitions.get(
            transition__in=["receive", "receive_at_counter"]
        )
        assert dossier.received_at == receipt.created_at
        assert dossier.due_at is not None
        assert dossier.current_due_at >= dossier.due_at
        assert len(dossier.lookup_pin) == 6
    # Submitted dossiers have their code (the system has them); drafts do not.
    assert not Dossier.objects.filter(state=State.DRAFT).exclude(code=None)
    submitted = Dossier.objects.filter(state=State.SUBMITTED)
    assert submitted.exists()
    assert not submitted.filter(code=None)
    assert not Dossier.objects.filter(received_at=None, submitted_at=None).exclude(
        code=None
    )


def test_codes_follow_the_order_they_were_issued(seeded):
    """Codes of one desk and day run in the order they were issued: at submission
    online, at the counter for a walk-in."""
    issued = []
    for dossier in Dossier.objects.exclude(code=None).prefetch_related("transitions"):
        first = next(
            log for log in dossier.transitions.all() if log.transition in CODE_ISSUERS
        )
        issued.append((first.created_at, dossier.code))
    codes = [code for _at, code in sorted(issued)]
    by_desk_day = {}
    for code in codes:
        by_desk_day.setdefault(code.rsplit("-", 1)[0], []).append(code)
    for run in by_desk_day.values():
        assert run == sorted(run)


def test_results_and_timeliness(seeded):
    """Returned dossiers are classified early, on time and late; results attached."""
    returned = Dossier.objects.filter(state=State.RETURNED)
    assert set(returned.values_list("timeliness", flat=True)) == set(Timeliness.values)
    assert not returned.filter(returned_at=None)
    ready = Dossier.objects.filter(state=State.RESULT_READY)
    assert set(ready.values_list("outcome", flat=True)) == set(Outcome.values)
    for dossier in Dossier.objects.filter(outcome=Outcome.APPROVED):
        assert dossier.attachments.filter(kind=AttachmentKind.RESULT).exists()
    for dossier in Dossier.objects.filter(outcome=Outcome.DENIED):
        assert dossier.outcome_reason


def test_pauses_and_extension_move_the_due_date(seeded):
    """One supplement answered (due pushed), one still open; one Form 04."""
    assert Pause.objects.filter(resumed_at=None).count() == 1
    resumed = Pause.objects.exclude(resumed_at=None).get()
    assert resumed.dossier.current_due_at > resumed.dossier.due_at
    extended = Dossier.objects.exclude(extended_due_at=None).get()
    assert extended.extended_due_at > extended.due_at
    assert extended.current_due_at == extended.extended_due_at
    assert extended.extension_reason


def test_papers_are_small_real_files(seeded):
    """Every dossier has papers; each file is a PDF or PNG stored under MEDIA_ROOT.
    The declarations printed from the online form on submission are real PDFs
    with their fonts, the only files above a few kilobytes."""
    assert not Dossier.objects.filter(attachments=None).exists()
    kinds = set()
    for attachment in Attachment.objects.all():
        with attachment.file.open("rb") as stored:
            content = stored.read()
        if attachment.original_name.startswith("to-khai-"):
            assert len(content) == attachment.size < 100_000
            assert content.startswith(b"%PDF-")
            continue
        assert len(content) == attachment.size < 4096
        if attachment.content_type == "application/pdf":
            assert content.startswith(b"%PDF-1.4") and content.endswith(b"%%EOF\n")
            xref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
            assert content[xref:].startswith(b"xref")
        else:
            assert attachment.content_type == "image/png"
            assert content.startswith(b"\x89PNG\r\n\x1a\n")
        kinds.add(attachment.content_type)
    assert kinds == {"application/pdf", "image/png"}


def test_applicants_walk_ins_and_agencies(seeded):
    """Several Vietnamese applicants, walk-ins, mostly the ward, some province."""
    applicants = User.objects.filter(username__in=DEMO_APPLICANT_USERNAMES)
    assert applicants.count() >= 4
    for user in applicants:
        assert user.role == Role.APPLICANT
        assert user.check_password(DEMO_PASSWORD)
        assert re.fullmatch(r"\d{12}", user.id_number)
        assert re.fullmatch(r"09\d{8}", user.phone)
        assert user.address.endswith("phường Đông Sơn, tỉnh Sơn Hà")
        assert user.dossiers.exists()
    walk_ins = Dossier.objects.filter(applicant=None)
    assert walk_ins.count() >= 3
    assert set(walk_ins.values_list("channel", flat=True)) == {Channel.COUNTER}
    total = Dossier.objects.count()
    ward = Dossier.objects.filter(deciding_agency__code=WARD_PEOPLES_COMMITTEE)
    assert ward.count() * 2 > total
    province = Dossier.objects.filter(
        deciding_agency__level=AdministrativeLevel.PROVINCE
    )
    assert province.count() >= 3


def test_seeding_again_adds_nothing(seeded):
    """A second run, even with another ``now``, leaves the demo dossiers as they are."""
    before = (
        Dossier.objects.count(),
        TransitionLog.objects.count(),
        Attachment.objects.count(),
        User.objects.count(),
    )
    assert seed_dossiers(now=TET_SUNDAY) == {}
    seed_demo(DEMO_PASSWORD)
    after = (
        Dossier.objects.count(),
        TransitionLog.objects.count(),
        Attachment.objects.count(),
        User.objects.count(),
    )
    assert after == before


CACHE_CALLBACKS = ("accounts.auth_cache", "dossiers.freshness")


def test_seeding_history_notifies_nobody(centre, django_capture_on_commit_callbacks):
    """Replayed demo history schedules no notice to any applicant."""
    with django_capture_on_commit_callbacks() as callbacks:
        seed_dossiers(now=WEDNESDAY)
    # Saved accounts drop their cached copies at commit (accounts/auth_cache.py),
    # and the staff's counts are retired once (dossiers/freshness.py).
    assert [c for c in callbacks if c.__module__ not in CACHE_CALLBACKS] == []
