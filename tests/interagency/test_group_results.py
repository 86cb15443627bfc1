"""A group's result passed into the dossier that needs it, whose clock starts only
then (dossiers/services/group_results.py, docs/interagency.md)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dossiers import deadlines, services
from dossiers.control_sheet import control_sheet
from dossiers.models import AttachmentKind, Dossier, State
from dossiers.selectors import control_sheet_steps
from tests.factories import demo_user, pdf
from workcalendar.calendar import calendar_for

from .scenario import at
from .test_groups import RECEIVED, file_group, group  # noqa: F401 (fixture)

APPROVED = at("2026-12-03 10:00")


def birth_result(birth: Dossier, *, files=True) -> None:
    services.dossier_transfer(dossier=birth, actor=demo_user("clerk"))
    services.dossier_forward(
        dossier=Dossier.objects.get(pk=birth.pk), actor=demo_user("officer")
    )
    services.dossier_approve(
        dossier=Dossier.objects.get(pk=birth.pk),
        actor=demo_user("leader"),
        result_files=[pdf("trich-luc-khai-sinh.pdf")] if files else [],
        at=APPROVED,
    )


@pytest.mark.django_db
def test_a_dependent_child_waits_with_no_due_date(group):  # noqa: F811
    """The residence registration needs the birth certificate: until it is ready
    its clock has not started, so it is never counted overdue; the birth
    registration's clock runs from receipt."""
    filing = file_group(group)
    birth, residence, card = (c.dossier for c in filing.children.all())
    assert birth.due_at is not None and not birth.awaits_linked_result
    for child in (residence, card):
        child = Dossier.objects.get(pk=child.pk)
        assert child.awaits_linked_result
        assert child.due_at is None and child.current_due_at is None
    overdue = Dossier.objects.filter(current_due_at__lt=at("2027-06-01 00:00"))
    assert set(overdue) == {birth}


@pytest.mark.django_db
def test_the_result_becomes_a_paper_of_the_next_child_and_starts_its_clock(
    group,  # noqa: F811
    client,
):
    filing = file_group(group)
    birth, residence, card = (c.dossier for c in filing.children.all())
    birth_result(birth)

    residence = Dossier.objects.get(pk=residence.pk)
    # The result file, attached to the residence dossier as a paper from the birth
    # registration's dossier.
    (paper,) = residence.attachments.all()
    assert paper.kind == AttachmentKind.PAPER
    assert paper.source_dossier_id == birth.pk
    assert paper.original_name == "trich-luc-khai-sinh.pdf"
    assert paper.file.read() == b"%PDF-1.4\n%test\n"
    # Its clock starts when the result arrives: its share of the group's time
    # from that moment, within the group's appointment (test_group_rules.py).
    expected = deadlines.group_share_due(
        APPROVED,
        Decimal(1),
        deadlines.ProcessingTime.from_snapshot(
            residence.procedure_snapshot["processing_time"]
        ),
        calendar_for(APPROVED),
        filing.due_at,
    )
    assert residence.clock_started_at == APPROVED
    assert residence.due_at == residence.current_due_at == expected
    assert not residence.awaits_linked_result
    # Logged: the transition log (who, when, which result) and Form 06.
    log = residence.transitions.get(transition="linked_result")
    assert log.actor == demo_user("leader") and log.created_at == APPROVED
    assert birth.code in log.note and "trich-luc-khai-sinh.pdf" in log.note
    sheet = control_sheet(
        residence, list(residence.transitions.all()), control_sheet_steps(residence)
    )
    assert any(birth.code in line.note for line in sheet.lines)
    # The card waits for the residence result, not the birth one: no change.
    card = Dossier.objects.get(pk=card.pk)
    assert card.awaits_linked_result and not card.attachments.exists()

    # The transfer shares the route from the clock's start: the last step is due
    # with the dossier.
    services.dossier_transfer(dossier=residence, actor=demo_user("clerk"))
    last = Dossier.objects.get(pk=residence.pk).steps.order_by("position").last()
    assert last.due_at == expected

    # The staff page of the residence dossier lists it, with where it came from.
    client.force_login(demo_user("clerk"))
    page = client.get(reverse("workspace:dossier_detail", args=[residence.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "trich-luc-khai-sinh.pdf" in body and birth.code in body


@pytest.mark.django_db
def test_a_paper_result_starts_the_clock_without_a_file(group):  # noqa: F811
    filing = file_group(group)
    birth, residence, _card = (c.dossier for c in filing.children.all())
    birth_result(birth, files=False)
    residence = Dossier.objects.get(pk=residence.pk)
    assert residence.clock_started_at == APPROVED
    assert residence.current_due_at is not None
    assert not residence.attachments.exists()
    assert residence.state == State.RECEIVED


@pytest.mark.django_db
def test_a_child_received_after_the_result_starts_its_clock_at_receipt(group):  # noqa: F811
    """A child received later (filed online, the desk receiving it once the
    result it needs is ready) counts from its receipt; received before, it waits."""
    filing = file_group(group)
    birth, residence, _card = (c.dossier for c in filing.children.all())
    later, due = at("2026-12-04 09:00"), at("2026-12-08 09:00")
    waiting = Dossier.objects.get(pk=residence.pk)
    waiting._start_clock(code=waiting.code, at=later, due=due)
    assert waiting.due_at is None and waiting.clock_started_at is None
    birth_result(birth)
    received = Dossier.objects.get(pk=residence.pk)
    received.clock_started_at = None  # as if it had not been received yet
    received._start_clock(code=received.code, at=later, due=due)
    assert received.clock_started_at == later
    assert received.due_at == received.current_due_at == due


@pytest.mark.django_db
def test_form_01_of_a_waiting_child_says_when_its_time_starts(group, client):  # noqa: F811
    filing = file_group(group)
    _birth, residence, _card = (c.dossier for c in filing.children.all())
    client.force_login(demo_user("clerk"))
    page = client.get(
        reverse("workspace:print_form", args=[residence.pk, "01"])
    ).content.decode()
    assert "tính từ khi có kết quả của hồ sơ liên thông cùng nhóm" in page
