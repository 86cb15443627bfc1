"""Reminders, one row per reminder to one person, recorded before it is sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery, Status

__all__ = ["APPLICANT_KINDS", "Kind", "Reminder", "Status"]


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due within a few working days")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE_DIGEST = "overdue_digest", _("Daily digest of overdue dossiers")
    FORM_04 = "form_04", _("Form 04 prompt: late tomorrow unless extended")
    SUPPLEMENT_PENDING = "supplement_pending", _("Supplement request not answered")
    RESULT_UNCOLLECTED = "result_uncollected", _("Result not yet collected")


# Kinds addressed to the applicant; the others go to staff.
APPLICANT_KINDS = frozenset({Kind.SUPPLEMENT_PENDING, Kind.RESULT_UNCOLLECTED})


class Reminder(Delivery):
    """One reminder to one person, written under its unique key before sending.

    The key is (kind, dossier, due date, recipient): a second scan, a retried task
    or a second worker finds the row and sends nothing twice. ``status`` moves
    from pending to sent (or failed, or cancelled when the dossier moved on) under
    a row lock, and each channel stamps its own time so a retry after a partial
    failure resends only what did not go out.
    """

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
    digest = models.JSONField(
        _("dossiers listed"),
        default=list,
        blank=True,
        help_text=_("The ids of the overdue dossiers a digest lists."),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="reminder_status"),
            models.Index(fields=["dossier", "kind"], name="reminder_dossier_kind"),
        ]

    @property
    def audience(self) -> str:  # type: ignore[override]
        return "applicant" if self.for_applicant else "staff"

    @property
    def for_applicant(self) -> bool:
        return self.kind in APPLICANT_KINDS
