"""Citizens' endpoints: their own dossiers, timelines and notifications, and the
writes the portal offers them, each through the portal's own service.

Every dossier is loaded from the caller's own scope first
(``dossiers.selectors``), so anyone else's answers 404 whatever the method.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers import selectors, services
from dossiers.forms import ApplicantDetailsForm, PaperUploadsForm
from dossiers.models import (
    Attachment,
    AttachmentKind,
    Dossier,
    OrganisationDetails,
    State,
)
from dossiers.timeline import applicant_timeline, route_shape
from feedback.services import rating_submit
from notifications.selectors import inbox
from procedures.models import Procedure
from procedures.selectors import public_procedure

from ..errors import NON_FIELD, Refused, Unprocessable, validation_fields
from ..permissions import IsApplicant, IsSignedIn
from ..schema_parts import errors
from ..serializers import (
    FIRST_CRITERIA,
    ApplicantDossierDetailSerializer,
    DossierSerializer,
    DraftInput,
    DraftUpdateInput,
    EventSerializer,
    FileSerializer,
    NoteInput,
    NotificationSerializer,
    PaperUploadInput,
    RatingInput,
    RatingSerializer,
    SupplementAnswerInput,
    VersionInput,
)

READ = errors(401, 403, 404, 429)
WRITE = errors(400, 401, 403, 404, 409, 415, 422, 429)


class CitizenPagination(PageNumberPagination):
    page_size = settings.CITIZEN_PAGE_SIZE


def own_dossier(request: Request, pk: int) -> Dossier:
    return get_object_or_404(selectors.applicant_dossier_pages(request.user), pk=pk)


def form_data(data: dict[str, Any]) -> QueryDict:
    """A JSON body as the browser's form would have posted it."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                query[key] = "on"
        else:
            query[key] = str(value)
    return query


def _under(prefix: str, fields: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        (f"{prefix}.{key}" if key else prefix): value for key, value in fields.items()
    }


def save_form(
    dossier: Dossier, actor: Any, data: dict[str, Any]
) -> dict[str, list[str]]:
    """Save the answers and the organisation sent, through the portal's own
    service and rules (``services.dossier_save_answers``); the messages of
    what was refused, by path (``answers.parents.0.full_name``,
    ``organisation.tax_code``). Call inside a transaction, rolled back when
    anything was refused."""
    fields: dict[str, list[str]] = {}
    if "answers" in data:
        try:
            services.dossier_save_answers(
                dossier=dossier, actor=actor, answers=data["answers"]
            )
        except ValidationError as error:
            fields |= _under("answers", validation_fields(error))
    if "organisation" in data:
        given = data["organisation"] or {}
        organisation = OrganisationDetails(**given)
        try:
            services.dossier_save_answers(
                dossier=dossier, actor=actor, organisation=organisation
            )
        except ValidationError as error:
            refused = validation_fields(error)
            # "This procedure is filed by individuals only" concerns the whole.
            whole = refused.pop("organisation", [])
            fields |= _under("organisation", refused)
            if whole:
                fields["organisation"] = whole
    return fields


def detail(request: Request, dossier: Dossier) -> dict[str, Any]:
    """The dossier as its applicant reads it, reloaded with what its page shows."""
    dossier = selectors.applicant_dossier_pages(request.user).get(pk=dossier.pk)
    files: dict[int, list[Attachment]] = {}
    for item in dossier.attachments.all():
        if item.kind == AttachmentKind.PAPER:
            files.setdefault(item.paper_index, []).append(item)
    dossier.paper_files = [
        {**paper, "files": files.get(paper["index"], [])} for paper in dossier.papers
    ]
    dossier.open_request = selectors.open_supplement_request(dossier)
    dossier.allowed_actions = services.available_actions(dossier, request.user)
    return ApplicantDossierDetailSerializer(dossier).data


@extend_schema(tags=["citizen"])
class MyDossiers(generics.ListAPIView):
    """The caller's own dossiers, newest first (GET); start a draft (POST)."""

    permission_classes = [IsApplicant]
    serializer_class = DossierSerializer
    pagination_class = CitizenPagination

    def get_queryset(self):
        return selectors.applicant_dossiers(self.request.user)

    @extend_schema(responses={200: DossierSerializer(many=True), **READ})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=DraftInput,
        responses={201: ApplicantDossierDetailSerializer, **WRITE},
    )
    def post(self, request: Request) -> Response:
        data = DraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            procedure = public_procedure(data.validated_data["procedure"])
        except Procedure.DoesNotExist:
            raise Unprocessable(
                {"procedure": [_("No published procedure has this code.")]}
            ) from None
        details = None
        if "applicant" in data.validated_data:
            form = ApplicantDetailsForm(form_data(data.validated_data["applicant"]))
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            details = form.details(request.LANGUAGE_CODE)
        # One transaction: a draft whose answers are refused is not kept.
        with transaction.atomic():
            dossier = services.dossier_create_draft(
                applicant=request.user, procedure=procedure, details=details
            )
            refused = save_form(dossier, request.user, data.validated_data)
            if refused:
                raise Unprocessable(refused)
        return Response(detail(request, dossier), status=status.HTTP_201_CREATED)


@extend_schema(tags=["citizen"])
class MyDossier(APIView):
    """One of the caller's dossiers: details, papers and their files, the open
    supplement request, and what the caller may do now (GET); change the online
    form's answers or the organisation filed for while the papers may change
    (PATCH)."""

    permission_classes = [IsApplicant]

    @extend_schema(responses={200: ApplicantDossierDetailSerializer, **READ})
    def get(self, request: Request, pk: int) -> Response:
        return Response(detail(request, own_dossier(request, pk)))

    @extend_schema(
        request=DraftUpdateInput,
        responses={200: ApplicantDossierDetailSerializer, **WRITE},
    )
    def patch(self, request: Request, pk: int) -> Response:
        dossier = own_dossier(request, pk)
        data = DraftUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            version = data.validated_data.get("version")
            if version is not None and locked.version != version:
                raise services.DossierChanged
            refused = save_form(locked, request.user, data.validated_data)
            if refused:
                raise Unprocessable(refused)
        return Response(detail(request, dossier))


@extend_schema(tags=["citizen"], responses={200: EventSerializer(many=True), **READ})
class MyTimeline(APIView):
    """The dossier's history as its applicant may read it, oldest first."""

    permission_classes = [IsApplicant]

    def get(self, request: Request, pk: int) -> Response:
        dossier = own_dossier(request, pk)
        events = applicant_timeline(dossier.transitions.all(), route_shape(dossier))
        return Response(EventSerializer([e.__dict__ for e in events], many=True).data)


@extend_schema(
    tags=["citizen"],
    request={"multipart/form-data": PaperUploadInput},
    responses={201: FileSerializer, **WRITE, **errors(413)},
)
class MyPapers(APIView):
    """Attach a scan of one paper (multipart), checked as in the browser: size,
    type from the content, the paper's accepted types, the antivirus."""

    permission_classes = [IsApplicant]
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request: Request, pk: int) -> Response:
        dossier = own_dossier(request, pk)
        data = PaperUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        index = data.validated_data["paper_index"]
        paper = next((p for p in dossier.papers if p["index"] == index), None)
        if paper is None:
            raise Unprocessable(
                {"paper_index": [_("This paper is not part of the procedure.")]}
            )
        form = PaperUploadsForm(
            {},
            {PaperUploadsForm.field_name(index): request.FILES["file"]},
            papers=[paper],
        )
        if not form.is_valid() or not form.valid_uploads():
            raise ValidationError(
                {"file": [e for errs in form.errors.as_data().values() for e in errs]}
            )
        stored = services.dossier_attach_papers(
            dossier=dossier, actor=request.user, uploads=form.valid_uploads()
        )
        return Response(FileSerializer(stored[-1]).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["citizen"],
    request=VersionInput,
    responses={200: ApplicantDossierDetailSerializer, **WRITE},
)
class MySubmit(APIView):
    """Submit the draft, or send the supplemented dossier back to the desk."""

    permission_classes = [IsApplicant]

    def post(self, request: Request, pk: int) -> Response:
        dossier = own_dossier(request, pk)
        data = VersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.dossier_submit(
                dossier=dossier,
                actor=request.user,
                expected_version=data.validated_data["version"],
            )
        except services.TransitionRefused as refusal:
            # The workflow's reason, and which answers stop it (by path), so an
            # app can point at them as the portal's page does.
            dossier.refresh_from_db()
            error = Refused(str(refusal) or None)
            if dossier.state == State.DRAFT:
                error.fields = {
                    f"answers.{path}": [message]
                    for path, message in dossier.missing_answers().items()
                }
            raise error from None
        return Response(detail(request, dossier))


@extend_schema(
    tags=["citizen"],
    request=SupplementAnswerInput,
    responses={200: ApplicantDossierDetailSerializer, **WRITE},
)
class MySupplement(APIView):
    """Answer the centre's supplement request (Form 02) once every paper it names
    has a new file."""

    permission_classes = [IsApplicant]

    def post(self, request: Request, pk: int) -> Response:
        dossier = own_dossier(request, pk)
        data = SupplementAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.dossier_answer_supplement(
            dossier=dossier,
            actor=request.user,
            note=data.validated_data.get("note", ""),
        )
        return Response(detail(request, dossier))


@extend_schema(
    tags=["citizen"],
    request=NoteInput,
    responses={200: ApplicantDossierDetailSerializer, **WRITE},
)
class MyWithdraw(APIView):
    """Withdraw a dossier the desk has not received yet."""

    permission_classes = [IsApplicant]

    def post(self, request: Request, pk: int) -> Response:
        dossier = own_dossier(request, pk)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.dossier_withdraw(
            dossier=dossier,
            actor=request.user,
            note=data.validated_data.get("note", ""),
            expected_version=data.validated_data["version"],
        )
        return Response(detail(request, dossier))


@extend_schema(
    tags=["citizen"],
    request=RatingInput,
    responses={201: RatingSerializer, **WRITE},
)
class MyRating(APIView):
    """Rate the service once the result has been handed over (once per dossier)."""

    permission_classes = [IsApplicant]

    def post(self, request: Request, pk: int) -> Response:
        dossier = own_dossier(request, pk)
        data = RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rating = rating_submit(
                dossier=dossier,
                actor=request.user,
                scores=data.validated_data["scores"],
                comment=data.validated_data.get("comment", ""),
            )
        except ValidationError as error:
            # A criterion's message under its score: scores.waiting, or the old
            # field's own name when the scores came as the first four fields.
            as_fields = any(code in request.data for code in FIRST_CRITERIA)
            under = "" if as_fields else "scores."
            raise Unprocessable(_score_fields(error, under)) from error
        first = {c: s for c, s in rating.scores.items() if c in FIRST_CRITERIA}
        body = {**first, "scores": rating.scores, "comment": rating.comment}
        return Response(RatingSerializer(body).data, status=status.HTTP_201_CREATED)


def _score_fields(error: ValidationError, under: str) -> dict[str, list[str]]:
    """The rating service's messages by input field (``score_errors`` names the
    criterion of each); the others belong to no field."""
    fields: dict[str, list[str]] = {}
    for item in error.error_list:
        criterion = (item.params or {}).get("criterion")
        key = NON_FIELD if criterion is None else f"{under}{criterion}"
        fields.setdefault(key, []).extend(item.messages)
    return fields


@extend_schema(
    tags=["citizen"], responses={200: NotificationSerializer(many=True), **READ}
)
class MyNotifications(generics.ListAPIView):
    """The caller's notifications, newest first."""

    permission_classes = [IsSignedIn]
    serializer_class = NotificationSerializer
    pagination_class = CitizenPagination

    def get_queryset(self):
        return inbox(self.request.user)
