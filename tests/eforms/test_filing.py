"""Filing with the online form: prefilled from the profile, saved with the draft,
checked on submit, frozen by the snapshot, typed at the counter, shown to staff
and printed as the declaration; and the result delivery choice."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, State
from dossiers.services import TransitionRefused
from procedures.models import Procedure
from tests.citizen.conftest import upload
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"  # birth registration: papers 0-2 mandatory; counter, post, online


def details(**overrides):
    return {
        "name": "Nguyễn Thị Hoa",
        "id_number": "036095001234",
        "phone": "0912345678",
        "email": "citizen@example.vn",
        "address": "Số 12 đường Lê Lợi",
        **overrides,
    }


def answers(**overrides):
    """The birth registration form as the browser posts it, complete."""
    return {
        "f-requester_name": "Nguyễn Thị Hoa",
        "f-requester_id_number": "036095001234",
        "f-requester_address": "Số 12 đường Lê Lợi, phường Hoàn Kiếm, Hà Nội",
        "f-relationship": "mother",
        "f-child_name": "Trần Minh An",
        "f-child_date_of_birth": "2026-11-02",
        "f-child_sex": "female",
        "f-child_ethnicity": "Kinh",
        "f-child_nationality": "Việt Nam",
        "f-born_at_facility": "yes",
        "f-facility_name": "Bệnh viện Phụ sản Hà Nội",
        "f-place_of_birth-province": "01",
        "f-place_of_birth-commune": "00070",
        "f-place_of_birth-street": "",
        "f-parents-0-role": "mother",
        "f-parents-0-full_name": "Nguyễn Thị Hoa",
        "f-parents-0-date_of_birth": "1995-03-15",
        "f-parents-1-role": "father",
        "f-parents-1-full_name": "Trần Văn Bình",
        "f-parents-1-date_of_birth": "1993-08-20",
        "f-parents-1-id_number": "036093004321",
        "f-copies": "2",
        **overrides,
    }


@pytest.fixture
def citizen(demo):
    return demo_user("citizen")


@pytest.fixture
def birth_draft(citizen, media):
    return services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )


def papers():
    return {f"paper-{i}": upload(f"giay-{i}.pdf") for i in range(3)}


def test_the_draft_page_renders_the_form_prefilled_from_the_profile(
    client, citizen, birth_draft
):
    """Fields the definition ties to the profile start with the citizen's data."""
    client.force_login(citizen)
    page = client.get(reverse("dossiers:draft", args=[birth_draft.pk]))
    assert page.status_code == 200
    form = page.context["answers_form"]
    assert form["f-requester_name"].initial == citizen.full_name
    html = page.content.decode()
    assert 'for="id_f-child_name"' in html
    assert 'data-show-if="f-born_at_facility"' in html


def test_submitting_without_the_required_answers_names_them_all(
    client, citizen, birth_draft
):
    """The papers are there but the form is empty: nothing is submitted, every
    required answer is listed in the error summary, the typed ones are kept."""
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[birth_draft.pk]),
        {**details(), **papers(), "submit": "1", "f-child_name": "Trần Minh An"},
    )
    assert response.status_code == 400
    errors = response.context["answers_form"].errors
    assert {"f-child_date_of_birth", "f-child_sex", "f-parents-0-role"} <= set(errors)
    assert "f-child_name" not in errors
    birth_draft.refresh_from_db()
    assert birth_draft.state == State.DRAFT
    assert birth_draft.answers["child_name"] == "Trần Minh An"
    assert 'href="#id_f-child_sex_0"' in response.content.decode()


def test_a_wrong_answer_is_refused_even_when_only_saving(client, citizen, birth_draft):
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[birth_draft.pk]),
        {**details(), **answers(**{"f-parents-1-id_number": "123"}), "save": "1"},
    )
    assert response.status_code == 400
    assert "f-parents-1-id_number" in response.context["answers_form"].errors
    birth_draft.refresh_from_db()
    assert birth_draft.answers == {}


def test_a_complete_form_is_saved_typed_and_submitted(client, citizen, birth_draft):
    """The answers are stored as validated JSON; a hidden field's answer is not."""
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:draft", args=[birth_draft.pk]),
        {
            **details(),
            **papers(),
            **answers(),
            "result_delivery": "post",
            "result_address": "Số 12 đường Lê Lợi, Hà Nội",
            "submit": "1",
        },
    )
    assert response.status_code == 302, response.context["answers_form"].errors
    birth_draft.refresh_from_db()
    assert birth_draft.state == State.SUBMITTED
    assert birth_draft.answers["born_at_facility"] is True
    assert birth_draft.answers["copies"] == 2
    assert birth_draft.answers["place_of_birth"] == {
        "province": "01",
        "commune": "00070",
        "street": "",
    }
    assert [p["role"] for p in birth_draft.answers["parents"]] == ["mother", "father"]
    assert birth_draft.result_delivery == "post"
    assert birth_draft.result_address == "Số 12 đường Lê Lợi, Hà Nội"


def test_the_workflow_refuses_a_submission_with_the_form_incomplete(
    citizen, birth_draft
):
    """The condition guards every path (API, services), not only the page."""
    for index in range(3):
        services.dossier_attach_paper(
            dossier=birth_draft, actor=citizen, paper_index=index, upload=upload()
        )
    with pytest.raises(TransitionRefused, match="application form"):
        services.dossier_submit(dossier=birth_draft, actor=citizen)


def test_delivery_by_post_needs_an_address_and_an_offered_way(citizen, birth_draft):
    with pytest.raises(ValidationError):
        services.dossier_save_answers(
            dossier=birth_draft, actor=citizen, delivery=("post", " ")
        )
    # Birth registration has partial online service: no electronic result.
    with pytest.raises(ValidationError):
        services.dossier_save_answers(
            dossier=birth_draft, actor=citizen, delivery=("online", "")
        )


def test_editing_the_definition_after_filing_changes_nothing_filed(
    client, citizen, birth_draft
):
    """The dossier keeps the form it was filed with, and its answers print with
    the labels it was filed under."""
    client.force_login(citizen)
    client.post(
        reverse("dossiers:draft", args=[birth_draft.pk]),
        {**details(), **papers(), **answers(), "submit": "1"},
    )
    birth_draft.refresh_from_db()
    filed = birth_draft.form_definition
    procedure = Procedure.objects.get(code=BIRTH)
    changed = {"fields": [dict(f) for f in procedure.form_definition["fields"]]}
    changed["fields"][4]["label"] = {"vi": "Tên mới của trẻ"}
    changed["fields"].append(
        {"name": "extra", "type": "text", "label": {"vi": "Mới"}, "required": True}
    )
    procedure.form_definition = changed
    procedure.full_clean()
    procedure.save()
    birth_draft.refresh_from_db()
    assert birth_draft.form_definition == filed
    assert birth_draft.missing_answers() == {}
    staff = client
    staff.force_login(demo_user("clerk"))
    page = staff.get(reverse("workspace:dossier_detail", args=[birth_draft.pk]))
    html = page.content.decode()
    assert "Trần Minh An" in html
    assert "Tên mới của trẻ" not in html


def test_staff_see_the_answers_and_print_the_declaration(client, citizen, birth_draft):
    """The clerk reads the answers on the dossier page and prints them as the
    declaration, with the dossier code and the tracking QR, as a page and a PDF."""
    client.force_login(citizen)
    client.post(
        reverse("dossiers:draft", args=[birth_draft.pk]),
        {**details(), **papers(), **answers(), "submit": "1"},
    )
    birth_draft.refresh_from_db()
    client.force_login(demo_user("clerk"))
    page = client.get(reverse("workspace:dossier_detail", args=[birth_draft.pk]))
    html = page.content.decode()
    assert "Trần Văn Bình" in html
    assert "Phường Hoàn Kiếm, Thành phố Hà Nội" in html
    url = reverse("workspace:print_declaration", args=[birth_draft.pk])
    printed = client.get(url)
    text = printed.content.decode()
    assert "Tờ khai đăng ký khai sinh" in text
    assert birth_draft.code in text
    assert "<svg" in text
    assert "Trần Minh An" in text
    pdf = client.get(url, {"format": "pdf"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_applicant_cannot_print_a_declaration(client, birth_draft):
    client.force_login(demo_user("citizen"))
    url = reverse("workspace:print_declaration", args=[birth_draft.pk])
    assert client.get(url).status_code == 403


def counter_data(procedure, **extra):
    data = {
        "procedure": procedure.code,
        "name": "Trần Thị Bích",
        "id_number": "001190012345",
        "phone": "0912000111",
        "channel": "counter",
        "intent": "receive",
    }
    for index in range(procedure.papers.count()):
        if index < 3:
            data[f"paper-{index}-received"] = "on"
        data[f"paper-{index}-originals"] = "1"
        data[f"paper-{index}-certified_copies"] = "0"
        data[f"paper-{index}-copies"] = "0"
    return {**data, **extra}


def test_the_counter_types_the_same_form(client, demo, media):
    """A walk-in's dossier carries the same answers as one filed online, and a
    wrong answer stops the intake with the reason."""
    procedure = Procedure.objects.get(code=BIRTH)
    client.force_login(demo_user("clerk"))
    url = reverse("workspace:intake") + f"?procedure={BIRTH}"
    page = client.get(url)
    assert 'name="f-child_name"' in page.content.decode()
    refused = client.post(
        url, counter_data(procedure, **answers(**{"f-child_sex": "x"}))
    )
    assert refused.status_code == 400
    assert "f-child_sex" in refused.context["form"].answers.errors
    response = client.post(
        url,
        counter_data(procedure, **answers(), **{"delivery-result_delivery": "counter"}),
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Trần Thị Bích")
    assert dossier.answers["child_name"] == "Trần Minh An"
    assert dossier.result_delivery == "counter"
    assert dossier.state == State.RECEIVED


def test_communes_of_a_province_for_the_address_field(client):
    data = client.get(reverse("dossiers:communes"), {"province": "01"}).json()
    assert ["00070", "Phường Hoàn Kiếm"] in data["communes"]
    assert client.get(reverse("dossiers:communes")).json() == {"communes": []}


def test_the_return_step_offers_the_way_the_applicant_asked(citizen, birth_draft):
    """The clerk's return form starts on the applicant's choice and shows it."""
    from dossiers.action_forms import ReturnForm

    services.dossier_save_answers(
        dossier=birth_draft, actor=citizen, delivery=("post", "Số 5 Trần Phú")
    )
    birth_draft.refresh_from_db()
    form = ReturnForm(dossier=birth_draft)
    assert form["channel"].value() == "post"
    assert "Số 5 Trần Phú" in str(form.fields["channel"].help_text)


def test_the_applicant_downloads_their_declaration_and_no_one_elses(
    client, citizen, birth_draft
):
    """The citizen's own dossier page offers the declaration as a PDF; another
    applicant gets 404 for the same address."""
    client.force_login(citizen)
    client.post(
        reverse("dossiers:draft", args=[birth_draft.pk]),
        {**details(), **papers(), **answers(), "submit": "1"},
    )
    url = reverse("dossiers:declaration_pdf", args=[birth_draft.pk])
    assert url in client.get(birth_draft.get_absolute_url()).content.decode()
    pdf = client.get(url)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    client.force_login(UserFactory(username="other", role="applicant"))
    assert client.get(url).status_code == 404
