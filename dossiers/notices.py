"""What the applicant is told when their dossier changes, and how it is recorded.

A transition the registry (``dossiers/workflow.py``) marks ``tells_applicant``
records one ``TransitionNotice`` in the same transaction as the change, so a
notice exists exactly when the change committed. After commit, the task in
``dossiers/tasks.py`` sends it through the pipeline every notice shares
(``notifications.delivery``): in the app, by e-mail and by SMS, as
``NOTICE_CHANNELS["applicant"]`` says, each channel at most once.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.urls import reverse

from notifications import delivery
from notifications.channels import Message

from .models import Dossier, TransitionLog, TransitionNotice

# Seeding history (demo data, imports) replays transitions that happened long ago;
# the applicants must not be told about them again.
_notifications_muted: ContextVar[bool] = ContextVar(
    "notifications_muted", default=False
)


@contextmanager
def notifications_muted() -> Iterator[None]:
    """Within this block, transitions are logged but nobody is notified."""
    token = _notifications_muted.set(True)
    try:
        yield
    finally:
        _notifications_muted.reset(token)


def applicant_recipient(dossier: Dossier, audience: str) -> dict[str, Any] | None:
    """The fields of a notice to ``dossier``'s applicant (their account, name,
    e-mail, phone and language; the dossier's own contact details first), or None
    when no channel of ``audience`` reaches them."""
    account = dossier.applicant
    email = dossier.applicant_email or getattr(account, "email", "")
    phone = dossier.applicant_phone or getattr(account, "phone", "")
    if not delivery.reachable(
        settings.NOTICE_CHANNELS[audience],
        has_account=account is not None,
        email=email,
        phone=phone,
    ):
        return None
    return {
        "recipient": account,
        "recipient_name": dossier.applicant_name[:150],
        "email": email,
        "phone": phone[:20],
        "language": dossier.applicant_language or "vi",
    }


def record_transition_notice(log: TransitionLog) -> TransitionNotice | None:
    """Record the applicant's notice of ``log``; None when muted or unreachable."""
    if _notifications_muted.get():
        return None
    recipient = applicant_recipient(log.dossier, TransitionNotice.audience)
    if recipient is None:
        return None
    return TransitionNotice.objects.create(
        key=f"transition:{log.pk}", log=log, **recipient
    )


def send_transition_notice(notice_id: int) -> TransitionNotice | None:
    """Send one recorded notice on every channel that has not sent it yet."""
    return delivery.deliver(
        TransitionNotice.objects.select_related("log__dossier"),
        notice_id,
        compose=compose,
    )


def compose(notice: TransitionNotice) -> Message:
    """The notice in the applicant's language: the new status, what it means, the
    centre's message and, for a supplement request, every paper it names."""
    log = notice.log
    return delivery.render(
        notice,
        "emails/transition",
        lambda: {
            "dossier": log.dossier,
            "log": log,
            "CENTRE_NAME": settings.CENTRE_NAME,
        },
        link=reverse("dossiers:detail", args=[log.dossier_id]),
    )
