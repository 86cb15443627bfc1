"""Satisfaction ratings: one per returned dossier, on the criteria the centre asks."""

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
LOWEST_SCORE, HIGHEST_SCORE = 1, 5
# A rating whose average score is below this counts as dissatisfied.
SATISFIED_FROM = 3


@dataclass(frozen=True)
class DefaultCriterion:
    """One of the criteria asked while the centre has configured none (a fresh
    database, or a test database emptied after the migration seeded them)."""

    code: str
    label: str
    label_en: str
    question: str
    question_en: str
    position: int

    is_active = True

    def __str__(self) -> str:
        return self.label_en if get_language() == "en" else self.label

    @property
    def asked(self) -> str:
        return self.question_en if get_language() == "en" else self.question


# The four criteria rated since the first version (Decision 766/QĐ-TTg, group 5),
# also seeded as rows by migration 0002; codes key every rating's scores.
DEFAULT_CRITERIA = (
    DefaultCriterion(
        "guidance",
        "Hướng dẫn rõ ràng",
        "Clear guidance",
        "Hướng dẫn về thành phần hồ sơ và các bước có rõ ràng không?",
        "Was the guidance on papers and steps clear?",
        10,
    ),
    DefaultCriterion(
        "courtesy",
        "Thái độ của công chức",
        "Courtesy of the staff",
        "Công chức có lịch sự, nhiệt tình không?",
        "Were the staff courteous and helpful?",
        20,
    ),
    DefaultCriterion(
        "timeliness",
        "Trả kết quả đúng hẹn",
        "Result on time",
        "Ông/Bà có nhận kết quả đúng hẹn không?",
        "Did you receive the result on time?",
        30,
    ),
    DefaultCriterion(
        "fees",
        "Phí, lệ phí đúng quy định",
        "Fees as published",
        "Phí, lệ phí có đúng như công khai, không thu thêm khoản nào không?",
        "Were the fees as published, with nothing extra asked?",
        40,
    ),
)


class RatingCriterion(models.Model):
    """A criterion applicants score from 1 to 5 (DOMAIN.md §8: a province may ask
    a dozen). Administrators choose which are asked and in what order; a criterion
    that has been scored is retired (``is_active`` off), never deleted, so the
    ratings that scored it keep their meaning."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Keys the scores of every rating; cannot change once rated."),
    )
    label = models.CharField(_("name (Vietnamese)"), max_length=120)
    label_en = models.CharField(_("name (English)"), max_length=120)
    question = models.CharField(_("question (Vietnamese)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(
        _("asked"),
        default=True,
        help_text=_("Asked on the rating form. Ratings already made keep its score."),
    )

    class Meta:
        verbose_name = _("rating criterion")
        verbose_name_plural = _("rating criteria")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label_en if get_language() == "en" and self.label_en else self.label

    @property
    def asked(self) -> str:
        if get_language() == "en" and self.question_en:
            return self.question_en
        return self.question


Criterion = RatingCriterion | DefaultCriterion


def all_criteria() -> list[Criterion]:
    """Every criterion, asked or retired, in order (the defaults when none is
    configured): one query."""
    found = list(RatingCriterion.objects.all())
    return found if found else list(DEFAULT_CRITERIA)


def active_criteria() -> list[Criterion]:
    """The criteria the rating form asks now, in order."""
    return [criterion for criterion in all_criteria() if criterion.is_active]


def is_dissatisfied(scores: dict[str, int]) -> bool:
    """Counted against the satisfaction indicator: an average score below 3."""
    if not scores:
        return False
    return sum(scores.values()) / len(scores) < SATISFIED_FROM


class Rating(models.Model):
    """How the applicant rated the handling of one dossier, 1 (bad) to 5 (good) on
    each criterion asked at the time (``scores``: criterion code → score)."""

    class Via(models.TextChoices):
        ACCOUNT = "account", _("From the applicant's account")
        LOOKUP = "lookup", _("With the dossier code and lookup PIN")

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    scores = models.JSONField(_("scores"), default=dict)
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
        ]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.average:.1f}/5"

    @property
    def average(self) -> float:
        values = list(self.scores.values())
        return sum(values) / len(values) if values else 0.0

    @property
    def is_dissatisfied(self) -> bool:
        return is_dissatisfied(self.scores)

    def labelled_scores(self, criteria: list[Criterion]) -> list[tuple[str, int]]:
        """(criterion name, score) in the criteria's order; a code no longer
        configured shows as itself."""
        names = {c.code: str(c) for c in criteria}
        order = {c.code: i for i, c in enumerate(criteria)}
        return [
            (names.get(code, code), score)
            for code, score in sorted(
                self.scores.items(), key=lambda item: order.get(item[0], len(order))
            )
        ]


class Complaint(models.Model):
    """A complaint or recommendation (phản ánh, kiến nghị) about the handling of
    one dossier, filed by its applicant and answered by a manager of the centre.

    The row is its own record of who filed and who answered, and when; it is
    never deleted (evidence for the satisfaction indicator, docs/indicators.md).
    """

    class Via(models.TextChoices):
        ACCOUNT = "account", _("From the applicant's account")
        LOOKUP = "lookup", _("With the dossier code and lookup PIN")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting an answer")
        ANSWERED = "answered", _("Answered")

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("content"))
    via = models.CharField(_("filed"), max_length=10, choices=Via.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="complaint_status"),
            models.Index(fields=["created_at"], name="complaint_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", answered_at__isnull=True)
                | models.Q(status="answered", answered_at__isnull=False),
                name="complaint_answered_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.subject}"


class ComplaintNotice(Delivery):
    """The applicant's notice of the answer to their complaint."""

    complaint = models.OneToOneField(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="notice",
    )

    class Meta:
        verbose_name = _("complaint answer notice")
        verbose_name_plural = _("complaint answer notices")
