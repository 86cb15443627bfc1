"""A citizen files the demo birth group online: one combined application, each
paper uploaded once, a draft kept, then one parent file with one code, PIN and
appointment and a child dossier per procedure submitted to the desk; the
citizen's "My dossiers" shows the group as one entry (docs/interagency.md)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dossiers.models import ApplicantDetails, Attachment, Dossier, State
from dossiers.queues import queue_counts
from dossiers.selectors import due_windows
from dossiers.services import TransitionRefused
from portal.demo import DEMO_PASSWORD, seed_accounts, seed_agencies
from procedure_groups import rules
from procedure_groups.demo import seed_groups
from procedure_groups.models import GroupFiling, ProcedureGroup
from procedure_groups.online import (
    group_save_online,
    group_start_online,
    group_submit_online,
    missing_lines,
    online_lines,
)
from procedure_groups.selectors import applicant_group_filings
from procedure_groups.services import filing_status
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from tests.factories import UserFactory, demo_user, pdf
from workcalendar.demo import seed_calendar

BIRTH, RESIDENCE, INSURANCE = "1.001193", "1.004222", "1.014137"


@pytest.fixture
def group(db, settings, tmp_path) -> ProcedureGroup:
    settings.MEDIA_ROOT = tmp_path
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p for p in catalogue["procedures"] if p["code"] in {BIRTH, RESIDENCE, INSURANCE}
    ]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )
    return seed_groups()


@pytest.fixture
def citizen(group):
    return demo_user("citizen")


def details(citizen) -> ApplicantDetails:
    return ApplicantDetails(
        name="Nguyễn Văn An",
        id_number="001090012345",
        phone="0912345678",
        email="an@example.vn",
        address="Đông Sơn",
    )


def every_mandatory_paper(filing):
    return [
        (line.index, pdf()) for line in online_lines(filing) if line.paper.mandatory
    ]


def test_a_draft_has_a_child_per_procedure_and_no_code(group, citizen):
    """Starting online writes a draft parent without a code and a draft child per
    procedure, all at one receiving desk."""
    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    children = list(filing.children.select_related("dossier__procedure"))
    assert filing.is_draft and filing.code is None and filing.channel == "online"
    assert [c.dossier.procedure.code for c in children] == [BIRTH, RESIDENCE, INSURANCE]
    assert {c.dossier.state for c in children} == {State.DRAFT}
    assert {c.dossier.receiving_desk_id for c in children} == {filing.receiving_desk_id}


def test_each_paper_is_uploaded_once_and_stored_on_every_child_asking_for_it(
    group, citizen
):
    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    lines = online_lines(filing)
    shared = next((line for line in lines if len(line.paper.uses) > 1), None)
    target = shared or lines[0]
    saved = group_save_online(
        filing=filing,
        actor=citizen,
        details=None,
        answers=None,
        uploads=[(target.index, pdf("paper.pdf"))],
    )
    assert saved.stored == len(target.paper.uses)
    assert Attachment.objects.filter(dossier__group_child__filing=filing).count() == (
        len(target.paper.uses)
    )
    assert next(x for x in online_lines(filing) if x.index == target.index).files


def test_submitting_files_the_group_once(group, citizen):
    """One code, PIN and appointment for the parent; every child submitted to the
    desk with its own code, chained to the results it needs; all in one go."""
    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    saved = group_save_online(
        filing=filing,
        actor=citizen,
        details=details(citizen),
        answers={"child_name": "Nguyễn Minh Khang", "mother_name": "Trần Thị Hoa"},
        uploads=every_mandatory_paper(filing),
        submit=True,
    )
    filing.refresh_from_db()
    assert saved.submitted and not saved.missing
    assert filing.code and len(filing.lookup_pin) == 6
    assert filing.received_at and filing.due_at > filing.received_at
    assert filing.received_by is None
    assert filing.answers["child_name"] == "Nguyễn Minh Khang"
    children = [c.dossier for c in filing.children.select_related("dossier__procedure")]
    assert {d.state for d in children} == {State.SUBMITTED}
    assert filing_status(filing)[0] == rules.SUBMITTED
    assert len({d.code for d in children} | {filing.code}) == 4
    # The three reach the receiving desk's queue of dossiers to check.
    clerk = demo_user("clerk")
    assert clerk.agency_id == filing.receiving_desk_id
    windows = due_windows(timezone.now())
    assert queue_counts(clerk, windows)["to_check"] == 3
    by_code = {d.procedure.code: d for d in children}
    residence = Dossier.objects.get(pk=by_code[RESIDENCE].pk)
    assert (
        residence.procedure_snapshot["group"].items()
        >= {
            "code": filing.code,
            "waits_for": [by_code[BIRTH].pk],
        }.items()
    )


def test_a_missing_mandatory_paper_is_named_and_nothing_is_submitted(group, citizen):
    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    saved = group_save_online(
        filing=filing,
        actor=citizen,
        details=None,
        answers=None,
        uploads=every_mandatory_paper(filing)[1:],
        submit=True,
    )
    filing.refresh_from_db()
    assert not saved.submitted and len(saved.missing) == 1
    assert filing.is_draft
    assert not Dossier.objects.filter(
        group_child__filing=filing, state=State.SUBMITTED
    ).exists()
    with pytest.raises(ValidationError):
        group_submit_online(filing=filing, actor=citizen)
    assert missing_lines(filing) == saved.missing


def test_an_unknown_shared_field_is_refused(group, citizen):
    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    with pytest.raises(ValidationError):
        group_save_online(
            filing=filing,
            actor=citizen,
            details=None,
            answers={"not_a_field": "x"},
            uploads=[],
        )


def test_another_citizen_cannot_touch_the_draft(group, citizen):
    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    other = UserFactory(username="other_citizen")
    with pytest.raises(TransitionRefused):
        group_submit_online(filing=filing, actor=other)


def test_a_submitted_group_cannot_be_submitted_again(group, citizen):
    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    group_save_online(
        filing=filing,
        actor=citizen,
        details=None,
        answers=None,
        uploads=every_mandatory_paper(filing),
        submit=True,
    )
    with pytest.raises(TransitionRefused):
        group_submit_online(filing=filing, actor=citizen)


def test_a_citizen_sees_only_their_own_group_files(group, citizen):
    mine = group_start_online(applicant=citizen, group=group, details=details(citizen))
    other = UserFactory(username="other_citizen")
    group_start_online(applicant=other, group=group, details=details(other))
    assert list(applicant_group_filings(citizen)) == [mine]
    assert list(applicant_group_filings(UserFactory(username="third"))) == []
    assert GroupFiling.objects.count() == 2


# --- views ------------------------------------------------------------------------


def start(client, group) -> GroupFiling:
    response = client.post(
        reverse("procedure_groups:file", args=[group.code]),
        {
            "name": "Nguyễn Văn An",
            "id_number": "001090012345",
            "phone": "0912345678",
            "email": "",
            "address": "",
        },
    )
    filing = GroupFiling.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("procedure_groups:draft", args=[filing.pk])
    return filing


def draft_post(filing, **extra):
    data = {
        "name": "Nguyễn Văn An",
        "id_number": "001090012345",
        "phone": "0912345678",
        "email": "",
        "address": "",
        "shared-child_name": "Nguyễn Minh Khang",
    }
    data.update(extra)
    return data


def test_the_list_offers_online_filing_and_the_procedure_names_its_group(client, group):
    response = client.get(reverse("procedure_groups:list"))
    assert reverse("procedure_groups:file", args=[group.code]) in response.text
    page = client.get(reverse("procedures:detail", args=[RESIDENCE]))
    assert 'data-testid="linked-group"' in page.text


def test_a_visitor_must_sign_in_to_file_a_group(client, group):
    response = client.get(reverse("procedure_groups:file", args=[group.code]))
    assert response.status_code == 302 and "login" in response.url


def test_staff_cannot_file_a_group_online(client, group):
    client.force_login(UserFactory(username="a_clerk", role="clerk"))
    response = client.get(reverse("procedure_groups:file", args=[group.code]))
    assert response.status_code == 403


def test_filing_online_through_the_views(client, group, citizen):
    """Start, a refused submission naming the missing papers with the files kept,
    then the submission: the group file's page with its code, PIN and children."""
    client.force_login(citizen)
    filing = start(client, group)
    lines = online_lines(filing)
    mandatory = [line for line in lines if line.paper.mandatory]
    first = mandatory[0]
    response = client.post(
        reverse("procedure_groups:draft", args=[filing.pk]),
        draft_post(filing, submit="1", **{f"paper-{first.index}": pdf()}),
    )
    assert response.status_code == 400
    # Every other mandatory paper is named, once, beside its input.
    assert response.text.count("invalid-feedback d-block") == len(mandatory) - 1
    assert next(x for x in online_lines(filing) if x.index == first.index).files
    filing.refresh_from_db()
    assert filing.answers["child_name"] == "Nguyễn Minh Khang"
    files = {f"paper-{line.index}": pdf() for line in mandatory[1:]}
    response = client.post(
        reverse("procedure_groups:draft", args=[filing.pk]),
        draft_post(filing, submit="1", **files),
    )
    filing.refresh_from_db()
    assert response.status_code == 302, response.text[:2000]
    assert response.url == reverse("procedure_groups:mine", args=[filing.pk])
    page = client.get(response.url)
    assert filing.code in page.text and filing.lookup_pin in page.text
    assert page.text.count('data-testid="group-child"') == 3


def test_my_dossiers_lists_the_group_once_with_its_children(
    client, group, citizen, django_assert_max_num_queries
):
    client.force_login(citizen)
    for _ in range(2):
        filing = group_start_online(
            applicant=citizen, group=group, details=details(citizen)
        )
    with django_assert_max_num_queries(25):
        response = client.get(reverse("dossiers:my_list"))
    assert response.text.count('data-testid="my-group-file"') == 2
    # The children are not listed again on their own.
    assert 'class="table align-middle my-dossiers' not in response.text
    # A child's own draft page leads to the group's combined application.
    child = filing.children.first().dossier
    response = client.get(reverse("dossiers:draft", args=[child.pk]))
    assert response.url == reverse("procedure_groups:draft", args=[filing.pk])


def test_a_citizen_cannot_open_another_citizens_group_file(client, group, citizen):
    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    client.force_login(UserFactory(username="other_citizen"))
    for name in ("procedure_groups:draft", "procedure_groups:mine"):
        assert client.get(reverse(name, args=[filing.pk])).status_code == 404


# --- one notice stream --------------------------------------------------------------


def test_the_group_submission_is_one_notice_naming_the_group_file(group, citizen):
    """Submitting the group tells the citizen once, not once per child; that
    notice, and every later notice of a child, names the group file's code."""
    from dossiers.models import TransitionNotice
    from dossiers.notices import compose

    filing = group_start_online(
        applicant=citizen, group=group, details=details(citizen)
    )
    group_save_online(
        filing=filing,
        actor=citizen,
        details=None,
        answers=None,
        uploads=every_mandatory_paper(filing),
        submit=True,
    )
    filing.refresh_from_db()
    notices = list(
        TransitionNotice.objects.filter(log__dossier__group_child__filing=filing)
    )
    assert len(notices) == 1
    message = compose(notices[0])
    assert filing.code in message.subject
    assert filing.code in message.body


# --- results collected together or one by one --------------------------------------


@pytest.mark.parametrize("together", [False, True])
def test_results_are_handed_back_one_by_one_or_together(group, together):
    """One by one (the default): the birth certificate is handed back as soon as
    it is ready. Together: its hand-back is refused, with the reason, until every
    result the group requires is ready."""
    from accounts.models import Role
    from dossiers import services
    from dossiers.services import refusal_reason

    from .test_groups import file_group, staff, take_to_result

    assert ProcedureGroup._meta.get_field("results_together").default is False
    group.results_together = together
    group.save()
    filing = file_group(group)
    birth, residence, card = (c.dossier for c in filing.children.all())
    clerk = demo_user("clerk")
    take_to_result(birth, demo_user("officer"), demo_user("leader"))
    reason = refusal_reason(Dossier.objects.get(pk=birth.pk), "return_result", clerk)
    if not together:
        assert reason is None
        return
    assert reason and "cùng lúc" in reason
    take_to_result(
        Dossier.objects.get(pk=residence.pk),
        staff("000.21.33.H99", "cu-tru", Role.OFFICER, "police_officer"),
        staff("000.21.33.H99", "cu-tru", Role.LEADER, "police_leader"),
    )
    take_to_result(
        Dossier.objects.get(pk=card.pk),
        staff("000.00.40.H99", "thu-so-the", Role.OFFICER, "bhxh_officer"),
        staff("000.00.40.H99", "lanh-dao", Role.LEADER, "bhxh_leader"),
    )
    services.dossier_return_result(
        dossier=Dossier.objects.get(pk=birth.pk),
        actor=clerk,
        channel="counter",
        collected_by="Nguyễn Thị Hoa",
        id_checked=True,
    )
    assert Dossier.objects.get(pk=birth.pk).state == State.RETURNED


def test_the_results_flag_is_edited_in_the_admin(client, group, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.vn", "x")
    )
    url = reverse("admin:procedure_groups_proceduregroup_change", args=[group.pk])
    assert 'name="results_together"' in client.get(url).text
