"""What every dossier service shares: the row lock, refusals, and the transition run.

``perform`` is the one way a transition happens: it checks who may act
(``workflow.refusal_reason``), runs the model's transition, saves with a new
version, writes the ``TransitionLog`` row and, when the registry says the
applicant is told, records their notice to be sent after commit.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox import services as outbox

from .. import notices, uploads, workflow
from ..models import Attachment, Dossier, TransitionLog
from ..tasks import send_transition_notice


class DossierChanged(Exception):
    """Someone else changed the dossier since the actor loaded it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This dossier was changed by someone else a moment ago. "
                "Reload the page to see its current state; nothing was saved."
            )
        )


class TransitionRefused(PermissionDenied):
    """An illegal move, refused with a reason the actor can read."""


def now_or(at: datetime | None) -> datetime:
    return at or timezone.now()


def lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    """The dossier's row, locked for the rest of the transaction, as it is now."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_version is not None and locked.version != expected_version:
        raise DossierChanged
    return locked


def check(dossier: Dossier, action: str, actor: Any) -> None:
    """Refuse now, before any side work, if ``actor`` cannot do ``action``."""
    reason = workflow.refusal_reason(dossier, action, actor)
    if reason:
        raise TransitionRefused(reason)


def require_text(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def perform(
    dossier: Dossier,
    action: str,
    actor: Any,
    *,
    at: datetime,
    note: str = "",
    args: dict[str, Any] | None = None,
) -> TransitionLog:
    """Run one transition on a locked dossier, save it, log it, notify after commit."""
    check(dossier, action, actor)
    from_state = dossier.state
    step = dossier.current_step
    getattr(dossier, action)(**(args or {}))
    dossier.version = F("version") + 1
    dossier.save()
    dossier.refresh_from_db()
    log = TransitionLog.objects.create(
        dossier=dossier,
        transition=action,
        from_state=from_state,
        to_state=dossier.state,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        step_name=step.name if step else "",
        step_due_at=step.due_at if step else None,
        created_at=at,
    )
    outbox.record_transition(dossier, log)
    if workflow.ACTIONS[action].tells_applicant:
        notice = notices.record_transition_notice(log)
        if notice is not None:
            send_transition_notice.delay_on_commit(notice.pk)
    return log


@contextmanager
def notices_batched() -> Iterator[None]:
    """Changes of several dossiers of one group made together (one event batch)
    tell the applicant once: the notices gathered in this block are recorded
    at its end, in the same transaction, one message per group file
    (``notices.record_batch``), and sent after commit."""
    with notices.batch() as gathered:
        yield
    if gathered is not None:
        for notice in notices.record_batch(gathered):
            send_transition_notice.delay_on_commit(notice.pk)


def store_file(
    dossier: Dossier,
    upload: UploadedFile,
    *,
    kind: str,
    paper_index: int | None,
    actor: Any,
) -> Attachment:
    # Stored as what its content is (the forms' check_upload has already refused
    # anything else); the name keeps the sender's words with the detected extension.
    detected = uploads.detect(upload)
    if detected is None:
        raise ValidationError(
            _("“%(name)s” is not a file type the centre accepts.")
            % {"name": uploads.display_name(upload.name or "", uploads.KINDS["pdf"])},
            code="wrong_type",
        )
    name = uploads.display_name(upload.name or "", detected)
    attachment = Attachment(
        dossier=dossier,
        kind=kind,
        paper_index=paper_index,
        original_name=name,
        content_type=detected.mime,
        size=upload.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment
