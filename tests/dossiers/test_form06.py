"""Form 06, the processing control sheet: a line per hand-off, naming both sides,
the step handed over with its due date, and whether it was early, on time or late."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import deadlines, services
from dossiers.control_sheet import Party, control_sheet
from dossiers.models import Dossier, State
from dossiers.selectors import control_sheet_steps
from portal.demo import DEMO_PASSWORD, seed_accounts, seed_agencies
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Procedure
from tests.factories import demo_user
from workcalendar.demo import seed_calendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db

# The demo marriage-status certificate: 3 working days, two steps (the officer's
# review, 2.4 days; the leader's signature, 0.6 days). Received Tue 1 Dec 2026 at
# 10:00: the review is due Fri 4 Dec at 10:42, the signature and the dossier at
# 17:00 that day.
PROCEDURE = "1.004873"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


RECEIVED = at("2026-12-01 10:00")
TRANSFERRED = at("2026-12-01 10:30")
REVIEW_DUE = at("2026-12-04 10:42")
DUE = at("2026-12-04 17:00")


@pytest.fixture
def people(db, settings, tmp_path) -> SimpleNamespace:
    """The demo centre with one procedure: calendar, agencies, accounts."""
    settings.MEDIA_ROOT = tmp_path
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p for p in catalogue["procedures"] if p["code"] == PROCEDURE
    ]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )
    return SimpleNamespace(
        **{
            name: demo_user(name)
            for name in ("citizen", "clerk", "officer", "leader", "manager")
        }
    )


@pytest.fixture
def processing(people) -> Dossier:
    """Filed online, received Tue 1 Dec 10:00 and transferred at 10:30."""
    dossier = services.dossier_create_draft(
        applicant=people.citizen, procedure=Procedure.objects.get(code=PROCEDURE)
    )
    for paper in dossier.papers:
        if paper["mandatory"]:
            services.dossier_attach_paper(
                dossier=dossier,
                actor=people.citizen,
                paper_index=paper["index"],
                upload=SimpleUploadedFile(
                    "scan.pdf", b"%PDF-1.4 test", content_type="application/pdf"
                ),
            )
    services.dossier_submit(
        dossier=dossier, actor=people.citizen, at=at("2026-12-01 09:00")
    )
    services.dossier_receive(dossier=fresh(dossier), actor=people.clerk, at=RECEIVED)
    services.dossier_transfer(
        dossier=fresh(dossier),
        actor=people.clerk,
        assignee=people.officer,
        at=TRANSFERRED,
    )
    return fresh(dossier)


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def sheet(dossier: Dossier):
    dossier = fresh(dossier)
    return control_sheet(
        dossier, list(dossier.transitions.all()), control_sheet_steps(dossier)
    )


def walk(dossier: Dossier, people, *, forward: str, approve: str, back: str) -> None:
    services.dossier_forward(dossier=dossier, actor=people.officer, at=at(forward))
    services.dossier_approve(
        dossier=fresh(dossier), actor=people.leader, note="Đủ điều kiện", at=at(approve)
    )
    services.dossier_return_result(
        dossier=fresh(dossier),
        actor=people.clerk,
        channel="counter",
        collected_by="Nguyễn Văn An",
        id_checked=True,
        at=at(back),
    )


def test_each_hand_off_names_both_sides_and_the_step(processing, people) -> None:
    """The desk's transfer, the forward, the decision and the return are four lines;
    each names the department and the person on both sides, the step handed over
    and its due date, never "processing → processing"."""
    walk(
        processing,
        people,
        forward="2026-12-02 09:00",
        approve="2026-12-03 15:00",
        back="2026-12-04 09:00",
    )
    review, signature = control_sheet_steps(processing)
    desk = processing.receiving_desk.name

    transfer, forward, decision, handback = sheet(processing).lines

    assert (transfer.giver.unit, transfer.giver.person) == (desk, str(people.clerk))
    assert review.department.name in transfer.receiver.unit
    assert transfer.receiver.person == str(people.officer)
    assert transfer.next_step_name == review.name
    assert (transfer.at, transfer.step_due_at, transfer.timeliness) == (
        TRANSFERRED,
        None,
        "",
    )

    assert review.department.name in forward.giver.unit
    assert forward.giver.person == str(people.officer)
    assert signature.department.name in forward.receiver.unit
    assert forward.receiver.person == str(people.leader)
    assert (forward.step_name, forward.step_due_at) == (review.name, REVIEW_DUE)
    assert forward.timeliness == deadlines.EARLY

    assert signature.department.name in decision.giver.unit
    assert (decision.receiver.unit, decision.step_name) == (desk, signature.name)
    assert (decision.step_due_at, decision.timeliness) == (DUE, deadlines.EARLY)
    assert decision.note.startswith(str(fresh(processing).get_outcome_display()))

    assert (handback.giver.person, handback.receiver.person) == (
        str(people.clerk),
        "Nguyễn Văn An",
    )
    assert handback.timeliness == fresh(processing).timeliness == deadlines.EARLY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("2026-12-03 16:59", deadlines.EARLY),  # a day before the due day
        ("2026-12-04 07:00", deadlines.ON_TIME),  # on the due day, before opening
        ("2026-12-04 10:42", deadlines.ON_TIME),  # the due moment itself
        ("2026-12-04 10:43", deadlines.LATE),  # a minute after it
        ("2026-12-07 08:00", deadlines.LATE),  # the next working day
    ],
)
def test_a_step_is_early_on_time_or_late_against_its_due(
    processing, people, forwarded, expected
) -> None:
    """Early: finished on a day before the due day; on time: on the due day, not
    after the due moment; late: after it."""
    services.dossier_forward(dossier=processing, actor=people.officer, at=at(forwarded))
    forward = sheet(processing).lines[1]
    assert (forward.step_due_at, forward.timeliness) == (REVIEW_DUE, expected)


def test_time_waiting_for_a_supplement_does_not_make_a_step_late(
    processing, people
) -> None:
    """The review is paused from Wed 2 Dec 09:00 to Tue 8 Dec 09:00 (four working
    days of office time) and forwarded on Wed 9 Dec: after the review's original
    due date (Fri 4 Dec), but early against the due date pushed by the pause."""
    services.dossier_request_supplement(
        dossier=processing,
        actor=people.officer,
        items=[{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}],
        message="Vui lòng bổ sung tờ khai có chữ ký.",
        at=at("2026-12-02 09:00"),
    )
    services.dossier_supplement(
        dossier=fresh(processing), actor=people.citizen, at=at("2026-12-08 09:00")
    )
    services.dossier_forward(
        dossier=fresh(processing), actor=people.officer, at=at("2026-12-09 15:00")
    )
    _transfer, paused, resumed, forward = sheet(processing).lines
    pushed = at("2026-12-10 10:42")

    assert paused.receiver.person == processing.applicant_name
    assert (paused.step_due_at, paused.timeliness) == (REVIEW_DUE, "")
    assert resumed.giver.person == processing.applicant_name
    assert (resumed.step_due_at, resumed.timeliness) == (pushed, "")
    assert (forward.step_due_at, forward.timeliness) == (pushed, deadlines.EARLY)


def test_a_stop_hands_the_dossier_back_to_the_desk(processing, people) -> None:
    """Stopping (Form 05) is the last line: from the deciding agency to the desk,
    with the reasons, and no timeliness (nothing was finished)."""
    services.dossier_stop(
        dossier=processing,
        actor=people.leader,
        reasons="Người nộp đề nghị dừng.",
        at=at("2026-12-02 09:00"),
    )
    stop = sheet(processing).lines[-1]
    assert stop.giver == Party(processing.deciding_agency.name, str(people.leader))
    assert stop.receiver.unit == processing.receiving_desk.name
    assert "Người nộp đề nghị dừng." in stop.note
    assert stop.timeliness == ""


def test_the_printed_sheet_shows_the_lines(client, processing, people) -> None:
    """Staff read Form 06 as a page and as a PDF: departments, people, step names
    and the timeliness of each step."""
    services.dossier_forward(
        dossier=processing,
        actor=people.officer,
        assignee=people.leader,
        at=at("2026-12-04 11:00"),
    )
    review, signature = control_sheet_steps(processing)
    client.force_login(people.clerk)
    url = reverse("workspace:print_form", args=[processing.pk, "06"])

    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        review.department.name,
        signature.department.name,
        review.name,
        signature.name,
        str(people.officer),
        str(people.leader),
        str(deadlines.TIMELINESS_LABELS[deadlines.LATE]),
    ):
        assert text in page
    assert str(State.PROCESSING.label) not in page
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_applicant_cannot_print_form_06(client, processing, people) -> None:
    """Form 06 is the centre's internal sheet: not the applicant's to read."""
    client.force_login(people.citizen)
    response = client.get(reverse("workspace:print_form", args=[processing.pk, "06"]))
    assert response.status_code == 403
