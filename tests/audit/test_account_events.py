"""Account events: login, logout, failed login, lockout, password changes, and the
client address behind trusted proxies."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from audit import signals
from audit.models import Action, AuditEvent
from audit.network import client_ip
from audit.services import record
from portal.demo import DEMO_PASSWORD
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db

CLIENT = "203.0.113.7"


class UpgradingHasher(MD5PasswordHasher):
    """Asks for every hash to be redone at login, as a raised work factor does."""

    def must_update(self, encoded: str) -> bool:
        return True


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_login_is_recorded_with_who_and_the_address(client, demo):
    """A successful login records the account, its name, the address and browser."""
    client.post(
        reverse("accounts:login"),
        {"username": "clerk", "password": DEMO_PASSWORD},
        REMOTE_ADDR=CLIENT,
        HTTP_USER_AGENT="Test browser " + "x" * 400,
    )
    [event] = events(Action.LOGIN)
    clerk = demo_user("clerk")
    assert event.actor == clerk
    assert event.actor_label == "clerk"
    assert (event.object_type, event.object_id) == ("accounts.user", clerk.pk)
    assert event.ip == CLIENT
    assert event.user_agent.startswith("Test browser")
    assert len(event.user_agent) == 255


def test_a_logout_is_recorded(client, demo):
    """Logging out records the account that left."""
    client.force_login(demo_user("officer"))
    client.post(reverse("accounts:logout"), REMOTE_ADDR=CLIENT)
    [event] = events(Action.LOGOUT)
    assert event.actor_label == "officer"
    assert event.ip == CLIENT


def test_a_failed_login_records_the_name_typed_never_the_password(client, demo):
    """A wrong password records the name typed and the account it names, and the
    password appears nowhere in the row."""
    client.post(
        reverse("accounts:login"),
        {"username": "leader", "password": "Wrong-Secret-42"},
        REMOTE_ADDR=CLIENT,
    )
    [event] = events(Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_label == "leader"
    assert event.object_id == demo_user("leader").pk
    assert event.ip == CLIENT
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert "Wrong-Secret-42" not in repr(row)


def test_a_failed_login_on_an_unknown_name_is_recorded_without_an_account(client, demo):
    """A name that is no account is still recorded, with no account attached."""
    client.post(
        reverse("accounts:login"),
        {"username": "nobody-here", "password": "x"},
        REMOTE_ADDR=CLIENT,
    )
    [event] = events(Action.LOGIN_FAILED)
    assert event.actor_label == "nobody-here"
    assert event.object_id is None


def test_a_lockout_is_recorded(demo):
    """django-axes' lockout signal records the locked account and the address."""
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=CLIENT)
    signals.on_locked_out(
        sender="axes", request=request, username="clerk", ip_address=CLIENT
    )
    [event] = events(Action.LOCKOUT)
    assert event.actor_label == "clerk"
    assert event.object_id == demo_user("clerk").pk
    assert event.ip == CLIENT


def test_failed_logins_up_to_the_lockout_are_all_recorded(client, demo, settings):
    """With django-axes installed, repeated wrong passwords record each failure and
    then the lockout itself."""
    from django.apps import apps

    if not apps.is_installed("axes"):
        pytest.skip("django-axes is not in INSTALLED_APPS")
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        client.post(
            reverse("accounts:login"),
            {"username": "clerk", "password": "wrong"},
            REMOTE_ADDR=CLIENT,
        )
    assert len(events(Action.LOGIN_FAILED)) == limit
    [lockout] = events(Action.LOCKOUT)
    assert lockout.object_id == demo_user("clerk").pk
    assert lockout.ip == CLIENT


def test_a_password_change_is_recorded(client, demo):
    """Changing one's password records who, from where; the password nowhere."""
    citizen = demo_user("citizen")
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "a-New-passphrase-2026",
            "new_password2": "a-New-passphrase-2026",
        },
        REMOTE_ADDR=CLIENT,
    )
    assert response.status_code == 302
    [event] = events(Action.PASSWORD_CHANGED)
    assert event.actor == citizen
    assert event.object_id == citizen.pk
    assert event.ip == CLIENT
    assert event.details == {}
    assert "a-New-passphrase-2026" not in repr(
        AuditEvent.objects.filter(pk=event.pk).values().get()
    )


def test_a_password_set_through_a_reset_link_is_a_reset(client, demo):
    """The reset link's new password is recorded as a reset by the account owner."""
    citizen = demo_user("citizen")
    uid = urlsafe_base64_encode(force_bytes(citizen.pk))
    token = default_token_generator.make_token(citizen)
    form_url = client.get(
        reverse("accounts:password_reset_confirm", args=[uid, token])
    )["Location"]
    client.post(
        form_url,
        {
            "new_password1": "Reset-passphrase-77",
            "new_password2": "Reset-passphrase-77",
        },
        REMOTE_ADDR=CLIENT,
    )
    [event] = events(Action.PASSWORD_RESET)
    assert event.actor == citizen
    assert event.ip == CLIENT
    assert events(Action.PASSWORD_CHANGED) == []


def test_a_password_set_by_someone_else_names_both(client, demo, as_staff):
    """An administrator setting a staff member's password is the actor; the account
    is the object."""
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    clerk = demo_user("clerk")
    as_staff(admin)
    client.post(
        reverse("admin:auth_user_password_change", args=[clerk.pk]),
        {"password1": "Admin-set-pass-99", "password2": "Admin-set-pass-99"},
    )
    [event] = events(Action.PASSWORD_CHANGED)
    assert event.actor == admin
    assert event.object_id == clerk.pk
    assert event.details == {"by_other": True}


def test_a_first_password_is_not_a_change(db):
    """Setting up an account's first password records no password change."""
    user = User.objects.create(username="newcomer")
    user.set_password("first-password-1")
    user.save()
    assert events(Action.PASSWORD_CHANGED) == []


def test_a_password_set_outside_a_request_is_recorded_without_an_actor(demo):
    """A command or the shell changing a password leaves an event naming the
    account, and nobody as its author."""
    clerk = demo_user("clerk")
    clerk.set_password("From-the-shell-1")
    clerk.save()
    [event] = events(Action.PASSWORD_CHANGED)
    assert event.actor is None
    assert event.object_id == clerk.pk
    assert event.details == {"no_request": True}


def test_a_rehash_at_login_is_not_a_change(client, settings):
    """Django re-hashing an unchanged password at login records a login only."""
    settings.PASSWORD_HASHERS = [f"{__name__}.UpgradingHasher"]
    UserFactory(username="rehash", password="first-password-1")
    hash_before = User.objects.get(username="rehash").password
    response = client.post(
        reverse("accounts:login"),
        {"username": "rehash", "password": "first-password-1"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="rehash").password != hash_before
    assert events(Action.PASSWORD_CHANGED) == []
    assert len(events(Action.LOGIN)) == 1


def test_record_refuses_an_unknown_action(db):
    """A misspelt action is an error, not a silent new kind of event."""
    with pytest.raises(ValueError):
        record(None, "loggedin")


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # No proxy is trusted: the header is the client's own claim.
        ([], "198.51.100.1", "1.2.3.4", "198.51.100.1"),
        # The proxy appends the address it was reached from: the right-most one.
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # Our own proxies in a chain are skipped.
        (["10.0.0.0/8"], "10.0.0.2", "203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # A request that did not come through the proxy: the header is ignored.
        (["10.0.0.0/8"], "198.51.100.1", "1.2.3.4", "198.51.100.1"),
        # Garbage in the header: the proxy's address rather than a guess.
        (["10.0.0.2"], "10.0.0.2", "not-an-ip", "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", "", "10.0.0.2"),
        ([], "2001:db8::1", "", "2001:db8::1"),
        ([], "", "", None),
    ],
)
def test_client_ip_trusts_forwarded_for_only_from_trusted_proxies(
    settings, trusted, remote, forwarded, expected
):
    """X-Forwarded-For counts only from a trusted proxy, right-most untrusted hop."""
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_ip(request) == expected
