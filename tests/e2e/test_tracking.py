"""Public tracking in a browser: from the QR code's link to the status and the
rating, with the PIN only ever sent in a form, never in an address."""

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, State
from feedback.models import Rating

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_tracks_by_the_qr_link_and_rates_without_the_pin_in_a_url(page, demo):
    """The QR link fills the code; the PIN is posted; the rating panel posts the
    hidden code and PIN; no address the browser visits holds the PIN."""
    dossier = Dossier.objects.filter(state=State.RETURNED, ratings__isnull=True).first()
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    page.goto(f"/track/?code={dossier.code}")
    expect(page.locator("#code")).to_have_value(dossier.code)
    page.fill("#pin", dossier.lookup_pin)
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page.locator("section[data-state='returned']")).to_be_visible()
    for criterion, score in (
        ("guidance", 5),
        ("courtesy", 4),
        ("timeliness", 4),
        ("fees", 5),
    ):
        page.locator(f"#rating label[for='id_{criterion}_{score - 1}']").click()
    page.locator("#rating button[type=submit]").click()
    expect(page.locator("#main [role=alert].alert-success")).to_be_visible()
    assert Rating.objects.filter(dossier=dossier).exists()
    assert visited and not [url for url in visited if dossier.lookup_pin in url]
