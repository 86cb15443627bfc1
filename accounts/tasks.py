"""Celery tasks of accounts: the account e-mails, sent away from the request.

They take an address (or a primary key) and call one function of emails.py. A
failed send is retried; the data they write (a pending account) is written once,
so a rerun at most repeats the e-mail.
"""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import emails

RETRY = {
    "acks_late": True,
    "autoretry_for": (SMTPException, OSError, OperationalError, InterfaceError),
    "retry_backoff": True,
    "max_retries": settings.NOTICE_MAX_ATTEMPTS,
}


@shared_task(**RETRY)
def sign_up_requested(
    email: str, full_name: str, language: str, next_url: str = ""
) -> str:
    return emails.sign_up_requested(
        email=email, full_name=full_name, language=language, next_url=next_url
    )


@shared_task(**RETRY)
def verification_requested(email: str, language: str) -> bool:
    return emails.verification_requested(email=email, language=language)


@shared_task(**RETRY)
def password_reset_requested(email: str) -> int:
    return emails.password_reset_requested(email=email)


@shared_task(**RETRY)
def email_change_requested(user_id: int, new_email: str) -> str:
    return emails.email_change_requested(user_id=user_id, new_email=new_email)


@shared_task(**RETRY)
def email_changed_notice(user_id: int, old_email: str) -> None:
    emails.email_changed_notice(user_id=user_id, old_email=old_email)
