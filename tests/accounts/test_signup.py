"""Sign-up: a pending account without a password, the link whose reader chooses it,
new links, and the answer that is the same for any address."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import tasks
from accounts.models import Role, User
from tests.accounts.conftest import link_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("account_mail")]

PASSWORD = "Hoa-sen-no-2026"
EMAIL = "lan.tran@example.vn"


def sign_up(client, email=EMAIL, full_name="Trần Thị Lan", **extra):
    return client.post(
        reverse("accounts:signup"), {"full_name": full_name, "email": email, **extra}
    )


def choose_password(client, link, password=PASSWORD, again=None, full_name="Lan"):
    return client.post(
        link,
        {"full_name": full_name, "password1": password, "password2": again or password},
    )


def can_log_in(client, username, password) -> bool:
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}
    )
    return response.status_code == 302


def test_sign_up_opens_a_pending_account_without_password_and_e_mails_a_link(
    client, account_mail
):
    """A new address gets an inactive applicant with no usable password, and one
    e-mail with the link; the name typed is not in it."""
    response = sign_up(client, full_name="Trần Thị Lan <visit evil.example>")
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get(email=EMAIL)
    assert (user.role, user.is_active, user.username, user.email_verified_at) == (
        Role.APPLICANT,
        False,
        EMAIL,
        None,
    )
    assert not user.has_usable_password()
    assert user.preferred_language == "vi"
    assert [m.to for m in account_mail] == [[EMAIL]]
    assert "/accounts/verify/" in link_in(account_mail[0])
    assert "Lan" not in account_mail[0].body
    assert "evil" not in account_mail[0].body


def test_the_link_asks_for_the_password_and_opens_the_account_once(
    client, account_mail
):
    """Opening the link changes nothing; its form sets the name and password and
    opens the account, then login works; used again, the link is refused."""
    sign_up(client)
    link = link_in(account_mail[0])
    page = client.get(link)
    assert page.status_code == 200
    assert page.context["form"]["full_name"].value() == "Trần Thị Lan"
    assert not User.objects.get(email=EMAIL).is_active
    response = choose_password(client, link, full_name="Trần Thị Lan Anh")
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(email=EMAIL)
    assert user.is_active and user.email_verified_at is not None
    assert user.full_name == "Trần Thị Lan Anh"
    assert can_log_in(client, EMAIL, PASSWORD)
    client.logout()
    again = client.get(link)
    assert again.status_code == 400
    assert "form" in again.context
    assert choose_password(client, link, "Another-pass-2026").status_code == 400
    assert not can_log_in(client, EMAIL, "Another-pass-2026")


def test_a_second_sign_up_cannot_choose_the_pending_accounts_password(
    client, account_mail
):
    """The issue's takeover: the owner signs up, someone signs up again with the
    same address and their own name; nothing changes, and the newest link (sent
    to the owner) asks its reader for the password, so the other's never works."""
    sign_up(client)
    before = User.objects.values().get(email=EMAIL)
    sign_up(client, full_name="Call 0900 000 000", password1="Attacker-pass-2026")
    assert User.objects.values().get(email=EMAIL) == before
    assert User.objects.filter(email__iexact=EMAIL).count() == 1
    first, newest = (link_in(m) for m in account_mail)
    assert "0900" not in account_mail[1].body
    assert choose_password(client, newest, "Owner-chooses-2026").status_code == 302
    assert client.get(first).status_code == 400
    assert not can_log_in(client, EMAIL, "Attacker-pass-2026")
    assert can_log_in(client, EMAIL, "Owner-chooses-2026")


def test_a_pending_account_from_before_gets_the_password_its_reader_chooses(
    client, account_mail
):
    """An account left pending by the old sign-up (its password typed by whoever
    signed up last) is opened only with the password chosen on the link's page."""
    old = User.objects.create_user(
        username=EMAIL, email=EMAIL, password="Typed-by-someone-2026", is_active=False
    )
    client.post(reverse("accounts:resend_verification"), {"email": EMAIL})
    choose_password(client, link_in(account_mail[0]), "Owner-chooses-2026")
    old.refresh_from_db()
    assert old.is_active and old.check_password("Owner-chooses-2026")
    assert not old.check_password("Typed-by-someone-2026")


def test_the_link_carries_the_page_to_return_to(client, demo, account_mail):
    """Signing up from a filing page comes back to it after login."""
    sign_up(client, next="/my/dossiers/new/1.000894/")
    link = link_in(account_mail[0])
    response = choose_password(client, link)
    assert response["Location"].endswith("?next=%2Fmy%2Fdossiers%2Fnew%2F1.000894%2F")


def test_an_outside_next_address_is_ignored(client, account_mail):
    """A next address on another site is dropped, not followed."""
    sign_up(client, next="https://evil.example/")
    assert "evil" not in account_mail[0].body


def test_an_expired_or_forged_link_is_refused(client, account_mail):
    """After ACCOUNT_VERIFICATION_MAX_AGE, or tampered, the link opens nothing."""
    sign_up(client)
    link = link_in(account_mail[0])
    with time_machine.travel(timezone.now() + timezone.timedelta(days=4)):
        assert client.get(link).status_code == 400
        assert choose_password(client, link).status_code == 400
    assert client.get(link[:-3] + "abc/").status_code == 400
    assert not User.objects.get(email=EMAIL).is_active


def test_resend_sends_a_fresh_link_only_to_pending_accounts(client, demo, account_mail):
    """Resend answers the same for any address; only a pending one gets mail."""
    sign_up(client)
    account_mail.clear()
    url = reverse("accounts:resend_verification")
    for email in (EMAIL, "citizen@example.vn", "nobody@example.vn"):
        response = client.post(url, {"email": email})
        assert response["Location"] == reverse("accounts:signup_sent")
    assert [m.to for m in account_mail] == [[EMAIL]]
    assert client.get(link_in(account_mail[0])).status_code == 200


def test_signing_up_with_a_known_address_tells_its_owner(client, demo, account_mail):
    """A registered address gets an "already registered" e-mail; nothing changes."""
    citizen = User.objects.get(username="citizen")
    before = User.objects.values().get(pk=citizen.pk)
    response = sign_up(client, email="CITIZEN@example.vn", full_name="Someone")
    assert response["Location"] == reverse("accounts:signup_sent")
    assert User.objects.values().get(pk=citizen.pk) == before
    assert User.objects.filter(email__iexact="citizen@example.vn").count() == 1
    assert account_mail[0].to == ["citizen@example.vn"]
    assert "/accounts/verify/" not in account_mail[0].body
    assert "Someone" not in account_mail[0].body
    assert citizen.full_name not in account_mail[0].body


def test_the_request_does_the_same_work_for_any_address(
    client, demo, monkeypatch, account_mail
):
    """A known, a pending and a new address get the same answer, from the same
    queries, and one task each: what differs is decided by the worker."""
    sign_up(client, email="pending@example.vn")
    enqueued = []
    task_class = type(tasks.sign_up_requested._get_current_object())
    monkeypatch.setattr(
        task_class, "delay_on_commit", lambda self, **kw: enqueued.append(kw)
    )
    answers, queries = [], []
    for email in ("citizen@example.vn", "pending@example.vn", "new@example.vn"):
        with CaptureQueriesContext(connection) as captured:
            response = sign_up(client, email=email)
        answers.append((response.status_code, response["Location"]))
        queries.append([q["sql"] for q in captured.captured_queries])
    assert len(set(answers)) == 1
    assert queries[0] == queries[1] == queries[2]
    assert [kw["email"] for kw in enqueued] == [
        "citizen@example.vn",
        "pending@example.vn",
        "new@example.vn",
    ]


@pytest.mark.parametrize(
    "password",
    ["12345678901", "short", EMAIL, "P@ssw0rd2024!", "matkhau2024!"],
)
def test_weak_passwords_are_refused_on_the_links_page(client, account_mail, password):
    """The site's rules apply when the password is chosen: numeric, short, like the
    e-mail, or a leaked one disguised is refused, and the account stays pending."""
    sign_up(client)
    response = choose_password(client, link_in(account_mail[0]), password)
    assert response.status_code == 400
    assert "password1" in response.context["form"].errors
    assert b'id="error-summary"' in response.content
    assert not User.objects.get(email=EMAIL).is_active


def test_mismatched_passwords_are_refused(client, account_mail):
    """The two passwords must be the same."""
    sign_up(client)
    response = choose_password(client, link_in(account_mail[0]), again=PASSWORD + "x")
    assert "password2" in response.context["form"].errors


def test_account_pages_render(client, demo):
    """Sign-up, resend, reset and login pages open for a visitor."""
    for name in ("signup", "signup_sent", "resend_verification", "password_reset"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 200
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:signup") in page
    assert reverse("accounts:password_reset") in page
    signup_page = client.get(reverse("accounts:signup")).content.decode()
    assert 'name="password1"' not in signup_page
