"""Showing the statistics' numbers: rates as percentages, "no data" for none."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """0.8333 → "83,3 %" (the language's decimal mark); None → "no data"."""
    if value is None:
        return _("no data")
    # Rounded here: number_format cuts a Decimal's digits (0.6667 would be 66.6).
    shown = (Decimal(value) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{number_format(shown, 1)} %"


@register.filter
def figure(value: Any) -> str:
    """A count or a number of days; None → "no data"."""
    if value is None:
        return _("no data")
    if isinstance(value, Decimal):
        return number_format(value, 2)
    return number_format(value, 0, force_grouping=True)


@register.filter
def cells(values: Any, columns: Any) -> list[str]:
    """The row's values for the columns, formatted (rates as percentages)."""
    return [
        percent(column.value(values))
        if column.is_rate
        else figure(column.value(values))
        for column in columns
    ]


@register.filter
def form_count(value: int) -> str:
    """A count on a form filed in Vietnamese: 12345 → "12.345", whatever the
    language of the page."""
    return f"{value:,}".replace(",", ".")


@register.inclusion_tag("reports/_manager_summary.html")
def manager_summary(user: Any) -> dict[str, Any]:
    """The manager's figures per agency this month (``reports.dashboard``), for
    the workspace's landing page: ``{% load statistics %}{% manager_summary
    request.user %}``; renders nothing for a user without statistics."""
    from reports.dashboard import manager_summary as summary_of

    return {"summary": summary_of(user)}
