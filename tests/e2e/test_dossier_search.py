"""The clerk's search box, in a browser: a middle fragment of a code in lower case
and a name typed without accents find dossiers, a returned one included; a
one-letter search is refused with a message next to the box."""

import re
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dossiers import services
from dossiers.models import Channel, Dossier, Outcome, State, Timeliness
from procedures.models import Procedure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/search")


def walk_in(name: str, code: str, state: str, **fields) -> Dossier:
    """A walk-in dossier at the ward desk (the demo clerk's), in ``state``."""
    procedure = Procedure.objects.get(code="1.004873")
    dossier = Dossier.objects.create(
        applicant_name=name,
        applicant_phone=fields.pop("phone", ""),
        applicant_id_number=fields.pop("id_number", ""),
        procedure=procedure,
        procedure_snapshot=services.snapshot_procedure(procedure),
        channel=Channel.COUNTER,
        receiving_desk=procedure.receiving_agency,
        deciding_agency=procedure.deciding_agency,
    )
    now = timezone.now()
    Dossier.objects.filter(pk=dossier.pk).update(
        state=state,
        code=code,
        received_at=now,
        due_at=now,
        current_due_at=now,
        **fields,
    )
    return Dossier.objects.get(pk=dossier.pk)


def search(page, query: str) -> None:
    box = page.locator("#id_q")
    box.fill(query)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(quote_plus(query))))


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_clerk_finds_dossiers_by_code_fragment_and_unaccented_name(page, demo, size):
    returned = walk_in(
        "Đặng Thị Thu Hương",
        "000.21.32.H99-250917-0777321",
        State.RETURNED,
        phone="0977 111 222",
        outcome=Outcome.APPROVED,
        returned_at=timezone.now(),
        timeliness=Timeliness.ON_TIME,
    )
    processing = walk_in(
        "Đặng Văn Hưng",
        "000.21.32.H99-261130-0777329",
        State.PROCESSING,
        id_number="001088077321",
    )
    from tests.conftest import login

    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, "clerk")
    page.goto("/staff/dossiers/")
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The middle of two codes, typed in lower case: the returned one is found too.
    search(page, "h99-25091")
    rows = page.locator("table.worklist tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(returned.code)
    expect(rows.first).to_contain_text("Đặng Thị Thu Hương")
    search(page, "077732")
    expect(rows).to_have_count(2)
    expect(page.locator("table.worklist")).to_contain_text(processing.code)
    page.screenshot(path=str(SHOTS / f"code-fragment-{size[0]}.png"), full_page=True)

    # The name without accents, words in any order; the phone.
    search(page, "huong dang thi")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(returned.code)
    search(page, "DANG VAN HUNG")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(processing.code)
    search(page, "0977111222")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(returned.code)
    page.screenshot(path=str(SHOTS / f"name-{size[0]}.png"), full_page=True)

    # One letter would match everyone: refused, with the reason by the box.
    search(page, "d")
    box = page.locator("#id_q")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#q-error")).to_have_text("Hãy gõ ít nhất 2 ký tự để tìm kiếm.")
    page.screenshot(path=str(SHOTS / f"too-short-{size[0]}.png"), full_page=True)
