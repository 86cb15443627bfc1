"""Filing for an organisation: the tax code's check, the procedure's flag (refused
where it is not allowed), the citizen's and the counter's forms, and where it
shows: the dossier pages, Forms 01 and 06, the declaration and the API."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, OrganisationDetails, State
from procedures.catalogue_io import (
    CatalogueImportError,
    export_catalogue,
    import_catalogue,
)
from procedures.eforms import clean_tax_code, definition_errors
from procedures.models import Procedure
from tests.factories import UserFactory, demo_user, pdf

pytestmark = pytest.mark.django_db

CIVIL_COPY = "2.000635"  # copies of civil status extracts: online; organisations too
CERTIFIED_COPY = "2.000815"  # certified copies: at the counter; organisations too
BIRTH = "1.001193"  # birth registration: individuals only

COMPANY = OrganisationDetails(
    name="Công ty TNHH Thương mại Sơn Hà",
    tax_code="0100109106",
    address="Số 8 đường Trần Phú, phường Đông Sơn",
    representative="Lê Văn Minh",
    representative_title="Giám đốc",
)


def org_post(**overrides):
    """The organisation's part of the filing form, as the browser posts it."""
    return {
        "org-filing_for": "organisation",
        "org-organisation_name": COMPANY.name,
        "org-organisation_tax_code": " 0100109106 ",
        "org-organisation_address": COMPANY.address,
        "org-organisation_representative": COMPANY.representative,
        "org-organisation_representative_title": COMPANY.representative_title,
        **overrides,
    }


def applicant_post(**overrides):
    return {
        "name": "Nguyễn Văn An",
        "id_number": "036095001234",
        "phone": "0912345678",
        "email": "an@example.vn",
        "address": "Số 12 đường Lê Lợi",
        **overrides,
    }


# --- the tax code ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("0100109106", "0100109106"),  # Viettel
        ("0300588569", "0300588569"),  # Vinamilk
        ("0101248141", "0101248141"),  # FPT
        (" 0101248141-001 ", "0101248141-001"),  # a branch
        ("0312345673", "0312345673"),  # the example the message gives
    ],
)
def test_a_tax_code_of_ten_digits_or_a_branchs_thirteen_is_kept(typed, kept):
    assert clean_tax_code(typed) == kept


@pytest.mark.parametrize(
    "typed", ["", "12345", "01001091061", "0100109106-01", "0100109106_001", "abc"]
)
def test_a_tax_code_of_another_shape_is_refused_with_the_format(typed):
    with pytest.raises(ValueError, match="10 digits"):
        clean_tax_code(typed)


@pytest.mark.parametrize("typed", ["0100109107", "0100190106", "0312345678-001"])
def test_a_tax_code_with_a_typing_error_fails_its_check_digit(typed):
    with pytest.raises(ValueError, match="typing error"):
        clean_tax_code(typed)


# --- the procedure's flag ----------------------------------------------------------


@pytest.fixture
def citizen(demo):
    return demo_user("citizen")


@pytest.fixture
def copy_draft(citizen, media):
    return services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=CIVIL_COPY)
    )


def desk_clerk(dossier):
    """A clerk of the desk that receives ``dossier`` (a provincial one)."""
    return UserFactory(
        username="desk-clerk", role="clerk", agency=dossier.receiving_desk
    )


def submit(dossier, citizen):
    """Attach a scan of each mandatory paper and submit: staff see it then."""
    for paper in dossier.papers:
        if paper["mandatory"]:
            services.dossier_attach_paper(
                dossier=dossier, actor=citizen, paper_index=paper["index"], upload=pdf()
            )
    services.dossier_submit(dossier=dossier, actor=citizen)
    dossier.refresh_from_db()


def test_the_flag_is_part_of_the_snapshot(citizen, media):
    """A dossier keeps the procedure's flag as filed: a later change of the
    catalogue does not open or close filing for an organisation on it."""
    procedure = Procedure.objects.get(code=CIVIL_COPY)
    dossier = services.dossier_create_draft(applicant=citizen, procedure=procedure)
    assert dossier.procedure_snapshot["organisation_filing"] is True
    procedure.organisation_filing = False
    procedure.save()
    services.dossier_save_answers(dossier=dossier, actor=citizen, organisation=COMPANY)
    dossier.refresh_from_db()
    assert dossier.organisation == COMPANY


def test_a_procedure_for_individuals_refuses_an_organisation(citizen, media):
    draft = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    assert draft.procedure_snapshot["organisation_filing"] is False
    with pytest.raises(ValidationError) as refused:
        services.dossier_save_answers(
            dossier=draft, actor=citizen, organisation=COMPANY
        )
    assert "individuals only" in str(refused.value.message_dict["organisation"])
    # Filing for oneself is always allowed.
    services.dossier_save_answers(
        dossier=draft, actor=citizen, organisation=OrganisationDetails()
    )
    draft.refresh_from_db()
    assert draft.organisation is None


def test_the_counter_is_refused_an_organisation_where_not_allowed(demo, media):
    procedure = Procedure.objects.get(code=BIRTH)
    with pytest.raises(ValidationError, match="individuals only"):
        services.dossier_intake_at_counter(
            clerk=demo_user("clerk"),
            procedure=procedure,
            details=services.ApplicantDetails(name="Trần Thị Bích"),
            received=[],
            receive=False,
            organisation=COMPANY,
        )
    assert not Dossier.objects.filter(applicant_name="Trần Thị Bích").exists()


def test_the_service_checks_what_the_form_would(citizen, copy_draft):
    """Every missing detail and a wrong tax code, refused together by field."""
    with pytest.raises(ValidationError) as refused:
        services.dossier_save_answers(
            dossier=copy_draft,
            actor=citizen,
            organisation=OrganisationDetails(name="Công ty X", tax_code="0100109107"),
        )
    errors = refused.value.message_dict
    assert set(errors) == {"tax_code", "address", "representative"}
    assert "typing error" in errors["tax_code"][0]


# --- the citizen's filing page -----------------------------------------------------


def test_the_draft_asks_for_whom_only_where_allowed(client, citizen, copy_draft):
    client.force_login(citizen)
    page = client.get(reverse("dossiers:draft", args=[copy_draft.pk])).content.decode()
    assert 'name="org-filing_for"' in page
    assert 'name="org-organisation_tax_code"' in page
    birth = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    url = reverse("dossiers:draft", args=[birth.pk])
    assert 'name="org-filing_for"' not in client.get(url).content.decode()
    # A forged post for a procedure that does not ask is ignored.
    client.post(url, {**applicant_post(), **org_post(), "save": "1"})
    birth.refresh_from_db()
    assert birth.organisation is None and birth.organisation_name == ""


def test_the_citizen_files_for_an_organisation(client, citizen, copy_draft):
    """A wrong tax code and a missing representative are named in the summary;
    corrected, the organisation is saved with the draft and shown on its page."""
    client.force_login(citizen)
    url = reverse("dossiers:draft", args=[copy_draft.pk])
    refused = client.post(
        url,
        {
            **applicant_post(),
            **org_post(
                **{
                    "org-organisation_tax_code": "0100109107",
                    "org-organisation_representative": "",
                }
            ),
            "save": "1",
        },
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    # The page speaks Vietnamese: the summary names both problems.
    assert "Mã số thuế không hợp lệ" in html
    assert "Nhập họ tên người đại diện của tổ chức." in html
    copy_draft.refresh_from_db()
    assert copy_draft.organisation is None
    saved = client.post(url, {**applicant_post(), **org_post(), "save": "1"})
    assert saved.status_code == 302
    copy_draft.refresh_from_db()
    assert copy_draft.organisation == COMPANY
    page = client.get(url)
    assert page.context["organisation_form"]["filing_for"].value() == "organisation"
    assert COMPANY.name in page.content.decode()
    # Back to filing for oneself: the organisation is cleared.
    client.post(url, {**applicant_post(), "org-filing_for": "self", "save": "1"})
    copy_draft.refresh_from_db()
    assert copy_draft.organisation is None


def test_the_organisation_shows_to_the_applicant_staff_and_the_api(
    client, citizen, copy_draft
):
    services.dossier_save_answers(
        dossier=copy_draft, actor=citizen, organisation=COMPANY
    )
    submit(copy_draft, citizen)
    client.force_login(citizen)
    mine = client.get(copy_draft.get_absolute_url()).content.decode()
    assert 'data-testid="filed-for"' in mine
    assert COMPANY.name in mine and "0100109106" in mine
    assert "Lê Văn Minh – Giám đốc" in mine
    body = client.get(f"/api/v1/me/dossiers/{copy_draft.pk}/").json()
    assert body["organisation"] == {
        "name": COMPANY.name,
        "tax_code": "0100109106",
        "address": COMPANY.address,
        "representative": "Lê Văn Minh",
        "representative_title": "Giám đốc",
    }
    client.force_login(desk_clerk(copy_draft))
    staff = client.get(reverse("workspace:dossier_detail", args=[copy_draft.pk]))
    assert COMPANY.name in staff.content.decode()


def test_the_api_says_null_for_oneself(client, citizen, media):
    draft = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    client.force_login(citizen)
    assert client.get(f"/api/v1/me/dossiers/{draft.pk}/").json()["organisation"] is None


# --- the counter, Forms 01 and 06 --------------------------------------------------


def counter_data(procedure, **extra):
    data = {
        "procedure": procedure.code,
        **applicant_post(name="Trần Thị Bích", id_number="001190012345"),
        "channel": "counter",
        "intent": "receive",
    }
    for index in range(procedure.papers.count()):
        data[f"paper-{index}-received"] = "on"
        data[f"paper-{index}-originals"] = "1"
        data[f"paper-{index}-certified_copies"] = "0"
        data[f"paper-{index}-copies"] = "0"
    return {**data, **extra}


def test_the_counter_receives_for_an_organisation_and_forms_01_and_06_say_so(
    client, demo, media
):
    procedure = Procedure.objects.get(code=CERTIFIED_COPY)
    clerk = demo_user("clerk")
    client.force_login(clerk)
    url = reverse("workspace:intake") + f"?procedure={CERTIFIED_COPY}"
    page = client.get(url).content.decode()
    assert 'name="org-filing_for"' in page
    refused = client.post(
        url,
        counter_data(procedure, **org_post(**{"org-organisation_tax_code": "123"})),
    )
    assert refused.status_code == 400
    assert "Mã số thuế gồm 10 chữ số" in refused.content.decode()
    response = client.post(url, counter_data(procedure, **org_post()))
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Trần Thị Bích")
    assert dossier.state == State.RECEIVED
    assert dossier.organisation == COMPANY

    form_01 = client.get(
        reverse("workspace:print_form", args=[dossier.pk, "01"])
    ).content.decode()
    assert (
        "đã tiếp nhận hồ sơ của: <strong>Công ty TNHH Thương mại Sơn Hà</strong>"
        " · Mã số thuế: 0100109106"
    ) in form_01
    assert (
        "Địa chỉ trụ sở: Số 8 đường Trần Phú, phường Đông Sơn"
        " · Người đại diện: Lê Văn Minh (Giám đốc)"
    ) in form_01
    assert "Người nộp hồ sơ: <strong>Trần Thị Bích</strong>" in form_01
    # The slip still fits its one A5 page with the organisation's lines.
    from weasyprint import HTML

    assert len(HTML(string=form_01).render().pages) == 1
    services.dossier_transfer(dossier=dossier, actor=clerk)
    form_06 = client.get(
        reverse("workspace:print_form", args=[dossier.pk, "06"])
    ).content.decode()
    assert (
        "Tổ chức: Công ty TNHH Thương mại Sơn Hà (mã số thuế: 0100109106)"
        " · Người đại diện: Lê Văn Minh (Giám đốc)"
    ) in form_06
    assert "Người nộp: Trần Thị Bích" in form_06


def test_forms_01_and_06_of_an_individual_name_no_organisation(client, demo, media):
    procedure = Procedure.objects.get(code=CERTIFIED_COPY)
    clerk = demo_user("clerk")
    client.force_login(clerk)
    url = reverse("workspace:intake") + f"?procedure={CERTIFIED_COPY}"
    client.post(url, counter_data(procedure, **{"org-filing_for": "self"}))
    dossier = Dossier.objects.get(applicant_name="Trần Thị Bích")
    assert dossier.organisation is None
    form_01 = client.get(
        reverse("workspace:print_form", args=[dossier.pk, "01"])
    ).content.decode()
    assert "đã tiếp nhận hồ sơ của: <strong>Trần Thị Bích</strong>" in form_01
    assert "Mã số thuế" not in form_01
    services.dossier_transfer(dossier=dossier, actor=clerk)
    form_06 = client.get(
        reverse("workspace:print_form", args=[dossier.pk, "06"])
    ).content.decode()
    assert "Tổ chức:" not in form_06


def test_the_declaration_names_the_organisation(client, citizen, copy_draft):
    services.dossier_save_answers(
        dossier=copy_draft, actor=citizen, organisation=COMPANY
    )
    submit(copy_draft, citizen)
    client.force_login(desk_clerk(copy_draft))
    html = client.get(
        reverse("workspace:print_declaration", args=[copy_draft.pk])
    ).content.decode()
    assert "Tổ chức đề nghị: <strong>Công ty TNHH Thương mại Sơn Hà</strong>" in html
    assert "Người đại diện: Lê Văn Minh (Giám đốc)" in html


# --- the admin and the catalogue file ----------------------------------------------


def test_the_admin_edits_the_flag(client, demo):
    client.force_login(demo_user("admin"))
    procedure = Procedure.objects.get(code=BIRTH)
    page = client.get(reverse("admin:procedures_procedure_change", args=[procedure.pk]))
    assert page.status_code == 200
    assert 'name="organisation_filing"' in page.content.decode()


def test_the_catalogue_file_carries_the_flag_and_the_form(demo):
    document = json.loads(export_catalogue())
    by_code = {p["code"]: p for p in document["procedures"]}
    assert by_code[CIVIL_COPY]["organisation_filing"] is True
    assert by_code[BIRTH]["organisation_filing"] is False
    assert by_code[BIRTH]["form"]["declaration_paper"] == 0
    # Round trip: the flag and the form come back from the file.
    Procedure.objects.filter(code=CIVIL_COPY).update(organisation_filing=False)
    Procedure.objects.filter(code=BIRTH).update(form_definition={})
    import_catalogue(document)
    assert Procedure.objects.get(code=CIVIL_COPY).organisation_filing is True
    assert Procedure.objects.get(code=BIRTH).form_definition == by_code[BIRTH]["form"]


def test_a_file_without_the_keys_keeps_what_the_procedure_has(demo):
    document = json.loads(export_catalogue())
    for item in document["procedures"]:
        item.pop("organisation_filing")
        item.pop("form")
    import_catalogue(document)
    assert Procedure.objects.get(code=CIVIL_COPY).organisation_filing is True
    assert Procedure.objects.get(code=BIRTH).form_definition["declaration_paper"] == 0


def test_the_catalogue_file_refuses_a_bad_flag_or_form(demo):
    document = json.loads(export_catalogue())
    birth = next(p for p in document["procedures"] if p["code"] == BIRTH)
    birth["organisation_filing"] = "yes"
    birth["form"] = {**birth["form"], "declaration_paper": 40}
    with pytest.raises(CatalogueImportError) as refused:
        import_catalogue(document)
    text = "\n".join(refused.value.errors)
    assert "organisation_filing: must be true or false" in text
    assert "no paper number 40" in text


def test_the_definition_check_knows_the_declaration_paper():
    fields = [{"name": "a", "type": "text", "label": {"vi": "A"}}]
    assert definition_errors({"fields": fields, "declaration_paper": 0}) == []
    assert definition_errors(
        {"fields": fields, "declaration_paper": 3}, paper_count=2
    ) == ["“declaration_paper”: the procedure has no paper number 3."]
    for bad in (-1, "0", True, 1.5):
        errors = definition_errors({"fields": fields, "declaration_paper": bad})
        assert errors and "counting from 0" in errors[0]
