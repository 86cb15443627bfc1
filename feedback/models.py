"""Satisfaction ratings: one per returned dossier, on the published criteria."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]

# The criteria rated, in the order they are asked (Decision 766/QĐ-TTg, group 5).
CRITERIA = ("guidance", "courtesy", "timeliness", "fees")


class Rating(models.Model):
    """How the applicant rated the handling of one dossier, 1 (bad) to 5 (good)."""

    class Via(models.TextChoices):
        ACCOUNT = "account", _("From the applicant's account")
        LOOKUP = "lookup", _("With the dossier code and lookup PIN")

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    guidance = models.PositiveSmallIntegerField(
        _("clear guidance"), validators=SCORE_VALIDATORS
    )
    courtesy = models.PositiveSmallIntegerField(
        _("courtesy of the staff"), validators=SCORE_VALIDATORS
    )
    timeliness = models.PositiveSmallIntegerField(
        _("result on time"), validators=SCORE_VALIDATORS
    )
    fees = models.PositiveSmallIntegerField(
        _("fees as published"), validators=SCORE_VALIDATORS
    )
    comment = models.TextField(_("comment"), blank=True)
    via = models.CharField(_("rated"), max_length=10, choices=Via.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], name="one_rating_per_dossier"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"rating_{name}_1_to_5",
                )
                for name in CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.average:.1f}/5"

    @property
    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in CRITERIA}

    @property
    def average(self) -> float:
        return sum(self.scores.values()) / len(CRITERIA)

    @property
    def is_dissatisfied(self) -> bool:
        """Counted against the satisfaction indicator: an average below 3."""
        return self.average < 3
