"""Demo calendar exceptions: one fictional day swap around Tết 2027, for seed_demo.

Only ``seed_demo`` loads them, and every row it makes is flagged ``is_demo``; the
real swaps live in ``workcalendar/official.py``.
"""

from datetime import date

from .models import CalendarException, ExceptionKind

DEMO_SOURCE = "None: fictional demo data (seed_demo)."

DEMO_EXCEPTIONS = (
    (
        date(2027, 2, 11),
        ExceptionKind.DAY_OFF,
        "Demo example: extra day off after Tết 2027 (mùng 6), made up on "
        "Saturday 20/02/2027.",
    ),
    (
        date(2027, 2, 20),
        ExceptionKind.WORKING_DAY,
        "Demo example: make-up working Saturday for the day off on 11/02/2027.",
    ),
)


def seed_calendar() -> list[CalendarException]:
    """Add the demo exceptions that are missing, flagged as demo; a row already on
    one of their dates is kept, as an administrator may have edited it or it may
    be a real swap."""
    exceptions = []
    for day, kind, reason in DEMO_EXCEPTIONS:
        exception = CalendarException.objects.filter(date=day).first()
        if exception is None:
            exception = CalendarException(
                date=day, kind=kind, reason=reason, source=DEMO_SOURCE, is_demo=True
            )
            exception.full_clean()
            exception.save()
        exceptions.append(exception)
    return exceptions
