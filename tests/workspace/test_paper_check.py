"""One paper-check place at intake: the desk judges each paper in the paper
check of the dossier's page; Form 02 at intake lists what the check found,
without a second list of boxes to tick."""

import re

import pytest
from django.urls import reverse

from dossiers.models import PaperCheck, State
from tests.factories import demo_user

pytestmark = pytest.mark.django_db


def page(client, dossier) -> str:
    return client.get(
        reverse("workspace:dossier_detail", args=[dossier.pk])
    ).content.decode()


def form02(content: str) -> str:
    return re.search(
        r'<div id="act-request_intake_supplement".*?</form>', content, re.S
    ).group()


def test_form_02_at_intake_lists_the_checks_findings(client, file_online):
    dossier = file_online()
    client.force_login(demo_user("clerk"))
    panel = form02(page(client, dossier))
    # Nothing judged yet: no boxes to tick here, a pointer to the check.
    assert 'type="checkbox"' not in panel
    assert "đánh dấu trong phần kiểm tra giấy tờ" in panel
    response = client.post(
        reverse("workspace:paper_check", args=[dossier.pk]),
        {
            "verdict-0": "invalid",
            "note-0": "Tờ khai chưa có chữ ký",
            "verdict-1": "valid",
        },
    )
    assert response.status_code == 302
    panel = form02(page(client, dossier))
    assert 'type="checkbox"' not in panel
    assert "Tờ khai chưa có chữ ký" in panel
    assert 'name="paper-0-selected" value="on"' in panel
    assert 'name="paper-1-selected"' not in panel
    dossier.refresh_from_db()
    response = client.post(
        reverse(
            "workspace:dossier_act", args=[dossier.pk, "request_intake_supplement"]
        ),
        {
            "version": dossier.version,
            "paper-0-selected": "on",
            "paper-0-guidance": "Tờ khai chưa có chữ ký",
            "message": "Đề nghị Ông/Bà ký tờ khai.",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    [item] = dossier.supplement_requests.get().items
    assert (item["paper_index"], item["guidance"]) == (0, "Tờ khai chưa có chữ ký")


def test_the_check_is_open_even_when_a_mandatory_paper_is_missing(client, file_online):
    """Missing a mandatory paper, the dossier cannot be received, but the desk
    still checks its papers in the same place, to ask for them (Form 02)."""
    dossier = file_online()
    mandatory = next(p for p in dossier.papers if p["mandatory"])
    dossier.attachments.filter(paper_index=mandatory["index"]).delete()
    client.force_login(demo_user("clerk"))
    content = page(client, dossier)
    assert reverse("workspace:paper_check", args=[dossier.pk]) in content
    assert 'type="checkbox"' not in form02(content)
    client.post(
        reverse("workspace:paper_check", args=[dossier.pk]),
        {
            f"verdict-{mandatory['index']}": "missing",
            f"note-{mandatory['index']}": "Chưa nộp",
        },
    )
    assert PaperCheck.objects.get(dossier=dossier).verdict == "missing"


def test_officers_still_list_papers_in_form_02_during_processing(client, in_processing):
    """There is no desk check in processing: the officer ticks the papers in
    Form 02 itself, the only place there."""
    client.force_login(demo_user("officer"))
    content = page(client, in_processing)
    panel = re.search(
        r'<div id="act-request_supplement".*?</form>', content, re.S
    ).group()
    assert 'type="checkbox"' in panel
