"""The group's rules on its children (docs/interagency.md, "The group's rules"):
the group is its own channel, papers a linked result provides are not asked, a
child whose prerequisite ends ends too, children's due dates from their share of
the group's time, no group child submitted alone through the API, and one
notice per group file and batch of changes."""

import importlib
from datetime import datetime
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dossiers import deadlines, services
from dossiers.models import (
    ApplicantDetails,
    Dossier,
    PaperReceipt,
    State,
    TransitionLog,
    TransitionNotice,
)
from notifications.models import Notification
from procedure_groups import notices as group_notices
from procedure_groups.demo_death import DEATH, FUNERAL_SUPPORT, RESIDENCE_REMOVAL
from procedure_groups.models import GroupMember, GroupNotice, ProcedureGroup
from procedure_groups.online import group_start_online, group_submit_online
from procedure_groups.services import (
    combined_papers,
    group_members,
    group_receive_at_counter,
    provided_papers,
)
from procedures.catalogue_io import import_catalogue
from procedures.models import Procedure
from tests.factories import demo_user, pdf
from workcalendar.calendar import calendar_for
from workcalendar.demo import seed_calendar

from .scenario import at
from .test_death_group import death_group  # noqa: F401 (fixture)
from .test_group_catalogue import birth_group, errors_of, exported
from .test_groups import RECEIVED, file_group, group  # noqa: F401 (fixture)

BIRTH, RESIDENCE, INSURANCE = "1.001193", "1.004222", "1.014137"


def receive_death_group(death: ProcedureGroup, **options):
    lines = combined_papers(group_members(death))
    return group_receive_at_counter(
        clerk=demo_user("clerk"),
        group=death,
        details=services.ApplicantDetails(name="Trần Văn Bình", phone="0912000222"),
        received={i: (1, 0, 0) for i, line in enumerate(lines) if line.mandatory},
        shared_answers={"deceased_name": "Trần Văn Cường"},
        at=at("2026-12-01 09:00"),
        **options,
    )


def children_of(filing) -> list[Dossier]:
    return [Dossier.objects.get(pk=c.dossier_id) for c in filing.children.all()]


def decide(dossier: Dossier, *, deny: str = "", at_time: datetime) -> None:
    """Transfer at the desk, forward to the leader, then approve (with a result
    file) or deny with ``deny`` as the reasons."""
    services.dossier_transfer(dossier=dossier, actor=demo_user("clerk"))
    services.dossier_forward(
        dossier=Dossier.objects.get(pk=dossier.pk), actor=demo_user("officer")
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    if deny:
        services.dossier_deny(
            dossier=dossier, actor=demo_user("leader"), reasons=deny, at=at_time
        )
    else:
        services.dossier_approve(
            dossier=dossier,
            actor=demo_user("leader"),
            result_files=[pdf("trich-luc.pdf")],
            at=at_time,
        )


# --- 1. the group is its own channel ---------------------------------------------


@pytest.mark.django_db
def test_the_death_group_is_received_at_the_counter_as_one(death_group):  # noqa: F811
    """The removal from residence is published online only: alone it is refused
    at the counter, as part of its group it is received there."""
    removal = Procedure.objects.get(code=RESIDENCE_REMOVAL)
    assert not removal.via_counter
    with pytest.raises(ValidationError):
        services.dossier_receive_at_counter(
            clerk=demo_user("clerk"),
            procedure=removal,
            details=services.ApplicantDetails(name="Trần Văn Bình"),
            received=[],
        )
    filing = receive_death_group(death_group)
    _death, removal_child, _support = children_of(filing)
    assert removal_child.procedure == removal
    assert removal_child.state == State.RECEIVED
    assert removal_child.channel == "counter"


@pytest.mark.django_db
def test_the_desk_receives_the_death_group_from_its_intake_page(death_group, client):  # noqa: F811
    """The demo's death group, through the desk's screen: received, then its
    Form 01; the removal's dossier is among the children."""
    lines = combined_papers(group_members(death_group))
    client.force_login(demo_user("clerk"))
    response = client.post(
        reverse("procedure_groups:intake", args=[death_group.code]),
        {
            "applicant_name": "Trần Văn Bình",
            "applicant_phone": "0912000222",
            **{
                f"paper-{i}-originals": "1"
                for i, line in enumerate(lines)
                if line.mandatory
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    filing = death_group.filings.get()
    assert response["Location"] == reverse(
        "procedure_groups:form_01", args=[filing.code]
    )
    assert {c.dossier.procedure.code for c in filing.children.all()} == {
        DEATH,
        RESIDENCE_REMOVAL,
        FUNERAL_SUPPORT,
    }


@pytest.mark.django_db
def test_a_group_not_offered_at_the_counter_is_refused_there(death_group):  # noqa: F811
    ProcedureGroup.objects.filter(pk=death_group.pk).update(via_counter=False)
    death_group.refresh_from_db()
    with pytest.raises(ValidationError, match=r"counter|quầy"):
        receive_death_group(death_group)
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_a_group_not_offered_online_is_refused_online(group):  # noqa: F811
    ProcedureGroup.objects.filter(pk=group.pk).update(via_online=False)
    group.refresh_from_db()
    with pytest.raises(ValidationError):
        group_start_online(
            applicant=demo_user("citizen"),
            group=group,
            details=ApplicantDetails(name="Nguyễn Văn An"),
        )
    assert not Dossier.objects.exists()


# --- 2. papers a linked result provides ------------------------------------------


@pytest.mark.django_db
def test_papers_a_linked_result_provides_are_not_asked(death_group, client):  # noqa: F811
    """The death extract is the removal's proof and the support's copy of the
    death certificate: the combined list does not ask for them, the intake page,
    the public list and Form 01 say who provides them, and the children do not
    miss them."""
    members = group_members(death_group)
    names = [line.name for line in combined_papers(members)]
    assert "Bản sao Giấy chứng tử hoặc Trích lục khai tử" not in names
    assert not any("xóa đăng ký thường trú" in name for name in names)
    provided = provided_papers(members)
    death_name = Procedure.objects.get(code=DEATH).display_name
    assert {(p.name[:20], p.provided_by) for p in provided} == {
        ("Giấy tờ chứng minh t", death_name),
        ("Bản sao Giấy chứng t", death_name),
    }

    client.force_login(demo_user("clerk"))
    page = client.get(reverse("procedure_groups:intake", args=[death_group.code]))
    assert page.status_code == 200
    assert 'data-testid="provided-papers"' in page.content.decode()

    filing = receive_death_group(death_group)
    _death, removal, support = children_of(filing)
    assert removal.missing_mandatory_papers() == []
    assert support.missing_mandatory_papers() == []
    [copy_paper] = [p for p in support.papers if p.get("provided_by")]
    assert copy_paper["provided_by"] == {"code": DEATH, "name": death_name}

    form = client.get(reverse("procedure_groups:form_01", args=[filing.code]))
    body = form.content.decode()
    assert "Bản sao Giấy chứng tử hoặc Trích lục khai tử" in body
    assert f"do kết quả của “{death_name}” cung cấp" in body
    public = Client().get(reverse("procedure_groups:list")).content.decode()
    assert 'data-testid="provided-papers"' in public


@pytest.mark.django_db
def test_the_provided_paper_is_attached_when_the_result_arrives(death_group):  # noqa: F811
    filing = receive_death_group(death_group)
    death, _removal, support = children_of(filing)
    decide(death, at_time=at("2026-12-01 14:00"))
    support = Dossier.objects.get(pk=support.pk)
    [index] = [p["index"] for p in support.papers if p.get("provided_by")]
    (file,) = support.attachments.all()
    assert file.paper_index == index and file.source_dossier_id == death.pk
    receipt = PaperReceipt.objects.get(dossier=support, paper_index=index)
    assert receipt.electronic and receipt.copies == 1
    assert receipt.received_by == demo_user("leader")


@pytest.mark.django_db
def test_a_paper_can_be_provided_only_by_a_result_it_needs(death_group):  # noqa: F811
    """The support needs the death extract, not the removal's result."""
    GroupMember.objects.filter(
        group=death_group, procedure__code=FUNERAL_SUPPORT
    ).update(
        provided_papers=[
            {
                "paper": "Bản sao Giấy chứng tử hoặc Trích lục khai tử",
                "by": RESIDENCE_REMOVAL,
            }
        ]
    )
    with pytest.raises(ValidationError, match=RESIDENCE_REMOVAL):
        receive_death_group(death_group)


# --- 3. a child whose prerequisite ends ------------------------------------------


@pytest.mark.django_db
def test_a_denied_prerequisite_ends_the_children_that_need_it(group):  # noqa: F811
    """The birth registration is denied: the residence registration (which needs
    it) stops, and so does the card (which needs the residence), each with the
    reason naming the prerequisite, logged, and the applicant told once."""
    filing = file_group(group)
    birth, residence, card = children_of(filing)
    decide(birth, deny="Không đủ điều kiện", at_time=at("2026-12-01 15:00"))

    residence, card = (Dossier.objects.get(pk=d.pk) for d in (residence, card))
    assert residence.state == card.state == State.STOPPED
    assert birth.code in residence.outcome_reason
    assert residence.code in card.outcome_reason
    assert residence.closed_at == at("2026-12-01 15:00")
    for dossier in (residence, card):
        log = dossier.transitions.get(transition="end_with_prerequisite")
        assert log.from_state == State.RECEIVED and log.to_state == State.STOPPED
        assert log.actor == demo_user("leader")
    # The applicant is told once for the three: one notice of the group file.
    assert not TransitionNotice.objects.filter(
        log__dossier__in=[birth, residence, card], log__transition__in=["deny"]
    ).exists()
    [notice] = GroupNotice.objects.filter(filing=filing, logs__transition="deny")
    assert sorted(notice.logs.values_list("transition", flat=True)) == [
        "deny",
        "end_with_prerequisite",
        "end_with_prerequisite",
    ]


@pytest.mark.django_db
def test_a_prerequisite_refused_at_intake_refuses_its_dependants(group):  # noqa: F811
    """Filed online and not yet received: the desk refuses the birth dossier;
    the residence and the card are refused with it."""
    citizen = demo_user("citizen")
    filing = group_start_online(
        applicant=citizen, group=group, details=ApplicantDetails(name="An")
    )
    for child in filing.children.all():
        for paper in child.dossier.papers:
            if paper.get("mandatory") and not paper.get("provided_by"):
                services.dossier_attach_paper(
                    dossier=child.dossier,
                    actor=citizen,
                    paper_index=paper["index"],
                    upload=pdf(),
                )
    group_submit_online(filing=filing, actor=citizen)
    birth, residence, card = children_of(filing)
    services.dossier_refuse(
        dossier=birth, actor=demo_user("clerk"), reasons="Giấy chứng sinh giả"
    )
    residence, card = (Dossier.objects.get(pk=d.pk) for d in (residence, card))
    assert residence.state == card.state == State.REFUSED
    assert birth.code in residence.outcome_reason


@pytest.mark.django_db
def test_nobody_can_end_a_child_whose_prerequisites_are_alive(group):  # noqa: F811
    filing = file_group(group)
    _birth, residence, _card = children_of(filing)
    reason = services.refusal_reason(
        residence, "end_with_prerequisite", demo_user("manager")
    )
    assert reason
    with pytest.raises(services.TransitionRefused):
        services.dossier_end_with_prerequisite(
            dossier=residence, actor=demo_user("manager")
        )
    assert Dossier.objects.get(pk=residence.pk).state == State.RECEIVED


# --- 4. children's due dates from their share of the group's time ----------------


def vn(text: str) -> datetime:
    return at(text)


@pytest.mark.parametrize(
    ("start", "share", "own", "appointment", "expected"),
    [
        # Tue 1 Dec 2026: a 1-day share from 09:00, within a 3-day group.
        (
            "2026-12-01 09:00",
            "1",
            (7, "working_days"),
            "2026-12-04 17:00",
            "2026-12-02 17:00",
        ),
        # Half a day of office hours (07:30-11:30) after the receipt day's close.
        (
            "2026-12-01 09:00",
            "0.5",
            (7, "working_days"),
            "2026-12-04 17:00",
            "2026-12-02 11:30",
        ),
        # The share would end after the appointment: capped by it.
        (
            "2026-12-03 10:00",
            "5",
            (7, "working_days"),
            "2026-12-04 17:00",
            "2026-12-04 17:00",
        ),
        # Its own time is shorter than the share: the law's limit holds.
        (
            "2026-12-01 09:00",
            "1",
            (1, "same_day"),
            "2026-12-04 17:00",
            "2026-12-01 17:00",
        ),
        # Started after the appointment (a prerequisite late): the share counts.
        (
            "2026-12-07 09:00",
            "1",
            (7, "working_days"),
            "2026-12-04 17:00",
            "2026-12-08 17:00",
        ),
        # No share (filed before shares): the procedure's own time.
        ("2026-12-01 09:00", None, (7, "working_days"), None, "2026-12-10 17:00"),
    ],
)
def test_group_share_due(db, start, share, own, appointment, expected):
    seed_calendar()
    due = deadlines.group_share_due(
        vn(start),
        Decimal(share) if share else None,
        deadlines.ProcessingTime(*own),
        calendar_for(vn(start)),
        vn(appointment) if appointment else None,
    )
    assert due == vn(expected)


@pytest.mark.django_db
def test_a_childs_due_date_is_its_share_within_the_group_appointment(group):  # noqa: F811
    """Received Tue 1 Dec 09:00, appointment Fri 4 Dec 17:00. The birth
    registration: same day (its own time is shorter than its share). The
    residence: its clock starts when the birth extract arrives (Thu 3 Dec
    14:00), its one-day share ends Fri 4 Dec 17:00, the appointment. The card
    waits; the birth extract arriving late (Fri 4 Dec 10:00) caps the
    residence's share at the appointment."""
    filing = file_group(group)
    birth, residence, card = children_of(filing)
    assert filing.due_at == vn("2026-12-04 17:00")
    assert birth.due_at == vn("2026-12-01 17:00")
    assert residence.due_at is None and card.due_at is None
    decide(birth, at_time=vn("2026-12-04 10:00"))
    residence = Dossier.objects.get(pk=residence.pk)
    assert residence.clock_started_at == vn("2026-12-04 10:00")
    # Its share would end Mon 7 Dec 17:00: the group's appointment holds.
    assert residence.due_at == residence.current_due_at == vn("2026-12-04 17:00")
    assert residence.procedure_snapshot["group"]["share_days"] == "1.00"


# --- 5. the API refuses a group child submitted alone ----------------------------


@pytest.mark.django_db
def test_the_api_refuses_to_submit_a_group_child_alone(group):  # noqa: F811
    citizen = demo_user("citizen")
    filing = group_start_online(
        applicant=citizen, group=group, details=ApplicantDetails(name="An")
    )
    child = filing.children.select_related("dossier").first().dossier
    api = Client()
    api.force_login(citizen)
    response = api.post(
        reverse("api:my_submit", args=[child.pk]),
        {"version": child.version},
        content_type="application/json",
    )
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "refused"
    assert "group" in body["detail"] or "nhóm" in body["detail"]
    assert Dossier.objects.get(pk=child.pk).state == State.DRAFT
    # The service refuses it too, whoever calls it; the group's flow submits it.
    with pytest.raises(services.TransitionRefused):
        services.dossier_submit(dossier=child, actor=citizen)


# --- 6. one notice per group file and batch --------------------------------------


@pytest.mark.django_db
def test_receiving_a_group_tells_the_applicant_once(
    group,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Three children received at once: one notice of the group file, naming
    each dossier, sent after commit on each channel once."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        filing = file_group(group)
    logs = TransitionLog.objects.filter(dossier__group_child__filing=filing)
    assert not TransitionNotice.objects.filter(log__in=logs).exists()
    [notice] = GroupNotice.objects.filter(filing=filing)
    assert notice.logs.count() == 3
    assert notice.recipient == demo_user("citizen")
    assert len(callbacks) >= 1

    sent = group_notices.send_group_notice(notice.pk)
    assert sent.status == "sent"
    [message] = Notification.objects.filter(key=notice.key)
    assert filing.code in message.subject
    for child in children_of(filing):
        assert child.code in message.body
    assert message.link == reverse("procedure_groups:mine", args=[filing.pk])
    # A second run sends nothing again.
    assert group_notices.send_group_notice(notice.pk) is None


@pytest.mark.django_db
def test_a_single_change_of_a_child_keeps_its_own_notice(group):  # noqa: F811
    """A supplement request for one child is told at once, in its own notice;
    its result waits in the group file's digest (test_group_notice_digest.py)."""
    filing = file_group(group)
    birth, _residence, _card = children_of(filing)
    services.dossier_transfer(dossier=birth, actor=demo_user("clerk"))
    services.dossier_request_supplement(
        dossier=Dossier.objects.get(pk=birth.pk),
        actor=demo_user("officer"),
        items=[{"paper_index": 0, "guidance": "Ký tờ khai"}],
        message="Đề nghị Ông/Bà ký tờ khai",
    )
    assert TransitionNotice.objects.filter(
        log__dossier=birth, log__transition="request_supplement"
    ).exists()
    assert GroupNotice.objects.filter(filing=filing).count() == 1  # the receipt
    services.dossier_supplement(
        dossier=Dossier.objects.get(pk=birth.pk), actor=demo_user("citizen")
    )
    services.dossier_forward(
        dossier=Dossier.objects.get(pk=birth.pk), actor=demo_user("officer")
    )
    services.dossier_approve(
        dossier=Dossier.objects.get(pk=birth.pk), actor=demo_user("leader")
    )
    assert not TransitionNotice.objects.filter(
        log__dossier=birth, log__transition="approve"
    ).exists()
    digest = GroupNotice.objects.get(filing=filing, send_after__isnull=False)
    assert list(digest.logs.values_list("transition", flat=True)) == ["approve"]


# --- the catalogue file ------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalogue_file_carries_the_channels_and_provided_papers(group):  # noqa: F811
    """Exported and imported back; a provided paper from a procedure the member
    does not need is refused with its position."""
    document = exported()
    item = birth_group(document)
    assert item["via_counter"] is True and item["via_online"] is True
    residence = item["members"][1]
    assert residence["provided_papers"][0]["by"] == BIRTH
    item["via_online"] = False
    import_catalogue(document)
    assert not ProcedureGroup.objects.get(pk=group.pk).via_online
    card = birth_group(document)["members"][2]
    card["provided_papers"] = [{"paper": "Tờ khai", "by": BIRTH}]
    errors = errors_of(document)
    assert any(
        "members[2].provided_papers[0].by" in error and BIRTH in error
        for error in errors
    ), errors


@pytest.mark.django_db
def test_drafts_started_before_the_rule_are_marked_as_group_children(group):  # noqa: F811
    """The migration marks an online group draft without the marker, so it is
    submitted only with its group."""
    migration = importlib.import_module("procedure_groups.migrations.0004_group_rules")
    filing = group_start_online(
        applicant=demo_user("citizen"), group=group, details=ApplicantDetails(name="An")
    )
    child = filing.children.first().dossier
    snapshot = dict(child.procedure_snapshot)
    del snapshot["group"]
    Dossier.objects.filter(pk=child.pk).update(procedure_snapshot=snapshot)
    migration.mark_group_drafts(django_apps, None)
    marked = Dossier.objects.get(pk=child.pk).procedure_snapshot["group"]
    assert marked == {"code": None, "filing": filing.pk}


@pytest.mark.django_db
def test_the_online_form_and_the_staff_page_name_the_provided_paper(group, client):  # noqa: F811
    """The citizen's combined application lists the residence's proof of kinship
    as provided by the birth extract (no file input for it); the desk's page of
    the residence dossier marks it too."""
    citizen = demo_user("citizen")
    filing = group_start_online(
        applicant=citizen, group=group, details=ApplicantDetails(name="An")
    )
    client.force_login(citizen)
    page = client.get(reverse("procedure_groups:draft", args=[filing.pk]))
    body = page.content.decode()
    assert 'data-testid="provided-papers"' in body
    assert body.count("Giấy tờ chứng minh quan hệ nhân thân") == 1

    received = file_group(group)
    _birth, residence, _card = children_of(received)
    staff_client = Client()
    staff_client.force_login(demo_user("clerk"))
    detail = staff_client.get(reverse("workspace:dossier_detail", args=[residence.pk]))
    assert 'data-testid="provided-paper"' in detail.content.decode()
