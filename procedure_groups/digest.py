"""Recording one notice for several changes of one group file's dossiers: an
event batch, in the transaction of the changes, and the digest of results ready
or handed back at different moments, held for a short window (see notices.py)."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dossiers.models import TransitionLog
from notifications.models import Status

from .models import GroupFiling, GroupNotice
from .tasks import send_group_notice

logger = logging.getLogger(__name__)

Entries = list[tuple[TransitionLog, dict[str, Any]]]


def record_digest(code: str, entries: Entries) -> bool:
    """Record one notice for the transitions of the group file ``code`` (each
    with its recipient: the same applicant) and send it after commit; False
    when no group file has that code (the dossiers then notify one by one)."""
    filing = GroupFiling.objects.filter(code=code).first()
    if filing is None:
        return False
    first, recipient = entries[0]
    notice = GroupNotice.objects.create(
        key=f"group:{filing.pk}:{first.pk}", filing=filing, **recipient
    )
    notice.logs.set([log for log, _recipient in entries])
    send_group_notice.delay_on_commit(notice.pk)
    return True


def window_seconds() -> int:
    return max(int(getattr(settings, "GROUP_NOTICE_WINDOW_SECONDS", 180)), 0)


def _open_digest(filing: GroupFiling) -> GroupNotice | None:
    """The group file's digest still taking changes, its row locked: pending and
    never tried (one whose sending has begun keeps what it had: a channel that
    sent must not have sent a shorter message than a retry would)."""
    return (
        GroupNotice.objects.select_for_update()
        .filter(
            filing=filing,
            status=Status.PENDING,
            attempts=0,
            send_after__isnull=False,
        )
        .first()
    )


def hold_in_window(code: str, entries: Entries) -> bool:
    """Add the transitions of the group file ``code`` to its open digest, or
    open one due at the end of the window and queue its sending for then; in
    the transaction of the changes, so a change rolled back leaves nothing.
    False when no group file has that code (the dossiers then notify as usual).

    Two transactions opening a digest at once: the unique constraint
    ``one_open_group_digest`` fails the second insert, which then joins the
    first's digest (committed by then: the insert waited for it)."""
    filing = GroupFiling.objects.filter(code=code).first()
    if filing is None:
        return False
    logs = [log for log, _recipient in entries]
    first, recipient = entries[0]
    window = window_seconds()
    notice = None
    for _attempt in range(3):
        notice = _open_digest(filing)
        if notice is not None:
            break
        try:
            with transaction.atomic():
                notice = GroupNotice.objects.create(
                    key=f"group:{filing.pk}:{first.pk}",
                    filing=filing,
                    send_after=timezone.now() + timedelta(seconds=window),
                    **recipient,
                )
        except IntegrityError:
            continue  # another transaction opened it first: join theirs
        # A countdown of minutes, not days (the broker holds it meanwhile);
        # the beat sweep sends it anyway if this message is lost.
        send_group_notice.apply_async_on_commit((notice.pk,), countdown=window)
        break
    if notice is None:
        return False
    notice.logs.add(*logs)
    logger.info(
        "Group file %s: %s held in the notice digest %s",
        filing.code,
        ", ".join(f"{log.transition} of dossier {log.dossier_id}" for log in logs),
        notice.key,
    )
    return True
