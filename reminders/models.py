"""Reminders, one row per reminder to one person, recorded before it is sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due within a few working days")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE_DIGEST = "overdue_digest", _("Daily digest of overdue dossiers")
    FORM_04 = "form_04", _("Form 04 prompt: late tomorrow unless extended")
    SUPPLEMENT_PENDING = "supplement_pending", _("Supplement request not answered")
    RESULT_UNCOLLECTED = "result_uncollected", _("Result not yet collected")


# Kinds addressed to the applicant; the others go to staff.
APPLICANT_KINDS = frozenset({Kind.SUPPLEMENT_PENDING, Kind.RESULT_UNCOLLECTED})


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, no more attempts")
    CANCELLED = "cancelled", _("No longer needed")


class Reminder(models.Model):
    """One reminder to one person, written under its unique key before sending.

    The key is (kind, dossier, due date, recipient): a second scan, a retried task
    or a second worker finds the row and sends nothing twice. ``status`` moves
    from pending to sent (or failed, or cancelled when the dossier moved on) under
    a row lock, and each channel stamps its own time so a retry after a partial
    failure resends only what did not go out.
    """

    key = models.CharField(_("key"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        help_text=_("Empty for a digest, which lists several dossiers."),
    )
    due_on = models.DateField(
        _("due date"),
        help_text=_(
            "The dossier's due date, or for a digest or an applicant's reminder the "
            "working day it falls due."
        ),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        help_text=_("Empty for an applicant without an account."),
    )
    recipient_name = models.CharField(_("recipient's name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    digest = models.JSONField(
        _("dossiers listed"),
        default=list,
        blank=True,
        help_text=_("The ids of the overdue dossiers a digest lists."),
    )
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

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="reminder_status"),
            models.Index(fields=["dossier", "kind"], name="reminder_dossier_kind"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def for_applicant(self) -> bool:
        return self.kind in APPLICANT_KINDS
