"""Recording outbox events: with the transition, numbered per dossier, no
personal data."""

import json

import pytest
from django.db import transaction

from dossiers import notices, services
from dossiers.models import Dossier, TransitionLog
from outbox.models import Delivery, Event, Kind, Subscriber
from outbox.receivers import encode, receiver_for
from outbox.services import PAYLOAD_KEYS
from tests.dossiers.scenario import DUE, RECEIVED, at, fresh

from .journey import file_dossier, take_through


def test_each_transition_records_one_numbered_event(people, procedure):
    """Every transition of a dossier with a code records one event, numbered
    1, 2, 3… per dossier, with the state and times after it."""
    dossier = take_through(file_dossier(people, procedure), people)
    events = list(Event.objects.filter(dossier_id=dossier.pk).order_by("sequence"))
    assert [e.event_type for e in events] == [
        "submit",
        "receive",
        "transfer",
        "forward",
        "approve",
        "return_result",
    ]
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[-1].payload["sequence"] == 6
    received = events[1].payload
    assert received["dossier_code"] == dossier.code
    assert received["procedure_code"] == procedure.code
    assert received["agency_code"] == dossier.receiving_desk.code
    assert received["deciding_agency_code"] == dossier.deciding_agency.code
    assert (received["previous_state"], received["state"]) == (
        "submitted",
        "received",
    )
    assert received["received_at"] == RECEIVED.isoformat()
    assert received["due_at"] == DUE.isoformat()
    assert received["decided_at"] is None
    returned = events[-1].payload
    assert returned["state"] == "returned"
    assert returned["outcome"] == "approved"
    assert returned["decided_at"] == at("2026-12-03 15:00").isoformat()
    assert returned["returned_at"] == at("2026-12-04 09:00").isoformat()
    assert returned["timeliness"] == dossier.timeliness
    assert TransitionLog.objects.filter(dossier=dossier).count() == len(events)


def test_a_delivery_per_active_subscriber(people, procedure):
    """Each event gets one delivery per active subscriber, none for an inactive one."""
    portal = Subscriber.objects.create(
        name="Portal", kind=Kind.NATIONAL_PORTAL, url="http://127.0.0.1:9/p"
    )
    Subscriber.objects.create(name="Off", url="http://127.0.0.1:9/o", is_active=False)
    dossier = file_dossier(people, procedure)
    event = Event.objects.get(dossier_id=dossier.pk)
    assert list(
        Delivery.objects.filter(event=event).values_list("subscriber", "sequence")
    ) == [(portal.pk, 1)]


def test_a_transition_that_fails_leaves_no_event(filed, people, monkeypatch):
    """The event is written in the transition's transaction: when the transition
    fails after it, the event goes with the rest."""
    before = Event.objects.count()

    def broken(log):
        raise RuntimeError("the notice could not be recorded")

    monkeypatch.setattr(notices, "record_transition_notice", broken)
    with pytest.raises(RuntimeError):
        services.dossier_receive(dossier=filed, actor=people.clerk, at=RECEIVED)
    assert Event.objects.count() == before
    assert fresh(filed).state == "submitted"


def test_a_rolled_back_transition_leaves_no_event(filed, people):
    """A transition inside a caller's transaction that rolls back records nothing."""
    before = Event.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.dossier_receive(dossier=filed, actor=people.clerk, at=RECEIVED)
        assert Event.objects.count() == before + 1
        1 / 0  # noqa: B018
    assert Event.objects.count() == before


def test_a_draft_without_a_code_records_nothing(draft, people):
    """A draft withdrawn before submission was never known outside the centre."""
    services.dossier_withdraw(dossier=draft, actor=people.citizen, at=RECEIVED)
    assert fresh(draft).state == "withdrawn"
    assert not Event.objects.filter(dossier_id=draft.pk).exists()


def test_payload_carries_no_personal_data(people, procedure):
    """Neither the stored payload nor what either kind of subscriber receives
    holds the applicant's name, ID number, phone, e-mail or address, nor the
    reasons or notes staff wrote."""
    dossier = file_dossier(people, procedure)
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_name="Trần Thị Bích",
        applicant_id_number="001199012345",
        applicant_phone="0912345678",
        applicant_email="bich@example.vn",
        applicant_address="12 Phố Huế, Hà Nội",
    )
    reasons = "Bà Trần Thị Bích thiếu giấy tờ, CCCD 001199012345"
    services.dossier_refuse(
        dossier=fresh(dossier), actor=people.clerk, reasons=reasons, at=RECEIVED
    )
    event = Event.objects.get(dossier_id=dossier.pk, event_type="refuse")
    assert set(event.payload) == set(PAYLOAD_KEYS)
    sent = [
        encode(
            receiver_for(Subscriber(kind=kind, url="http://x", secret="s")).body(event)
        ).decode()
        for kind in Kind.values
    ]
    for text in [json.dumps(event.payload, ensure_ascii=False), *sent]:
        for personal in (
            "Trần Thị Bích",
            "001199012345",
            "0912345678",
            "bich@example.vn",
            "Phố Huế",
            "Nguyễn Văn An",
            people.citizen.email,
            reasons,
        ):
            assert not personal or personal not in text
