"""Public endpoints: the procedure catalogue, its fields and agencies, the
criteria a rating scores, and tracking a dossier by code and PIN. No login;
throttled per client address."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.deadlines import due_at
from dossiers.timeline import stages
from dossiers.tracking import find_by_code, public_status
from feedback.models import active_criteria
from procedures.forms import ProcedureFilterForm
from procedures.models import AdministrativeLevel, Procedure
from procedures.selectors import public_procedure, public_procedures
from workcalendar.calendar import load_calendar

from .. import selectors
from ..errors import Unprocessable, validation_fields
from ..schema_parts import errors
from ..serializers import (
    AgencySerializer,
    ErrorSerializer,
    ProcedureDetailSerializer,
    ProcedureSerializer,
    RatingCriterionSerializer,
    SectorSerializer,
    TrackingRequestSerializer,
    TrackingSerializer,
)

# As many as a page of the public catalogue.
CATALOGUE_PAGE_SIZE = 20


class CataloguePagination(PageNumberPagination):
    page_size = CATALOGUE_PAGE_SIZE


@extend_schema(
    tags=["catalogue"],
    parameters=[
        OpenApiParameter(
            "q",
            str,
            description="Words to find, accents and case optional (as on the page).",
        ),
        OpenApiParameter("sector", str, description="A field's code."),
        OpenApiParameter("agency", str, description="A deciding agency's code."),
        OpenApiParameter("level", str, enum=AdministrativeLevel.values),
        OpenApiParameter("online", bool, description="Only those filed online."),
    ],
    responses={200: ProcedureSerializer(many=True), **errors(401, 404, 422, 429)},
)
class ProcedureList(generics.ListAPIView):
    """Published procedures, best matches first, 20 a page."""

    permission_classes = [AllowAny]
    serializer_class = ProcedureSerializer
    pagination_class = CataloguePagination

    def get_queryset(self):
        form = ProcedureFilterForm(self.request.query_params)
        if not form.is_valid():
            raise Unprocessable(
                validation_fields(ValidationError(form.errors.as_data()))
            )
        filters = form.cleaned_data
        return public_procedures(
            query=filters.get("q", ""),
            sector_code=filters["sector"].code if filters.get("sector") else None,
            agency_code=filters["agency"].code if filters.get("agency") else None,
            level=filters.get("level") or None,
            online_only=filters.get("online", False),
        )


@extend_schema(
    tags=["catalogue"],
    responses={200: ProcedureDetailSerializer, **errors(401, 404, 429)},
)
class ProcedureDetail(APIView):
    """One published procedure: papers, fees, route, processing time, and when a
    dossier received now would be due."""

    permission_classes = [AllowAny]

    def get(self, request: Request, code: str) -> Response:
        try:
            procedure = public_procedure(code)
        except Procedure.DoesNotExist:
            raise NotFound from None
        expected = None
        if procedure.processing_time_value is not None:
            expected = due_at(
                timezone.localtime(),
                procedure.processing_time_value,
                procedure.processing_time_unit,
                load_calendar(),
                procedure.cutoff_time,
            )
        return Response(
            ProcedureDetailSerializer(
                procedure, context={"expected_result_at": expected}
            ).data
        )


@extend_schema(
    tags=["catalogue"],
    responses={200: SectorSerializer(many=True), **errors(401, 429)},
)
class SectorList(generics.ListAPIView):
    """The fields of administration (lĩnh vực)."""

    permission_classes = [AllowAny]
    serializer_class = SectorSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.sectors()


@extend_schema(
    tags=["catalogue"],
    responses={200: AgencySerializer(many=True), **errors(401, 429)},
)
class AgencyList(generics.ListAPIView):
    """The receiving desks and deciding agencies, as a tree (``parent``)."""

    permission_classes = [AllowAny]
    serializer_class = AgencySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.agencies()


@extend_schema(
    tags=["rating"],
    responses={200: RatingCriterionSerializer(many=True), **errors(401, 429)},
)
class RatingCriterionList(generics.ListAPIView):
    """The criteria a rating scores now, in the centre's order: a rating's
    ``scores`` holds one score per ``code``, from ``lowest_score`` to
    ``highest_score`` (``POST /api/v1/me/dossiers/{id}/rating/``)."""

    permission_classes = [AllowAny]
    serializer_class = RatingCriterionSerializer
    pagination_class = None

    def get_queryset(self):
        return active_criteria()


@extend_schema(
    tags=["tracking"],
    request=TrackingRequestSerializer,
    responses={
        200: TrackingSerializer,
        404: OpenApiResponse(
            ErrorSerializer, description="No dossier has this code and PIN"
        ),
        **errors(400, 401, 403, 415, 422, 429),
    },
)
class Tracking(APIView):
    """A dossier's status for whoever holds its code and lookup PIN (Form 01).

    The same limits as the tracking page: wrong guesses are counted per client
    address and per code, and too many answer 429 with Retry-After.
    """

    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        data = TrackingRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = find_by_code(
            request._request,
            data.validated_data["code"].strip(),
            data.validated_data["pin"].strip(),
        )
        if found.retry_after:
            raise Throttled(wait=found.retry_after)
        if found.dossier is None:
            raise NotFound(
                _(
                    "No dossier matches this code and PIN. Check both against "
                    "your receipt."
                )
            )
        status = public_status(found.dossier)
        body = {
            **status.__dict__,
            "stages": [s.__dict__ for s in stages(status.state, from_receipt=True)],
        }
        return Response(TrackingSerializer(body).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@throttle_classes([])
def not_found(request: Request) -> Response:
    raise NotFound
