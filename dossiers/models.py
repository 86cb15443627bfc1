"""Dossiers (hồ sơ), their legal lifecycle, attachments, steps, pauses, the desk's
paper checks, internal notes and the audit log."""

import functools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

from accounts.models import Role
from notifications.models import Delivery
from procedures.eforms import declaration_paper, missing_answers

from . import deadlines
from .freshness import ChangeCountingQuerySet
from .rules import (
    any_of,
    handles_step,
    is_deciding_leader,
    is_desk_clerk,
    is_manager,
    is_own_applicant,
    is_step_leader,
    is_step_officer,
)
from .search import SEARCH_FOLDED_LENGTH, dossier_search_text


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for the desk")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested by the desk")
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Being processed")
    AWAITING_SUPPLEMENT = (
        "awaiting_supplement",
        _("Waiting for the applicant's supplement"),
    )
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    REFUSED = "refused", _("Refused at intake")
    STOPPED = "stopped", _("Processing stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn")


FINAL_STATES = frozenset(
    {State.RETURNED, State.REFUSED, State.STOPPED, State.WITHDRAWN}
)
CLOCK_RUNNING_STATES = frozenset({State.RECEIVED, State.PROCESSING})
# While the applicant may still change the papers; while a supplement is awaited.
EDITABLE_STATES = frozenset(
    {State.DRAFT, State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT}
)
SUPPLEMENT_STATES = frozenset({State.SUPPLEMENT_REQUESTED, State.AWAITING_SUPPLEMENT})
# The fields ``Dossier.search_folded`` is made of.
SEARCH_SOURCE_FIELDS = frozenset(
    {"applicant_name", "applicant_phone", "applicant_id_number"}
)
# What staff still have to act on: the worklist's default and its partial indexes.
WORK_STATES = (
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.RECEIVED,
    State.PROCESSING,
    State.AWAITING_SUPPLEMENT,
    State.RESULT_READY,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


# Conditions checked by django-fsm before a transition; each carries the sentence
# that explains a refusal.
def mandatory_papers_attached(dossier: "Dossier") -> bool:
    return not dossier.missing_mandatory_papers()


mandatory_papers_attached.reason = _(  # type: ignore[attr-defined]
    "Attach every mandatory paper before submitting."
)


def form_answers_complete(dossier: "Dossier") -> bool:
    return not dossier.missing_answers()


form_answers_complete.reason = _(  # type: ignore[attr-defined]
    "Complete the application form: a required answer is missing or wrong."
)


def procedure_in_force(dossier: "Dossier") -> bool:
    return dossier.procedure.is_public


procedure_in_force.reason = _(  # type: ignore[attr-defined]
    "This procedure has been withdrawn from the catalogue or is no longer in force, "
    "so the dossier cannot be submitted or received. The draft is kept: contact the "
    "centre, or file under the procedure that replaces it."
)


def step_unassigned(dossier: "Dossier") -> bool:
    return dossier.holder_id is None


step_unassigned.reason = _(  # type: ignore[attr-defined]
    "Someone already holds this step; a leader can reassign it."
)


def has_next_step(dossier: "Dossier") -> bool:
    # The next stage: on a parallel stage, after its last branch.
    return dossier.current_step_index is not None and (
        dossier.stage_end(dossier.current_step_index) + 1 < len(dossier.route)
    )


has_next_step.reason = _(  # type: ignore[attr-defined]
    "This is the last step of the route: record the decision instead."
)


def at_last_step(dossier: "Dossier") -> bool:
    return dossier.current_step_index is not None and (
        dossier.stage_end(dossier.current_step_index) + 1 >= len(dossier.route)
    )


at_last_step.reason = _(  # type: ignore[attr-defined]
    "The decision is recorded at the last step of the route; forward it first."
)


# The transition log row of a join of parallel branches (docs/interagency.md):
# written by dossiers/services/branches.py, not an action anyone presses, so not
# in the registry (the applicant's timeline tells it as the join, dossiers/
# timeline.py; Form 06 prints it).
JOIN_BRANCHES = "join_branches"


def step_agency_id(dossier: "Dossier", index: int) -> int | None:
    """The agency that works step ``index`` of the dossier's route: the step's own
    (inter-agency one-stop), else the deciding agency; read from the snapshot."""
    return dossier.route[index].get("agency_id") or dossier.deciding_agency_id


def _next_step_agencies(
    dossier: "Dossier",
) -> tuple[int | None, set[int | None]] | None:
    """The agency of the step being finished (on a parallel stage, the acting
    branch) and the agencies of the next stage's steps, or None at the end."""
    index = dossier.current_step_index
    if index is None:
        return None
    following = dossier.stage_end(index) + 1
    if following >= len(dossier.route):
        return None
    return step_agency_id(dossier, dossier.acting_position), {
        step_agency_id(dossier, position)
        for position in dossier.stage_positions(following)
    }


def next_step_in_same_agency(dossier: "Dossier") -> bool:
    pair = _next_step_agencies(dossier)
    return pair is None or pair[1] == {pair[0]}


next_step_in_same_agency.reason = _(  # type: ignore[attr-defined]
    "The next step belongs to another agency: transfer the dossier to it "
    "(inter-agency transfer) instead."
)


def next_step_in_other_agency(dossier: "Dossier") -> bool:
    pair = _next_step_agencies(dossier)
    return pair is not None and pair[1] != {pair[0]}


next_step_in_other_agency.reason = _(  # type: ignore[attr-defined]
    "The next step belongs to the same agency: forward it to the next step."
)


def came_from_other_agency(dossier: "Dossier") -> bool:
    index = dossier.current_step_index
    return bool(index) and step_agency_id(dossier, index - 1) != step_agency_id(
        dossier, index
    )


came_from_other_agency.reason = _(  # type: ignore[attr-defined]
    "Only the first step of an agency that received the dossier from another "
    "agency can return it to that agency."
)


def returns_to_one_step(dossier: "Dossier") -> bool:
    """A return goes back from a single step to a single step: a branch of a
    parallel stage, or a step after one (its join), is not returned, since the
    other branches are worked at the same time (docs/interagency.md)."""
    index = dossier.current_step_index
    return bool(index) and (
        len(dossier.stage_positions(index)) == 1
        and len(dossier.stage_positions(index - 1)) == 1
    )


returns_to_one_step.reason = _(  # type: ignore[attr-defined]
    "The dossier is on parallel branches, or has just come from them: it cannot "
    "be returned to one agency. Ask the applicant for a supplement, or deny it "
    "with the reasons."
)


def at_agency_last_step(dossier: "Dossier") -> bool:
    """The last step of the route, or of one agency's share of it: where that
    agency's denial ends the dossier (a stop or denial by one agency ends it)."""
    return at_last_step(dossier) or next_step_in_other_agency(dossier)


at_agency_last_step.reason = _(  # type: ignore[attr-defined]
    "A denial is recorded at the last step of the route, or of the agency's share "
    "of it; forward the dossier first."
)


def _group_results_ready(dossier: "Dossier", key: str) -> bool:
    """Whether every dossier the snapshot's ``group.<key>`` names has its result
    (ready or handed back); True when it names none."""
    linked = (dossier.procedure_snapshot.get("group") or {}).get(key)
    if not linked:
        return True
    return not (
        Dossier.objects.filter(pk__in=linked)
        .exclude(state__in=[State.RESULT_READY, State.RETURNED])
        .exists()
    )


def prerequisite_results_ready(dossier: "Dossier") -> bool:
    """A dossier filed with a group of linked procedures (docs/interagency.md)
    starts once the results it needs are ready: the group service records their
    dossiers in the snapshot's ``group.waits_for``."""
    return _group_results_ready(dossier, "waits_for")


prerequisite_results_ready.reason = _(  # type: ignore[attr-defined]
    "This dossier needs the result of another procedure filed with it (a group of "
    "linked procedures): transfer it once that result is ready."
)


def group_results_ready(dossier: "Dossier") -> bool:
    """A group whose results are collected together (docs/interagency.md): the
    group service records in ``group.collect_with`` every dossier whose result
    the group requires; none is handed back before all of them have it."""
    return _group_results_ready(dossier, "collect_with")


group_results_ready.reason = _(  # type: ignore[attr-defined]
    "The results of this group of linked procedures are collected together: hand "
    "them back once every result the group requires is ready."
)


def prerequisite_ended(dossier: "Dossier") -> bool:
    """A dossier of a group needs the result of another that will never come:
    refused, stopped, withdrawn, or denied (``group_results.end_dependants``)."""
    linked = (dossier.procedure_snapshot.get("group") or {}).get("waits_for")
    if not linked:
        return False
    return (
        Dossier.objects.filter(pk__in=linked)
        .filter(
            models.Q(state__in=[State.REFUSED, State.STOPPED, State.WITHDRAWN])
            | models.Q(outcome=Outcome.DENIED)
        )
        .exists()
    )


prerequisite_ended.reason = _(  # type: ignore[attr-defined]
    "This dossier ends only when a procedure whose result it needs was refused, "
    "denied, stopped or withdrawn."
)


def caused_by_linked_dossier(dossier: "Dossier", user: Any) -> bool:
    """Nobody chooses it: whoever ended the prerequisite causes it, and the
    condition (``prerequisite_ended``) is the rule."""
    return True


def filed_at_counter(dossier: "Dossier") -> bool:
    return dossier.channel != Channel.ONLINE


filed_at_counter.reason = _(  # type: ignore[attr-defined]
    "An online dossier is received only after the applicant submits it."
)


def not_yet_extended(dossier: "Dossier") -> bool:
    return dossier.extended_due_at is None


not_yet_extended.reason = _(  # type: ignore[attr-defined]
    "The processing time was already extended once (Form 04)."
)


@dataclass(frozen=True)
class ApplicantDetails:
    """Who files, as written on the dossier (from a form or the profile)."""

    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    language: str = "vi"

    @classmethod
    def of(cls, user: Any) -> "ApplicantDetails":
        return cls(
            name=user.full_name or user.get_full_name() or user.username,
            id_number=user.id_number,
            phone=user.phone,
            email=user.email,
            address=user.address,
            language=user.preferred_language,
        )


@dataclass(frozen=True)
class OrganisationDetails:
    """The business or organisation a dossier is filed for, when it is; an empty
    one (no name) means the applicant files for themselves."""

    name: str = ""
    tax_code: str = ""
    address: str = ""
    representative: str = ""
    representative_title: str = ""

    def __bool__(self) -> bool:
        return bool(self.name)


@dataclass(frozen=True)
class ReceivedPaper:
    """A paper handed over at the desk, with how many of each kind."""

    index: int
    name: str
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0

    @property
    def total(self) -> int:
        return self.originals + self.certified_copies + self.copies


@functools.cache
def _fsm_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.fields if isinstance(f, FSMFieldMixin))


class Dossier(ConcurrentTransitionMixin, models.Model):
    """One application by one applicant under one procedure, from draft to result."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        help_text=_("Empty for a walk-in applicant without an account."),
    )
    applicant_name = models.CharField(_("applicant's full name"), max_length=150)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=255, blank=True)
    applicant_language = models.CharField(
        _("applicant's language"), max_length=8, default="vi"
    )
    # The name folded (no accents, no case), the phone's digits and the ID number,
    # for the staff's search box (dossiers/search.py); kept by ``save``.
    search_folded = models.CharField(
        max_length=SEARCH_FOLDED_LENGTH, editable=False, blank=True, default=""
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    procedure_snapshot = models.JSONField(
        _("procedure as filed"),
        help_text=_(
            "Papers, processing time, fees and route when the dossier was filed."
        ),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    receiving_desk = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("receiving desk"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    deciding_agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("deciding agency"),
        on_delete=models.PROTECT,
        related_name="decided_dossiers",
    )
    crosses_agencies = models.BooleanField(
        _("inter-agency"),
        default=False,
        help_text=_(
            "Its route crosses several agencies (inter-agency one-stop): each "
            "agency sees it once a step of theirs has started."
        ),
    )
    code = models.CharField(
        _("dossier code"), max_length=64, unique=True, null=True, blank=True
    )
    lookup_pin = models.CharField(_("lookup PIN"), max_length=8, blank=True)
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    current_step_index = models.PositiveSmallIntegerField(
        _("current step"), null=True, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    due_at = models.DateTimeField(_("due (original)"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("due (extended)"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    current_due_at = models.DateTimeField(
        _("due"),
        null=True,
        blank=True,
        help_text=_("The due date in force: extended, and pushed by paused time."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("clock started"),
        null=True,
        blank=True,
        help_text=_(
            "A dossier of a group waiting for a linked result: when that result "
            "arrived and its processing time started (empty: from receipt)."
        ),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True
    )
    outcome_reason = models.TextField(_("reasons"), blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    result_channel = models.CharField(
        _("result delivered"), max_length=10, choices=Channel.choices, blank=True
    )
    collected_by = models.CharField(_("collected by"), max_length=150, blank=True)
    answers = models.JSONField(
        _("application form answers"),
        default=dict,
        blank=True,
        help_text=_("The answers to the procedure's online form, as filed."),
    )
    result_delivery = models.CharField(
        _("result delivery requested"),
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text=_("How the applicant asked to receive the result."),
    )
    result_address = models.CharField(
        _("address for the result"),
        max_length=255,
        blank=True,
        help_text=_("Where the result is posted, when asked by post."),
    )
    # Filed on behalf of a business or organisation (where the procedure allows
    # it): empty for an application in the applicant's own name.
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    organisation_tax_code = models.CharField(
        _("organisation's tax code"), max_length=14, blank=True
    )
    organisation_address = models.CharField(
        _("organisation's address"), max_length=255, blank=True
    )
    organisation_representative = models.CharField(
        _("representative"), max_length=150, blank=True
    )
    organisation_representative_title = models.CharField(
        _("representative's title"), max_length=100, blank=True
    )

    # Bulk writes move the staff counts' generation on (dossiers/freshness.py).
    objects = ChangeCountingQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["receiving_desk", "state", "current_due_at", "id"],
                name="dossier_desk_queue",
            ),
            models.Index(
                fields=["deciding_agency", "state", "current_due_at", "id"],
                name="dossier_agency_queue",
            ),
            models.Index(
                fields=["applicant", "-created_at"], name="dossier_applicant_recent"
            ),
            models.Index(fields=["applicant_id_number"], name="dossier_id_number"),
            models.Index(fields=["state", "current_due_at"], name="dossier_state_due"),
            # A search runs over every status: a broad one ("ng") walks this in the
            # list's order and stops at a page, where sorting its matches would not.
            models.Index(fields=["current_due_at", "id"], name="dossier_due"),
            # Most dossiers of a large centre are closed; the open ones are what
            # the worklist pages through, by due date, without sorting.
            models.Index(
                fields=["receiving_desk", "current_due_at", "id"],
                condition=models.Q(state__in=WORK_STATES),
                name="dossier_desk_open_due",
            ),
            # The clerk's "dossiers to check", oldest first (dossiers/queues.py):
            # without it the desk's submitted dossiers are all read and sorted.
            models.Index(
                fields=["receiving_desk", "submitted_at", "id"],
                condition=models.Q(state="submitted"),
                name="dossier_desk_to_check",
            ),
            models.Index(
                fields=["deciding_agency", "current_due_at", "id"],
                condition=models.Q(state__in=WORK_STATES),
                name="dossier_agency_open_due",
            ),
            models.Index(
                fields=["current_due_at", "id"],
                condition=models.Q(state__in=WORK_STATES),
                name="dossier_open_due",
            ),
            # Inter-agency work per agency (reports/shares.py): the few dossiers
            # crossing agencies, open or closed since a period began.
            models.Index(
                fields=["closed_at"],
                condition=models.Q(crosses_agencies=True),
                name="dossier_interagency_closed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="returned")
                | (models.Q(returned_at__isnull=False) & ~models.Q(timeliness="")),
                name="returned_dossier_is_classified",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["returned", "result_ready"])
                | ~models.Q(outcome=""),
                name="result_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.code or _("Dossier #%(id)s") % {"id": self.pk}

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived index of the row's own applicant fields, like the catalogue's
        # folded columns: refreshed on every save, and with them when saved alone.
        self.search_folded = self.folded_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCH_SOURCE_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_folded"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("dossiers:detail", kwargs={"pk": self.pk})

    @property
    def state_fields(self) -> tuple[models.Field, ...]:
        """The state machine's fields (ConcurrentTransitionMixin), found once per
        class: django-fsm looks for them among every field each time a dossier is
        built from a row, some forty calls a row on every list."""
        return _fsm_fields(type(self))

    @property
    def awaits_linked_result(self) -> bool:
        """Filed with a group and waiting for a result it needs: its processing
        time has not started (dossiers/services/group_results.py)."""
        group = (self.procedure_snapshot or {}).get("group") or {}
        return bool(group.get("waits_for")) and self.clock_started_at is None

    @property
    def linked_inputs(self) -> list["Attachment"]:
        """Results of linked dossiers of its group passed on to it as papers."""
        return [a for a in self.attachments.all() if a.source_dossier_id]

    def folded_search_text(self) -> str:
        """What ``search_folded`` holds for this row's applicant fields (also for
        rows written by ``bulk_create``, which does not call ``save``)."""
        return dossier_search_text(
            self.applicant_name, self.applicant_phone, self.applicant_id_number
        )

    # --- snapshot helpers -------------------------------------------------------

    @property
    def papers(self) -> list[dict[str, Any]]:
        return self.procedure_snapshot.get("papers", [])

    @property
    def route(self) -> list[dict[str, Any]]:
        return self.procedure_snapshot.get("route", [])

    @property
    def form_definition(self) -> dict[str, Any]:
        return self.procedure_snapshot.get("form") or {}

    @property
    def organisation(self) -> OrganisationDetails | None:
        """The organisation the dossier is filed for, or None (for oneself)."""
        if not self.organisation_name:
            return None
        return OrganisationDetails(
            name=self.organisation_name,
            tax_code=self.organisation_tax_code,
            address=self.organisation_address,
            representative=self.organisation_representative,
            representative_title=self.organisation_representative_title,
        )

    @property
    def eform_paper_index(self) -> int | None:
        """The paper the online form stands for (the declaration), when the
        dossier was filed online: it is attached, generated from the answers, on
        submission, and the applicant uploads no scan of it."""
        if self.channel != Channel.ONLINE:
            return None
        return declaration_paper(self.form_definition)

    def missing_answers(self) -> dict[str, str]:
        """Required answers of the filed form left empty or wrong, by path."""
        return missing_answers(self.form_definition, self.answers or {})

    @property
    def current_step(self) -> "DossierStep | None":
        """The step the dossier is at; on a parallel stage, the branch being
        acted on (``focus_on``), else its first open branch."""
        if self.current_step_index is None:
            return None
        if self.in_parallel_stage:
            focus = getattr(self, "_focus_step", None)
            if focus is not None and focus.stage_start == self.current_step_index:
                return focus
            open_steps = self.open_steps
            if open_steps:
                return open_steps[0]
        cache = getattr(self, "_current_step_cache", None)
        if cache is not None and cache.position == self.current_step_index:
            return cache
        step = self.steps.filter(position=self.current_step_index).first()
        self._current_step_cache = step
        return step

    # --- parallel branches with a join (docs/interagency.md) ---------------------

    @property
    def stages(self) -> list[int]:
        """Each route step's stage: the position of its stage's first step."""
        cache = getattr(self, "_stages_cache", None)
        if cache is None:
            cache = deadlines.stage_starts(
                [bool(step.get("parallel_with_previous")) for step in self.route]
            )
            self._stages_cache = cache
        return cache

    def stage_positions(self, position: int) -> list[int]:
        """The positions of the stage holding step ``position`` (its branches)."""
        stages = self.stages
        if not 0 <= position < len(stages):
            return [position]
        return [i for i, stage in enumerate(stages) if stage == stages[position]]

    def stage_end(self, position: int) -> int:
        """The last position of the stage holding step ``position``."""
        return self.stage_positions(position)[-1]

    @property
    def in_parallel_stage(self) -> bool:
        """Whether the dossier is at a stage of several parallel branches."""
        index = self.current_step_index
        return (
            index is not None
            and self.state in (State.PROCESSING, State.AWAITING_SUPPLEMENT)
            and len(self.stage_positions(index)) > 1
        )

    @property
    def open_steps(self) -> list["DossierStep"]:
        """The current stage's steps not finished yet: its open branches (the
        current step alone on a sequential stage)."""
        index = self.current_step_index
        if index is None:
            return []
        cache = getattr(self, "_open_steps_cache", None)
        if cache is not None and cache[0] == index:
            return cache[1]
        steps = list(
            self.steps.filter(
                position__in=self.stage_positions(index), finished_at__isnull=True
            )
            .select_related("agency", "department", "handled_by")
            .order_by("position")
        )
        self._open_steps_cache = (index, steps)
        return steps

    def forget_steps(self) -> None:
        """Drop what was read of the steps (after a service changed them)."""
        self._current_step_cache = None
        self._open_steps_cache = None
        self._focus_step = None

    def focus_on(self, user: Any) -> None:
        """On a parallel stage, act as ``user``'s branch: the open branch they
        hold, else one they handle, else (a leader) one of their agency. The
        permission rules and conditions then read that branch as the current
        step, so each branch's people act on their branch only."""
        self._focus_step = None
        if not self.in_parallel_stage or not getattr(user, "is_authenticated", False):
            return
        open_steps = self.open_steps
        mine = [step for step in open_steps if handles_step(user, step, self)]
        if not mine and user.role == Role.LEADER:
            mine = [
                step
                for step in open_steps
                if (step.agency_id or self.deciding_agency_id) == user.agency_id
            ]
        held = [step for step in mine if step.handled_by_id == user.pk]
        self._focus_step = (held or mine or [None])[0]

    @property
    def parallel_branch_positions(self) -> list[int]:
        """The open branches of the current stage when it has several (for the
        dossier page; reads the steps as fetched with the dossier)."""
        if not self.in_parallel_stage:
            return []
        return [
            step.position
            for step in self.steps.all()
            if step.stage_start == self.current_step_index and step.finished_at is None
        ]

    @property
    def acting_position(self) -> int | None:
        """The position of the step being acted on (see ``current_step``)."""
        if not self.in_parallel_stage:
            return self.current_step_index
        step = self.current_step
        return step.position if step is not None else self.current_step_index

    @property
    def holder_id(self) -> int | None:
        """Who holds the step being acted on: the dossier's assignee, or on a
        parallel stage the branch's own holder."""
        if self.in_parallel_stage:
            step = self.current_step
            return step.handled_by_id if step is not None else None
        return self.assignee_id

    @property
    def holder(self) -> Any:
        if self.in_parallel_stage:
            step = self.current_step
            return step.handled_by if step is not None else None
        return self.assignee

    def _pass_on(self) -> None:
        """The acting step is done: the dossier moves to the next stage, but on a
        parallel stage only with its last open branch (the join)."""
        index = self.current_step_index
        self.joined_branches = False
        if self.in_parallel_stage:
            acting = self.current_step
            if any(step.pk != acting.pk for step in self.open_steps):
                return
            self.joined_branches = True
        self.current_step_index = self.stage_end(index) + 1

    def missing_mandatory_papers(self) -> list[dict[str, Any]]:
        """Mandatory papers neither attached as a file nor received on paper."""
        attached = set(
            self.attachments.filter(kind=AttachmentKind.PAPER).values_list(
                "paper_index", flat=True
            )
        )
        attached |= set(self.paper_receipts.values_list("paper_index", flat=True))
        eform_paper = self.eform_paper_index
        return [
            paper
            for paper in self.papers
            if paper.get("mandatory")
            and paper["index"] not in attached
            and paper["index"] != eform_paper
            # A group's linked result brings it (group_results.group_snapshot).
            and not paper.get("provided_by")
        ]

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    # --- transitions: they only set fields; services lock, save, log, notify ----

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        conditions=[
            procedure_in_force,
            mandatory_papers_attached,
            form_answers_complete,
        ],
        permission=is_own_applicant,
    )
    def submit(self, *, at: datetime, code: str) -> None:
        """The system has the dossier: it gets its code now; the desk receives it
        later (Form 01), and only then does the processing time start."""
        self.submitted_at = at
        self._give_code(code)

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        conditions=[filed_at_counter, procedure_in_force],
        permission=is_desk_clerk,
    )
    def file_at_counter(self, *, at: datetime, code: str) -> None:
        """A walk-in's dossier registered before it can be received: the desk
        guides the applicant (Form 02) or refuses it (Form 03) from here."""
        self.submitted_at = at
        self._give_code(code)

    def _give_code(self, code: str) -> None:
        if not self.code:
            self.code = code
        if not self.lookup_pin:
            self.lookup_pin = f"{secrets.randbelow(10**6):06d}"

    @transition(
        field=state,
        source=[State.DRAFT, State.SUBMITTED, State.SUPPLEMENT_REQUESTED],
        target=State.WITHDRAWN,
        permission=is_own_applicant,
    )
    def withdraw(self, *, at: datetime) -> None:
        self.closed_at = at

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.SUPPLEMENT_REQUESTED,
        permission=is_desk_clerk,
    )
    def request_intake_supplement(self) -> None:
        """Form 02 at intake: the desk lists every missing or wrong paper at once."""

    @transition(
        field=state,
        source=State.SUPPLEMENT_REQUESTED,
        target=State.SUBMITTED,
        conditions=[
            procedure_in_force,
            mandatory_papers_attached,
            form_answers_complete,
        ],
        permission=is_own_applicant,
    )
    def resubmit(self, *, at: datetime) -> None:
        self.submitted_at = at

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.REFUSED,
        permission=is_desk_clerk,
    )
    def refuse(self, *, at: datetime) -> None:
        """Form 03: refusal at intake, with reasons."""
        self.closed_at = at

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RECEIVED,
        conditions=[procedure_in_force, mandatory_papers_attached],
        permission=is_desk_clerk,
    )
    def receive(self, *, code: str, at: datetime, due: datetime) -> None:
        """Form 01: the desk accepts an online dossier; the clock starts."""
        self._start_clock(code=code, at=at, due=due)

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.RECEIVED,
        conditions=[filed_at_counter, procedure_in_force, mandatory_papers_attached],
        permission=is_desk_clerk,
    )
    def receive_at_counter(self, *, code: str, at: datetime, due: datetime) -> None:
        """Counter intake: papers checked on the spot, Form 01 issued at once."""
        self.submitted_at = at
        self._start_clock(code=code, at=at, due=due)

    def _start_clock(self, *, code: str, at: datetime, due: datetime) -> None:
        self._give_code(code)
        self.received_at = at
        if self.awaits_linked_result:
            # A group's dossier needing another's result: no due date until it
            # arrives (dossiers/services/group_results.py); arrived already, the
            # clock starts now.
            if not prerequisite_results_ready(self):
                return
            self.clock_started_at = at
        self.due_at = due
        self.current_due_at = due

    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.PROCESSING,
        conditions=[prerequisite_results_ready],
        permission=any_of(is_desk_clerk, is_manager),
    )
    def transfer(self) -> None:
        """The desk hands the dossier to the deciding agency's first route step."""
        self.current_step_index = 0

    @transition(
        field=state,
        source=State.PROCESSING,
        target=State.PROCESSING,
        conditions=[has_next_step, next_step_in_same_agency],
        permission=any_of(is_step_officer, is_step_leader),
    )
    def forward(self) -> None:
        """Hand-off to the next step of the route (a line of Form 06); a branch
        of a parallel stage waits for the others (the join)."""
        self._pass_on()

    @transition(
        field=state,
        source=State.PROCESSING,
        target=State.PROCESSING,
        conditions=[has_next_step, next_step_in_other_agency],
        permission=any_of(is_step_officer, is_step_leader),
    )
    def transfer_to_agency(self) -> None:
        """Inter-agency transfer (chuyển liên thông): this agency's share of the
        route is done and the next agency's first step starts (Form 06); a
        branch of a parallel stage waits for the others (the join)."""
        self._pass_on()

    @transition(
        field=state,
        source=State.PROCESSING,
        target=State.PROCESSING,
        conditions=[came_from_other_agency, returns_to_one_step],
        permission=any_of(is_step_officer, is_step_leader),
    )
    def return_to_agency(self) -> None:
        """The receiving agency sends the dossier back to the agency that
        transferred it, with reasons: that agency's last step is open again."""
        self.current_step_index -= 1

    @transition(
        field=state,
        source=State.PROCESSING,
        target=State.PROCESSING,
        conditions=[step_unassigned],
        permission=is_step_officer,
    )
    def claim(self) -> None:
        """An officer of the current step takes it (nobody held it)."""

    @transition(
        field=state,
        source=State.PROCESSING,
        target=State.PROCESSING,
        permission=any_of(is_deciding_leader, is_manager),
    )
    def reassign(self) -> None:
        """A leader gives the current step to another of its handlers."""

    @transition(
        field=state,
        source=State.PROCESSING,
        target=State.AWAITING_SUPPLEMENT,
        permission=any_of(is_step_officer, is_step_leader),
    )
    def request_supplement(self) -> None:
        """Form 02 during processing: the clock pauses until the applicant answers."""

    @transition(
        field=state,
        source=State.AWAITING_SUPPLEMENT,
        target=State.PROCESSING,
        permission=is_own_applicant,
    )
    def supplement(self, *, due: datetime) -> None:
        """The applicant answers; the paused time moves the due date."""
        self.current_due_at = due

    # At intake the supplement goes back to the desk's check (receiving it needs
    # every mandatory paper), so bringing only part of it is recorded too.
    @transition(
        field=state,
        source=State.SUPPLEMENT_REQUESTED,
        target=State.SUBMITTED,
        conditions=[procedure_in_force],
        permission=is_desk_clerk,
    )
    @transition(
        field=state,
        source=State.AWAITING_SUPPLEMENT,
        target=State.PROCESSING,
        permission=is_desk_clerk,
    )
    def supplement_at_counter(self, *, at: datetime, due: datetime | None) -> None:
        """The applicant brings the requested papers to the desk: at intake the
        dossier is back for the desk's check; in processing the clock resumes."""
        if self.state == State.SUPPLEMENT_REQUESTED:
            self.submitted_at = at
        elif due is not None:
            self.current_due_at = due

    @transition(
        field=state,
        source=State.PROCESSING,
        target=State.RESULT_READY,
        conditions=[at_last_step],
        permission=any_of(is_step_leader, is_step_officer),
    )
    def approve(self, *, at: datetime) -> None:
        self.outcome = Outcome.APPROVED
        self.decided_at = at

    @transition(
        field=state,
        source=State.PROCESSING,
        target=State.RESULT_READY,
        conditions=[at_agency_last_step],
        permission=any_of(is_step_leader, is_step_officer),
    )
    def deny(self, *, at: datetime, reasons: str) -> None:
        """A denial is a result too: the applicant receives the written reasons."""
        self.outcome = Outcome.DENIED
        self.outcome_reason = reasons
        self.decided_at = at

    @transition(
        field=state,
        source=[State.RECEIVED, State.PROCESSING, State.AWAITING_SUPPLEMENT],
        target=None,
        conditions=[not_yet_extended],
        permission=is_step_officer,
    )
    def draft_extension(self) -> None:
        """An officer drafts Form 04 (date and reasons) for the leader to sign."""

    @transition(
        field=state,
        source=[State.RECEIVED, State.PROCESSING, State.AWAITING_SUPPLEMENT],
        target=None,
        conditions=[not_yet_extended],
        permission=any_of(is_deciding_leader, is_manager),
    )
    def extend(self, *, new_due: datetime, reason: str) -> None:
        """Form 04, signed by the deciding agency's leader or the centre's
        manager: apology and a new date, once, before the due date passes."""
        self.extended_due_at = new_due
        self.extension_reason = reason
        self.current_due_at = new_due

    @transition(
        field=state,
        source=[State.RECEIVED, State.PROCESSING, State.AWAITING_SUPPLEMENT],
        target=State.STOPPED,
        permission=any_of(is_deciding_leader, is_manager),
    )
    def stop(self, *, at: datetime) -> None:
        """Form 05: processing stops, e.g. at the applicant's request."""
        self.closed_at = at
        self.current_step_index = None

    # A group's dossier whose prerequisite was refused, denied, stopped or
    # withdrawn: not yet received, it is refused; received, it stops.
    @transition(
        field=state,
        source=[State.SUBMITTED, State.SUPPLEMENT_REQUESTED],
        target=State.REFUSED,
        conditions=[prerequisite_ended],
        permission=caused_by_linked_dossier,
    )
    @transition(
        field=state,
        source=[State.RECEIVED, State.PROCESSING, State.AWAITING_SUPPLEMENT],
        target=State.STOPPED,
        conditions=[prerequisite_ended],
        permission=caused_by_linked_dossier,
    )
    def end_with_prerequisite(self, *, at: datetime) -> None:
        """The result it needs will never come: it ends too, with the reason."""
        self.closed_at = at
        self.current_step_index = None

    @transition(
        field=state,
        source=State.RESULT_READY,
        target=State.RETURNED,
        conditions=[group_results_ready],
        permission=is_desk_clerk,
    )
    def return_result(
        self, *, at: datetime, channel: str, collected_by: str, timeliness: str
    ) -> None:
        self.returned_at = at
        self.closed_at = at
        self.result_channel = channel
        self.collected_by = collected_by
        self.timeliness = timeliness
        self.current_step_index = None


class DossierStep(models.Model):
    """A step of the dossier's route, with its own due date (a line of Form 06)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=255)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # The agency working the step (inter-agency one-stop); empty on steps made
    # before agencies were recorded, which belong to the deciding agency.
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_steps",
    )
    department = models.ForeignKey(
        "procedures.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_steps",
    )
    working_days = models.DecimalField(
        _("working days"), max_digits=5, decimal_places=2
    )
    due_at = models.DateTimeField(_("due"))
    # Parallel branches with a join (docs/interagency.md): the position of the
    # first step of the step's stage, copied from the route at the transfer;
    # empty (steps written before) means a stage of its own, its position.
    stage = models.PositiveSmallIntegerField(_("stage"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Bulk writes move the staff counts' generation on (dossiers/freshness.py).
    objects = ChangeCountingQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "position"], name="unique_step_position"
            )
        ]
        indexes = [
            models.Index(fields=["department", "finished_at"], name="step_dept"),
            models.Index(fields=["agency", "started_at"], name="step_agency"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_start(self) -> int:
        """The step's stage (``stage``, else its own position)."""
        return self.position if self.stage is None else self.stage


def due_first(steps: "Iterable[DossierStep]") -> list[DossierStep]:
    """Open branches as the pages and messages list them: the one due first
    first, then in route order."""
    return sorted(steps, key=lambda step: (step.due_at, step.position))


class AgencyTransfer(models.Model):
    """One hand-off between agencies (một cửa liên thông): the transfer to the
    next agency of the route, or its return to the agency that sent it. A line of
    Form 06 with both agencies, the time, the receiving share's due date and the
    note; ``log`` is the transition it belongs to."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Inter-agency transfer")
        RETURN = "return", _("Returned to the sending agency")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="agency_transfers"
    )
    # A hand-off into a stage of parallel branches of several agencies is one
    # transition with a row per receiving agency (docs/interagency.md).
    log = models.ForeignKey(
        "TransitionLog",
        verbose_name=_("transition"),
        on_delete=models.CASCADE,
        related_name="agency_transfers",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    from_agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("from agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("to agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_position = models.PositiveSmallIntegerField(_("from step"))
    to_position = models.PositiveSmallIntegerField(_("to step"))
    sent_at = models.DateTimeField(_("sent"))
    due_at = models.DateTimeField(
        _("due"), help_text=_("When the receiving agency's share of the route is due.")
    )
    note = models.TextField(_("note"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inter-agency hand-off")
        verbose_name_plural = _("inter-agency hand-offs")
        ordering = ["dossier", "sent_at", "id"]
        indexes = [
            models.Index(fields=["to_agency", "sent_at"], name="transfer_to_agency")
        ]

    def __str__(self) -> str:
        return f"{self.from_agency_id} → {self.to_agency_id} ({self.kind})"


class AttachmentKind(models.TextChoices):
    PAPER = "paper", _("Paper of the dossier")
    RESULT = "result", _("Result")


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the original one is kept in a field, never in the path. The
    # suffix is the detected type's, so the file on disk says what it holds.
    from .uploads import extension_for

    suffix = extension_for(instance.content_type)
    return f"dossiers/{instance.dossier_id}/{secrets.token_hex(16)}{suffix}"


class Attachment(models.Model):
    """A file of a dossier: a scanned paper or a result, stored outside public URLs."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=AttachmentKind.choices,
        default=AttachmentKind.PAPER,
    )
    paper_index = models.PositiveSmallIntegerField(
        _("paper"), null=True, blank=True, help_text=_("Index in the filed papers.")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    source_dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("from the linked dossier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A result of a linked dossier of the group, passed on as a paper."),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["dossier", "kind", "paper_index", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class PaperReceipt(models.Model):
    """One paper as the desk received it, with how many of each kind (Form 01).

    At the counter the clerk ticks each paper handed over and counts its originals,
    certified copies and plain copies; an online dossier's papers are its attached
    files (electronic copies), recorded when the desk receives it. A supplement
    brought to the counter adds rows too, later than the receipt.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="paper_receipts"
    )
    paper_index = models.PositiveSmallIntegerField(_("paper"))
    name = models.CharField(_("paper"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    certified_copies = models.PositiveSmallIntegerField(
        _("certified copies"), default=0
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    electronic = models.BooleanField(
        _("electronic"),
        default=False,
        help_text=_("Filed online as files rather than handed over on paper."),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"))

    class Meta:
        verbose_name = _("paper received")
        verbose_name_plural = _("papers received")
        ordering = ["dossier", "received_at", "paper_index", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(originals__gt=0)
                | models.Q(certified_copies__gt=0)
                | models.Q(copies__gt=0),
                name="paper_receipt_counts_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.originals}/{self.certified_copies}/{self.copies}"


class Pause(models.Model):
    """Time the clock stood still while waiting for the applicant (pause ledger)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="pauses"
    )
    paused_at = models.DateTimeField(_("paused"))
    resumed_at = models.DateTimeField(_("resumed"), null=True, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["dossier", "paused_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(resumed_at__isnull=True),
                name="one_open_pause_per_dossier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.paused_at:%Y-%m-%d %H:%M} – {self.resumed_at or '…'}"


class TransitionLog(models.Model):
    """Append-only record of every state change: who, when, from, to, and why."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="transitions"
    )
    transition = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    step_name = models.CharField(_("step"), max_length=255, blank=True)
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        ordering = ["dossier", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_state} → {self.to_state}"

    @property
    def step_timeliness(self) -> str:
        """The finished step against its due date: ``Timeliness`` value (early,
        on time, late), or "" when the entry finished no step."""
        if self.step_due_at is None:
            return ""
        return deadlines.classify(self.created_at, self.step_due_at)

    def get_step_timeliness_display(self) -> str:
        return str(Timeliness(self.step_timeliness).label) if self.step_due_at else ""


class TransitionNotice(Delivery):
    """The applicant's notice of one transition, recorded with it (see notices.py)."""

    log = models.OneToOneField(
        TransitionLog,
        verbose_name=_("transition"),
        on_delete=models.CASCADE,
        related_name="notice",
    )

    class Meta:
        verbose_name = _("transition notice")
        verbose_name_plural = _("transition notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "id"], name="notice_status")]


class ExtensionDraft(models.Model):
    """Form 04 as an officer drafted it, waiting for the leader's signature."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="extension_drafts"
    )
    new_due = models.DateTimeField(_("new appointment date"))
    reason = models.TextField(_("reason and apology"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted"))

    # Bulk writes move the staff counts' generation on (dossiers/freshness.py).
    objects = ChangeCountingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Form 04 draft")
        verbose_name_plural = _("Form 04 drafts")
        ordering = ["dossier", "drafted_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.new_due:%Y-%m-%d %H:%M}"


class SupplementRequest(models.Model):
    """Form 02: every missing or wrong paper, listed at once ("guide once")."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("At intake")
        PROCESSING = "processing", _("During processing")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_requests"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    items = models.JSONField(
        _("papers to supplement"),
        help_text=_("A list of {paper_index, name, guidance}."),
    )
    message = models.TextField(_("message to the applicant"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.requested_at:%Y-%m-%d}"


class PaperCheck(models.Model):
    """The desk's verdict on one paper of an online dossier."""

    class Verdict(models.TextChoices):
        VALID = "valid", _("Valid")
        MISSING = "missing", _("Missing")
        INVALID = "invalid", _("Needs correction")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="paper_checks"
    )
    paper_index = models.PositiveSmallIntegerField(_("paper"))
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"), auto_now=True)

    class Meta:
        # Kept from when the workspace app held these records.
        db_table = "workspace_papercheck"
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
        Dossier, on_delete=models.CASCADE, related_name="internal_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("note"))
    # The author's agency when written: on an inter-agency dossier a note stays
    # with its agency (and the desk's with everyone), docs/interagency.md.
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        db_table = "workspace_internalnote"
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["dossier", "created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class DossierCodeCounter(models.Model):
    """The running number of dossier codes per receiving agency and day."""

    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="one_counter_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_number}"
