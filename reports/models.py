"""Summary rows of the statistics: one per day, agency, desk, procedure and channel."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryFigures(models.Model):
    """The figures of one key (deciding agency, receiving desk, procedure, channel)
    over a span of days: a day (``DailySummary``) or a month (``MonthlySummary``)."""

    deciding_agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("deciding agency"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    receiving_desk = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("receiving desk"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10)

    received = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    denied = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)
    processing_days = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    # Complaints filed that day; and the dossiers rated satisfied earlier whose
    # first complaint since came that day (their satisfaction is withdrawn then).
    complaints = models.PositiveIntegerField(default=0)
    complained_after_rating = models.PositiveIntegerField(default=0)
    # {"guidance": 41}: the sum of the scores of each criterion, and how many
    # ratings scored it ({"guidance": 10}): the criteria asked change over time.
    criteria_totals = models.JSONField(default=dict)
    criteria_counts = models.JSONField(default=dict)

    class Meta:
        abstract = True


class DailySummary(SummaryFigures):
    """What happened to the dossiers of one key on one day (the office's local day).

    Rows are derived data: ``reports.summaries`` deletes and rebuilds them from the
    dossiers, so nothing else writes here. Counters are flows (events of that day);
    the dossiers open at a moment are the received ones minus the closed ones, summed
    over the days before it.
    """

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "deciding_agency",
                    "receiving_desk",
                    "procedure",
                    "channel",
                ],
                name="one_summary_per_day_and_key",
            )
        ]
        indexes = [
            models.Index(fields=["day", "deciding_agency"], name="summary_day_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.procedure_id} {self.channel}"


class MonthlySummary(SummaryFigures):
    """The daily summaries of one key summed over a month (``day`` is the month's
    first day), up to the last day built: a year's figures read twelve rows a key
    instead of some three hundred. Rebuilt from ``DailySummary`` by
    ``reports.summaries.roll_up`` whenever days of the month are rebuilt."""

    day = models.DateField(_("month"))

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "deciding_agency",
                    "receiving_desk",
                    "procedure",
                    "channel",
                ],
                name="one_summary_per_month_and_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["day", "deciding_agency"], name="month_summary_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.procedure_id} {self.channel}"


class TimeCount(models.Model):
    """How many dossiers of one key, returned in a span of days, took ``tenths``
    tenths of a working day: the distribution the median is read from, summed in
    SQL."""

    deciding_agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.CASCADE, related_name="+"
    )
    receiving_desk = models.ForeignKey(
        "procedures.Agency", on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10)
    tenths = models.PositiveIntegerField(_("tenths of a working day"))
    dossiers = models.PositiveIntegerField(_("dossiers"))

    class Meta:
        abstract = True


class ProcessingTimeCount(TimeCount):
    """The processing times of the dossiers of one key returned on one day."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("processing time count")
        verbose_name_plural = _("processing time counts")
        indexes = [
            models.Index(
                fields=["day", "deciding_agency"], name="time_count_day_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.procedure_id} {self.tenths}: {self.dossiers}"


class MonthlyProcessingTimeCount(TimeCount):
    """``ProcessingTimeCount`` summed over a month (``day``: its first day)."""

    day = models.DateField(_("month"))

    class Meta:
        verbose_name = _("monthly processing time count")
        verbose_name_plural = _("monthly processing time counts")
        indexes = [
            models.Index(fields=["day", "deciding_agency"], name="month_time_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.procedure_id} {self.tenths}: {self.dossiers}"


class SummaryState(models.Model):
    """How far the summary rows are built: every day up to ``built_through`` is
    in ``DailySummary``; later days are computed live from the dossiers."""

    built_through = models.DateField(_("built through"), null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary state")
        verbose_name_plural = _("summary state")

    def __str__(self) -> str:
        return f"{self.built_through}"
