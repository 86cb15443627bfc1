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
"""

from django.conf import settings
from django.urls import reverse

from notifications import delivery
from notifications.channels import Message

from .models import GroupNotice


def send_group_notice(notice_id: int) -> GroupNotice | None:
    return delivery.deliver(
        GroupNotice.objects.select_related("filing__group"), notice_id, compose=compose
    )


def compose(notice: GroupNotice) -> Message:
    """The group's notice in the applicant's language: each dossier's new
    status, what it means and the centre's message."""
    filing = notice.filing
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
