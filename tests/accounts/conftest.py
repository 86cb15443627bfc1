"""Fixtures of the account e-mail tests: links to the test client's host, the
e-mail counters from zero, and reading a link out of a message."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from accounts import tasks

ACCOUNT_TASKS = (
    tasks.sign_up_requested,
    tasks.verification_requested,
    tasks.password_reset_requested,
    tasks.email_change_requested,
    tasks.email_changed_notice,
)


@pytest.fixture
def account_mail(settings, monkeypatch):
    """The outbox of account e-mails. Their links point at the test client's host,
    and the per-address and per-client counters start from zero (the test client
    always comes from 127.0.0.1).

    A test runs in a transaction that is never committed, so a task enqueued "on
    commit" would wait for the end of the test: here it runs at once, as it does
    after a request's commit (test_account_tasks.py checks that it waits for it).
    """
    settings.SITE_URL = "http://testserver"
    cache.clear()
    for proxy in ACCOUNT_TASKS:
        task_class = type(proxy._get_current_object())  # each task has its own class
        monkeypatch.setattr(task_class, "delay_on_commit", task_class.delay)
    yield mail.outbox
    cache.clear()


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)
