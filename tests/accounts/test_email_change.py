"""Changing the e-mail address: the current password, a link to the new address,
the change only when it is followed, and a notice to the old address."""

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import Action, AuditEvent
from tests.accounts.conftest import link_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("account_mail")]

PASSWORD = "onecenter-demo"
OLD, NEW = "me@example.vn", "me.new@example.vn"


@pytest.fixture
def me(client):
    user = UserFactory(username=OLD, email=OLD, full_name="Trần Thị Lan")
    client.force_login(user)
    return user


def ask(client, email=NEW, password=PASSWORD):
    return client.post(
        reverse("accounts:email_change"),
        {"email": email, "current_password": password},
    )


def test_the_profile_form_no_longer_changes_the_address(client, me, account_mail):
    """The issue's probe: the profile form with another address saves the other
    details and leaves the address alone, with no e-mail sent."""
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Lan",
            "id_number": "",
            "phone": "",
            "email": "someone@example.vn",
            "address": "",
            "preferred_language": "vi",
        },
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.full_name, me.email) == ("Lan", OLD)
    assert account_mail == []
    page = client.get(reverse("accounts:profile")).content.decode()
    assert OLD in page and reverse("accounts:email_change") in page


def test_a_wrong_password_changes_nothing_and_sends_nothing(client, me, account_mail):
    """Without the current password no link goes out."""
    response = ask(client, password="not-my-password")
    assert response.status_code == 400
    assert "current_password" in response.context["form"].errors
    assert account_mail == []


def test_the_address_changes_only_when_the_link_is_followed(client, me, account_mail):
    """The link goes to the new address only; until it is followed the old address
    stays; following it moves the account, its login name with it, and the old
    address is told."""
    response = ask(client)
    assert response["Location"] == reverse("accounts:profile")
    assert [m.to for m in account_mail] == [[NEW]]
    me.refresh_from_db()
    assert me.email == OLD
    link = link_in(account_mail[0])
    page = client.get(link)
    assert page.status_code == 200 and NEW in page.content.decode()
    me.refresh_from_db()
    assert me.email == OLD
    assert client.post(link)["Location"] == reverse("accounts:profile")
    me.refresh_from_db()
    assert (me.email, me.username) == (NEW, NEW)
    assert me.email_verified_at is not None
    trail = AuditEvent.objects.filter(actor=me).values_list("action", flat=True)
    assert {Action.EMAIL_CHANGE_REQUESTED, Action.EMAIL_CHANGED} <= set(trail)
    notice = account_mail[1]
    assert notice.to == [OLD] and NEW in notice.body
    assert "Lan" not in notice.body
    client.logout()
    assert client.login(username=NEW, password=PASSWORD)
    assert client.post(link).status_code == 400


def test_a_login_name_that_is_not_the_address_stays(client, demo, account_mail):
    """The demo citizen logs in as "citizen": that does not change."""
    citizen = User.objects.get(username="citizen")
    client.force_login(citizen)
    ask(client)
    client.post(link_in(account_mail[0]))
    citizen.refresh_from_db()
    assert (citizen.username, citizen.email) == ("citizen", NEW)


def test_the_link_works_only_for_the_account_that_asked(client, me, account_mail):
    """Someone else logged in, or nobody, cannot use the link."""
    ask(client)
    link = link_in(account_mail[0])
    client.force_login(UserFactory(username="other", email="other@example.vn"))
    assert client.get(link).status_code == 400
    assert client.post(link).status_code == 400
    client.logout()
    response = client.post(link)
    assert response["Location"].startswith(reverse("accounts:login"))
    me.refresh_from_db()
    assert me.email == OLD


def test_another_accounts_address_cannot_be_taken(client, me, account_mail):
    """Asking for an address another account uses sends its owner a note and no
    link; an address taken between the request and the link is refused then."""
    UserFactory(username="owner", email="taken@example.vn")
    ask(client, email="TAKEN@example.vn")
    assert [m.to for m in account_mail] == [["TAKEN@example.vn"]]
    assert "/accounts/profile/email/" not in account_mail[0].body

    ask(client, email="free@example.vn")
    link = link_in(account_mail[1])
    UserFactory(username="quick", email="free@example.vn")
    assert client.post(link).status_code == 400
    me.refresh_from_db()
    assert me.email == OLD


def test_the_link_dies_when_the_password_changes(client, me, account_mail):
    """A link asked before a password change opens nothing after it."""
    ask(client)
    me.set_password("Sen-trang-2027!")
    me.save()
    client.force_login(me)
    assert client.post(link_in(account_mail[0])).status_code == 400


def test_wrong_passwords_are_capped(client, me, settings, account_mail):
    """After ACCOUNT_PASSWORD_CHECKS_PER_HOUR wrong passwords even the right one is
    refused for the hour: the form cannot be used to guess the password."""
    for n in range(settings.ACCOUNT_PASSWORD_CHECKS_PER_HOUR):
        assert ask(client, password=f"guess-{n}").status_code == 400
    response = ask(client)
    assert response.status_code == 400
    assert "current_password" in response.context["form"].errors
    assert account_mail == []


def test_the_same_address_is_refused(client, me, account_mail):
    """Asking for the address the account already has is an error."""
    response = ask(client, email=OLD.upper())
    assert "email" in response.context["form"].errors


def test_the_page_needs_a_login(client):
    """A visitor is sent to log in."""
    response = client.get(reverse("accounts:email_change"))
    assert response["Location"].startswith(reverse("accounts:login"))
