"""Staff and machine clients' endpoints: the dossiers in the caller's scope (the
staff worklist's selector, keyset pages) and the workflow's actions, each through
the service the registry names and the browser's own form for its input."""

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import services as audit
from dossiers import workflow
from dossiers.action_forms import SupplementForms
from dossiers.models import AgencyTransfer, Dossier, State
from dossiers.selectors import (
    WORKLIST_PAGE_SIZE,
    InvalidCursor,
    dossiers_visible_to,
    due_windows,
    keyset_page,
    staff_dossier,
    staff_papers,
    worklist,
)

from .. import selectors
from ..errors import Unprocessable
from ..permissions import IsStaff, key_of
from ..schema_parts import errors
from ..serializers import (
    ActionInput,
    ActionResultSerializer,
    StaffDossierDetailSerializer,
    StaffDossierSerializer,
)

MAX_PAGE_SIZE = 100
DUE_WINDOWS = ["overdue", "today", "soon", "later"]


class DossierFilter(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False)
    procedure = serializers.CharField(required=False, max_length=20)
    agency = serializers.CharField(required=False, max_length=32)
    due = serializers.ChoiceField(choices=DUE_WINDOWS, required=False)
    updated_since = serializers.DateTimeField(required=False)
    cursor = serializers.CharField(required=False, max_length=64)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE
    )


class DossierPage(serializers.Serializer):
    results = StaffDossierSerializer(many=True)
    next = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("The next page's cursor; null on the last page."),
    )


def scoped(request: Request):
    """The dossiers the caller may see, narrowed by a key's agency scope."""
    return selectors.within_key_scope(
        dossiers_visible_to(request.user), key_of(request)
    )


def staff_dossier_in_scope(request: Request, pk: int) -> Dossier:
    if not scoped(request).filter(pk=pk).exists():
        raise NotFound
    return staff_dossier(request.user, pk)


class StaffDossiers(APIView):
    """The dossiers in the caller's scope, by due date then id, a keyset page at a
    time: no COUNT, no OFFSET, page 1000 costs what page 1 costs."""

    permission_classes = [IsStaff]

    @extend_schema(
        tags=["staff"],
        operation_id="staff_dossiers_list",
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=State.values,
                description="One state; left out: the open dossiers (the worklist).",
            ),
            OpenApiParameter("procedure", str, description="A procedure's code."),
            OpenApiParameter(
                "agency", str, description="Received or decided by this agency (code)."
            ),
            OpenApiParameter("due", str, enum=DUE_WINDOWS, description="Due window."),
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description="ISO 8601 date-time: a transition logged since then.",
            ),
            OpenApiParameter("cursor", str, description="The `next` of the last page."),
            OpenApiParameter("page_size", int, description=f"1–{MAX_PAGE_SIZE}."),
        ],
        responses={200: DossierPage, **errors(401, 403, 422, 429)},
    )
    def get(self, request: Request) -> Response:
        params = DossierFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        dossiers = worklist(
            request.user,
            windows=due_windows(timezone.now()),
            state=data.get("state", ""),
            procedure_code=data.get("procedure", ""),
            due=data.get("due", ""),
        )
        # The rows show the two agencies' codes.
        dossiers = selectors.within_key_scope(
            dossiers.select_related("receiving_desk", "deciding_agency"),
            key_of(request),
        )
        if data.get("agency"):
            dossiers = selectors.at_agency(dossiers, data["agency"])
        if data.get("updated_since"):
            dossiers = selectors.changed_since(dossiers, data["updated_since"])
        try:
            rows, next_cursor = keyset_page(
                dossiers,
                data.get("cursor"),
                data.get("page_size", WORKLIST_PAGE_SIZE),
            )
        except InvalidCursor:
            raise Unprocessable(
                {"cursor": [_("This cursor is not one the API gave.")]}
            ) from None
        return Response(DossierPage({"results": rows, "next": next_cursor}).data)


@extend_schema(
    tags=["staff"],
    responses={200: StaffDossierDetailSerializer, **errors(401, 403, 404, 429)},
)
class StaffDossier(APIView):
    """One dossier in the caller's scope, with its steps, log and the actions the
    caller may perform now. Each read is written to the audit trail."""

    permission_classes = [IsStaff]

    def get(self, request: Request, pk: int) -> Response:
        dossier = staff_dossier_in_scope(request, pk)
        audit.record(
            request._request,
            audit.Action.DOSSIER_VIEWED,
            actor=request.user,
            dossier=dossier,
        )
        return Response(staff_detail(request, dossier))


def staff_detail(request: Request, dossier: Dossier) -> dict[str, Any]:
    # The inter-agency hand-offs, read only, in one query (docs/interagency.md).
    prefetch_related_objects(
        [dossier],
        Prefetch(
            "agency_transfers",
            queryset=AgencyTransfer.objects.select_related(
                "from_agency", "to_agency", "sent_by"
            ),
        ),
    )
    papers, _results = staff_papers(dossier)
    dossier.paper_files = papers
    dossier.allowed_actions = [
        a.name for a in workflow.staff_actions(dossier, request.user)
    ]
    return StaffDossierDetailSerializer(dossier).data


def action_form_data(data: dict[str, Any]) -> QueryDict:
    """The API's input as the browser's action form posts it: Form 02's items
    become its per-paper lines, a date its ``datetime-local`` value."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if key in ("version", "result_files") or value is None:
            continue
        if key == "items":
            for item in value:
                prefix = f"paper-{item['paper_index']}"
                query[f"{prefix}-selected"] = "on"
                query[f"{prefix}-guidance"] = item["guidance"]
        elif key == "new_due":
            query[key] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, bool):
            if value:
                query[key] = "on"
        else:
            query[key] = str(value)
    return query


def form_errors(form: Any) -> dict[str, list[str]]:
    if isinstance(form, SupplementForms):
        fields: dict[str, list[str]] = {}
        if form.message.errors:
            fields["message"] = [str(e) for e in form.message.errors.get("message", [])]
        items = [
            f"{item.paper['name']}: {error}"
            for item in form.items
            for errors_ in item.errors.values()
            for error in errors_
        ]
        if items:
            fields["items"] = items
        if form.errors:
            fields[""] = [str(e) for e in form.errors]
        return fields or {"": [_("The form has errors; nothing was changed.")]}
    return {
        ("" if name == "__all__" else name): [str(e) for e in errs]
        for name, errs in form.errors.items()
    }


@extend_schema(
    tags=["staff"],
    parameters=[
        OpenApiParameter(
            "action",
            str,
            OpenApiParameter.PATH,
            enum=[a.name for a in workflow.ACTIONS.values() if a.form is not None],
            description="A workflow action (dossiers/workflow.py).",
        )
    ],
    request={
        "application/json": ActionInput,
        "multipart/form-data": ActionInput,
    },
    responses={
        200: ActionResultSerializer,
        **errors(400, 401, 403, 404, 409, 415, 422, 429),
    },
)
class StaffAction(APIView):
    """Perform one workflow action (``dossiers/workflow.py``) with the version the
    caller last read: 409 when the dossier changed since, 403 with the reason when
    the action is not allowed now, 422 with the form's or the service's messages."""

    permission_classes = [IsStaff]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request: Request, pk: int, action: str) -> Response:
        entry = workflow.ACTIONS.get(action)
        if entry is None or entry.form is None:
            raise NotFound
        dossier = staff_dossier_in_scope(request, pk)
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        form = entry.form(
            action_form_data(data.validated_data), request.FILES, dossier=dossier
        )
        if not form.is_valid():
            raise Unprocessable(form_errors(form))
        entry.service(
            dossier=dossier,
            actor=request.user,
            expected_version=data.validated_data["version"],
            **form.service_kwargs(),
        )
        after = scoped(request).filter(pk=pk)
        row = None
        if after.exists():
            row = staff_dossier(request.user, pk)
        return Response(
            ActionResultSerializer(
                {"action": action, "done": str(entry.done), "dossier": row}
            ).data
        )
