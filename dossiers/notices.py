"""What the applicant is told when their dossier changes, and how it is recorded.

A transition the registry (``dossiers/workflow.py``) marks ``tells_applicant``
records one ``TransitionNotice`` in the same transaction as the change, so a
notice exists exactly when the change committed. After commit, the task in
``dossiers/tasks.py`` sends it through the pipeline every notice shares
(``notifications.delivery``): in the app, by e-mail and by SMS, as
``NOTICE_CHANNELS["applicant"]`` says, each channel at most once. The results
of a group file's children are held instead for one digest per group file
(``HELD_FOR_DIGEST``, docs/interagency.md "One notice stream").
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications import delivery
from notifications.channels import Message
from notifications.models import Status

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


# Notices of a group's dossiers changed together (one event batch), gathered
# while a batch is open (``batch``): (group code, log, recipient).
Gathered = tuple[str, TransitionLog, dict[str, Any]]
_batch: ContextVar[list[Gathered] | None] = ContextVar("notice_batch", default=None)
# An app above dossiers records one message for several notices of one group
# (procedure_groups.notices); it returns False when it cannot.
DigestRecorder = Callable[[str, list[tuple[TransitionLog, dict[str, Any]]]], bool]
_digest_recorders: list[DigestRecorder] = []


def register_digest_recorder(recorder: DigestRecorder) -> None:
    """Called from the app's ``ready``; the same recorder is kept once."""
    if recorder not in _digest_recorders:
        _digest_recorders.append(recorder)


# The results of a group's children come at different moments (approvals and
# denials by different agencies, hand-backs one by one or a stack at the desk):
# their notices go to a window recorder (procedure_groups.digest), which holds
# them a short while in one digest per group file; False when it cannot.
HELD_FOR_DIGEST = frozenset({"approve", "deny", "return_result"})
_window_recorders: list[DigestRecorder] = []


def register_window_recorder(recorder: DigestRecorder) -> None:
    """Called from the app's ``ready``; the same recorder is kept once."""
    if recorder not in _window_recorders:
        _window_recorders.append(recorder)


def _held(code: str, entries: list[tuple[TransitionLog, dict[str, Any]]]) -> bool:
    """Whether a window recorder took these notices of one group file: any of
    them a result (``HELD_FOR_DIGEST``), so what ends with it joins it too."""
    if not any(log.transition in HELD_FOR_DIGEST for log, _recipient in entries):
        return False
    return any(recorder(code, entries) for recorder in _window_recorders)


@contextmanager
def batch() -> Iterator[list[Gathered] | None]:
    """Within this block, the notices of dossiers filed with a group are gathered
    instead of recorded; the block's owner records them at its end
    (``record_batch``), still in the transaction. A nested block joins the outer
    one (it yields None and its owner records nothing)."""
    if _batch.get() is not None:
        yield None
        return
    gathered: list[Gathered] = []
    token = _batch.set(gathered)
    try:
        yield gathered
    finally:
        _batch.reset(token)


def record_batch(gathered: list[Gathered]) -> list[TransitionNotice]:
    """One message per group file of the batch: notices with a result join the
    group file's digest window, several others of one group go to a digest
    recorder, a single one is recorded as usual. Returns the
    ``TransitionNotice`` rows recorded (the caller sends them after commit)."""
    by_group: dict[str, list[tuple[TransitionLog, dict[str, Any]]]] = {}
    for code, log, recipient in gathered:
        by_group.setdefault(code, []).append((log, recipient))
    notices = []
    for code, entries in by_group.items():
        if _held(code, entries):
            continue
        if len(entries) > 1 and any(r(code, entries) for r in _digest_recorders):
            continue
        notices += [
            TransitionNotice.objects.create(
                key=f"transition:{log.pk}", log=log, **recipient
            )
            for log, recipient in entries
        ]
    return notices


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
    gathered = _batch.get()
    group = (log.dossier.procedure_snapshot or {}).get("group") or {}
    if gathered is not None and group.get("code"):
        gathered.append((group["code"], log, recipient))
        return None
    if group.get("code") and _held(group["code"], [(log, recipient)]):
        return None
    return TransitionNotice.objects.create(
        key=f"transition:{log.pk}", log=log, **recipient
    )


def never_tried(older_than_seconds: int, limit: int = 500) -> list[int]:
    """The pending transition notices recorded more than ``older_than_seconds``
    ago that no worker tried yet, oldest first (``tasks.send_pending_notices``)."""
    before = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        TransitionNotice.objects.filter(
            status=Status.PENDING, attempts=0, created_at__lt=before
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
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
