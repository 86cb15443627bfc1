"""Demo calendar exceptions: one day swap around Tết 2027, for seed_demo."""

from datetime import date

from .models import CalendarException, ExceptionKind

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
    """Add the demo exceptions that are missing; rows already there are kept as an
    administrator may have edited them."""
    exceptions = []
    for day, kind, reason in DEMO_EXCEPTIONS:
        exception = CalendarException.objects.filter(date=day).first()
        if exception is None:
            exception = CalendarException(date=day, kind=kind, reason=reason)
            exception.full_clean()
            exception.save()
        exceptions.append(exception)
    return exceptions
