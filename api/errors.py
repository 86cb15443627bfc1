"""One JSON shape for every error the API answers, and the mapping from the
services' exceptions to HTTP statuses.

    {"status": 409, "code": "stale_version", "detail": "…", "fields": {}}

``detail`` is a sentence for a person (in the request's language), ``code`` a
stable word for a program, ``fields`` the messages by input field (``""``
collects those that belong to no single field).
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dossiers.services import DossierChanged, TransitionRefused

NON_FIELD = ""


def error_body(
    code_status: int, code: str, detail: str, fields: dict | None = None
) -> dict[str, Any]:
    return {
        "status": code_status,
        "code": code,
        "detail": detail,
        "fields": fields or {},
    }


def _messages(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [m for item in value for m in _messages(item)]
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    return [str(value)]


def _flatten(detail: Any, path: str, into: dict[str, list[str]]) -> None:
    """A nested input's messages under dotted paths: ``organisation.name``,
    ``items.1.guidance``."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                _flatten(value, path, into)
            else:
                _flatten(value, f"{path}.{key}" if path else str(key), into)
    elif isinstance(detail, list | tuple) and any(
        isinstance(item, dict | list | tuple) for item in detail
    ):
        for index, item in enumerate(detail):
            if item:
                _flatten(item, f"{path}.{index}" if path else str(index), into)
    else:
        into.setdefault(path, []).extend(_messages(detail))


def _fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        _flatten(detail, NON_FIELD, fields)
        return fields
    return {NON_FIELD: _messages(detail)}


def validation_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD if key == "__all__" else key): [str(m) for m in messages]
            for key, messages in error.message_dict.items()
        }
    return {NON_FIELD: [str(m) for m in error.messages]}


class Unprocessable(exceptions.APIException):
    """The request was understood, and refused by a rule (a service's or a
    form's ValidationError)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "invalid"

    def __init__(self, fields: dict[str, list[str]], code: str = "invalid"):
        first = next((m for messages in fields.values() for m in messages), "")
        super().__init__(first or _("The request is not valid."), code)
        self.fields = fields


class StaleVersion(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_version"


class Refused(exceptions.PermissionDenied):
    default_code = "refused"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, after turning the services' exceptions into API errors, with
    every answer in the one shape."""
    if isinstance(exc, DossierChanged):
        exc = StaleVersion(str(exc))
    elif isinstance(exc, TransitionRefused):
        exc = Refused(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = Unprocessable(validation_fields(exc))
    elif isinstance(exc, exceptions.ValidationError):
        exc = Unprocessable(_fields(exc.detail))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "invalid"
    fields = getattr(exc, "fields", None) or {}
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if not isinstance(detail, str):
        detail = next(iter(_messages(detail)), "")
    response.data = error_body(response.status_code, code, str(detail), fields)
    return response
