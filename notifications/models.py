"""In-app notifications, and the delivery record every outgoing notice keeps.

``Notification`` is one message in a person's inbox. ``Delivery`` is the abstract
record of one notice to one person across the channels (in-app, e-mail, SMS):
recorded under a unique key before anything is sent, with a time stamped per
channel once that channel has sent. Reminders and transition notices are both
deliveries, sent by ``notifications.delivery.deliver``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    link = models.CharField(
        _("link"),
        max_length=255,
        blank=True,
        help_text=_("The page the message is about, on this site."),
    )
    key = models.CharField(
        _("key"),
        max_length=120,
        unique=True,
        help_text=_("What the message is about; the same key is never sent twice."),
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="inbox")
        ]

    def __str__(self) -> str:
        return self.subject


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, no more attempts")
    CANCELLED = "cancelled", _("No longer needed")


# The column each channel stamps once it has sent.
CHANNEL_STAMPS = {"in_app": "notified_at", "email": "emailed_at", "sms": "texted_at"}


class Delivery(models.Model):
    """One notice to one person, written under its unique key before sending.

    ``status`` moves from pending to sent (or failed, or cancelled when what it
    was about moved on) under a row lock, and each channel stamps its own time so
    a retry after a partial failure resends only what did not go out.
    """

    key = models.CharField(_("key"), max_length=160, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text=_("Empty for an applicant without an account."),
    )
    recipient_name = models.CharField(_("recipient's name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    notified_at = models.DateTimeField(_("in-app notice"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    texted_at = models.DateTimeField(_("SMS sent"), null=True, blank=True)

    # "applicant" or "staff": which list of NOTICE_CHANNELS applies.
    audience = "applicant"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.key

    @property
    def sent_on_any_channel(self) -> bool:
        return any(getattr(self, stamp) for stamp in CHANNEL_STAMPS.values())
