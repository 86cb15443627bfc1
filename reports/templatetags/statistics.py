"""Showing the statistics' numbers: rates as percentages, "no data" for none."""

import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dossiers.templatetags.dossier_cells import escape, pk_url

register = template.Library()


@functools.lru_cache(maxsize=16)
def _separators(language: str | None) -> tuple[str, int, str]:
    """The language's decimal mark, grouping and thousands mark, read once (a
    table of a few hundred numbers would read them for each)."""
    return (
        get_format("DECIMAL_SEPARATOR", language),
        get_format("NUMBER_GROUPING", language),
        get_format("THOUSAND_SEPARATOR", language),
    )


def number_format(value: Any, places: int, force_grouping: bool = False) -> str:
    """``django.utils.formats.number_format`` in the active language."""
    decimal, grouping, thousands = _separators(get_language())
    return numberformat.format(
        value,
        decimal,
        places,
        grouping,
        thousands,
        force_grouping=force_grouping,
        use_l10n=True,
    )


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


@register.simple_tag
def overdue_rows(rows: Any) -> SafeString:
    """The overdue list's rows (``tables.OverdueRow``), drawn here rather than
    by the template: two hundred rows of six cells each cost a template lookup
    per cell."""
    lines = []
    for row in rows:
        dossier = row.dossier
        url = pk_url("workspace:dossier_detail", dossier.pk)
        step = row.step_label or dossier.get_state_display()
        due = (
            f"{localtime(dossier.current_due_at):%H:%M %d/%m/%Y}"
            if dossier.current_due_at
            else ""
        )
        lines.append(
            "<tr>"
            f'<td><a href="{escape(url)}">{escape(dossier.code or dossier.pk)}</a></td>'
            f"<td>{escape(dossier.deciding_agency)}</td>"
            f"<td>{escape(step)}</td>"
            f"<td>{escape(row.person_label or '—')}</td>"
            f'<td class="text-nowrap">{due}</td>'
            f'<td class="text-end">{escape(figure(row.days_late))}</td>'
            "</tr>"
        )
    # Safe: every value above went through escape().
    return mark_safe("\n".join(lines))
