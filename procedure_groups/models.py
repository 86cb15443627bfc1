"""Groups of linked procedures filed once (nhóm thủ tục hành chính liên thông):
the group in the catalogue, and the parent file with a child dossier per
procedure (docs/interagency.md)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from notifications.models import Delivery
from procedures.models import PublicationStatus

from . import rules


class ProcedureGroup(models.Model):
    """Linked procedures the applicant files once, with one appointment date."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    processing_time_days = models.PositiveIntegerField(
        _("group's processing time (working days)"),
        validators=[MinValueValidator(1)],
        help_text=_(
            "The whole group's time, counted from receipt: its one appointment date."
        ),
    )
    shared_fields = models.JSONField(
        _("shared fields"),
        default=list,
        blank=True,
        help_text=_(
            'Data entered once for every procedure: [{"key": "...", "label": "..."}].'
        ),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    sources = models.TextField(_("sources"), blank=True)
    results_together = models.BooleanField(
        _("results collected together"),
        default=False,
        help_text=_(
            "Unticked: each result is handed back as soon as it is ready (one by "
            "one). Ticked: the desk hands back no result of a group file until "
            "every result the group requires is ready."
        ),
    )
    # A group is its own channel: offered at the counter, each member is received
    # there as part of it, even a member published online only when filed alone.
    via_counter = models.BooleanField(
        _("received at the counter"),
        default=True,
        help_text=_(
            "The desk receives the whole group at the counter, every procedure "
            "as part of it, even one filed online only on its own."
        ),
    )
    via_online = models.BooleanField(
        _("filed online"),
        default=True,
        help_text=_(
            "Citizens file the whole group online, every procedure as part of it."
        ),
    )
    status = models.CharField(
        _("publication status"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    is_demo_data = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procedure group")
        verbose_name_plural = _("procedure groups")
        ordering = ["name"]

    def __str__(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    def clean(self) -> None:
        super().clean()
        fields = self.shared_fields
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and f.get("key") and f.get("label") for f in fields
        ):
            raise ValidationError(
                {
                    "shared_fields": _(
                        "Write a list of fields, each with a key and a label."
                    )
                }
            )
        keys = [f["key"] for f in fields]
        if len(keys) != len(set(keys)):
            raise ValidationError({"shared_fields": _("A key appears twice.")})

    def route_errors(
        self,
        members: list[tuple[object, Decimal | None, list[object]]],
    ) -> list[str]:
        """Why these members (key, processing time in working days, keys of the
        members each depends on) do not fit the group, or nothing."""
        edges = {key: list(before) for key, _days, before in members}
        errors = []
        unknown = {b for before in edges.values() for b in before} - set(edges)
        if unknown:
            errors.append(str(_("A member depends on a procedure outside the group.")))
            return errors
        cycle = rules.dependency_cycle(edges)
        if cycle:
            errors.append(
                str(
                    _("The dependencies go round in a circle: %(cycle)s.")
                    % {"cycle": " → ".join(map(str, cycle))}
                )
            )
            return errors
        days = {key: d or Decimal(0) for key, d, _before in members}
        longest = rules.longest_chain_days(days, edges)
        if longest > self.processing_time_days:
            errors.append(
                str(
                    _(
                        "The longest chain of dependent procedures takes %(days)s "
                        "working days, more than the group's %(limit)s."
                    )
                    % {
                        "days": f"{longest.normalize():f}",
                        "limit": self.processing_time_days,
                    }
                )
            )
        return errors


class GroupMember(models.Model):
    """A procedure of a group, with the members whose results it needs."""

    group = models.ForeignKey(
        ProcedureGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    depends_on = models.ManyToManyField(
        "self",
        verbose_name=_("needs the result of"),
        symmetrical=False,
        blank=True,
        related_name="feeds",
    )
    working_days = models.DecimalField(
        _("working days in the group"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "This procedure's share of the group's time, counted once the results "
            "it needs are in."
        ),
    )
    result_required = models.BooleanField(
        _("result required"),
        default=True,
        help_text=_("The group is complete only once this result is returned."),
    )
    provided_papers = models.JSONField(
        _("papers provided by a linked result"),
        default=list,
        blank=True,
        help_text=_(
            "Papers of this procedure that the result of a procedure it needs "
            'provides: [{"paper": "<paper name as published>", "by": "<national '
            'code of that procedure>"}]. The applicant is not asked for them; the '
            "result is attached when it arrives."
        ),
    )

    class Meta:
        verbose_name = _("procedure of the group")
        verbose_name_plural = _("procedures of the group")
        ordering = ["group", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "procedure"], name="one_membership_per_procedure"
            )
        ]

    def __str__(self) -> str:
        return str(self.procedure)


class GroupFiling(models.Model):
    """The parent file: one code, one PIN and one appointment date for the whole
    group; a child dossier per procedure (``GroupChild``)."""

    group = models.ForeignKey(
        ProcedureGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="filings",
    )
    # Empty while a citizen's online filing is a draft; issued on submitting.
    code = models.CharField(
        _("dossier code"), max_length=64, unique=True, null=True, blank=True
    )
    lookup_pin = models.CharField(_("lookup PIN"), max_length=8, blank=True)
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=[("counter", _("At the counter")), ("online", _("Online"))],
        default="counter",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_filings",
    )
    applicant_name = models.CharField(_("applicant's full name"), max_length=150)
    receiving_desk = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("receiving desk"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField(_("shared answers"), default=dict, blank=True)
    papers = models.JSONField(
        _("papers received"),
        default=list,
        blank=True,
        help_text=_("The combined list as handed over, each paper once (Form 01)."),
    )
    # Online: the system's receipt on submitting; empty while a draft.
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty for a group filed online."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("group file")
        verbose_name_plural = _("group files")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.code or str(_("draft"))

    @property
    def is_draft(self) -> bool:
        return self.code is None


class GroupChild(models.Model):
    """The dossier of one procedure of a group file."""

    filing = models.ForeignKey(
        GroupFiling, on_delete=models.CASCADE, related_name="children"
    )
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="+")
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="group_child"
    )

    class Meta:
        verbose_name = _("dossier of the group file")
        verbose_name_plural = _("dossiers of the group file")
        ordering = ["filing", "member__position", "id"]

    def __str__(self) -> str:
        return f"{self.filing} / {self.dossier}"


class GroupNotice(Delivery):
    """One message to the applicant for the children of one group file changed
    together (one event batch: e.g. received at the desk, or a refusal ending the
    dossiers that needed its result), instead of one per child. Recorded in the
    transaction of the changes, sent after commit (procedure_groups/notices.py).

    A **digest** (``send_after`` set) gathers the results of the children ready
    or handed back at different moments: it stays open, taking every such change
    of its group file, until it is sent at ``send_after`` (the end of the
    window, ``GROUP_NOTICE_WINDOW_SECONDS``).
    """

    filing = models.ForeignKey(
        GroupFiling,
        verbose_name=_("group file"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    logs = models.ManyToManyField(
        "dossiers.TransitionLog",
        verbose_name=_("transitions"),
        related_name="group_notices",
    )
    send_after = models.DateTimeField(
        _("sent after"),
        null=True,
        blank=True,
        help_text=_(
            "A digest of results is sent at the end of its window; empty: sent at once."
        ),
    )

    class Meta:
        verbose_name = _("group notice")
        verbose_name_plural = _("group notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="group_notice_status"),
            # The beat sweep's read: digests whose window is over, not yet tried.
            models.Index(
                fields=["send_after"],
                condition=models.Q(status="pending", attempts=0),
                name="group_digest_due",
            ),
        ]
        constraints = [
            # One open digest per group file: a change joins it, never a second
            # one beside it (two workers recording at once: one insert fails and
            # that transaction joins the other's digest).
            models.UniqueConstraint(
                fields=["filing"],
                condition=models.Q(
                    status="pending", attempts=0, send_after__isnull=False
                ),
                name="one_open_group_digest",
            )
        ]
