"""Sending one recorded reminder: channels, languages, failures, crashes, retries."""

import smtplib
import threading
from io import StringIO

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.urls import reverse

from dossiers import services
from dossiers.models import Channel
from notifications.channels import KEY_HEADER, ConsoleSMSBackend
from notifications.delivery import DeliveryError
from notifications.models import Notification
from reminders import delivery, scan
from reminders.models import Kind, Reminder, Status
from tests.factories import demo_user

from .conftest import at

RECEIVED = at("2026-12-01 10:00")


class BrokenEmailBackend(BaseEmailBackend):
    """An SMTP server that hangs up."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class WorkerKilled(BaseException):
    """Stands for the process dying mid-send (not an Exception: nothing catches it)."""


class DyingEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise WorkerKilled


class RecordingGateway:
    """An SMS gateway plugged in through SMS_BACKEND."""

    sent: list[tuple[str, str, str]] = []

    def send(self, phone: str, text: str, *, key: str) -> None:
        self.sent.append((phone, text, key))


def record(moment: str) -> list[Reminder]:
    """Record what is due at ``moment`` without sending (as if the worker died)."""
    pending = scan.record_due_reminders(at(moment)).pending
    return list(Reminder.objects.filter(pk__in=pending).order_by("id"))


def deliver_all(reminders: list[Reminder]) -> list[Reminder | None]:
    return [delivery.deliver(reminder.pk) for reminder in reminders]


# --- messages ---------------------------------------------------------------


def test_staff_email_in_the_officers_language(dossiers, outbox) -> None:
    """An officer who chose English gets the reminder in English, with the due
    moment, the current step, an absolute link to the dossier and the
    reminder's key in a header."""
    officer = demo_user("officer")
    officer.preferred_language = "en"
    officer.save()
    dossier = dossiers.processing(RECEIVED)

    deliver_all(record("2026-12-02 07:00"))

    [mail] = [m for m in outbox if m.to == ["officer@onecenter.local"]]
    assert mail.subject == (
        f"Reminder: dossier {dossier.code} – Certificate of marital status is due "
        "on 04/12/2026"
    )
    assert mail.body.startswith("Dear Phạm Thu Hà,")
    assert f"The dossier {dossier.code} is due at 17:00 04/12/2026." in mail.body
    assert "Current step: Thẩm định hồ sơ, đề xuất kết quả" in mail.body
    assert f"https://onecenter.example.vn/staff/dossiers/{dossier.pk}/" in mail.body
    reminder = Reminder.objects.get(recipient=officer)
    assert mail.extra_headers[KEY_HEADER] == reminder.key
    assert reminder.key == f"due_soon:{dossier.pk}:2026-12-04:u{officer.pk}"


def test_applicant_email_in_vietnamese_and_in_english(dossiers, outbox) -> None:
    """Each applicant is written to in their own language: the Vietnamese one
    gets the Vietnamese wording (here the catalogue's "Mã hồ sơ"), the English
    one English; both link to the public tracking page."""
    vietnamese = dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    english = dossiers.result_ready(
        RECEIVED,
        at("2026-12-01 15:00"),
        applicant_language="en",
        applicant_email="an.nguyen@example.com",
    )

    deliver_all(record("2026-12-02 07:00"))

    by_address = {m.to[0]: m for m in outbox}
    vi_mail = by_address["citizen@example.vn"]
    assert vi_mail.body.startswith("Kính gửi")
    assert f"Mã hồ sơ: {vietnamese.code}" in vi_mail.body
    assert f"https://onecenter.example.vn/track/?code={vietnamese.code}" in vi_mail.body
    en_mail = by_address["an.nguyen@example.com"]
    assert en_mail.subject == (
        f"The result of dossier {english.code} – Certificate of marital status is "
        "waiting for you"
    )
    assert "has been ready since 01/12/2026 and has not been collected yet" in (
        en_mail.body
    )


def test_in_app_notice_carries_the_reminder_key(dossiers, outbox) -> None:
    """The in-app notification has the reminder's key, so it exists once."""
    dossier = dossiers.processing(RECEIVED)

    deliver_all(record("2026-12-04 07:00"))

    for reminder in Reminder.objects.all():
        notification = Notification.objects.get(key=reminder.key)
        assert notification.recipient == reminder.recipient
        assert notification.link in (
            reverse("workspace:dossier_detail", args=[dossier.pk]),
            reverse("dossiers:detail", args=[dossier.pk]),
        )
        assert dossier.code in notification.subject
        assert reminder.notified_at is not None


def test_sms_goes_through_the_configured_gateway(dossiers, settings) -> None:
    """SMS_BACKEND names the gateway class; it receives phone, text and key."""
    settings.SMS_BACKEND = "tests.reminders.test_delivery.RecordingGateway"
    RecordingGateway.sent.clear()
    dossier = dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))

    [reminder] = deliver_all(record("2026-12-02 07:00"))

    [(phone, text, key)] = RecordingGateway.sent
    assert (phone, key) == ("0912345678", reminder.key)
    assert dossier.code in text
    assert reminder.texted_at is not None


def test_console_sms_backend_prints_the_message() -> None:
    """The console gateway writes one line per message instead of sending it."""
    stream = StringIO()

    ConsoleSMSBackend(stream).send("0912345678", "Hồ sơ đã có kết quả", key="k:1")

    assert stream.getvalue() == "SMS to 0912345678 [k:1]: Hồ sơ đã có kết quả\n"


def test_staff_are_not_texted_by_default(dossiers, sms) -> None:
    """Staff work in the app: by default they get in-app notices and e-mail."""
    officer = demo_user("officer")
    officer.phone = "0988000111"
    officer.save()
    dossiers.processing(RECEIVED)

    deliver_all(record("2026-12-04 07:00"))

    assert sms == []


# --- failures, crashes and retries ----------------------------------------------


def test_a_failed_channel_is_retried_without_repeating_the_others(
    dossiers, settings, outbox, sms
) -> None:
    """The SMTP server hangs up: the in-app notice and the SMS go out, the
    reminder stays pending with the error; the retry e-mails only."""
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    [reminder] = record("2026-12-02 07:00")
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery.BrokenEmailBackend"

    with pytest.raises(DeliveryError):
        delivery.deliver(reminder.pk)

    reminder.refresh_from_db()
    assert reminder.status == Status.PENDING
    assert reminder.attempts == 1
    assert reminder.emailed_at is None
    assert reminder.notified_at is not None and reminder.texted_at is not None
    assert "SMTPServerDisconnected" in reminder.last_error
    assert scan.pending_reminder_ids() == [reminder.pk]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver(reminder.pk).status == Status.SENT

    reminder.refresh_from_db()
    assert (reminder.attempts, reminder.last_error) == (2, "")
    assert len(outbox) == 1
    assert len(sms) == 1
    assert Notification.objects.filter(key=reminder.key).count() == 1


def test_a_crash_while_sending_is_retried_by_the_next_scan(
    dossiers, settings, outbox, sms
) -> None:
    """The worker dies in the middle of sending: its transaction rolls back, so
    the reminder is still pending with nothing marked sent, and the next scan
    (13:00) sends it, once."""
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    [reminder] = record("2026-12-02 07:00")
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery.DyingEmailBackend"

    with pytest.raises(WorkerKilled):
        delivery.deliver(reminder.pk)

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Status.PENDING, 0)
    assert not Notification.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sms.clear()
    pending = scan.record_due_reminders(at("2026-12-02 13:00")).pending
    assert pending == [reminder.pk]
    deliver_all(Reminder.objects.filter(pk__in=pending))

    reminder.refresh_from_db()
    assert reminder.status == Status.SENT
    assert len(outbox) == 1 and len(sms) == 1
    assert Notification.objects.count() == 1


def test_recorded_but_never_sent_is_not_lost(dossiers, outbox) -> None:
    """Reminders recorded by a scan whose worker never sent them are sent by
    the next scan, counted by send_reminders."""
    from django.core.management import call_command

    dossiers.processing(RECEIVED)
    record("2026-12-04 07:00")
    out = StringIO()

    call_command("send_reminders", "--now", "2026-12-04T13:00", stdout=out)

    assert out.getvalue().splitlines()[-1] == "2 reminders sent"
    assert len(outbox) == 2


def test_gives_up_after_the_last_attempt(dossiers, settings) -> None:
    """After NOTICE_MAX_ATTEMPTS failures the reminder is marked failed, for
    staff to see in the admin, and no scan tries it again."""
    settings.NOTICE_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery.BrokenEmailBackend"
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    [reminder] = record("2026-12-02 07:00")

    with pytest.raises(DeliveryError):
        delivery.deliver(reminder.pk)
    assert delivery.deliver(reminder.pk).status == Status.FAILED

    assert scan.pending_reminder_ids() == []
    assert delivery.deliver(reminder.pk) is None


def test_a_reminder_whose_dossier_moved_on_is_cancelled(dossiers, outbox) -> None:
    """A result collected between recording and sending: the reminder about it
    is cancelled instead of sent."""
    dossier = dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    [reminder] = record("2026-12-02 07:00")
    with services.notifications_muted():
        services.dossier_return_result(
            dossier=dossier,
            actor=demo_user("clerk"),
            channel=Channel.COUNTER,
            collected_by="Nguyễn Văn An",
            id_checked=True,
            at=at("2026-12-02 08:00"),
        )

    assert delivery.deliver(reminder.pk).status == Status.CANCELLED
    assert outbox == []
    assert not Notification.objects.exists()


def test_a_due_date_moved_since_recording_cancels_the_old_reminder(
    dossiers, outbox
) -> None:
    """Extended after "due soon" was recorded: that reminder is cancelled. (Form 04
    must come a working day before the due date, so not on "due today".)"""
    dossier = dossiers.processing(RECEIVED)
    reminders = record("2026-12-03 07:00")
    with services.notifications_muted():
        services.dossier_extend(
            dossier=dossier,
            actor=demo_user("leader"),
            new_due=at("2026-12-09 17:00"),
            reason="Cần xác minh thêm.",
            at=at("2026-12-03 07:30"),
        )

    assert {r.status for r in deliver_all(reminders)} == {Status.CANCELLED}
    assert outbox == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks between connections need PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_a_reminder_being_sent_by_another_worker_is_skipped(dossiers, outbox) -> None:
    """While one worker holds a reminder's row, another handed the same reminder
    skips it at once (SKIP LOCKED) instead of waiting and sending it again."""
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    [reminder] = record("2026-12-02 07:00")
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Reminder.objects.select_for_update().get(pk=reminder.pk)
                locked.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=20)
        assert delivery.deliver(reminder.pk) is None
    finally:
        release.set()
        holder.join(timeout=20)
    assert outbox == []
    assert delivery.deliver(reminder.pk).status == Status.SENT
    assert len(outbox) == 1


def test_kinds_have_templates_in_both_languages(dossiers) -> None:
    """Every kind renders a one-line subject and a body in Vietnamese and English."""
    dossiers.processing(RECEIVED)
    dossiers.processing(at("2026-11-25 10:00"))  # overdue on 2 Dec
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    dossiers.awaiting_supplement(RECEIVED, at("2026-11-27 14:00"))
    kinds = set()
    for moment in ("2026-12-02 07:00", "2026-12-03 07:00", "2026-12-04 07:00"):
        for reminder in record(moment):
            for language in ("vi", "en"):
                reminder.language = language
                message = delivery.compose(reminder)
                assert message.subject and "\n" not in message.subject
                assert message.body.strip()
                assert "{" not in message.body
            kinds.add(reminder.kind)
    assert kinds == set(Kind.values)
