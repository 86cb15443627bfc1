"""Showing the statistics' numbers: rates as percentages, "no data" for none."""

from decimal import Decimal
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
    return f"{number_format(value * 100, 1)} %"


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
