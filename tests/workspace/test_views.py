"""Staff workspace views: who may do what, forms, errors and query counts."""

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, State
from procedures.models import Procedure
from tests.factories import UserFactory, demo_user, pdf

pytestmark = pytest.mark.django_db


def login(client, username):
    client.force_login(demo_user(username))
    return client


def act(client, dossier, action, data=None, files=None):
    payload = {"version": dossier.version, **(data or {})}
    if files:
        payload.update(files)
    return client.post(
        reverse("workspace:dossier_act", args=[dossier.pk, action]), payload
    )


@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "manager"])
def test_dashboard_opens_for_each_staff_role(client, demo, username):
    """Each working role opens its dashboard with its queues."""
    response = login(client, username).get(reverse("workspace:dashboard"))
    assert response.status_code == 200
    assert "counts" in response.context


@pytest.mark.parametrize("username", ["citizen", "admin"])
def test_dashboard_refuses_non_working_roles(client, demo, username):
    """Citizens and catalogue administrators have no dossier workspace."""
    response = login(client, username).get(reverse("workspace:dashboard"))
    assert response.status_code == 403


def test_clerk_receives_online_dossier_and_gets_form_01(client, file_online):
    """Receiving an online dossier issues a code and opens Form 01."""
    dossier = file_online()
    response = act(login(client, "clerk"), dossier, "receive")
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED
    assert response["Location"] == reverse(
        "workspace:print_form", args=[dossier.pk, "01"]
    )
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page
    assert dossier.lookup_pin in page
    assert "<svg" in page


def test_form_01_downloads_as_pdf(file_storage, client, file_online):
    """Form 01 is also a PDF download, whether the papers are on disk or in S3."""
    dossier = file_online()
    assert all(file_storage.holds(a.file.name) for a in dossier.attachments.all())
    services.dossier_receive(dossier=dossier, actor=demo_user("clerk"))
    response = login(client, "clerk").get(
        reverse("workspace:print_form", args=[dossier.pk, "01"]), {"format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_refuse_without_reasons_rerenders_with_error(client, file_online):
    """A refusal without reasons is refused with a message and changes nothing."""
    dossier = file_online()
    response = act(login(client, "clerk"), dossier, "refuse", {"reasons": " "})
    assert response.status_code == 400
    assert response.context["actions"]
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


def test_intake_supplement_lists_every_paper(client, file_online):
    """The desk's supplement request needs at least one paper with guidance."""
    dossier = file_online()
    login(client, "clerk")
    response = act(client, dossier, "request_intake_supplement", {"message": "Bổ sung"})
    assert response.status_code == 400
    response = act(
        client,
        dossier,
        "request_intake_supplement",
        {
            "message": "Vui lòng bổ sung",
            "paper-0-selected": "on",
            "paper-0-guidance": "Thiếu chữ ký",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    assert dossier.supplement_requests.get().items[0]["guidance"] == "Thiếu chữ ký"


def test_stale_version_is_reported_as_changed_by_someone_else(client, file_online):
    """A form loaded before someone else's change is refused with a clear message."""
    dossier = file_online()
    stale_version = dossier.version
    services.dossier_receive(dossier=dossier, actor=demo_user("clerk"))
    response = login(client, "clerk").post(
        reverse("workspace:dossier_act", args=[dossier.pk, "transfer"]),
        {"version": stale_version},
        follow=True,
    )
    assert "người khác" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED


def test_officer_of_another_department_gets_404(client, in_processing):
    """An officer outside the step's department cannot open or act on it."""
    outsider = UserFactory(
        username="outsider",
        role="officer",
        agency=demo_user("officer").agency,
        department=demo_user("officer").agency.departments.get(code="van-hoa-xa-hoi"),
    )
    client.force_login(outsider)
    url = reverse("workspace:dossier_detail", args=[in_processing.pk])
    assert client.get(url).status_code == 404
    assert act(client, in_processing, "forward").status_code == 404


def test_citizen_cannot_use_staff_actions(client, in_processing):
    """A citizen is refused on every staff endpoint, even for their own dossier."""
    login(client, "citizen")
    assert act(client, in_processing, "forward").status_code == 403
    assert (
        client.get(
            reverse("workspace:print_form", args=[in_processing.pk, "01"])
        ).status_code
        == 403
    )


def test_officer_forwards_and_leader_approves(client, in_processing):
    """The officer forwards to the leader, who approves with a result file."""
    response = act(login(client, "officer"), in_processing, "forward", {"note": "Đủ"})
    assert response.status_code == 302
    in_processing.refresh_from_db()
    response = act(
        login(client, "leader"),
        in_processing,
        "approve",
        {"note": "Đồng ý"},
        {"result_files": pdf("ket-qua.pdf")},
    )
    assert response.status_code == 302
    in_processing.refresh_from_db()
    assert in_processing.state == State.RESULT_READY
    assert in_processing.attachments.filter(kind="result").count() == 1


def test_return_at_counter_requires_id_check(client, in_processing):
    """Handing back at the counter needs the collector's name and an ID check."""
    officer, leader = demo_user("officer"), demo_user("leader")
    services.dossier_forward(dossier=in_processing, actor=officer)
    services.dossier_approve(dossier=in_processing, actor=leader)
    in_processing.refresh_from_db()
    login(client, "clerk")
    response = act(client, in_processing, "return_result", {"channel": "counter"})
    assert response.status_code == 400
    response = act(
        client,
        in_processing,
        "return_result",
        {"channel": "counter", "collected_by": "Nguyễn Văn An", "id_checked": "on"},
    )
    assert response.status_code == 302
    in_processing.refresh_from_db()
    assert in_processing.state == State.RETURNED


def test_counter_intake_receives_walk_in(client, demo, media):
    """A walk-in dossier with every mandatory paper is received at once."""
    procedure = Procedure.objects.get(code="1.001193")
    papers = list(procedure.papers.all())
    data = {
        "procedure": procedure.code,
        "name": "Trần Thị Bích",
        "id_number": "001190012345",
        "phone": "0912000111",
        "channel": "counter",
    }
    for i, paper in enumerate(papers):
        if paper.mandatory:
            data[f"paper-{i}-received"] = "on"
            data[f"paper-{i}-originals"] = "1"
            data[f"paper-{i}-copies"] = "0"
    data["paper-0-scan"] = pdf("to-khai.pdf")
    response = login(client, "clerk").post(reverse("workspace:intake"), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Trần Thị Bích")
    assert dossier.state == State.RECEIVED
    assert dossier.channel == "counter"
    assert dossier.attachments.count() == 1


def test_counter_intake_refuses_missing_mandatory_paper(client, demo, media):
    """Without a mandatory paper the form comes back with the error and keeps input."""
    procedure = Procedure.objects.get(code="1.001193")
    before = Dossier.objects.count()
    response = login(client, "clerk").post(
        reverse("workspace:intake"),
        {"procedure": procedure.code, "name": "Trần Thị Bích", "id_number": "123"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Trần Thị Bích" in content
    assert "12 chữ số" in content
    assert "bắt buộc" in content
    assert Dossier.objects.count() == before


def test_attachment_served_only_to_those_who_see_the_dossier(client, in_processing):
    """Files open for staff in scope and answer 404 to others."""
    attachment = in_processing.attachments.first()
    url = reverse("workspace:attachment", args=[in_processing.pk, attachment.pk])
    assert login(client, "officer").get(url).status_code == 200
    other_clerk = UserFactory(
        username="clerk2", role="clerk", agency=demo_user("manager").agency
    )
    client.force_login(other_clerk)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [5, 200])
def test_worklist_query_count_is_constant(
    client, demo, media, django_assert_max_num_queries, count
):
    """The worklist costs the same queries at 5 and 200 dossiers."""
    Dossier.objects.all().delete()
    citizen = demo_user("citizen")
    procedure = Procedure.objects.get(code="1.004873")
    clerk = demo_user("clerk")
    for _ in range(count):
        dossier = services.dossier_create_draft(applicant=citizen, procedure=procedure)
        Dossier.objects.filter(pk=dossier.pk).update(state=State.SUBMITTED)
    del clerk
    login(client, "clerk")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("workspace:dossier_list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, 25)


def test_worklist_pages_with_a_cursor(client, demo, media):
    """The next-page cursor continues exactly where the first page ended."""
    Dossier.objects.all().delete()
    citizen = demo_user("citizen")
    procedure = Procedure.objects.get(code="1.004873")
    for _ in range(30):
        dossier = services.dossier_create_draft(applicant=citizen, procedure=procedure)
        Dossier.objects.filter(pk=dossier.pk).update(state=State.SUBMITTED)
    login(client, "clerk")
    first = client.get(reverse("workspace:dossier_list"))
    cursor = first.context["next_cursor"]
    second = client.get(reverse("workspace:dossier_list"), {"after": cursor})
    ids = [d.pk for d in first.context["rows"]] + [d.pk for d in second.context["rows"]]
    assert len(ids) == len(set(ids)) == 30
    assert second.context["next_cursor"] is None


def test_register_lists_received_dossiers(client, in_processing):
    """Form 07 lists the dossiers received in the chosen dates, and as PDF."""
    login(client, "clerk")
    response = client.get(reverse("workspace:register"))
    assert in_processing.code in response.content.decode()
    pdf_response = client.get(
        reverse("workspace:register"),
        {"format": "pdf", "date_from": "2020-01-01", "date_to": "2020-12-31"},
    )
    assert pdf_response["Content-Type"] == "application/pdf"


def test_worklist_searches_by_code_id_number_and_name(client, in_processing):
    """Search finds a dossier by its code (or its prefix), ID number or a name part."""
    login(client, "clerk")
    url = reverse("workspace:dossier_list")
    for query in (
        in_processing.code,
        in_processing.code[:18].lower(),
        in_processing.applicant_id_number,
        in_processing.applicant_name.split()[-1].lower(),
    ):
        rows = client.get(url, {"q": query}).context["rows"]
        assert in_processing in rows, query
    assert client.get(url, {"q": "999999999999"}).context["rows"] == []


def test_result_file_must_really_be_a_pdf(client, in_processing):
    """A result file whose content is not a PDF is refused and nothing changes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.dossier_forward(dossier=in_processing, actor=demo_user("officer"))
    in_processing.refresh_from_db()
    fake = SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00 not a pdf")
    response = act(
        login(client, "leader"), in_processing, "approve", {}, {"result_files": fake}
    )
    assert response.status_code == 400
    in_processing.refresh_from_db()
    assert in_processing.state == State.PROCESSING
