"""The counter in the workspace: Form 01 states what was received, walk-ins are
registered for Forms 02/03, supplements are brought to the desk, every Form 02
stays printable, and a paused dossier is never shown late."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier, State
from procedures.models import Procedure
from tests.factories import RequiredPaperFactory, demo_user, pdf

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"  # birth registration: 7 papers, the first 3 mandatory
ROW = re.compile(
    r'<tr><td class="tt">(\d+)</td><td>(.*?)</td><td class="n">(\d+)</td>'
    r'<td class="n">(\d+)</td><td class="n">(\d+)</td></tr>'
)


def login(client, username):
    client.force_login(demo_user(username))
    return client


def intake_data(procedure, ticked: dict[int, tuple[int, int, int]], **extra):
    data = {
        "procedure": procedure.code,
        "name": "Trần Thị Bích",
        "id_number": "001190012345",
        "phone": "0912000111",
        "channel": "counter",
        **extra,
    }
    for index in range(procedure.papers.count()):
        counts = ticked.get(index)
        if counts:
            data[f"paper-{index}-received"] = "on"
        originals, certified, copies = counts or (1, 0, 0)
        data[f"paper-{index}-originals"] = str(originals)
        data[f"paper-{index}-certified_copies"] = str(certified)
        data[f"paper-{index}-copies"] = str(copies)
    return data


def form_01_rows(client, dossier) -> list[tuple[str, ...]]:
    page = client.get(reverse("workspace:print_form", args=[dossier.pk, "01"]))
    assert page.status_code == 200
    return ROW.findall(page.content.decode())


def test_form_01_lists_exactly_the_papers_ticked_with_their_counts(
    client, demo, media
) -> None:
    """3 of 7 papers ticked, each 0 originals / 2 certified copies / 1 copy: Form
    01 prints those 3 papers with those counts and none of the others."""
    procedure = Procedure.objects.get(code=BIRTH)
    papers = list(procedure.papers.all())
    assert len(papers) == 7
    data = intake_data(procedure, {0: (0, 2, 1), 1: (0, 2, 1), 2: (0, 2, 1)})
    response = login(client, "clerk").post(reverse("workspace:intake"), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Trần Thị Bích")
    assert response.url == reverse("workspace:print_form", args=[dossier.pk, "01"])
    rows = form_01_rows(client, dossier)
    assert [(n, counts) for n, *_name, counts in [(r[0], r[1], r[2:]) for r in rows]]
    assert [row[2:] for row in rows] == [("0", "2", "1")] * 3
    assert [row[1] for row in rows] == [p.name for p in papers[:3]]
    page = client.get(reverse("workspace:print_form", args=[dossier.pk, "01"]))
    for optional in papers[3:]:
        assert optional.name not in page.content.decode()


def test_a_paper_ticked_without_any_count_is_refused(client, demo, media) -> None:
    procedure = Procedure.objects.get(code=BIRTH)
    data = intake_data(procedure, {0: (0, 0, 0), 1: (1, 0, 0), 2: (1, 0, 0)})
    response = login(client, "clerk").post(reverse("workspace:intake"), data)
    assert response.status_code == 400
    assert not Dossier.objects.filter(applicant_name="Trần Thị Bích").exists()


@pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not here"
)
def test_form_01_pdf_keeps_the_appointment_and_signatures_on_page_one(
    client, demo, media
) -> None:
    """Ten papers, long names: one A5 page still holds the list, the appointment
    date and both signatures."""
    procedure = Procedure.objects.get(code=BIRTH)
    for n in range(3):
        RequiredPaperFactory(
            procedure=procedure,
            position=10 + n,
            mandatory=False,
            name=(
                f"Giấy tờ bổ sung số {n + 1}: văn bản xác nhận của cơ quan có thẩm "
                "quyền về nội dung liên quan đến việc đăng ký (bản sao có chứng thực)"
            ),
        )
    ticked = dict.fromkeys(range(10), (1, 1, 1))
    data = intake_data(procedure, ticked)
    assert login(client, "clerk").post(reverse("workspace:intake"), data).status_code
    dossier = Dossier.objects.get(applicant_name="Trần Thị Bích")
    assert len(form_01_rows(client, dossier)) == 10
    url = reverse("workspace:print_form", args=[dossier.pk, "01"])
    response = client.get(url + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf_path = media / "form-01.pdf"
    pdf_path.write_bytes(response.content)
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Thời gian trả kết quả" in first_page
    assert timezone.localtime(dossier.due_at).strftime("%d/%m/%Y") in first_page
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in first_page
    assert "NGƯỜI NỘP HỒ SƠ" in first_page
    assert "Giấy tờ bổ sung số 3" in first_page


def test_a_walk_in_with_papers_missing_is_registered_and_guided(
    client, demo, media
) -> None:
    """ "Register without receiving": the dossier gets a code but no clock; the
    clerk issues Form 02 from its page, records the papers brought back, then
    receives it; every Form 02 stays printable."""
    procedure = Procedure.objects.get(code=BIRTH)
    data = intake_data(procedure, {0: (1, 0, 0)}, intent="register")
    response = login(client, "clerk").post(reverse("workspace:intake"), data)
    dossier = Dossier.objects.get(applicant_name="Trần Thị Bích")
    assert response.status_code == 302
    assert response.url == reverse("workspace:dossier_detail", args=[dossier.pk])
    assert dossier.state == State.SUBMITTED and dossier.code
    assert dossier.received_at is None

    clerk = demo_user("clerk")
    for guidance in ("Thiếu giấy chứng sinh", "Giấy tờ tùy thân hết hạn"):
        services.dossier_request_intake_supplement(
            dossier=dossier,
            actor=clerk,
            items=[{"paper_index": 1, "guidance": guidance}],
            message="Đề nghị Ông/Bà bổ sung.",
        )
        dossier.refresh_from_db()
        if dossier.state == State.SUPPLEMENT_REQUESTED and guidance.startswith("Thiếu"):
            page = client.get(reverse("workspace:dossier_detail", args=[dossier.pk]))
            assert page.context["actions"]
            services.dossier_supplement_at_counter(
                dossier=dossier,
                actor=clerk,
                received=[services.ReceivedPaper(1, "Giấy chứng sinh", originals=1)],
            )
            dossier.refresh_from_db()
    page = client.get(reverse("workspace:dossier_detail", args=[dossier.pk]))
    labels = [doc.label for doc in page.context["printable"] if doc.number == "02"]
    assert len(labels) == 2
    for seq, guidance in ((1, "Thiếu giấy chứng sinh"), (2, "Giấy tờ tùy thân")):
        url = reverse("workspace:print_form_issue", args=[dossier.pk, "02", seq])
        response = client.get(url)
        assert response.status_code == 200
        assert guidance in response.content.decode()
    missing = reverse("workspace:print_form_issue", args=[dossier.pk, "02", 3])
    assert client.get(missing).status_code == 404


def test_the_clerk_records_a_supplement_brought_to_the_counter(
    client, in_processing, media
) -> None:
    """From the dossier's page: the papers ticked with their counts, the clock
    resumes, the log names the clerk."""
    services.dossier_request_supplement(
        dossier=in_processing,
        actor=demo_user("officer"),
        items=[{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}],
        message="Bổ sung chữ ký.",
    )
    in_processing.refresh_from_db()
    login(client, "clerk")
    page = client.get(reverse("workspace:dossier_detail", args=[in_processing.pk]))
    content = page.content.decode()
    assert "supplement_at_counter" in content
    url = reverse(
        "workspace:dossier_act", args=[in_processing.pk, "supplement_at_counter"]
    )
    data = {
        "version": in_processing.version,
        "paper-0-received": "on",
        "paper-0-originals": "1",
        "paper-0-certified_copies": "0",
        "paper-0-copies": "1",
        "paper-0-scan": pdf("to-khai-da-ky.pdf"),
        "note": "Ông An mang tờ khai đã ký đến quầy.",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    in_processing.refresh_from_db()
    assert in_processing.state == State.PROCESSING
    log = in_processing.transitions.last()
    assert log.actor == demo_user("clerk")
    assert "Ông An mang tờ khai" in log.note
    receipt = in_processing.paper_receipts.last()
    assert (receipt.originals, receipt.copies) == (1, 1)


def test_nothing_ticked_at_the_counter_supplement_is_refused(
    client, in_processing, media
) -> None:
    services.dossier_request_supplement(
        dossier=in_processing,
        actor=demo_user("officer"),
        items=[{"paper_index": 0, "guidance": "Ký tên"}],
        message="Bổ sung chữ ký.",
    )
    in_processing.refresh_from_db()
    url = reverse(
        "workspace:dossier_act", args=[in_processing.pk, "supplement_at_counter"]
    )
    response = login(client, "clerk").post(
        url, {"version": in_processing.version, "paper-0-originals": "1"}
    )
    assert response.status_code == 400
    assert in_processing.state == State.AWAITING_SUPPLEMENT


def test_a_paused_dossier_past_its_date_is_not_shown_late(
    client, in_processing
) -> None:
    """Waiting for the applicant is not the agency's delay: "paused", not
    "overdue", and not in the overdue filter."""
    services.dossier_request_supplement(
        dossier=in_processing,
        actor=demo_user("officer"),
        items=[{"paper_index": 0, "guidance": "Ký tên"}],
        message="Bổ sung chữ ký.",
    )
    Dossier.objects.filter(pk=in_processing.pk).update(
        current_due_at=timezone.now() - timedelta(days=3)
    )
    login(client, "clerk")
    listing = client.get(
        reverse("workspace:dossier_list"), {"q": in_processing.code, "state": ""}
    ).content.decode()
    [row] = [
        tr
        for tr in re.findall(r"<tr>\s*<td.*?</tr>", listing, re.S)
        if in_processing.code in tr
    ]
    assert "badge-paused" in row and "badge-overdue" not in row
    overdue = client.get(reverse("workspace:dossier_list"), {"due": "overdue"})
    assert in_processing.code not in overdue.content.decode()
    detail = client.get(
        reverse("workspace:dossier_detail", args=[in_processing.pk])
    ).content.decode()
    assert "badge-paused" in detail and "badge-overdue" not in detail
