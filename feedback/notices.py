"""The applicant's notice of the answer to their complaint, recorded with it and
sent after commit through the pipeline every notice shares
(``notifications.delivery``)."""

from django.conf import settings
from django.urls import reverse

from dossiers.notices import applicant_recipient
from notifications import delivery
from notifications.channels import Message

from .models import Complaint, ComplaintNotice


def record_answer_notice(complaint: Complaint) -> ComplaintNotice | None:
    """Record the notice of ``complaint``'s answer; None when nothing reaches the
    applicant."""
    recipient = applicant_recipient(complaint.dossier, ComplaintNotice.audience)
    if recipient is None:
        return None
    return ComplaintNotice.objects.create(
        key=f"complaint-answer:{complaint.pk}", complaint=complaint, **recipient
    )


def send_answer_notice(notice_id: int) -> ComplaintNotice | None:
    return delivery.deliver(
        ComplaintNotice.objects.select_related("complaint__dossier"),
        notice_id,
        compose=compose,
    )


def compose(notice: ComplaintNotice) -> Message:
    complaint = notice.complaint
    dossier = complaint.dossier
    link = (
        reverse("dossiers:detail", args=[dossier.pk]) + "#complaints"
        if dossier.applicant_id
        else ""
    )
    return delivery.render(
        notice,
        "feedback/emails/complaint_answer",
        lambda: {
            "complaint": complaint,
            "dossier": dossier,
            "CENTRE_NAME": settings.CENTRE_NAME,
        },
        link=link,
    )
