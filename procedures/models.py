"""Models of the procedure catalogue: agencies, fields, procedures and their parts."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workcalendar.calendar import configured_office_hours

from .eforms import definition_errors
from .search import fold


class AdministrativeLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class Agency(models.Model):
    """A receiving desk or a deciding agency (cơ quan), identified by its code."""

    code = models.CharField(
        _("agency code"),
        max_length=32,
        unique=True,
        help_text=_("The agency's code in the national register, e.g. 000.00.12.H57."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    level = models.CharField(
        _("administrative level"), max_length=16, choices=AdministrativeLevel.choices
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_receiving_desk = models.BooleanField(
        _("receives dossiers"),
        default=False,
        help_text=_("A one-stop-shop desk (Bộ phận Một cửa) that receives dossiers."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Department(models.Model):
    """A department (phòng, ban) of an agency that takes part in processing."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="unique_department_code_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class Sector(models.Model):
    """A field of administration (lĩnh vực), e.g. civil status or land."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("days")
    WORKING_HOURS = "working_hours", _("working hours")
    SAME_DAY = "same_day", _("same day")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("Not available online")
    PARTIAL = "partial", _("Partial online service")
    FULL = "full", _("Full online service")


class PublicationStatus(models.TextChoices):
    # A procedure's words, not a dossier's ("Hồ sơ nháp", "Đã rút"): hence the context.
    DRAFT = "draft", pgettext_lazy("procedure status", "Draft")
    PUBLISHED = "published", pgettext_lazy("procedure status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("procedure status", "Withdrawn")


class ProcedureQuerySet(models.QuerySet):
    def public(self, today: date | None = None) -> "ProcedureQuerySet":
        """Published procedures in force on the given day (today by default)."""
        today = today or timezone.localdate()
        return self.filter(
            status=PublicationStatus.PUBLISHED,
        ).filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=today),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today),
        )


national_code_validator = RegexValidator(
    r"^\d\.\d{6}$",
    _("A national procedure code looks like 1.001193: a digit, a dot, six digits."),
)


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as published to citizens."""

    code = models.CharField(
        _("national code"),
        max_length=20,
        unique=True,
        validators=[national_code_validator],
        help_text=_("Code in the national procedure catalogue, e.g. 1.001193."),
    )
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    level = models.CharField(
        _("administrative level"), max_length=16, choices=AdministrativeLevel.choices
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving desk"),
        on_delete=models.PROTECT,
        related_name="received_procedures",
        limit_choices_to={"is_receiving_desk": True},
    )
    deciding_agency = models.ForeignKey(
        Agency,
        verbose_name=_("deciding agency"),
        on_delete=models.PROTECT,
        related_name="decided_procedures",
    )
    implementing_note = models.TextField(
        _("implementing agency as published"),
        blank=True,
        help_text=_("The wording of the official publication, shown to citizens."),
    )
    processing_time_value = models.PositiveIntegerField(
        _("processing time"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty only while the procedure is a draft."),
    )
    processing_time_unit = models.CharField(
        _("processing time unit"),
        max_length=20,
        choices=TimeUnit.choices,
        default=TimeUnit.WORKING_DAYS,
    )
    cutoff_time = models.TimeField(
        _("daily cut-off"),
        null=True,
        blank=True,
        help_text=_(
            "Dossiers received after this time count from the next working day, "
            "e.g. 15:00 for same-day procedures."
        ),
    )
    processing_time_note = models.TextField(_("processing time note"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    result = models.TextField(_("result"), help_text=_("What the applicant receives."))
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("One legal document per line.")
    )
    via_counter = models.BooleanField(_("at the counter"), default=True)
    via_post = models.BooleanField(_("by post"), default=False)
    via_online = models.BooleanField(_("online"), default=False)
    online_level = models.CharField(
        _("online service level"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    status = models.CharField(
        _("publication status"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    is_demo_data = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Approximate values for demonstration; check the official portal."),
    )
    sources = models.TextField(_("sources"), blank=True)
    organisation_filing = models.BooleanField(
        _("may be filed for an organisation"),
        default=False,
        help_text=_(
            "Whether an applicant may file on behalf of a business or organisation "
            "(its name, tax code and representative are then asked)."
        ),
    )
    form_definition = models.JSONField(
        _("online form"),
        default=dict,
        blank=True,
        help_text=_(
            "The fields of the online application form (tờ khai điện tử), as JSON: "
            '{"fields": [...]}. Leave {} when the procedure has no online form. '
            "Checked on save; every dossier keeps the form it was filed with."
        ),
    )
    name_folded = models.CharField(max_length=500, editable=False, db_index=True)
    search_folded = models.TextField(editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProcedureQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_folded", "search_folded"])

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "sector"], name="procedure_status_sector"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="procedure_validity_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.display_name}"

    def save(self, *args, **kwargs) -> None:
        # The folded columns are a derived index of this row's own text, not
        # business logic: they make accent-insensitive search work on any database.
        self.name_folded = fold(self.name)[:500]
        self.search_folded = fold(
            " ".join(
                [
                    self.code,
                    self.name,
                    self.name_en,
                    self.result,
                    self.conditions,
                    self.implementing_note,
                    self.legal_basis,
                ]
            )
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "name_folded",
                "search_folded",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", kwargs={"code": self.code})

    def clean(self) -> None:
        super().clean()
        errors: dict[str, object] = {}
        if (
            self.status == PublicationStatus.PUBLISHED
            and not self.processing_time_value
            and self.processing_time_unit != TimeUnit.SAME_DAY
        ):
            errors["processing_time_value"] = _(
                "A published procedure needs a processing time."
            )
        if self.via_online and self.online_level == OnlineLevel.NONE:
            errors["online_level"] = _(
                "Choose partial or full online service, or untick the online channel."
            )
        if not self.via_online and self.online_level != OnlineLevel.NONE:
            errors["via_online"] = _(
                "Tick the online channel, or set the online service level to none."
            )
        form_errors = definition_errors(
            self.form_definition,
            paper_count=self.papers.count() if self.pk else None,
        )
        if form_errors:
            errors["form_definition"] = form_errors
        if not (self.via_counter or self.via_post or self.via_online):
            errors["via_counter"] = _("Choose at least one channel for filing.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity comes before its start.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def processing_time_display(self) -> str:
        if self.processing_time_unit == TimeUnit.SAME_DAY:
            return str(_("Within the day of receipt"))
        if self.processing_time_value is None:
            return str(_("Not yet published"))
        return f"{self.processing_time_value} {self.get_processing_time_unit_display()}"

    @property
    def is_public(self) -> bool:
        today = timezone.localdate()
        return (
            self.status == PublicationStatus.PUBLISHED
            and (self.valid_from is None or self.valid_from <= today)
            and (self.valid_until is None or self.valid_until >= today)
        )

    @property
    def accepts_online_filing(self) -> bool:
        return self.via_online and self.online_level != OnlineLevel.NONE

    @property
    def processing_time_in_days(self) -> Decimal | None:
        """The processing time in working days, for comparing with route steps."""
        if self.processing_time_unit == TimeUnit.SAME_DAY:
            return Decimal(1)
        if self.processing_time_value is None:
            return None
        if self.processing_time_unit == TimeUnit.WORKING_HOURS:
            # A working day is a day's office hours (8 with the default settings).
            day_seconds = configured_office_hours().per_day.total_seconds()
            hours_per_day = Decimal(int(day_seconds)) / 3600
            return Decimal(self.processing_time_value) / hours_per_day
        return Decimal(self.processing_time_value)

    @property
    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    def route_error(
        self,
        step_days: list[Decimal],
        parallel: list[bool] | None = None,
        names: list[str] | None = None,
    ) -> str | None:
        """Why a route of these step durations does not fit, or None if it does.

        ``parallel``: each step's ``parallel_with_previous``; ``names``: each
        step's name. A stage of parallel branches takes as long as its longest
        branch (docs/interagency.md).
        """
        shape = route_shape_error(parallel or [], names)
        if shape:
            return shape
        limit = self.processing_time_in_days
        total = sum(stage_lengths(step_days, parallel), Decimal(0))
        if limit is not None and total > limit:
            return _(
                "The route's steps add up to %(total)s working days, more than the "
                "processing time of %(limit)s working days. Shorten the steps."
            ) % {"total": f"{total.normalize():f}", "limit": f"{limit.normalize():f}"}
        return None


def stage_lengths(
    step_days: list[Decimal], parallel: list[bool] | None = None
) -> list[Decimal]:
    """The length of each stage of a route: its longest branch. A step marked
    ``parallel_with_previous`` joins the stage of the step before it."""
    lengths: list[Decimal] = []
    flags = parallel or []
    for i, days in enumerate(step_days):
        if lengths and i < len(flags) and flags[i]:
            lengths[-1] = max(lengths[-1], Decimal(days))
        else:
            lengths.append(Decimal(days))
    return lengths


def route_shape_error(
    parallel: list[bool], names: list[str] | None = None
) -> str | None:
    """Why a route's parallel branches cannot be worked, or None."""
    if parallel and parallel[0]:
        return _(
            "The route's first step cannot be parallel with a previous step: "
            "untick “parallel with the previous step” on it."
        )
    if len(parallel) > 1 and parallel[-1]:
        return _(
            "The route's last step records the decision, so it cannot be a "
            "parallel branch: add a step after the branches (the join)."
        )
    # The log and Form 06 tell a stage's branches apart by their names.
    seen: set[str] = set()
    for i, name in enumerate(names or []):
        if i == 0 or not (i < len(parallel) and parallel[i]):
            seen = set()
        key = " ".join(str(name).split()).casefold()
        if key in seen:
            return _(
                "The parallel branches of a stage need different names (Form 06 "
                "names each branch): “%(name)s” is used twice."
            ) % {"name": name}
        seen.add(key)
    return None


class RequiredPaper(models.Model):
    """A paper of the dossier (thành phần hồ sơ) the applicant must or may file."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="papers",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.TextField(_("name"))
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    certified_copies = models.PositiveSmallIntegerField(
        _("certified copies"), default=0
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    multiple_files = models.BooleanField(
        _("several files allowed"),
        default=False,
        help_text=_("Allow the applicant to upload several files for this paper."),
    )
    accepted_types = models.CharField(
        _("accepted file types"),
        max_length=100,
        default="pdf,jpg,png",
        help_text=_("File extensions separated by commas, e.g. pdf,jpg,png."),
        validators=[
            RegexValidator(
                r"^[a-z0-9]+(,[a-z0-9]+)*$",
                _("Write lowercase extensions separated by commas, e.g. pdf,jpg,png."),
            )
        ],
    )
    blank_form = models.FileField(
        _("blank form"),
        upload_to="procedure-forms/",
        blank=True,
        help_text=_("The form (mẫu đơn, tờ khai) for applicants to download."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required paper")
        verbose_name_plural = _("required papers")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def accepted_type_list(self) -> list[str]:
        return [t for t in self.accepted_types.split(",") if t]


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) line of a procedure."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="fees",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=500)
    amount_vnd = models.PositiveIntegerField(
        _("amount (VND)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the amount is set by the province."),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return self.name


class StepRole(models.TextChoices):
    CLERK = "clerk", _("One-stop-shop clerk")
    OFFICER = "officer", _("Processing officer")
    LEADER = "leader", _("Leader")


class RouteStep(models.Model):
    """A step of a procedure's internal processing route, with its share of time."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="route_steps",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("step"), max_length=255)
    # Inter-agency one-stop (một cửa liên thông, docs/interagency.md): a step may
    # belong to another agency than the deciding one; empty means the deciding one.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="route_steps",
        help_text=_(
            "The agency that works this step, when it is not the deciding agency "
            "(inter-agency one-stop)."
        ),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="route_steps",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=StepRole.choices, default=StepRole.OFFICER
    )
    working_days = models.DecimalField(
        _("working days"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # Parallel branches with a join (docs/interagency.md): consecutive steps so
    # marked form one stage with the step before them, worked at the same time.
    parallel_with_previous = models.BooleanField(
        _("parallel with the previous step"),
        default=False,
        help_text=_(
            "Worked at the same time as the step before it (a parallel branch, "
            "e.g. another agency's opinion); the next step starts once every "
            "branch is done."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("route step")
        verbose_name_plural = _("route steps")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        owner_id = self.agency_id or (
            self.procedure.deciding_agency_id if self.procedure_id else None
        )
        if (
            self.agency_id
            and self.department_id
            and self.department.agency_id != owner_id
        ):
            raise ValidationError(
                {"department": _("The department must belong to the step's agency.")}
            )

    @property
    def owner_agency_id(self) -> int | None:
        """The agency that works the step: its own, else the deciding agency."""
        return self.agency_id or self.procedure.deciding_agency_id
