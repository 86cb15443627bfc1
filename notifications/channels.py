"""Delivery channels for one message to one person: in-app, e-mail and SMS.

Each channel answers two questions: can it reach this person (``accepts``) and
send the message (``send``, raising on failure). Callers record what was sent, so
a channel need not be idempotent itself, but the in-app one is anyway: its row
carries the message's unique key.

SMS goes through a backend named by the ``SMS_BACKEND`` setting (a dotted path to
a class with ``send(phone, text, *, key)``), so a real gateway plugs in without
touching the callers; ``ConsoleSMSBackend`` prints instead of sending.
"""

import sys
import threading
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TextIO

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from .models import Notification

# Set on every e-mail so a message can be traced back to the row that caused it.
KEY_HEADER = "X-OneCenter-Key"


@dataclass(frozen=True)
class Message:
    """What to say to whom, already rendered in the recipient's language."""

    key: str
    subject: str
    body: str
    short_text: str
    recipient: Any = None  # accounts.User, or None for a walk-in applicant
    email: str = ""
    phone: str = ""
    link: str = ""  # the page on this site the message is about


class Channel(Protocol):
    name: str

    def accepts(self, message: Message) -> bool: ...

    def send(self, message: Message) -> None: ...


class InAppChannel:
    """A notifications.Notification row, shown in the recipient's inbox."""

    name = "in_app"

    def accepts(self, message: Message) -> bool:
        return message.recipient is not None

    def send(self, message: Message) -> None:
        Notification.objects.get_or_create(
            key=message.key,
            defaults={
                "recipient": message.recipient,
                "link": message.link[:255],
                "subject": message.subject[:255],
                "body": message.body,
            },
        )


class EmailChannel:
    name = "email"

    def accepts(self, message: Message) -> bool:
        return bool(message.email)

    def send(self, message: Message) -> None:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.email],
            headers={KEY_HEADER: message.key},
        ).send()


class SMSBackend(Protocol):
    def send(self, phone: str, text: str, *, key: str) -> None: ...


class ConsoleSMSBackend:
    """Prints each text message instead of sending it (a worker logs its stdout)."""

    _lock = threading.Lock()

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, phone: str, text: str, *, key: str) -> None:
        with self._lock:
            self.stream.write(f"SMS to {phone} [{key}]: {text}\n")
            self.stream.flush()


class MemorySMSBackend:
    """Keeps text messages in ``MemorySMSBackend.outbox``, for tests."""

    outbox: ClassVar[list[tuple[str, str, str]]] = []

    def send(self, phone: str, text: str, *, key: str) -> None:
        self.outbox.append((phone, text, key))


def get_sms_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()


class SMSChannel:
    name = "sms"

    def accepts(self, message: Message) -> bool:
        return bool(message.phone)

    def send(self, message: Message) -> None:
        get_sms_backend().send(message.phone, message.short_text, key=message.key)


CHANNELS: dict[str, Channel] = {
    channel.name: channel for channel in (InAppChannel(), EmailChannel(), SMSChannel())
}


def get_channel(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError:
        raise ValueError(
            f"Unknown notification channel {name!r}; choose from {sorted(CHANNELS)}."
        ) from None
