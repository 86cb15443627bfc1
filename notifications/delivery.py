"""Sending one recorded notice through its channels, never twice.

Every outgoing notice (a transition notice, a reminder) is a ``Delivery`` row
recorded before it is sent. ``deliver`` takes the row's lock with ``SELECT … FOR
UPDATE SKIP LOCKED`` and only acts on a row still pending, so of two workers
handed the same notice one sends and the other finds nothing to do. The status
changes in the same transaction as the sending: a worker that dies mid-way
leaves the row pending (its transaction rolls back) and a retry sends it. Each
channel stamps its own time, so a retry after, say, an SMS gateway failure does
not e-mail again. What no database can promise is the instant between an e-mail
leaving and the commit: a crash exactly there sends that e-mail again on retry
(at least once, not at most once, for external channels).

The channels used are those ``NOTICE_CHANNELS`` lists for the notice's audience.
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .channels import Message, get_channel
from .models import CHANNEL_STAMPS, Delivery, Status

logger = logging.getLogger(__name__)

D = TypeVar("D", bound=Delivery)


class DeliveryError(Exception):
    """A channel failed; the notice stays pending and is tried again."""

    def __init__(self, record: Delivery, failures: dict[str, Exception]) -> None:
        self.record = record
        self.failures = failures
        detail = "; ".join(f"{name}: {error!r}" for name, error in failures.items())
        super().__init__(f"Notice {record.key} not fully sent: {detail}")


def deliver(
    records: QuerySet[D],
    pk: int,
    *,
    compose: Callable[[D], Message],
    still_due: Callable[[D], bool] = lambda record: True,
) -> D | None:
    """Send one pending notice on every channel that has not sent it yet.

    ``compose`` renders the message (in the recipient's language); ``still_due``
    says whether it still applies (a reminder whose dossier moved on does not).
    Returns the record with its new status (sent, failed after the last attempt,
    or cancelled), or None when there was nothing to do: already handled, or
    being sent by another worker right now. Raises ``DeliveryError`` when a
    channel failed and another attempt is due.
    """
    failures: dict[str, Exception] = {}
    with transaction.atomic():
        # Only the notice's own row ("self"): its query may join the dossier,
        # whose row a change in progress can hold, and a skipped notice would
        # not be sent at all.
        record = (
            records.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, status=Status.PENDING)
            .first()
        )
        if record is None:
            return None
        if not still_due(record):
            record.status = Status.CANCELLED
            record.save(update_fields=["status"])
            return record
        record.attempts += 1
        sent_on = 0
        try:
            message = compose(record)
        except Exception as error:  # a broken template must not block the others
            failures["compose"] = error
        else:
            sent_on, failures = _send(record, message)
        if failures:
            record.last_error = "; ".join(
                f"{name}: {error!r}" for name, error in failures.items()
            )[:2000]
            logger.warning("Notice %s: %s", record.key, record.last_error)
            if record.attempts >= settings.NOTICE_MAX_ATTEMPTS:
                record.status = Status.FAILED
        elif sent_on or record.sent_on_any_channel:
            record.status = Status.SENT
            record.sent_at = timezone.now()
            record.last_error = ""
        else:
            # No enabled channel reaches the person any more (settings changed).
            record.status = Status.CANCELLED
        record.save()
    if failures and record.status == Status.PENDING:
        raise DeliveryError(record, failures)
    return record


def _send(record: Delivery, message: Message) -> tuple[int, dict[str, Exception]]:
    sent, failures = 0, {}
    for name in settings.NOTICE_CHANNELS[record.audience]:
        stamp = CHANNEL_STAMPS[name]
        if getattr(record, stamp) is not None:
            continue
        channel = get_channel(name)
        if not channel.accepts(message):
            continue
        try:
            # A savepoint: a failed in-app insert must not poison the transaction
            # that records what the other channels sent.
            with transaction.atomic():
                channel.send(message)
        except Exception as error:  # any channel failure is retried later
            failures[name] = error
        else:
            setattr(record, stamp, timezone.now())
            sent += 1
    return sent, failures


def render(
    record: Delivery,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    link: str = "",
) -> Message:
    """``record``'s message from ``<template>_subject.txt`` and ``_body.txt``,
    rendered in the recipient's language (``context`` is built in it too).

    An SMS carries the subject alone, so a subject names what the message is
    about and what to do.
    """
    with translation.override(record.language or settings.LANGUAGE_CODE):
        values = context()
        subject = " ".join(render_to_string(f"{template}_subject.txt", values).split())
        body = render_to_string(f"{template}_body.txt", values)
    return Message(
        key=record.key,
        subject=subject,
        body=body,
        short_text=subject,
        recipient=record.recipient,
        email=record.email,
        phone=record.phone,
        link=link,
    )


def reachable(
    channels: Iterable[str], *, has_account: bool, email: str = "", phone: str = ""
) -> bool:
    """Whether at least one of ``channels`` can reach the person: in-app needs an
    account, e-mail an address, SMS a phone number."""
    channels = set(channels)
    return bool(
        ("in_app" in channels and has_account)
        or ("email" in channels and email)
        or ("sms" in channels and phone)
    )
