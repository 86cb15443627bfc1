"""The online form's answers and the organisation filed for, through the API:
checked by the portal's own service and rule (``services.dossier_save_answers``,
``procedures.eforms.clean_answers``, ``check_organisation``), errors in the API's
one shape with a path per answer, and the submission refused while a required
answer is missing."""

import pytest

from dossiers import services
from dossiers.models import AttachmentKind, Dossier, State
from procedures.demo_forms import sample_answers
from procedures.models import Procedure
from tests.citizen.conftest import MARRIAGE, upload
from tests.factories import demo_user

from .conftest import error_of

pytestmark = pytest.mark.django_db

JSON = "application/json"
BIRTH = "1.001193"
# Copies of civil status extracts: filed online, and for an organisation too.
FOR_ORGANISATIONS = "2.000635"
ORGANISATION = {
    "name": "Công ty Cổ phần Sữa Việt Nam",
    "tax_code": "0300588569",
    "address": "Số 10 Tân Trào, phường Tân Mỹ, TP. Hồ Chí Minh",
    "representative": "Mai Kiều Liên",
    "representative_title": "Tổng Giám đốc",
}


@pytest.fixture
def citizen_client(as_user, media):
    return as_user("citizen")


def create(client, **body):
    return client.post("/api/v1/me/dossiers/", body, content_type=JSON)


def patch(client, pk: int, **body):
    return client.patch(f"/api/v1/me/dossiers/{pk}/", body, content_type=JSON)


def attach_scans(client, dossier: dict) -> None:
    """A scan of every mandatory paper but the one the online form stands for."""
    form_paper = (dossier["form"] or {}).get("declaration_paper")
    for paper in dossier["papers"]:
        if paper["mandatory"] and paper["index"] != form_paper:
            response = client.post(
                f"/api/v1/me/dossiers/{dossier['id']}/papers/",
                {"paper_index": paper["index"], "file": upload("scan.pdf")},
            )
            assert response.status_code == 201, response.content


def test_the_catalogue_shows_the_form_and_whether_organisations_may_file(anon, demo):
    birth = anon.get(f"/api/v1/procedures/{BIRTH}/").json()
    names = [field["name"] for field in birth["form"]["fields"]]
    assert "child_name" in names and "parents" in names
    assert birth["organisation_filing"] is False
    copies = anon.get(f"/api/v1/procedures/{FOR_ORGANISATIONS}/").json()
    assert copies["organisation_filing"] is True
    none = anon.get("/api/v1/procedures/1.004873/").json()
    assert none["form"] == {}


def test_file_a_birth_registration_end_to_end(citizen_client, file_storage):
    """Draft with half the answers, the rest by PATCH, the scans, submit: the
    answers are kept as typed, and the declaration is attached as paper 0."""
    citizen = demo_user("citizen")
    full = sample_answers(BIRTH, name="Trần Thị Hương", id_number="038198004512")
    half = {key: full[key] for key in ("requester_name", "child_name")}
    created = create(citizen_client, procedure=BIRTH, answers=half)
    assert created.status_code == 201, created.content
    dossier = created.json()
    assert dossier["answers"] == half
    assert dossier["form"]["declaration_paper"] == 0
    assert dossier["organisation_filing"] is False
    assert dossier["organisation"] is None

    # Typed as the browser's form would send them: strings are read the same way.
    typed = {**full, "copies": "2", "born_at_facility": "yes"}
    typed["child_date_of_birth"] = "02/11/2026"
    changed = patch(citizen_client, dossier["id"], answers=typed)
    assert changed.status_code == 200, changed.content
    assert changed.json()["answers"] == full

    attach_scans(citizen_client, dossier)
    submitted = citizen_client.post(
        f"/api/v1/me/dossiers/{dossier['id']}/submit/",
        {"version": dossier["version"]},
        content_type=JSON,
    )
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["state"] == State.SUBMITTED and body["code"]
    assert body["answers"] == full
    stored = Dossier.objects.get(pk=dossier["id"])
    assert stored.applicant == citizen and stored.answers == full
    [declaration] = stored.attachments.filter(kind=AttachmentKind.PAPER, paper_index=0)
    assert declaration.content_type == "application/pdf"
    [paper0] = [p for p in body["papers"] if p["index"] == 0]
    assert [f["name"] for f in paper0["files"]] == [declaration.original_name]


def test_wrong_answers_are_422_with_their_path_and_no_draft_is_kept(citizen_client):
    before = Dossier.objects.filter(applicant__username="citizen").count()
    response = create(
        citizen_client,
        procedure=BIRTH,
        answers={
            "child_date_of_birth": "31/02/2026",
            "requester_id_number": "123",
            "parents": [{"full_name": "Trần Thị Hương", "date_of_birth": "soon"}],
        },
    )
    body = error_of(response)
    assert response.status_code == 422 and body["code"] == "invalid"
    assert set(body["fields"]) == {
        "answers.child_date_of_birth",
        "answers.requester_id_number",
        "answers.parents.0.date_of_birth",
    }
    [message] = body["fields"]["answers.requester_id_number"]
    assert "12 chữ số" in message
    assert body["detail"]
    assert Dossier.objects.filter(applicant__username="citizen").count() == before


def test_a_patch_with_a_wrong_answer_changes_nothing(citizen_client):
    dossier = create(
        citizen_client, procedure=BIRTH, answers={"child_name": "Nguyễn Minh An"}
    ).json()
    response = patch(
        citizen_client,
        dossier["id"],
        answers={"child_name": "Nguyễn Minh Anh", "copies": "many"},
    )
    assert list(error_of(response)["fields"]) == ["answers.copies"]
    assert Dossier.objects.get(pk=dossier["id"]).answers == {
        "child_name": "Nguyễn Minh An"
    }


@pytest.mark.parametrize(
    "answers", ["child_name", ["child_name"], {"child_name": "A\x00B"}]
)
def test_answers_that_are_not_an_object_of_text_are_422(citizen_client, answers):
    dossier = create(citizen_client, procedure=BIRTH).json()
    body = error_of(patch(citizen_client, dossier["id"], answers=answers))
    assert body["status"] == 422
    assert any(key.startswith("answers") for key in body["fields"])


def test_submitting_without_the_required_answers_says_which(citizen_client):
    """Plain marriage registration has the online form now: its scans alone do
    not make it complete."""
    dossier = create(citizen_client, procedure=MARRIAGE).json()
    attach_scans(citizen_client, dossier)
    response = citizen_client.post(
        f"/api/v1/me/dossiers/{dossier['id']}/submit/",
        {"version": dossier["version"]},
        content_type=JSON,
    )
    body = error_of(response)
    assert response.status_code == 403 and body["code"] == "refused"
    assert "tờ khai" in body["detail"]
    assert {"answers.bride", "answers.groom"} <= set(body["fields"])
    assert Dossier.objects.get(pk=dossier["id"]).state == State.DRAFT


def test_an_organisation_is_refused_where_the_procedure_does_not_allow_it(
    citizen_client,
):
    before = Dossier.objects.filter(applicant__username="citizen").count()
    body = error_of(create(citizen_client, procedure=BIRTH, organisation=ORGANISATION))
    assert body["status"] == 422
    assert list(body["fields"]) == ["organisation"]
    assert "cá nhân" in body["fields"]["organisation"][0]
    assert Dossier.objects.filter(applicant__username="citizen").count() == before
    # Null is for oneself, which every procedure accepts.
    assert create(citizen_client, procedure=BIRTH, organisation=None).status_code == 201


def test_file_for_an_organisation_where_allowed(citizen_client, as_user):
    created = create(
        citizen_client, procedure=FOR_ORGANISATIONS, organisation=ORGANISATION
    )
    assert created.status_code == 201, created.content
    dossier = created.json()
    assert dossier["organisation_filing"] is True
    assert dossier["organisation"] == ORGANISATION
    stored = Dossier.objects.get(pk=dossier["id"])
    assert stored.organisation_tax_code == "0300588569"

    wrong = patch(
        citizen_client,
        dossier["id"],
        organisation={**ORGANISATION, "tax_code": "0300588568", "representative": ""},
    )
    body = error_of(wrong)
    assert set(body["fields"]) == {
        "organisation.tax_code",
        "organisation.representative",
    }
    assert Dossier.objects.get(pk=dossier["id"]).organisation_representative

    # Back to filing for oneself.
    mine = patch(citizen_client, dossier["id"], organisation=None)
    assert mine.status_code == 200 and mine.json()["organisation"] is None

    patch(citizen_client, dossier["id"], organisation=ORGANISATION)
    attach_scans(citizen_client, dossier)
    submitted = citizen_client.post(
        f"/api/v1/me/dossiers/{dossier['id']}/submit/",
        {"version": dossier["version"]},
        content_type=JSON,
    )
    assert submitted.status_code == 200, submitted.content
    # The staff's details show it too, with the answers.
    staff = as_user("manager").get(f"/api/v1/staff/dossiers/{dossier['id']}/")
    assert staff.status_code == 200
    assert staff.json()["organisation"] == ORGANISATION
    assert staff.json()["answers"] == {}


def test_an_organisation_missing_a_detail_is_422_by_path(citizen_client):
    body = error_of(
        create(
            citizen_client,
            procedure=FOR_ORGANISATIONS,
            organisation={"name": "Công ty X", "tax_code": "", "address": ""},
        )
    )
    assert body["status"] == 422
    assert {"organisation.representative"} <= set(body["fields"])


def test_a_stale_version_is_409_on_patch_and_submit(citizen_client):
    dossier = create(
        citizen_client,
        procedure=BIRTH,
        answers=sample_answers(BIRTH, name="Trần Thị Hương"),
    ).json()
    attach_scans(citizen_client, dossier)
    stale = dossier["version"] + 1
    response = patch(
        citizen_client, dossier["id"], version=stale, answers={"child_name": "X"}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "stale_version"
    submit = citizen_client.post(
        f"/api/v1/me/dossiers/{dossier['id']}/submit/",
        {"version": stale},
        content_type=JSON,
    )
    assert submit.status_code == 409
    stored = Dossier.objects.get(pk=dossier["id"])
    assert stored.state == State.DRAFT and stored.answers["child_name"] != "X"
    fresh = patch(
        citizen_client,
        dossier["id"],
        version=dossier["version"],
        answers={**stored.answers, "copies": 3},
    )
    assert fresh.status_code == 200 and fresh.json()["answers"]["copies"] == 3


def test_the_answers_are_frozen_once_the_desk_has_the_dossier(citizen_client):
    dossier = create(
        citizen_client,
        procedure=BIRTH,
        answers=sample_answers(BIRTH, name="Trần Thị Hương"),
    ).json()
    attach_scans(citizen_client, dossier)
    citizen_client.post(
        f"/api/v1/me/dossiers/{dossier['id']}/submit/",
        {"version": dossier["version"]},
        content_type=JSON,
    )
    response = patch(citizen_client, dossier["id"], answers={"child_name": "X"})
    body = error_of(response)
    assert response.status_code == 403 and body["code"] == "refused"
    assert Dossier.objects.get(pk=dossier["id"]).answers["child_name"] != "X"


def test_nobody_else_patches_a_dossier(demo, media, as_user, anon, stranger):
    draft = services.dossier_create_draft(
        applicant=demo_user("citizen"), procedure=Procedure.objects.get(code=BIRTH)
    )
    url = f"/api/v1/me/dossiers/{draft.pk}/"
    body = {"answers": {"child_name": "X"}}
    other = as_user("citizen").__class__()
    other.force_login(stranger)
    assert other.patch(url, body, content_type=JSON).status_code == 404
    assert as_user("clerk").patch(url, body, content_type=JSON).status_code == 403
    assert anon.patch(url, body, content_type=JSON).status_code == 401
    draft.refresh_from_db()
    assert draft.answers == {}
