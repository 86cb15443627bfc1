"""Sending one recorded reminder through its channels, never twice.

``deliver`` takes the reminder's row lock with ``SELECT … FOR UPDATE SKIP
LOCKED`` and only acts on a row still pending, so of two workers handed the same
reminder one sends and the other finds nothing to do. The status changes in the
same transaction as the sending: a worker that dies mid-way leaves the row
pending (its transaction rolls back) and the next scan or the task's retry sends
it. Each channel stamps its own time, so a retry after, say, an SMS gateway
failure does not e-mail again. What no database can promise is the instant
between an e-mail leaving and the commit: a crash exactly there sends that
e-mail again on retry (at least once, not at most once, for external channels).
"""

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from dossiers.models import Dossier, State
from dossiers.selectors import OPEN_STATES
from notifications.channels import Message, get_channel

from .models import Kind, Reminder, Status
from .scan import still_due

logger = logging.getLogger(__name__)

# The column each channel stamps once it has sent.
CHANNEL_STAMPS = {"in_app": "notified_at", "email": "emailed_at", "sms": "texted_at"}


class DeliveryError(Exception):
    """A channel failed; the reminder stays pending and is tried again."""

    def __init__(self, reminder: Reminder, failures: dict[str, Exception]) -> None:
        self.reminder = reminder
        self.failures = failures
        detail = "; ".join(f"{name}: {error!r}" for name, error in failures.items())
        super().__init__(f"Reminder {reminder.key} not fully sent: {detail}")


def deliver(reminder_id: int) -> Reminder | None:
    """Send one pending reminder on every channel that has not sent it yet.

    Returns the reminder with its new status (sent, failed after the last
    attempt, or cancelled when its dossier moved on), or None when there was
    nothing to do: already handled, or being sent by another worker right now.
    Raises ``DeliveryError`` when a channel failed and another attempt is due.
    """
    failures: dict[str, Exception] = {}
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(pk=reminder_id, status=Status.PENDING)
            .first()
        )
        if reminder is None:
            return None
        if not still_due(reminder):
            reminder.status = Status.CANCELLED
            reminder.save(update_fields=["status"])
            return reminder
        reminder.attempts += 1
        sent_on = 0
        try:
            message = compose(reminder)
        except Exception as error:  # a broken template must not block the others
            failures["compose"] = error
        else:
            sent_on, failures = _send(reminder, message)
        if failures:
            reminder.last_error = "; ".join(
                f"{name}: {error!r}" for name, error in failures.items()
            )[:2000]
            logger.warning("Reminder %s: %s", reminder.key, reminder.last_error)
            if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
                reminder.status = Status.FAILED
        elif sent_on or _sent_before(reminder):
            reminder.status = Status.SENT
            reminder.sent_at = timezone.now()
            reminder.last_error = ""
        else:
            # No enabled channel reaches the person any more (settings changed).
            reminder.status = Status.CANCELLED
        reminder.save()
    if failures and reminder.status == Status.PENDING:
        raise DeliveryError(reminder, failures)
    return reminder


def _send(reminder: Reminder, message: Message) -> tuple[int, dict[str, Exception]]:
    audience = "applicant" if reminder.for_applicant else "staff"
    sent, failures = 0, {}
    for name in settings.REMINDER_CHANNELS[audience]:
        stamp = CHANNEL_STAMPS[name]
        if getattr(reminder, stamp) is not None:
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
            setattr(reminder, stamp, timezone.now())
            sent += 1
    return sent, failures


def _sent_before(reminder: Reminder) -> bool:
    return any(getattr(reminder, stamp) for stamp in CHANNEL_STAMPS.values())


# --- the message ----------------------------------------------------------------


def compose(reminder: Reminder) -> Message:
    """The reminder rendered in its recipient's language."""
    with translation.override(reminder.language or settings.LANGUAGE_CODE):
        context = _context(reminder)
        template = f"emails/reminders/{reminder.kind}"
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    return Message(
        key=reminder.key,
        subject=subject,
        body=body,
        # An SMS carries the subject alone: it names the dossier and what to do.
        short_text=subject,
        recipient=reminder.recipient,
        email=reminder.email,
        phone=reminder.phone,
        dossier=reminder.dossier,
    )


def _context(reminder: Reminder) -> dict[str, Any]:
    context: dict[str, Any] = {
        "reminder": reminder,
        "name": reminder.recipient_name,
        "CENTRE_NAME": settings.CENTRE_NAME,
    }
    if reminder.kind == Kind.OVERDUE_DIGEST:
        dossiers = list(
            Dossier.objects.filter(pk__in=reminder.digest, state__in=OPEN_STATES)
            .select_related("deciding_agency", "receiving_desk")
            .order_by("current_due_at", "id")
        )
        for dossier in dossiers:
            dossier.procedure_name = _procedure_name(dossier)
            dossier.link = _link(reverse("workspace:dossier_detail", args=[dossier.pk]))
        context.update(
            dossiers=dossiers,
            count=len(dossiers),
            link=_link(reverse("workspace:dossier_list") + "?due=overdue"),
        )
        return context
    dossier = reminder.dossier
    context.update(
        dossier=dossier,
        code=dossier.code or "",
        procedure=_procedure_name(dossier),
        due=dossier.current_due_at,
        desk=dossier.receiving_desk,
    )
    if reminder.for_applicant:
        track = reverse("dossiers:track")
        context["link"] = _link(f"{track}?code={dossier.code}" if dossier.code else "")
        context["paused"] = dossier.state == State.AWAITING_SUPPLEMENT
        context["request"] = (
            dossier.supplement_requests.filter(answered_at__isnull=True)
            .order_by("-requested_at")
            .first()
        )
    else:
        context["link"] = _link(reverse("workspace:dossier_detail", args=[dossier.pk]))
        context["step"] = dossier.current_step
    return context


def _procedure_name(dossier: Dossier) -> str:
    snapshot = dossier.procedure_snapshot or {}
    if translation.get_language() == "en" and snapshot.get("name_en"):
        return snapshot["name_en"]
    return snapshot.get("name", "")


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path else settings.SITE_URL
