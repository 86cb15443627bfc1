"""Optional error reporting to Sentry (or a Sentry-compatible service such as
GlitchTip), turned on by SENTRY_DSN.

What leaves the server is limited to what an operator needs to fix a crash: the
exception, its stack without local variables, the method and path of the request
and the request id. No cookies, headers, query strings, bodies, user names, e-mail
addresses or client addresses: a dossier carries citizens' ID numbers and addresses,
and the error service is another processor of personal data only if we send it any.
"""

from typing import Any

# Request headers kept on an event; everything else (Cookie, Authorization,
# X-Forwarded-For, Referer with its query string ...) is dropped.
_KEPT_HEADERS = {"content-type", "content-length", "x-request-id", "user-agent"}


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict:
    """Remove personal data from an event before it is sent (before_send)."""
    request = event.get("request")
    if isinstance(request, dict):
        url = str(request.get("url", ""))
        event["request"] = {
            "method": request.get("method"),
            "url": url.split("?", 1)[0],
            "headers": {
                name: value
                for name, value in (request.get("headers") or {}).items()
                if name.lower() in _KEPT_HEADERS
            },
        }
    user = event.get("user")
    if isinstance(user, dict):
        # The numeric id is enough to find the account in the audit trail.
        event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("breadcrumbs", None)
    # A command line may name a user or carry a value typed by an operator.
    if isinstance(event.get("extra"), dict):
        event["extra"].pop("sys.argv", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    return event


def init_error_reporting(
    dsn: str, *, environment: str, release: str | None, traces_sample_rate: float
) -> bool:
    """Start the Sentry SDK when a DSN is given; returns whether it was started."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        # Log lines are not sent: their messages may carry names or ID numbers,
        # and the JSON logs already hold them; exceptions are what is reported.
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=None, event_level=None),
        ],
        send_default_pii=False,
        include_local_variables=False,
        max_breadcrumbs=0,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,
    )
    return True
