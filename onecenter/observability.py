"""Settings-time wiring of logs and sessions: the LOGGING dict, structlog, the
session engine. Imported by settings.py, so it imports nothing of the apps."""

import structlog


def _request_without_query(logger, method_name, event_dict):
    """Django's own lines pass the request along (``extra={"request": …}``), whose
    repr holds the query string: keep its method and path only."""
    from django.http import HttpRequest

    for key, value in event_dict.items():
        if isinstance(value, HttpRequest):
            event_dict[key] = f"{value.method} {value.path}"
    return event_dict


# Added to every line, structlog's and the standard library's alike: the request
# id and user id bound by the request middleware (or a Celery task's ids) ride in
# the context variables.
_PRE_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    _request_without_query,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_settings(*, json: bool, level: str) -> dict:
    """The LOGGING dict: one JSON object a line on stdout (``json``), else readable
    console lines; every line carries the request's context."""
    renderer = (
        [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ]
        if json
        else [structlog.dev.ConsoleRenderer(colors=False)]
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *renderer,
                ],
                "foreign_pre_chain": _PRE_CHAIN,
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "structured",
            },
            "null": {"class": "logging.NullHandler"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console handler (DEBUG only) would print its lines a
            # second time, unformatted; they reach the root handler anyway.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "INFO"},
            # runserver's access lines carry query strings; the request middleware
            # logs each request instead, with its method and path only.
            "django.server": {"handlers": ["null"], "propagate": False},
        },
    }


def configure_structlog() -> None:
    """structlog loggers hand their events to the standard library's handlers, so
    both kinds of line come out of the one formatter above."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_PRE_CHAIN,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def session_engine(redis_url: str) -> str:
    """Sessions read from the shared Redis cache and kept in the database when Redis
    is there (a Redis restart logs nobody out); in the database alone otherwise."""
    if redis_url:
        # Django's cached_db, reading the user and device with the session.
        return "accounts.session_hint"
    return "django.contrib.sessions.backends.db"
