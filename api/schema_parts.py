"""Reusable pieces of the schema: the error responses each endpoint may give."""

from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Malformed request (a body that does not parse)",
        401: "Not authenticated, or an invalid, expired or revoked key",
        403: "Not allowed (role, scope, second factor) or refused, with the reason",
        404: "Not found, or not yours to see",
        409: "The dossier changed since its version was read",
        413: "The request is larger than the upload limit",
        415: "Unsupported media type",
        422: "Refused by a rule; the messages are in fields",
        429: "Too many requests; see Retry-After",
    }
    return {
        code: OpenApiResponse(ErrorSerializer, description=descriptions[code])
        for code in statuses
    }
