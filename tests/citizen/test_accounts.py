"""Sign-up with a verified e-mail, the resend link, and password reset."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "Hoa-sen-no-2026"


def sign_up(client, email="lan.tran@example.vn", password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Trần Thị Lan",
            "email": email,
            "password1": password,
            "password2": password,
            **extra,
        },
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_creates_an_inactive_applicant_and_e_mails_a_link(client):
    """A new account is an applicant, inactive, and gets one verification e-mail."""
    response = sign_up(client)
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get(email="lan.tran@example.vn")
    assert (user.role, user.is_active, user.username) == (
        Role.APPLICANT,
        False,
        "lan.tran@example.vn",
    )
    assert user.preferred_language == "vi"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan.tran@example.vn"]
    assert "/accounts/verify/" in link_in(mail.outbox[0])
    assert not client.login(username="lan.tran@example.vn", password=PASSWORD)


def test_following_the_link_activates_once_then_login_works(client):
    """The link opens the account and sends to login; used again, it is refused."""
    sign_up(client)
    link = link_in(mail.outbox[0])
    response = client.get(link)
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(email="lan.tran@example.vn")
    assert user.is_active and user.email_verified_at is not None
    assert client.login(username="lan.tran@example.vn", password=PASSWORD)
    client.logout()
    again = client.get(link)
    assert again.status_code == 400
    assert "form" in again.context


def test_the_link_carries_the_page_to_return_to(client, demo):
    """Signing up from a filing page comes back to it after login."""
    sign_up(client, next="/my/dossiers/new/1.000894/")
    response = client.get(link_in(mail.outbox[0]))
    assert response["Location"].endswith("?next=%2Fmy%2Fdossiers%2Fnew%2F1.000894%2F")


def test_an_outside_next_address_is_ignored(client):
    """A next address on another site is dropped, not followed."""
    sign_up(client, next="https://evil.example/")
    assert "evil" not in mail.outbox[0].body


def test_an_expired_or_forged_link_is_refused(client):
    """After ACCOUNT_VERIFICATION_MAX_AGE, or tampered, the link opens nothing."""
    sign_up(client)
    link = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + timezone.timedelta(days=4)):
        assert client.get(link).status_code == 400
    assert client.get(link[:-3] + "abc/").status_code == 400
    assert not User.objects.get(email="lan.tran@example.vn").is_active


def test_resend_sends_a_fresh_link_only_to_unconfirmed_accounts(client, demo):
    """Resend answers the same for any address; only an unconfirmed one gets mail."""
    sign_up(client)
    mail.outbox.clear()
    url = reverse("accounts:resend_verification")
    for email in ("lan.tran@example.vn", "citizen@example.vn", "nobody@example.vn"):
        response = client.post(url, {"email": email})
        assert response["Location"] == reverse("accounts:signup_sent")
    assert [m.to for m in mail.outbox] == [["lan.tran@example.vn"]]
    assert client.get(link_in(mail.outbox[0]))["Location"] == reverse("accounts:login")


def test_signing_up_with_a_known_address_tells_its_owner(client, demo):
    """A registered address gets an "already registered" e-mail; nothing changes."""
    citizen = User.objects.get(username="citizen")
    password = citizen.password
    response = sign_up(client, email="CITIZEN@example.vn")
    assert response["Location"] == reverse("accounts:signup_sent")
    citizen.refresh_from_db()
    assert citizen.password == password
    assert User.objects.filter(email__iexact="citizen@example.vn").count() == 1
    assert mail.outbox[0].to == ["citizen@example.vn"]
    assert "/accounts/verify/" not in mail.outbox[0].body


def test_a_second_sign_up_replaces_the_unconfirmed_password(client):
    """Only the latest sign-up can be confirmed: the earlier link stops working."""
    sign_up(client)
    first = link_in(mail.outbox[0])
    sign_up(client, password="Another-pass-2026")
    second = link_in(mail.outbox[1])
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 302
    assert client.login(username="lan.tran@example.vn", password="Another-pass-2026")


@pytest.mark.parametrize(
    ("password", "field"),
    [
        ("12345678901", "password1"),
        ("short", "password1"),
        ("lan.tran@example.vn", "password1"),
    ],
)
def test_weak_passwords_are_refused_by_the_site_rules(client, password, field):
    """The settings' validators apply: numeric, short or like the e-mail is refused."""
    response = sign_up(client, password=password)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b'id="error-summary"' in response.content
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client):
    """The two passwords must be the same."""
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Lan",
            "email": "lan@example.vn",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )
    assert "password2" in response.context["form"].errors


def test_password_reset_e_mails_a_link_that_sets_a_new_password(client, demo):
    """Forgotten password: the e-mailed link leads to a form; the new one works."""
    response = client.post(
        reverse("accounts:password_reset"), {"email": "citizen@example.vn"}
    )
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Sen-trang-2027!", "new_password2": "Sen-trang-2027!"},
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert client.login(username="citizen", password="Sen-trang-2027!")


def test_password_reset_for_an_unknown_address_sends_nothing(client, demo):
    """The answer is the same; no e-mail goes out."""
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.vn"}
    )
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_account_pages_render(client, demo):
    """Sign-up, resend, reset and login pages open for a visitor."""
    for name in ("signup", "signup_sent", "resend_verification", "password_reset"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 200
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:signup") in page
    assert reverse("accounts:password_reset") in page
