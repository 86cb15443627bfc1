"""Recording one notice for several changes of one group file's dossiers (an
event batch), in the transaction of the changes (see notices.py)."""

from typing import Any

from dossiers.models import TransitionLog

from .models import GroupFiling, GroupNotice
from .tasks import send_group_notice


def record_digest(
    code: str, entries: list[tuple[TransitionLog, dict[str, Any]]]
) -> bool:
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
