"""The applicant's notices of transitions go through the one notice pipeline."""

import pytest
from django.core import mail

from dossiers import services
from dossiers.models import Channel, TransitionNotice
from dossiers.notices import send_transition_notice
from notifications.channels import MemorySMSBackend
from notifications.delivery import DeliveryError
from notifications.models import Notification, Status
from procedures.models import Procedure
from tests.factories import demo_user, received_mandatory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "notifications.channels.MemorySMSBackend"
    MemorySMSBackend.outbox.clear()
    yield MemorySMSBackend.outbox
    MemorySMSBackend.outbox.clear()


def test_a_walk_in_is_texted_on_the_channels_the_settings_name(
    demo, media, sms, django_capture_on_commit_callbacks
):
    """The receipt notice of a walk-in without account or e-mail goes by SMS, and
    is recorded once, with its SMS stamp."""
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_intake_at_counter(
            clerk=demo_user("clerk"),
            procedure=(procedure := Procedure.objects.get(code="1.001193")),
            details=services.ApplicantDetails(name="Đỗ Văn Tư", phone="0987000111"),
            received=received_mandatory(procedure),
        )
    notice = TransitionNotice.objects.get(log__dossier=dossier)
    assert notice.status == Status.SENT
    assert notice.texted_at is not None and notice.emailed_at is None
    assert [(phone, key) for phone, _text, key in sms] == [("0987000111", notice.key)]
    assert dossier.code in sms[0][1]


def test_no_channel_no_notice(
    demo, media, settings, sms, django_capture_on_commit_callbacks
):
    """With SMS turned off for applicants, a walk-in with only a phone is not
    recorded as a notice at all: nobody could be reached."""
    settings.NOTICE_CHANNELS = {
        **settings.NOTICE_CHANNELS,
        "applicant": ["in_app", "email"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_intake_at_counter(
            clerk=demo_user("clerk"),
            procedure=(procedure := Procedure.objects.get(code="1.001193")),
            details=services.ApplicantDetails(name="Đỗ Văn Tư", phone="0987000111"),
            received=received_mandatory(procedure),
        )
    assert not TransitionNotice.objects.filter(log__dossier=dossier).exists()
    assert sms == []


def test_a_failed_channel_is_retried_without_repeating_the_others(
    file_online, sms, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """An SMS gateway failure leaves the notice pending with the e-mail and the
    in-app notice stamped; the retry sends the SMS only."""
    mail.outbox.clear()
    calls = {"n": 0}

    def flaky(self, phone, text, *, key):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("gateway down")
        MemorySMSBackend.outbox.append((phone, text, key))

    monkeypatch.setattr(MemorySMSBackend, "send", flaky)
    with django_capture_on_commit_callbacks(execute=False):
        file_online()
    notice = TransitionNotice.objects.latest("pk")
    with pytest.raises(DeliveryError):
        send_transition_notice(notice.pk)
    notice.refresh_from_db()
    assert notice.status == Status.PENDING
    assert notice.emailed_at and notice.notified_at and notice.texted_at is None
    assert send_transition_notice(notice.pk).status == Status.SENT
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(key=notice.key).count() == 1
    assert len(sms) == 1


def test_muted_history_records_no_notice(demo, media):
    """Replayed history (demo data) is logged but nobody is notified."""
    assert not TransitionNotice.objects.exists()


def test_the_counter_links_a_walk_in_to_their_account_by_id_number(demo, media):
    """A walk-in whose ID number belongs to an applicant account finds the dossier
    under "My dossiers"; without an ID number nobody is linked."""
    citizen = demo_user("citizen")
    procedure = Procedure.objects.get(code="1.001193")
    linked = services.dossier_intake_at_counter(
        clerk=demo_user("clerk"),
        procedure=procedure,
        details=services.ApplicantDetails(name="X", id_number=citizen.id_number),
        received=[
            services.ReceivedPaper(0, "Tờ khai", originals=1, copies=2),
            *received_mandatory(procedure)[1:],
        ],
        channel=Channel.POST,
    )
    assert linked.applicant == citizen
    assert linked.channel == Channel.POST
    assert "Tờ khai: 1" in linked.transitions.get().note
    unlinked = services.dossier_intake_at_counter(
        clerk=demo_user("clerk"),
        procedure=procedure,
        details=services.ApplicantDetails(name="Y"),
        received=received_mandatory(procedure),
    )
    assert unlinked.applicant is None
