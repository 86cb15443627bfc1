"""Which reminders the scan sends, to whom and when, with the clock frozen.

December 2026 has no public holiday: Tue 1 to Fri 4 and Mon 7 to Fri 11 are
working days. A dossier received on Tue 1 Dec at 10:00 under the 3-working-day
procedure is due on Fri 4 Dec at 17:00.
"""

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import Role
from dossiers import services
from notifications.channels import KEY_HEADER
from notifications.models import Notification
from reminders.models import Kind, Reminder, Status
from reminders.scan import find_due_reminders, latest_slot
from tests.factories import UserFactory, demo_user
from workcalendar.calendar import build_calendar
from workcalendar.models import CalendarException, ExceptionKind

from .conftest import at

RECEIVED = at("2026-12-01 10:00")
DUE = date(2026, 12, 4)


def send(moment: datetime) -> str:
    """Run ``send_reminders`` with the clock stopped at ``moment``; its output."""
    out = StringIO()
    with time_machine.travel(moment, tick=False):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def sent(kind: str | None = None) -> set[tuple[str, str, date]]:
    """(kind, recipient username or name, due date) of every sent reminder."""
    reminders = Reminder.objects.filter(status=Status.SENT).select_related("recipient")
    if kind:
        reminders = reminders.filter(kind=kind)
    return {
        (
            r.kind,
            r.recipient.username if r.recipient else r.recipient_name,
            r.due_on,
        )
        for r in reminders
    }


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


# --- staff ------------------------------------------------------------------


def test_due_soon_goes_to_the_step_department_and_the_desk_clerks(
    dossiers, outbox
) -> None:
    """Two working days ahead of the due date, every officer of the step's
    department (nobody is assigned) and the clerks of the receiving desk are
    reminded, in the app and by e-mail; nobody else."""
    colleague = UserFactory(
        username="officer2",
        role=Role.OFFICER,
        agency=demo_user("officer").agency,
        department=demo_user("officer").department,
        email="officer2@onecenter.local",
    )
    dossier = dossiers.processing(RECEIVED)

    output = send(at("2026-12-02 07:00"))

    assert sent() == {
        (Kind.DUE_SOON, "officer", DUE),
        (Kind.DUE_SOON, colleague.username, DUE),
        (Kind.DUE_SOON, "clerk", DUE),
    }
    assert "due_soon: 3" in output
    assert last_line(output) == "3 reminders sent"
    assert sorted(m.to[0] for m in outbox) == [
        "clerk@onecenter.local",
        "officer2@onecenter.local",
        "officer@onecenter.local",
    ]
    assert all(dossier.code in m.subject for m in outbox)
    assert (
        Notification.objects.filter(link__endswith=f"/dossiers/{dossier.pk}/").count()
        == 3
    )


def test_an_assigned_dossier_reminds_the_assignee_not_the_whole_department(
    dossiers,
) -> None:
    """With an assignee on the current step only they (and the desk clerks) are
    reminded."""
    UserFactory(
        username="officer2",
        role=Role.OFFICER,
        agency=demo_user("officer").agency,
        department=demo_user("officer").department,
    )
    dossiers.processing(RECEIVED, assign=True)

    send(at("2026-12-02 07:00"))

    assert sent() == {(Kind.DUE_SOON, "officer", DUE), (Kind.DUE_SOON, "clerk", DUE)}


def test_due_soon_respects_the_configured_number_of_working_days(
    dossiers, settings
) -> None:
    """With REMINDER_DUE_SOON_DAYS = 1, a dossier due in two working days is not
    yet "due soon"; the next working day it is."""
    settings.REMINDER_DUE_SOON_DAYS = 1
    dossiers.processing(RECEIVED)

    assert last_line(send(at("2026-12-02 07:00"))) == "0 reminders sent"
    send(at("2026-12-03 07:00"))

    assert {(k, u) for k, u, _d in sent(Kind.DUE_SOON)} == {
        (Kind.DUE_SOON, "officer"),
        (Kind.DUE_SOON, "clerk"),
    }


def test_due_today_goes_to_the_handler_and_the_clerks(dossiers, outbox) -> None:
    """On the due day, before the due moment, "due today" goes to the step's
    officer and the desk's clerk."""
    dossier = dossiers.processing(RECEIVED)

    output = send(at("2026-12-04 07:00"))

    assert sent() == {(Kind.DUE_TODAY, "officer", DUE), (Kind.DUE_TODAY, "clerk", DUE)}
    assert "due_today: 2" in output
    assert len(outbox) == 2
    assert all(dossier.code in m.subject for m in outbox)


def test_a_dossier_at_the_desk_reminds_the_clerks(dossiers) -> None:
    """A dossier received but not yet transferred has no step: the desk's clerks
    are reminded that it is due."""
    dossiers.received(RECEIVED)

    send(at("2026-12-04 07:00"))

    assert sent() == {(Kind.DUE_TODAY, "clerk", DUE)}


def test_form_04_prompt_one_working_day_before_the_due_date(dossiers) -> None:
    """On the working day before the due date the step's officer is prompted to
    issue Form 04 (the clerk is not: only the agency can extend)."""
    dossiers.processing(RECEIVED)

    send(at("2026-12-03 07:00"))

    assert sent(Kind.FORM_04) == {(Kind.FORM_04, "officer", DUE)}


def test_form_04_prompt_at_the_leader_step_goes_to_the_leader(dossiers) -> None:
    """When the dossier waits at the leader's approval step, the leader gets the
    Form 04 prompt."""
    dossier = dossiers.processing(RECEIVED)
    with services.notifications_muted():
        services.dossier_forward(
            dossier=dossier, actor=demo_user("officer"), at=at("2026-12-02 09:00")
        )

    send(at("2026-12-03 07:00"))

    assert sent(Kind.FORM_04) == {(Kind.FORM_04, "leader", DUE)}


def test_no_form_04_prompt_once_extended(dossiers) -> None:
    """A dossier already extended (Form 04 is issued once) is not prompted again,
    and its reminders follow the new due date."""
    dossier = dossiers.processing(RECEIVED)
    with services.notifications_muted():
        services.dossier_extend(
            dossier=dossier,
            actor=demo_user("leader"),
            new_due=at("2026-12-08 17:00"),
            reason="Cần xác minh thêm tại nơi cư trú.",
            at=at("2026-12-02 09:00"),
        )

    send(at("2026-12-03 07:00"))
    send(at("2026-12-07 07:00"))

    assert not sent(Kind.FORM_04)
    assert (Kind.DUE_SOON, "officer", date(2026, 12, 8)) in sent()
    assert not Reminder.objects.filter(due_on=DUE).exists()


def test_overdue_digest_once_a_day_to_leaders_and_managers(dossiers, outbox) -> None:
    """The first scan of a working day sends one digest per leader of the
    deciding agency and per manager above it, listing every overdue dossier;
    the 13:00 scan sends none; the next working day a new digest goes out.
    Officers and clerks get no digest."""
    late = [dossiers.processing(RECEIVED), dossiers.received(RECEIVED)]
    dossiers.processing(at("2026-12-04 10:00"))  # due Wed 9 Dec: on track

    send(at("2026-12-07 07:00"))
    send(at("2026-12-07 13:00"))

    assert sent(Kind.OVERDUE_DIGEST) == {
        (Kind.OVERDUE_DIGEST, "leader", date(2026, 12, 7)),
        (Kind.OVERDUE_DIGEST, "manager", date(2026, 12, 7)),
    }
    digests = Reminder.objects.filter(kind=Kind.OVERDUE_DIGEST)
    assert all(sorted(r.digest) == sorted(d.pk for d in late) for r in digests)
    assert {r.key for r in digests} == {
        f"overdue_digest:-:2026-12-07:u{demo_user(name).pk}"
        for name in ("leader", "manager")
    }
    mails = [m for m in outbox if m.extra_headers[KEY_HEADER].startswith("overdue")]
    assert sorted(m.to[0] for m in mails) == [
        "leader@onecenter.local",
        "manager@onecenter.local",
    ]
    assert all(d.code in mails[0].body for d in late)

    send(at("2026-12-08 07:00"))

    assert Reminder.objects.filter(kind=Kind.OVERDUE_DIGEST).count() == 4


# --- applicants ---------------------------------------------------------------


def test_unanswered_supplement_request_reminds_the_applicant(
    dossiers, outbox, sms
) -> None:
    """An officer's Form 02 sent on Tue 1 Dec is followed by a reminder to the
    applicant two working days later (Thu 3), by e-mail, SMS and in the app,
    then every three working days (Tue 8), and nothing in between."""
    dossier = dossiers.awaiting_supplement(RECEIVED, at("2026-12-01 14:00"))

    assert last_line(send(at("2026-12-02 07:00"))) == "0 reminders sent"
    assert last_line(send(at("2026-12-03 07:00"))) == "1 reminders sent"
    assert last_line(send(at("2026-12-04 07:00"))) == "0 reminders sent"
    assert last_line(send(at("2026-12-07 07:00"))) == "0 reminders sent"
    assert last_line(send(at("2026-12-08 07:00"))) == "1 reminders sent"

    assert sent() == {
        (Kind.SUPPLEMENT_PENDING, "citizen", date(2026, 12, 3)),
        (Kind.SUPPLEMENT_PENDING, "citizen", date(2026, 12, 8)),
    }
    assert [m.to for m in outbox] == [["citizen@example.vn"]] * 2
    assert [phone for phone, _text, _key in sms] == ["0912345678"] * 2
    assert (
        Notification.objects.filter(
            recipient=demo_user("citizen"),
            link__endswith=f"/dossiers/{dossier.pk}/",
        ).count()
        == 2
    )


def test_a_paused_dossier_is_neither_due_nor_overdue(dossiers) -> None:
    """While waiting for the applicant the clock stands still: the dossier gets
    no due or overdue reminders even after its original due date."""
    dossiers.awaiting_supplement(RECEIVED, at("2026-12-01 14:00"))

    send(at("2026-12-04 07:00"))
    send(at("2026-12-07 07:00"))

    assert {kind for kind, _u, _d in sent()} == {Kind.SUPPLEMENT_PENDING}


def test_supplement_requested_at_intake_reminds_the_applicant(dossiers) -> None:
    """A supplement asked for at intake (no dossier code yet) is chased too."""
    dossiers.intake_supplement(at("2026-11-30 09:00"), at("2026-12-01 08:30"))

    send(at("2026-12-03 07:00"))

    assert sent() == {(Kind.SUPPLEMENT_PENDING, "citizen", date(2026, 12, 3))}


def test_answered_supplement_request_is_not_chased(dossiers) -> None:
    """Once the applicant has answered there is nothing to remind."""
    dossier = dossiers.awaiting_supplement(RECEIVED, at("2026-12-01 14:00"))
    with services.notifications_muted():
        services.dossier_supplement(
            dossier=dossier, actor=demo_user("citizen"), at=at("2026-12-02 09:00")
        )

    send(at("2026-12-03 07:00"))

    assert not sent(Kind.SUPPLEMENT_PENDING)


def test_result_not_collected_reminds_the_applicant(dossiers, outbox) -> None:
    """A result ready since Tue 1 Dec is announced again after one working day
    (Wed 2), then every five working days (Wed 9)."""
    dossier = dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))

    for day in ("2026-12-02", "2026-12-03", "2026-12-08", "2026-12-09"):
        send(at(f"{day} 07:00"))

    assert sent() == {
        (Kind.RESULT_UNCOLLECTED, "citizen", date(2026, 12, 2)),
        (Kind.RESULT_UNCOLLECTED, "citizen", date(2026, 12, 9)),
    }
    assert all(dossier.code in m.subject for m in outbox)


def test_a_walk_in_applicant_is_reminded_by_sms(dossiers, outbox, sms) -> None:
    """An applicant without an account or e-mail gets the reminder by SMS; one
    with no contact at all gets none (nothing could reach them)."""
    dossier = dossiers.result_ready(
        RECEIVED,
        at("2026-12-01 15:00"),
        applicant=None,
        applicant_name="Bùi Thị Hạnh",
        applicant_email="",
        applicant_phone="0977445566",
    )
    dossiers.result_ready(
        RECEIVED,
        at("2026-12-01 15:00"),
        applicant=None,
        applicant_name="Ngô Văn Dũng",
        applicant_email="",
        applicant_phone="",
    )

    send(at("2026-12-02 07:00"))

    assert sent() == {(Kind.RESULT_UNCOLLECTED, "Bùi Thị Hạnh", date(2026, 12, 2))}
    assert outbox == []
    assert [(phone, key) for phone, _text, key in sms] == [
        ("0977445566", f"result_uncollected:{dossier.pk}:2026-12-02:applicant")
    ]


# --- working days only ----------------------------------------------------------


def test_nothing_is_sent_on_a_weekend(dossiers, outbox) -> None:
    """On Saturday an overdue dossier and a waiting result raise no reminder."""
    dossiers.processing(RECEIVED)
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))

    output = send(at("2026-12-05 07:00"))

    assert "Not a working day" in output
    assert last_line(output) == "0 reminders sent"
    assert not Reminder.objects.exists()
    assert outbox == []


def test_a_make_up_saturday_is_a_working_day(dossiers) -> None:
    """A Saturday the administrators made a working day scans like any other."""
    CalendarException.objects.create(
        date=date(2026, 12, 5), kind=ExceptionKind.WORKING_DAY, reason="Làm bù"
    )
    dossiers.processing(RECEIVED)

    send(at("2026-12-05 07:00"))

    assert (Kind.OVERDUE_DIGEST, "leader", date(2026, 12, 5)) in sent()


def test_an_administrators_day_off_sends_nothing(dossiers) -> None:
    """An extra day off entered by the administrators is not a working day."""
    CalendarException.objects.create(
        date=date(2026, 12, 2), kind=ExceptionKind.DAY_OFF, reason="Nghỉ bù"
    )
    dossiers.processing(RECEIVED)

    assert "Not a working day" in send(at("2026-12-02 07:00"))
    assert not Reminder.objects.exists()


def test_nothing_on_new_years_day_and_the_holiday_is_skipped_in_counting(
    dossiers,
) -> None:
    """New Year's Day 2027 (a Friday) is a public holiday: the scan sends
    nothing. Received Wed 30 Dec, the dossier is due Tue 5 Jan (Fri 1 and the
    weekend do not count), so on Thu 31 Dec it is due within two working days
    but not yet up for Form 04; on Mon 4 Jan it is."""
    dossiers.processing(at("2026-12-30 10:00"))
    due = date(2027, 1, 5)

    assert "Not a working day" in send(at("2027-01-01 07:00"))
    assert not Reminder.objects.exists()

    send(at("2026-12-31 07:00"))
    assert sent() == {(Kind.DUE_SOON, "officer", due), (Kind.DUE_SOON, "clerk", due)}

    send(at("2027-01-04 07:00"))
    assert sent(Kind.FORM_04) == {(Kind.FORM_04, "officer", due)}


# --- exactly once ----------------------------------------------------------------


def test_the_scan_run_twice_sends_each_reminder_once(dossiers, outbox, sms) -> None:
    """A second run at the same moment, and the 13:00 scan, send nothing more:
    no e-mail, SMS or in-app notice twice."""
    dossiers.processing(RECEIVED)  # overdue on Mon 7
    dossiers.processing(at("2026-12-03 10:00"))  # due Tue 8: due soon, Form 04
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    dossiers.awaiting_supplement(RECEIVED, at("2026-12-02 14:00"))

    first = send(at("2026-12-07 07:00"))
    counts = (len(outbox), len(sms), Notification.objects.count())
    second = send(at("2026-12-07 07:00"))
    third = send(at("2026-12-07 13:00"))

    total = Reminder.objects.count()
    assert total >= 6
    assert last_line(first) == f"{total} reminders sent"
    assert last_line(second) == "0 reminders sent"
    assert last_line(third) == "0 reminders sent"
    assert (len(outbox), len(sms), Notification.objects.count()) == counts
    assert len({m.extra_headers[KEY_HEADER] for m in outbox}) == len(outbox)
    assert not Reminder.objects.exclude(status=Status.SENT).exists()


def test_a_dry_run_records_and_sends_nothing(dossiers, outbox) -> None:
    """--dry-run counts what would go out; the real run then sends exactly that."""
    dossiers.processing(RECEIVED)
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    out = StringIO()
    with time_machine.travel(at("2026-12-04 07:00"), tick=False):
        call_command("send_reminders", "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[-1] == "3 reminders would be sent"
    assert "due_today: 2" in out.getvalue()
    assert "result_uncollected: 1" in out.getvalue()
    assert not Reminder.objects.exists()
    assert outbox == []
    assert last_line(send(at("2026-12-04 07:00"))) == "3 reminders sent"


def test_now_option_scans_as_of_that_moment(dossiers) -> None:
    """--now takes a local ISO moment instead of the clock."""
    dossiers.processing(RECEIVED)
    out = StringIO()

    call_command("send_reminders", "--now", "2026-12-04T07:00", stdout=out)

    assert "Reminder scan at 2026-12-04 07:00" in out.getvalue()
    assert out.getvalue().splitlines()[-1] == "2 reminders sent"


def test_now_option_must_be_iso(db) -> None:
    """A --now that is not an ISO moment is refused with an example."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2026-12-03T07:00"):
        call_command("send_reminders", "--now", "tomorrow morning")


def test_find_due_reminders_reads_only(dossiers) -> None:
    """Finding what is due writes nothing (a dry run is that function)."""
    dossiers.processing(RECEIVED)

    scan = find_due_reminders(at("2026-12-04 07:00"))

    assert scan.working_day
    assert scan.counts() == {Kind.DUE_TODAY: 2}
    assert not Reminder.objects.exists()


# Working days after Tue 1 Dec 2026: Wed 2 (1), Thu 3 (2), Fri 4 (3), Mon 7 (4),
# Tue 8 (5), Wed 9 (6), Thu 10 (7), Fri 11 (8).
@pytest.mark.parametrize(
    ("today", "after", "every", "expected"),
    [
        (date(2026, 12, 2), 2, 3, None),
        (date(2026, 12, 3), 2, 3, date(2026, 12, 3)),
        (date(2026, 12, 5), 2, 3, date(2026, 12, 3)),  # Saturday: the last slot
        (date(2026, 12, 7), 2, 3, date(2026, 12, 3)),
        (date(2026, 12, 8), 2, 3, date(2026, 12, 8)),
        (date(2026, 12, 11), 2, 3, date(2026, 12, 11)),
        (date(2026, 12, 2), 1, 5, date(2026, 12, 2)),
        (date(2026, 12, 8), 1, 5, date(2026, 12, 2)),
        (date(2026, 12, 9), 1, 5, date(2026, 12, 9)),
        (date(2026, 12, 11), 2, 0, date(2026, 12, 3)),  # every 0: only once
        (date(2026, 12, 1), 1, 1, None),  # the start day itself never counts
    ],
)
def test_latest_slot(today: date, after: int, every: int, expected: date) -> None:
    """The latest reminder day: the ``after``-th working day after the start,
    then every ``every`` working days; keyed by it, a missed scan is made up."""
    calendar = build_calendar([2026])
    assert latest_slot(date(2026, 12, 1), today, after, every, calendar) == expected
