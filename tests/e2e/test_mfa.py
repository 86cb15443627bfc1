"""Browser journeys of logging in as staff: the code after the password, setting up
an authenticator app, and the lockout after wrong passwords."""

import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.mfa import hex_key_from_base32
from accounts.models import Role
from tests.conftest import second_factor_code
from tests.factories import UserFactory, demo_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def password_step(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_clerk_gives_the_code_and_reaches_the_workspace(page, demo):
    """After the password the clerk is asked for the app's code; a wrong one is
    refused, the right one opens the workspace."""
    password_step(page, "clerk")
    expect(page).to_have_url(re.compile(r"/accounts/two-step/\?next="))
    code = page.locator("#id_code")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    expect(code).to_have_attribute("inputmode", "numeric")
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/accounts/two-step/\?next=%2Fstaff%2F"))
    code.fill(second_factor_code("clerk"))
    page.locator("#app-code-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(
        page.locator("#main").get_by_text("Công chức Bộ phận Một cửa").first
    ).to_be_visible()


def test_a_new_clerk_sets_up_the_app_and_saves_recovery_codes(page, demo):
    """A clerk without an app scans the QR code (here: reads the key beside it),
    confirms with a code, sees ten recovery codes once, and goes on to work."""
    UserFactory(username="new.clerk", role=Role.CLERK, agency=demo_user("clerk").agency)
    password_step(page, "new.clerk")
    expect(page).to_have_url(re.compile(r"/accounts/two-step/set-up/"))
    expect(page.locator("svg").first).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    totp = TOTP(bytes.fromhex(hex_key_from_base32(secret)))
    page.locator("#id_code").fill(f"{totp.token():06d}")
    page.locator("form:has(#id_code) button[type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.locator("#recovery-codes-continue").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def test_five_wrong_passwords_lock_the_login(page, demo):
    """The fifth wrong password, and the right one after it, get the login page
    with the lockout message."""
    for n in range(5):
        password_step(page, "leader", f"wrong-{n}")
    expect(page.locator("#lockout-message")).to_be_visible()
    password_step(page, "leader")
    expect(page.locator("#lockout-message")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
