"""The statistics pages: the staff page for managers and leaders within their
scope, with its CSV and XLSX files, and the public transparency board."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossiers.printing import PdfUnavailable, pdf_response, render_pdf
from procedures.search import fold

from . import charts, periodic, shares, tables
from .facts import Figures
from .forms import PeriodicReportForm, StatisticsFilterForm
from .indicators import (
    Indicators,
    Period,
    Scope,
    Source,
    index_total,
    indicators,
    indicators_by,
    scope_of,
)

STAFF_TEMPLATE = "reports/statistics.html"
REPORT_TEMPLATE = "reports/periodic_report.html"
BOARD_TEMPLATE = "reports/board.html"
TABLES = (
    "summary",
    "months",
    "agencies",
    "shares",
    "sectors",
    "procedures",
    "overdue",
)


def statistics_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Managers and leaders only; what they count is their own scope."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = scope_of(request.user)
        if scope is None:
            raise PermissionDenied
        return view(request, scope, *args, **kwargs)

    return wrapped


def trend_period(period: Period) -> Period:
    """The twelve months up to the end of ``period``."""
    last_month = period.last.replace(day=1)
    year, month = last_month.year, last_month.month - 11
    while month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), period.last)


@statistics_required
def staff_statistics(request: HttpRequest, base: Scope) -> HttpResponse:
    today = timezone.localdate()
    form = StatisticsFilterForm(request.GET, scope=base, today=today)
    if not form.is_valid():
        return render(request, STAFF_TEMPLATE, {"form": form}, status=400)
    period, scope = form.period(), form.scope()
    source = Source()
    export, output = request.GET.get("export"), request.GET.get("format")
    if export in TABLES and output in ("csv", "xlsx"):
        return _export(export, output, period, scope, source, request)
    sort = request.GET.get("sort", "received")
    descending = request.GET.get("dir", "desc") == "desc"
    # The table per procedure first: it reads every distribution, and the
    # totals are summed from it (Source.figures).
    procedures = _by(period, scope, source, "procedure", sort, descending)
    context = {
        "form": form,
        "period": period,
        "values": indicators(period, scope, source),
        # On screen these three show no median: their distributions are not read.
        "months": _months(period, scope, source, distributions=False),
        "agencies": _by(
            period, scope, source, "agency", "received", True, distributions=False
        ),
        "sectors": _by(
            period, scope, source, "sector", "received", True, distributions=False
        ),
        # Inter-agency work per agency, from the route steps: three queries.
        "shares": shares.work_rows(period, scope),
        "share_columns": shares.WORK_COLUMNS,
        "procedures": procedures,
        "overdue": tables.overdue_dossiers(scope),
        "columns": tables.COLUMNS,
        "month_columns": tables.MONTH_SCREEN_COLUMNS,
        "compact_columns": tables.COMPACT_COLUMNS,
        "sort": sort,
        "descending": descending,
        "query": form.query(),
        "built_through": source.built,
    }
    context["criteria"] = context["values"].criteria_rows()
    context["index"] = context["values"].index_766
    context["index_total"] = index_total(context["index"])
    context["trend_chart"] = charts.grouped_bars(
        [row.label for row in context["months"]],
        [
            [row.values.received for row in context["months"]],
            [row.values.resolved for row in context["months"]],
        ],
    )
    context["agency_chart"] = _rate_chart(context["agencies"])
    context["sector_chart"] = _rate_chart(context["sectors"])
    return render(request, STAFF_TEMPLATE, context)


def _by(
    period: Period,
    scope: Scope,
    source: Source,
    group: str,
    sort: str,
    desc: bool,
    *,
    distributions: bool = True,
) -> list[tables.Row]:
    found = indicators_by(period, scope, group, source, distributions=distributions)
    return tables.sort_rows(tables.labelled(group, found), sort, desc)


def _months(
    period: Period, scope: Scope, source: Source, *, distributions: bool = True
) -> list[tables.Row]:
    trend = trend_period(period)
    found = indicators_by(trend, scope, "month", source, distributions=distributions)
    rows = {month: found.get(month) for month in trend.months()}
    return tables.labelled(
        "month",
        {
            month: values if values is not None else _empty()
            for month, values in rows.items()
        },
    )


def _empty() -> Indicators:
    return Indicators(Figures())


def _rate_chart(rows: list[tables.Row]) -> dict[str, Any]:
    return charts.horizontal_bars(
        [(row.label, row.values.on_time_rate, row.values.decided) for row in rows[:15]]
    )


def _export(
    export: str,
    output: str,
    period: Period,
    scope: Scope,
    source: Source,
    request: HttpRequest,
) -> HttpResponse:
    name = f"thong-ke-{export}-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if export == "summary":
        values = indicators(period, scope, source)
        headings = [_("Indicator"), _("Value")]
        rows = [[str(label), value] for label, value in _summary_rows(values)]
    elif export == "overdue":
        headings = list(tables.OVERDUE_HEADINGS)
        rows = [tables.overdue_cells(row) for row in tables.overdue_dossiers(scope)]
    elif export == "shares":
        headings = [_("Code"), _("Name"), *(c.heading for c in shares.WORK_COLUMNS)]
        rows = [
            [row.code, row.label, *row.cells()]
            for row in shares.work_rows(period, scope)
        ]
    else:
        columns = tables.MONTH_COLUMNS if export == "months" else tables.COLUMNS
        group_rows = (
            _months(period, scope, source)
            if export == "months"
            else _by(
                period,
                scope,
                source,
                {"agencies": "agency", "sectors": "sector"}.get(export, "procedure"),
                request.GET.get("sort", "received"),
                request.GET.get("dir", "desc") == "desc",
            )
        )
        headings = [_("Code"), _("Name"), *(c.heading for c in columns)]
        rows = [[row.code, row.label, *row.cells(columns)] for row in group_rows]
    if output == "csv":
        return tables.table_csv(headings, rows, name)
    return tables.table_xlsx(_("Statistics"), headings, rows, name)


def _summary_rows(values: Indicators) -> list[tuple[Any, Any]]:
    rows: list[tuple[Any, Any]] = [
        (_("Received"), values.received),
        *(
            (_("Received: %(channel)s") % {"channel": channel}, count)
            for channel, count in values.received_by_channel.items()
        ),
        (_("Carried over"), values.carried_over),
        (_("Resolved"), values.resolved),
        (_("Returned (approved)"), values.returned),
        (_("Denied"), values.denied),
        (_("Refused at intake"), values.refused),
        (_("Processing stopped"), values.stopped),
        (_("Withdrawn"), values.withdrawn),
        (_("Early"), values.early),
        (_("On time"), values.on_time),
        (_("Late"), values.late),
        (_("On-time rate"), values.on_time_rate),
        (_("Open at the end"), values.open_at_end),
        (_("of which overdue"), values.overdue_at_end),
        (_("Average working days"), values.average_processing_working_days),
        (_("Median working days"), values.median_processing_working_days),
        (_("Online rate"), values.online_rate),
        (_("Digitisation rate"), values.digitisation_rate),
        (_("Rated"), values.rated),
        (_("Satisfaction rate"), values.satisfaction_rate),
        (_("Complaints about dossiers"), values.complaints),
    ]
    for group in values.index_766:
        points = group.points if group.points is not None else _("no data")
        rows.append((_("Decision 766: %(group)s") % {"group": group.label}, points))
    return rows


# --- the periodic report filed upward --------------------------------------------


@statistics_required
def periodic_report(request: HttpRequest, base: Scope) -> HttpResponse:
    """Form II.06a/VPCP/KSTT of the chosen period and scope: a printable page,
    its PDF and its XLSX (``reports/periodic.py``)."""
    today = timezone.localdate()
    form = PeriodicReportForm(request.GET, scope=base, today=today)
    if not form.is_valid():
        return render(request, REPORT_TEMPLATE, {"form": form}, status=400)
    report = periodic.build(
        form.period(),
        form.scope(),
        kind=form.cleaned_data["kind"],
        rows=form.row_kind(),
        reporting_unit=periodic.reporting_unit(
            request.user, form.cleaned_data.get("agency")
        ),
    )
    output = request.GET.get("format")
    if output == "xlsx":
        return periodic.report_xlsx(report, today)
    context = {"form": form, "report": report, "query": form.query(), "today": today}
    if output == "pdf":
        try:
            pdf = render_pdf(request, REPORT_TEMPLATE, context)
        except PdfUnavailable:
            messages.error(request, _("PDF output is not available on this server."))
            return redirect(f"{request.path}?{form.query()}")
        return pdf_response(pdf, f"{report.filename}.pdf")
    return render(request, REPORT_TEMPLATE, context)


# --- the public board ----------------------------------------------------------------


def board_cache_seconds() -> int:
    return getattr(settings, "REPORTS_BOARD_CACHE_SECONDS", 600)


def public_board(request: HttpRequest) -> HttpResponse:
    """Per agency and field: counts, on-time rate and satisfaction, this month and
    this year, from the summary rows only (built through yesterday), cached."""
    today = timezone.localdate()
    language = translation.get_language()
    key = f"reports:board:{today.isoformat()}:{language}"
    context = cache.get(key)
    if context is None:
        context = _board(today)
        cache.set(key, context, board_cache_seconds())
    return render(request, BOARD_TEMPLATE, context)


def _board(today: date) -> dict[str, Any]:
    source = Source(live=False)
    built = source.built or today - timedelta(days=1)
    scope = Scope()
    periods = {
        "month": Period(built.replace(day=1), built),
        "year": Period(built.replace(month=1, day=1), built),
    }
    board: dict[str, Any] = {"built_through": source.built, "periods": periods}
    for name, period in periods.items():
        # No medians nor criteria on the board: the distributions are not read.
        totals = source.figures(
            period.first, period.last, scope, distributions=False
        ).get(None)
        board[f"{name}_values"] = _public(Indicators(totals) if totals else _empty())
        for group in ("agency", "sector"):
            found = source.figures(
                period.first, period.last, scope, group, distributions=False
            )
            rows = tables.labelled(
                group, {k: Indicators(figures) for k, figures in found.items()}
            )
            board[f"{name}_{group}"] = sorted(
                (
                    {"label": row.label, **_public(row.values)}
                    for row in rows
                    if row.values.received or row.values.resolved
                ),
                key=lambda row: fold(row["label"]),
            )
    return board


def _public(values: Indicators) -> dict[str, Any]:
    """Counts and rates only: nothing about a person or a single dossier."""
    return {
        "received": values.received,
        "resolved": values.resolved,
        "early": values.early,
        "on_time": values.on_time,
        "late": values.late,
        "on_time_rate": values.on_time_rate,
        "rated": values.rated,
        "satisfaction_rate": values.satisfaction_rate,
    }
