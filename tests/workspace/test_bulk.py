"""Bulk actions of the desk: several received dossiers transferred, several
results handed back, each through its own service and logged, refusals
reported per dossier, and nobody acting beyond their scope."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Role
from dossiers import services
from dossiers.models import Dossier, State, TransitionLog
from tests.factories import AgencyFactory, UserFactory, demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(file_online):
    """Three online dossiers received by the demo desk."""
    clerk = demo_user("clerk")
    made = []
    for _ in range(3):
        dossier = file_online()
        services.dossier_receive(dossier=dossier, actor=clerk)
        dossier.refresh_from_db()
        made.append(dossier)
    return made


def ticked(*dossiers) -> list[str]:
    return [f"{d.pk}:{d.version}" for d in dossiers]


def post(client, queue: str, data: dict):
    url = reverse("workspace:dossier_list") + f"?queue={queue}"
    return client.post(url, data)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_desk_transfers_several_received_dossiers_at_once(client, received):
    clerk = demo_user("clerk")
    client.force_login(clerk)
    page = client.get(reverse("workspace:dossier_list"), {"queue": "to_transfer"})
    content = page.content.decode()
    # A box per row, tied to the bulk form, with the version the page shows.
    for dossier in received:
        assert f'value="{dossier.pk}:{dossier.version}" form="bulk-form"' in content
    response = post(
        client,
        "to_transfer",
        {"action": "transfer", "dossier": ticked(*received), "note": "Chuyển xử lý"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?queue=to_transfer")
    for dossier in received:
        dossier.refresh_from_db()
        assert dossier.state == State.PROCESSING
        log = dossier.transitions.last()
        assert (log.transition, log.actor, log.note) == (
            "transfer",
            clerk,
            "Chuyển xử lý",
        )
        # Each got its route's steps, as a single transfer does.
        assert dossier.steps.count() == len(dossier.route)
    [message] = texts(response)
    assert "đã thực hiện cho 3 hồ sơ" in message
    assert all(d.code in message for d in received)


def test_refusals_are_reported_per_dossier_and_the_rest_is_done(client, received):
    """One changed since the page was drawn, one no longer received: both
    refused with their reason; the third is transferred."""
    clerk = demo_user("clerk")
    first, changed, gone = received
    Dossier.objects.filter(pk=changed.pk).update(version=changed.version + 1)
    services.dossier_transfer(dossier=gone, actor=clerk)
    gone.refresh_from_db()
    # Ticked on a page drawn after the transfer: its version is current.
    selection = ticked(first, changed, gone)
    client.force_login(clerk)
    response = post(client, "to_transfer", {"action": "transfer", "dossier": selection})
    assert response.status_code == 302
    states = dict(
        Dossier.objects.filter(pk__in=[d.pk for d in received]).values_list(
            "pk", "state"
        )
    )
    assert states == {
        first.pk: State.PROCESSING,
        changed.pk: State.RECEIVED,
        gone.pk: State.PROCESSING,
    }
    done, *refused = texts(response)
    assert first.code in done and changed.code not in done
    assert len(refused) == 2
    [changed_message] = [m for m in refused if changed.code in m]
    assert "vừa được người khác thay đổi" in changed_message
    [gone_message] = [m for m in refused if gone.code in m]
    assert "khi hồ sơ đang ở trạng thái" in gone_message
    assert "Đang giải quyết" in gone_message
    # Only the two real transfers are logged.
    assert (
        TransitionLog.objects.filter(
            dossier__in=received, transition="transfer"
        ).count()
        == 2
    )


def test_a_clerk_of_another_desk_cannot_act_on_these_dossiers(client, received):
    other_desk = AgencyFactory(desk=True)
    stranger = UserFactory(username="clerk2", role=Role.CLERK, agency=other_desk)
    outcome = services.dossier_bulk_act(
        action="transfer",
        selection=[(d.pk, d.version) for d in received],
        actor=stranger,
    )
    assert outcome.done == []
    assert [r.reason for r in outcome.refused] == [
        "Không có trong các hồ sơ được phép xử lý."
    ] * 3
    # The refusal does not even say the code of a dossier outside the scope.
    assert all(r.dossier.startswith("Hồ sơ #") for r in outcome.refused)
    assert set(
        Dossier.objects.filter(pk__in=[d.pk for d in received]).values_list(
            "state", flat=True
        )
    ) == {State.RECEIVED}
    client.force_login(stranger)
    response = post(
        client, "to_transfer", {"action": "transfer", "dossier": ticked(*received)}
    )
    assert response.status_code == 302
    assert len(texts(response)) == 3
    assert not TransitionLog.objects.filter(actor=stranger).exists()


def test_an_officer_has_no_bulk_action(client, received):
    client.force_login(demo_user("officer"))
    response = post(
        client, "to_transfer", {"action": "transfer", "dossier": ticked(*received)}
    )
    assert response.status_code == 404


def test_a_bulk_action_must_match_its_queue(client, received):
    client.force_login(demo_user("clerk"))
    response = post(
        client,
        "to_transfer",
        {"action": "return_result", "dossier": ticked(*received), "channel": "post"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ([], "Chọn ít nhất một hồ sơ."),
        (["12"], "Không đọc được các hồ sơ đã chọn"),
        (["1:x"], "Không đọc được các hồ sơ đã chọn"),
        (["-1:0"], "Không đọc được các hồ sơ đã chọn"),
    ],
)
def test_a_bad_selection_changes_nothing(client, received, selection, message):
    client.force_login(demo_user("clerk"))
    response = post(client, "to_transfer", {"action": "transfer", "dossier": selection})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Dossier.objects.filter(
        pk__in=[d.pk for d in received], state=State.PROCESSING
    ).exists()


@pytest.fixture
def ready(received):
    """The three dossiers decided: results ready at the desk."""
    clerk, officer, leader = (demo_user(n) for n in ("clerk", "officer", "leader"))
    for dossier in received:
        services.dossier_transfer(dossier=dossier, actor=clerk)
        services.dossier_forward(dossier=dossier, actor=officer)
        services.dossier_approve(dossier=dossier, actor=leader)
        dossier.refresh_from_db()
    return received


def test_results_are_handed_back_together_at_the_counter(client, ready):
    clerk = demo_user("clerk")
    client.force_login(clerk)
    data = {"action": "return_result", "dossier": ticked(*ready), "channel": "counter"}
    # Who collects, and their identity checked, are asked once for all.
    response = post(client, "to_hand_back", data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ghi họ tên người nhận kết quả." in content
    assert "Kiểm tra giấy tờ tùy thân của người nhận kết quả." in content
    # The ticks survive the round trip.
    assert all(
        re.search(rf'value="{d.pk}:{d.version}"[^>]*checked', content) for d in ready
    )
    assert not Dossier.objects.filter(
        pk__in=[d.pk for d in ready], state=State.RETURNED
    ).exists()
    data |= {"collected_by": "Công ty Luật Minh An", "id_checked": "on"}
    response = post(client, "to_hand_back", data)
    assert response.status_code == 302
    for dossier in ready:
        dossier.refresh_from_db()
        assert dossier.state == State.RETURNED
        assert dossier.collected_by == "Công ty Luật Minh An"
        assert dossier.transitions.last().actor == clerk


def test_an_online_hand_back_is_refused_for_a_result_without_its_file(client, ready):
    """The service's own rule still applies to each: approved without an
    electronic result, it cannot go back online."""
    client.force_login(demo_user("clerk"))
    response = post(
        client,
        "to_hand_back",
        {"action": "return_result", "dossier": ticked(*ready), "channel": "online"},
    )
    assert response.status_code == 302
    messages = texts(response)
    assert len(messages) == 3
    assert all("Đính kèm kết quả điện tử" in m for m in messages), messages
    assert not Dossier.objects.filter(
        pk__in=[d.pk for d in ready], state=State.RETURNED
    ).exists()
