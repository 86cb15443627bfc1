"""Telling applicants what happened to their dossier, in the app and by e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dossiers.models import TransitionLog

from .models import Notification


def notify_transition(log_id: int) -> Notification | None:
    """Record and send the applicant's notice of one transition, exactly once.

    The notification row is written before the e-mail goes out under a unique key,
    so a retried task finds the row and sends nothing twice; an e-mail that failed
    after the row was written is retried because ``emailed_at`` is still empty.
    """
    log = TransitionLog.objects.select_related("dossier__applicant").get(pk=log_id)
    dossier = log.dossier
    language = dossier.applicant_language or "vi"
    with translation.override(language):
        context = {"dossier": dossier, "log": log, "CENTRE_NAME": settings.CENTRE_NAME}
        subject = render_to_string("emails/transition_subject.txt", context).strip()
        body = render_to_string("emails/transition_body.txt", context)
    key = f"transition:{log.pk}"
    notification = Notification.objects.filter(key=key).first()
    if notification is None and dossier.applicant is not None:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=dossier.applicant,
                    dossier=dossier,
                    key=key,
                    subject=subject,
                    body=body,
                )
        except IntegrityError:
            notification = Notification.objects.get(key=key)
    email = dossier.applicant_email or getattr(dossier.applicant, "email", "")
    already_sent = notification is not None and notification.emailed_at is not None
    if email and not already_sent:
        send_mail(subject, body, None, [email])
        if notification is not None:
            Notification.objects.filter(pk=notification.pk).update(
                emailed_at=timezone.now()
            )
    return notification
