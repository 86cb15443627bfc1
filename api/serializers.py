"""The shapes of the API's answers and inputs. They shape data only: every rule
is the services' (``dossiers/services``, ``feedback/services.py``) or the forms'
the browser uses."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from dossiers.models import Channel, State
from feedback.models import HIGHEST_SCORE, LOWEST_SCORE
from procedures.models import Agency, Procedure, Sector

# --- errors ----------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text=_("The HTTP status, repeated."))
    code = serializers.CharField(
        help_text=_(
            "A stable word for programs: not_authenticated, authentication_failed, "
            "permission_denied, second_factor_required, refused, not_found, "
            "stale_version, invalid, parse_error, throttled, method_not_allowed, "
            "not_acceptable, unsupported_media_type, too_large."
        )
    )
    detail = serializers.CharField(help_text=_("A sentence for a person."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_('Messages by input field; "" holds those of no single field.'),
    )


# --- the catalogue ----------------------------------------------------------------


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name", "name_en"]


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.code", allow_null=True, read_only=True
    )

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "level",
            "parent",
            "is_receiving_desk",
            "address",
            "phone",
        ]


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class ProcessingTimeSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    note = serializers.CharField()
    display = serializers.CharField()


class ProcedureSerializer(serializers.ModelSerializer):
    sector = SectorSerializer()
    deciding_agency = AgencyRefSerializer()
    online = serializers.BooleanField(source="accepts_online_filing")
    processing_time = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "name_en",
            "sector",
            "level",
            "deciding_agency",
            "online",
            "online_level",
            "processing_time",
        ]

    def get_processing_time(self, procedure: Procedure) -> ProcessingTimeSerializer:
        return ProcessingTimeSerializer(
            {
                "value": procedure.processing_time_value,
                "unit": procedure.processing_time_unit,
                "note": procedure.processing_time_note,
                "display": procedure.processing_time_display,
            }
        ).data


class PaperSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    originals = serializers.IntegerField()
    certified_copies = serializers.IntegerField()
    copies = serializers.IntegerField()
    mandatory = serializers.BooleanField()
    multiple_files = serializers.BooleanField()
    accepted_types = serializers.ListField(
        child=serializers.CharField(), source="accepted_type_list"
    )
    has_blank_form = serializers.SerializerMethodField()

    def get_has_blank_form(self, paper) -> bool:
        return bool(paper.blank_form)


class FeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount_vnd = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()


class RouteStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    department = serializers.SerializerMethodField()
    working_days = serializers.DecimalField(max_digits=6, decimal_places=2)
    parallel_with_previous = serializers.BooleanField(
        help_text=_(
            "Worked at the same time as the step before it (parallel branches); "
            "the next step starts once every branch is done."
        )
    )

    def get_department(self, step) -> str:
        return step.department.name if step.department else ""


class ProcedureDetailSerializer(ProcedureSerializer):
    receiving_agency = AgencyRefSerializer()
    papers = PaperSerializer(many=True)
    fees = FeeSerializer(many=True)
    route = RouteStepSerializer(many=True, source="route_steps")
    channels = serializers.SerializerMethodField()
    expected_result_at = serializers.SerializerMethodField(
        help_text=_(
            "When a dossier received now would be due, by the same working-day "
            "rule as real dossiers; null when the procedure sets no time."
        )
    )
    form = serializers.JSONField(
        source="form_definition",
        help_text=_(
            "The online form (its fields, labels and rules; docs/eforms.md) whose "
            "answers a dossier sends as answers; empty when the procedure has none."
        ),
    )
    organisation_filing = serializers.BooleanField(
        help_text=_("Whether a dossier may be filed for a business or organisation.")
    )

    class Meta(ProcedureSerializer.Meta):
        fields = [
            *ProcedureSerializer.Meta.fields,
            "receiving_agency",
            "implementing_note",
            "conditions",
            "result",
            "legal_basis",
            "papers",
            "fees",
            "route",
            "channels",
            "expected_result_at",
            "form",
            "organisation_filing",
        ]

    def get_channels(self, procedure: Procedure) -> list[str]:
        channels = {
            "counter": procedure.via_counter,
            "post": procedure.via_post,
            "online": procedure.accepts_online_filing,
        }
        return [name for name, on in channels.items() if on]

    def get_expected_result_at(self, procedure: Procedure) -> str | None:
        value = self.context.get("expected_result_at")
        return value.isoformat() if value else None


# --- tracking ---------------------------------------------------------------------


class TrackingRequestSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=64, help_text=_("On the receipt (Form 01).")
    )
    pin = serializers.CharField(max_length=8, help_text=_("The lookup PIN."))


class StageSerializer(serializers.Serializer):
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=["done", "current", "todo"])


class TrackingSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    appointment = serializers.DateTimeField(allow_null=True)
    extended_to = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    next_step = serializers.CharField()
    stages = StageSerializer(many=True)


# --- dossiers -----------------------------------------------------------------------


class DossierSerializer(serializers.Serializer):
    """A dossier in a list: what both applicants and staff may read of it."""

    id = serializers.IntegerField()
    code = serializers.CharField(
        allow_null=True, help_text=_("Issued when the dossier is submitted.")
    )
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField(source="get_state_display")
    version = serializers.IntegerField(
        help_text=_("Send it back with an action; a stale one answers 409.")
    )
    procedure_code = serializers.SerializerMethodField()
    procedure_name = serializers.SerializerMethodField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    current_due_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()

    def get_procedure_code(self, dossier) -> str:
        return getattr(dossier, "procedure_code", None) or dossier.procedure.code

    def get_procedure_name(self, dossier) -> str:
        return getattr(dossier, "procedure_name", None) or dossier.procedure.name


class StaffDossierSerializer(DossierSerializer):
    applicant_name = serializers.CharField()
    receiving_desk = serializers.CharField(source="receiving_desk.code")
    deciding_agency = serializers.CharField(source="deciding_agency.code")
    assignee = serializers.CharField(source="assignee.username", allow_null=True)
    step_name = serializers.CharField(allow_null=True, required=False)
    step_due_at = serializers.DateTimeField(allow_null=True, required=False)


class FileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    paper_index = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class DossierPaperSerializer(serializers.Serializer):
    """A paper of the dossier as filed (its snapshot) and the files attached."""

    index = serializers.IntegerField()
    name = serializers.CharField()
    mandatory = serializers.BooleanField(default=False)
    multiple_files = serializers.BooleanField(default=False)
    accepted_types = serializers.ListField(child=serializers.CharField(), default=list)
    files = FileSerializer(many=True)


class SupplementItemSerializer(serializers.Serializer):
    paper_index = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    guidance = serializers.CharField()


class SupplementRequestSerializer(serializers.Serializer):
    stage = serializers.CharField()
    message = serializers.CharField()
    items = SupplementItemSerializer(many=True)
    requested_at = serializers.DateTimeField()


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    text = serializers.CharField()
    note = serializers.CharField()


class OrganisationSerializer(serializers.Serializer):
    """The business or organisation a dossier is filed for (read only)."""

    name = serializers.CharField(read_only=True)
    tax_code = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    representative = serializers.CharField(read_only=True)
    representative_title = serializers.CharField(read_only=True)


def answers_field(**kwargs) -> serializers.DictField:
    """The online form's answers: an object keyed by the form's field names
    (``GET /api/v1/procedures/{code}/``'s ``form``; docs/eforms.md)."""
    return serializers.DictField(child=serializers.JSONField(), **kwargs)


ANSWERS_OUT = answers_field(
    read_only=True,
    help_text=_(
        "The answers to the procedure's online form, typed and trimmed as stored "
        "(empty when the procedure has no form)."
    ),
)


class ApplicantDossierDetailSerializer(DossierSerializer):
    applicant_name = serializers.CharField()
    applicant_id_number = serializers.CharField()
    applicant_phone = serializers.CharField()
    applicant_email = serializers.CharField()
    applicant_address = serializers.CharField()
    organisation = OrganisationSerializer(
        allow_null=True,
        read_only=True,
        help_text=_("The organisation filed for; null when filed for oneself."),
    )
    form = serializers.JSONField(
        source="form_definition",
        help_text=_(
            "The online form as filed (the procedure's when the draft was "
            "started): what answers are checked against; empty when none."
        ),
    )
    organisation_filing = serializers.BooleanField(
        source="procedure_snapshot.organisation_filing",
        default=False,
        help_text=_("Whether this dossier may be filed for an organisation."),
    )
    answers = ANSWERS_OUT
    lookup_pin = serializers.CharField()
    # Set on the dossier by the view (``api.views.citizen.detail``).
    papers = DossierPaperSerializer(many=True, source="paper_files")
    supplement_request = SupplementRequestSerializer(
        allow_null=True, source="open_request"
    )
    actions = serializers.ListField(
        source="allowed_actions",
        child=serializers.CharField(),
        help_text=_("What the caller may do now (workflow action names)."),
    )


class StepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    department = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    stage = serializers.IntegerField(
        source="stage_start",
        help_text=_(
            "The position of the first step of its stage: steps of one stage are "
            "parallel branches, worked at the same time."
        ),
    )

    def get_department(self, step) -> str:
        return step.department.name if step.department_id else ""


class LogSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    action = serializers.CharField(source="transition")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True)
    note = serializers.CharField()


class AgencyTransferSerializer(serializers.Serializer):
    """One hand-off between the agencies of an inter-agency route (read only)."""

    kind = serializers.ChoiceField(
        choices=["transfer", "return"],
        help_text=_("A transfer to the next agency, or a return to the sender."),
    )
    from_agency = AgencyRefSerializer()
    to_agency = AgencyRefSerializer()
    from_step = serializers.IntegerField(source="from_position")
    to_step = serializers.IntegerField(source="to_position")
    at = serializers.DateTimeField(source="sent_at")
    due_at = serializers.DateTimeField(
        help_text=_("When the receiving agency's share of the route is due.")
    )
    note = serializers.CharField()
    sent_by = serializers.CharField(source="sent_by.username", allow_null=True)


class StaffDossierDetailSerializer(StaffDossierSerializer):
    applicant_id_number = serializers.CharField()
    applicant_phone = serializers.CharField()
    applicant_email = serializers.CharField()
    applicant_address = serializers.CharField()
    organisation = OrganisationSerializer(
        allow_null=True,
        read_only=True,
        help_text=_("The organisation filed for; null when filed for oneself."),
    )
    answers = ANSWERS_OUT
    extended_due_at = serializers.DateTimeField(allow_null=True)
    timeliness = serializers.CharField()
    # Set on the dossier by the view (``api.views.staff.staff_detail``).
    papers = DossierPaperSerializer(many=True, source="paper_files")
    steps = StepSerializer(many=True, source="steps.all")
    transitions = LogSerializer(many=True, source="transitions.all")
    agency_transfers = AgencyTransferSerializer(
        many=True,
        source="agency_transfers.all",
        read_only=True,
        help_text=_("The hand-offs between agencies (empty for one agency's route)."),
    )
    actions = serializers.ListField(
        source="allowed_actions",
        child=serializers.CharField(),
        help_text=_("The workflow actions the caller may perform now."),
    )


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


# --- inputs --------------------------------------------------------------------------


class ApplicantDetailsInput(serializers.Serializer):
    """Checked by the browser's own form (``dossiers.forms.ApplicantDetailsForm``)."""

    name = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)


def _no_null_character(value, where: str = "") -> None:
    """PostgreSQL cannot store U+0000 in JSON; the browser's forms refuse it too."""
    if isinstance(value, str):
        if "\x00" in value:
            raise serializers.ValidationError(_("Null characters are not allowed."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_null_character(key)
            _no_null_character(item)
    elif isinstance(value, list):
        for item in value:
            _no_null_character(item)


ANSWERS_HELP = _(
    "The online form's answers by field name, as the procedure's form defines "
    "them (numbers, true/false, ISO dates, {province, commune, street} for an "
    "address, a list of objects for a group). Checked by the portal's own rule: "
    "a wrong answer is 422 with its path (answers.parents.0.full_name); a "
    "required one may be left out until submitting. Replaces the answers saved."
)


class OrganisationInput(serializers.Serializer):
    """Checked by the portal's own rule (``services.answers.check_organisation``):
    only where the procedure allows filing for an organisation."""

    name = serializers.CharField(max_length=255, allow_blank=True)
    tax_code = serializers.CharField(
        max_length=20,
        allow_blank=True,
        help_text=_("10 digits, or 10 digits, a hyphen and 3 for a branch."),
    )
    address = serializers.CharField(max_length=255, allow_blank=True)
    representative = serializers.CharField(max_length=150, allow_blank=True)
    representative_title = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )


ORGANISATION_HELP = _(
    "The business or organisation the application is for, where the procedure "
    "allows it; null: for oneself."
)


class DraftInput(serializers.Serializer):
    procedure = serializers.CharField(
        max_length=20, help_text=_("The procedure's national code, e.g. 1.000894.")
    )
    applicant = ApplicantDetailsInput(
        required=False,
        help_text=_("Who files; the account's profile when left out."),
    )
    answers = answers_field(
        required=False, validators=[_no_null_character], help_text=ANSWERS_HELP
    )
    organisation = OrganisationInput(
        required=False, allow_null=True, help_text=ORGANISATION_HELP
    )


class DraftUpdateInput(serializers.Serializer):
    """A change to a draft (or to a dossier sent back for supplement): what is
    sent is saved, what is left out stays as it is."""

    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        help_text=_("When sent, the dossier's version as last read: stale is 409."),
    )
    answers = answers_field(
        required=False, validators=[_no_null_character], help_text=ANSWERS_HELP
    )
    organisation = OrganisationInput(
        required=False, allow_null=True, help_text=ORGANISATION_HELP
    )


class PaperUploadInput(serializers.Serializer):
    paper_index = serializers.IntegerField(min_value=0, max_value=1000)
    file = serializers.FileField(
        help_text=_("Checked as in the browser: size, type from the content, virus.")
    )


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        help_text=_("The dossier's version as last read; a stale one answers 409."),
    )


class NoteInput(VersionInput):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SupplementAnswerInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# The four criteria of the first version, once the rating's only fields; still
# accepted (and answered) beside ``scores`` so that older clients keep working.
FIRST_CRITERIA = ("guidance", "courtesy", "timeliness", "fees")
SCORES_HELP = _(
    "One score from 1 (very dissatisfied) to 5 (very satisfied) for each rating "
    'criterion asked now, keyed by its code, e.g. {"guidance": 5, "courtesy": '
    '4, "timeliness": 5, "fees": 5}. The criteria are configured by the '
    "centre: every criterion asked must be scored, and a code that is not asked "
    "(retired, or unknown) is refused (422, with the message under "
    "scores.<code>)."
)


def _score_field(**options) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=LOWEST_SCORE, max_value=HIGHEST_SCORE, **options
    )


class RatingCriterionSerializer(serializers.Serializer):
    """A criterion a rating scores now (``feedback.models.active_criteria``),
    named in the portal's language."""

    code = serializers.CharField(help_text=_("The key of its score in “scores”."))
    label = serializers.SerializerMethodField(
        help_text=_("Its short name, in the portal's language.")
    )
    question = serializers.CharField(
        source="asked",
        help_text=_("The question the portal's form asks, in the portal's language."),
    )
    lowest_score = serializers.SerializerMethodField(
        help_text=_("The lowest score (very dissatisfied).")
    )
    highest_score = serializers.SerializerMethodField(
        help_text=_("The highest score (very satisfied).")
    )

    def get_label(self, criterion) -> str:
        return str(criterion)

    def get_lowest_score(self, criterion) -> int:
        return LOWEST_SCORE

    def get_highest_score(self, criterion) -> int:
        return HIGHEST_SCORE


@extend_schema_serializer(deprecate_fields=FIRST_CRITERIA)
class RatingInput(serializers.Serializer):
    """The scores, checked by the rating service as the browser's form is
    (``feedback.services.score_errors``)."""

    scores = serializers.DictField(
        child=_score_field(), required=False, help_text=SCORES_HELP
    )
    guidance = _score_field(required=False, help_text=_("Deprecated: use scores."))
    courtesy = _score_field(required=False, help_text=_("Deprecated: use scores."))
    timeliness = _score_field(required=False, help_text=_("Deprecated: use scores."))
    fees = _score_field(required=False, help_text=_("Deprecated: use scores."))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate(self, data: dict) -> dict:
        first = {code: data.pop(code) for code in FIRST_CRITERIA if code in data}
        if first and "scores" in data:
            raise serializers.ValidationError(
                _("Send every score in “scores”, not also as a field of its own.")
            )
        data.setdefault("scores", first)
        return data


@extend_schema_serializer(deprecate_fields=FIRST_CRITERIA)
class RatingSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("The score of each criterion asked, by its code."),
    )
    # As before ``scores``: those of the first four criteria that were asked.
    guidance = serializers.IntegerField(required=False)
    courtesy = serializers.IntegerField(required=False)
    timeliness = serializers.IntegerField(required=False)
    fees = serializers.IntegerField(required=False)
    comment = serializers.CharField()


class SupplementItemInput(serializers.Serializer):
    paper_index = serializers.IntegerField(min_value=0, max_value=1000)
    guidance = serializers.CharField(max_length=500)


class ActionInput(VersionInput):
    """Every action's input; each action reads the fields its browser form has
    (``dossiers/action_forms.py``), which checks them."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    items = SupplementItemInput(
        many=True,
        required=False,
        help_text=_("Form 02: every paper to supply or correct, with guidance."),
    )
    assignee = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("A user id; empty: the department."),
    )
    new_due = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    collected_by = serializers.CharField(
        required=False, allow_blank=True, max_length=150
    )
    id_checked = serializers.BooleanField(required=False)
    fee_collected = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_147_483_647
    )
    result_files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("Approve: PDFs.")
    )


class ActionResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    done = serializers.CharField()
    dossier = StaffDossierSerializer(allow_null=True)
