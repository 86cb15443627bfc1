"""Staff-only records about dossiers: the desk's paper check and internal notes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaperCheck(models.Model):
    """The desk's verdict on one paper of an online dossier."""

    class Verdict(models.TextChoices):
        VALID = "valid", _("Valid")
        MISSING = "missing", _("Missing")
        INVALID = "invalid", _("Needs correction")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="paper_checks"
    )
    paper_index = models.PositiveSmallIntegerField(_("paper"))
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"), auto_now=True)

    class Meta:
        verbose_name = _("paper check")
        verbose_name_plural = _("paper checks")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "paper_index"], name="one_check_per_paper"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.paper_index}: {self.verdict}"


class InternalNote(models.Model):
    """A note between staff about a dossier; applicants never see it."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="internal_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["dossier", "created_at"]

    def __str__(self) -> str:
        return self.text[:50]
