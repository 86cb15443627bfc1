"""One message to the applicant for the dossiers of one group file changed
together, instead of one per child (docs/interagency.md, "One notice per group").

An event batch is the work done in one go on several children of one group
file: the desk receiving the group at the counter, or a refusal, denial, stop
or withdrawal ending the children that needed its result. The dossiers'
services open the batch (``dossiers.services.notices_batched``); at its end,
still in the transaction of the changes, several notices of one group file are
handed to ``digest.record_digest``, which records one ``GroupNotice`` naming
every transition, sent after commit by ``tasks.send_group_notice`` through the
pipeline every notice shares (``notifications.delivery``: each channel at most
once). A batch with one notice of a group records the usual transition notice.

**One notice stream**: the results of the children, ready or handed back at
different moments (``dossiers.notices.HELD_FOR_DIGEST``), go to the group
file's open digest (``digest.hold_in_window``): a ``GroupNotice`` with
``send_after`` at the end of the window (``GROUP_NOTICE_WINDOW_SECONDS`` after
its first change) that every such change joins until then. Its sending is
queued with that countdown; the beat sweep (``tasks.send_due_group_notices``)
sends any digest whose window is over and that was never tried, so nothing is
lost when a worker restarts. Before its time, ``send_group_notice`` does
nothing.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications import delivery
from notifications.channels import Message
from notifications.models import Status

from .models import GroupFiling, GroupNotice

SWEEP_BATCH = 500


def send_group_notice(notice_id: int) -> GroupNotice | None:
    """Send the notice if it is due (a digest: its window is over); None when
    not yet due, already sent, or being sent by another worker. Only the
    notice's row is locked (no join), so two notices of one group file or
    group never skip each other."""
    due = GroupNotice.objects.filter(
        Q(send_after__isnull=True) | Q(send_after__lte=timezone.now())
    )
    return delivery.deliver(due, notice_id, compose=compose)


def due_digests(now: datetime) -> list[int]:
    """The digests whose window is over and that were never tried (a failed
    attempt is retried by its own task), oldest first (index
    ``group_digest_due``)."""
    return list(
        GroupNotice.objects.filter(
            status=Status.PENDING, attempts=0, send_after__lte=now
        )
        .order_by("send_after")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def compose(notice: GroupNotice) -> Message:
    """The group's notice in the applicant's language: each dossier's new
    status, what it means and the centre's message."""
    filing = GroupFiling.objects.select_related("group").get(pk=notice.filing_id)
    link = (
        reverse("procedure_groups:mine", args=[filing.pk])
        if filing.applicant_id
        else reverse("procedure_groups:track")
    )
    return delivery.render(
        notice,
        "emails/group_notice",
        lambda: {
            "filing": filing,
            "logs": list(
                notice.logs.select_related("dossier").order_by("created_at", "pk")
            ),
            "recipient_name": notice.recipient_name,
            "CENTRE_NAME": settings.CENTRE_NAME,
        },
        link=link,
    )
