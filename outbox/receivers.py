"""Where events go: the receiver interface and its HTTP JSON implementations.

``Receiver.send`` delivers one event or raises ``DeliveryFailed``. Both kinds
POST JSON over HTTP with the event's idempotency key in ``Idempotency-Key``
(the same key on every attempt, so a receiver that keeps one row per key
applies a repeated delivery once). The national portal adapter sends the flat
status record documented in docs/outbox.md with the bearer token the portal
issued; a webhook sends the event envelope signed with HMAC-SHA256 over
``<timestamp>.<body>``.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from typing import Any

from django.conf import settings

from .models import Event, Kind, Subscriber

SIGNATURE_HEADER = "X-OneCenter-Signature"
TIMESTAMP_HEADER = "X-OneCenter-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
USER_AGENT = "OneCenter-Outbox/1"
# What is kept of a refusing receiver's answer, for the admin to read.
ERROR_BODY_MAX = 500


class DeliveryFailed(Exception):
    """The receiver did not take the event; another attempt is due."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def encode(document: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed: compact, keys sorted, UTF-8."""
    return json.dumps(
        document, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, ``<timestamp>.<body>``)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class Receiver(ABC):
    """One subscriber's end: ``send`` delivers an event or raises
    ``DeliveryFailed``."""

    def __init__(self, subscriber: Subscriber) -> None:
        self.subscriber = subscriber

    @abstractmethod
    def send(self, event: Event, *, attempt: int) -> int:
        """Deliver ``event``; returns the receiver's status code."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirected POST would be replayed as a GET without its body: a redirect
    # is a failure the administrator fixes by correcting the URL.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class HttpJsonReceiver(Receiver):
    """POST the event as JSON; any 2xx answer is a delivery."""

    def body(self, event: Event) -> dict[str, Any]:
        raise NotImplementedError

    def headers(self, event: Event, body: bytes) -> dict[str, str]:
        return {}

    def send(self, event: Event, *, attempt: int) -> int:
        body = encode(self.body(event))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            IDEMPOTENCY_HEADER: str(event.key),
            "X-OneCenter-Event": event.event_type,
            "X-OneCenter-Attempt": str(attempt),
            **self.headers(event, body),
        }
        request = urllib.request.Request(
            self.subscriber.url, data=body, headers=headers, method="POST"
        )
        try:
            with _opener.open(request, timeout=settings.OUTBOX_HTTP_TIMEOUT) as answer:
                answer.read(ERROR_BODY_MAX)
                status = answer.status
        except urllib.error.HTTPError as error:
            detail = error.read(ERROR_BODY_MAX).decode(errors="replace")
            raise DeliveryFailed(
                f"HTTP {error.code}: {detail}".strip(), status=error.code
            ) from error
        except (OSError, ValueError) as error:  # refused, reset, timeout, bad URL
            raise DeliveryFailed(repr(error)) from error
        if not 200 <= status < 300:
            raise DeliveryFailed(f"HTTP {status}", status=status)
        return status


class WebhookReceiver(HttpJsonReceiver):
    """A generic subscriber: the event envelope, signed with its secret."""

    def body(self, event: Event) -> dict[str, Any]:
        return {
            "id": str(event.key),
            "type": f"dossier.{event.event_type}",
            "data": event.payload,
        }

    def headers(self, event: Event, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time()))
        return {
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(self.subscriber.secret, timestamp, body),
        }


class NationalPortalReceiver(HttpJsonReceiver):
    """The National Public Service Portal's status sync: one flat status record
    per event, authorised by the portal's bearer token.

    The record's fields are OneCenter's (docs/outbox.md); if the portal's
    integration document names them otherwise, this method is the one place
    to map them.
    """

    def body(self, event: Event) -> dict[str, Any]:
        return {"event_id": str(event.key), **event.payload}

    def headers(self, event: Event, body: bytes) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.subscriber.secret}"}


RECEIVERS: dict[str, type[Receiver]] = {
    Kind.NATIONAL_PORTAL: NationalPortalReceiver,
    Kind.WEBHOOK: WebhookReceiver,
}


def receiver_for(subscriber: Subscriber) -> Receiver:
    return RECEIVERS[subscriber.kind](subscriber)
