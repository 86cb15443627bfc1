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

from django.conf import settings
from django.urls import reverse

from notifications import delivery
from notifications.channels import Message

from .models import TransitionLog, TransitionNotice

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


def record_transition_notice(log: TransitionLog) -> TransitionNotice | None:
    """Record the applicant's notice of ``log``; None when muted or unreachable."""
    if _notifications_muted.get():
        return None
    dossier = log.dossier
    account = dossier.applicant
    email = dossier.applicant_email or getattr(account, "email", "")
    phone = dossier.applicant_phone or getattr(account, "phone", "")
    if not delivery.reachable(
        settings.NOTICE_CHANNELS[TransitionNotice.audience],
        has_account=account is not None,
        email=email,
        phone=phone,
    ):
        return None
    return TransitionNotice.objects.create(
        key=f"transition:{log.pk}",
        log=log,
        recipient=account,
        recipient_name=dossier.applicant_name[:150],
        email=email,
        phone=phone[:20],
        language=dossier.applicant_language or "vi",
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
