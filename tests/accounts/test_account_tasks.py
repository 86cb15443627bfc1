"""The account e-mail tasks: enqueued after the commit, and harmless when rerun."""

import pytest
from django.core import mail
from django.core.cache import cache

from accounts import services, tasks
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "lan.tran@example.vn"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_the_e_mail_waits_for_the_commit(django_capture_on_commit_callbacks):
    """The task is enqueued when the request's transaction commits, never before
    (a rolled-back sign-up sends nothing)."""
    with django_capture_on_commit_callbacks() as callbacks:
        services.account_sign_up(
            email=EMAIL, full_name="Lan", language="vi", client_address="10.0.0.1"
        )
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_the_sign_up_task_run_twice_opens_one_account():
    """A rerun (a redelivered task) sends the link again and changes nothing, even
    with another name and language."""
    first = tasks.sign_up_requested.delay(EMAIL, "Lan", "vi").get()
    before = User.objects.values().get(email=EMAIL)
    second = tasks.sign_up_requested.delay(EMAIL, "Other", "en").get()
    assert (first, second) == ("link", "link")
    assert User.objects.values().get(email=EMAIL) == before
    assert len(mail.outbox) == 2


def test_the_reset_task_sends_nothing_for_an_unknown_or_pending_address():
    """Only an active account with a password gets a reset link."""
    UserFactory(username="p", email="pending@example.vn", is_active=False)
    assert tasks.password_reset_requested.delay("nobody@example.vn").get() == 0
    assert tasks.password_reset_requested.delay("pending@example.vn").get() == 0
    assert mail.outbox == []


def test_the_address_change_task_tells_another_accounts_owner_instead():
    """A new address that another account uses gets a note, not a link."""
    me = UserFactory(username="me", email="me@example.vn")
    UserFactory(username="other", email="other@example.vn")
    assert tasks.email_change_requested.delay(me.pk, "Other@example.vn").get() == (
        "in_use"
    )
    assert [m.to for m in mail.outbox] == [["Other@example.vn"]]
    assert "/accounts/profile/email/" not in mail.outbox[0].body
