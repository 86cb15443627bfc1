"""Calendar exceptions: the day swaps added to the holidays, with their source."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .national import is_national_working_day, national_holiday_name


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class CalendarException(models.Model):
    """A day whose status differs from the national calendar (nghỉ bù, làm bù).

    The government shifts days every year, e.g. a Monday off next to a holiday
    made up on a Saturday; OpenCPS keeps the same kind of table. Rows come from
    three places: the official swaps of ``workcalendar/official.py`` (loaded by a
    migration and by ``manage.py load_calendar``), administrators, and in a demo
    database only, ``seed_demo``'s fictional swaps (``is_demo``).
    """

    date = models.DateField(
        _("date"),
        unique=True,
        error_messages={
            "unique": _(
                "This date already has a calendar exception. Edit that one instead."
            )
        },
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=ExceptionKind.choices,
        help_text=_(
            "Day off: a day the offices would otherwise open, e.g. a bridge day "
            "next to a holiday. Working day: a Saturday, Sunday or public holiday "
            "the offices open to make up for it."
        ),
    )
    reason = models.CharField(
        _("reason"),
        max_length=255,
        help_text=_("Why, e.g. a bridge day next to New Year's Day."),
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_(
            "The document that sets the swap: its number, date and issuer (e.g. "
            "Công văn 12729/VPCP-KGVX ngày 25/12/2025), or a link to it."
        ),
    )
    # Demo rows are fictional and made only by seed_demo; the admin shows the flag
    # so that a demo row in a real database cannot pass unnoticed.
    is_demo = models.BooleanField(
        _("demo"),
        default=False,
        help_text=_("Fictional example created for the demo; not a real swap."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        if self.date is None or not self.kind:
            return
        params = {
            "date": date_format(self.date, "DATE_FORMAT"),
            "weekday": date_format(self.date, "l"),
        }
        worked = is_national_working_day(self.date)
        if self.kind == ExceptionKind.WORKING_DAY and worked:
            raise ValidationError(
                {
                    "date": ValidationError(
                        _(
                            "%(date)s (%(weekday)s) is already a working day. A "
                            "make-up working day must fall on a Saturday, a Sunday "
                            "or a public holiday."
                        ),
                        code="already_working",
                        params=params,
                    )
                }
            )
        if self.kind == ExceptionKind.DAY_OFF and not worked:
            holiday = national_holiday_name(self.date)
            if holiday:
                message = _(
                    "%(date)s is already a public holiday (%(holiday)s). An extra "
                    "day off must fall on a day that would otherwise be worked."
                )
            else:
                message = _(
                    "%(date)s is a %(weekday)s, already a day off. An extra day off "
                    "must fall on a day that would otherwise be worked."
                )
            raise ValidationError(
                {
                    "date": ValidationError(
                        message,
                        code="already_off",
                        params={**params, "holiday": holiday},
                    )
                }
            )
