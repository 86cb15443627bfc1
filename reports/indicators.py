"""The indicators of the handling of dossiers over a period and a scope, and the
Decision 766/QĐ-TTg index groups computed from them (docs/indicators.md).

Every figure comes from ``facts.Figures``, summed from the summary rows for the
days already built and from the dossiers touched since for the live days; the
full recompute (``summaries.full_recompute``) feeds the same functions, so the two
can be compared number by number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import CharField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from dossiers.models import CLOCK_RUNNING_STATES, Dossier
from feedback.models import all_criteria
from procedures.models import Agency, Procedure
from procedures.selectors import agency_subtree
from workcalendar.types import OFFICE_TZ

from . import summaries
from .facts import CLOSERS, COUNTERS, Figures, Key, tenths_bucket
from .models import (
    DailySummary,
    MonthlyProcessingTimeCount,
    MonthlySummary,
    ProcessingTimeCount,
)

FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")

# --- period and scope ------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local days ``first``..``last``, both included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=OFFICE_TZ)

    @property
    def end(self) -> datetime:
        """The moment the period ends (the start of the day after it)."""
        return datetime.combine(
            self.last + timedelta(days=1), time.min, tzinfo=OFFICE_TZ
        )

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = cls.month(year, 3 * quarter - 2)
        return cls(start.first, cls.month(year, 3 * quarter).last)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def months(self) -> list[date]:
        found, day = [], self.first.replace(day=1)
        while day <= self.last:
            found.append(day)
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return found


@dataclass(frozen=True)
class Scope:
    """Which dossiers count: the agencies (None: all), and optional filters.

    ``desk_too``: a dossier counts when its deciding agency *or* its receiving desk
    is in ``agencies`` (a manager's scope, as ``dossiers_visible_to``); otherwise
    only its deciding agency (a leader's).
    """

    agencies: frozenset[int] | None = None
    desk_too: bool = True
    sector: int | None = None
    procedure: int | None = None
    channel: str = ""
    level: str = ""

    def described(self) -> tuple:
        """The scope as a cache key's part: the same scope, the same tuple."""
        agencies = None if self.agencies is None else tuple(sorted(self.agencies))
        return (
            agencies,
            self.desk_too,
            self.sector,
            self.procedure,
            self.channel,
            self.level,
        )

    def q(self) -> Q:
        """The filter, on ``DailySummary`` and ``Dossier`` alike (same field names)."""
        q = Q()
        if self.agencies is not None:
            agencies = Q(deciding_agency_id__in=self.agencies)
            if self.desk_too:
                agencies |= Q(receiving_desk_id__in=self.agencies)
            q &= agencies
        if self.sector:
            q &= Q(procedure__sector_id=self.sector)
        if self.procedure:
            q &= Q(procedure_id=self.procedure)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.level:
            q &= Q(procedure__level=self.level)
        return q

    def matches(self, key: Key, procedures: dict[int, tuple[int, str]]) -> bool:
        agency, desk, procedure, channel = key
        if self.agencies is not None and not (
            agency in self.agencies or (self.desk_too and desk in self.agencies)
        ):
            return False
        if self.procedure and procedure != self.procedure:
            return False
        if self.channel and channel != self.channel:
            return False
        sector, level = procedures.get(procedure, (None, ""))
        if self.sector and sector != self.sector:
            return False
        return not (self.level and level != self.level)

    def narrowed(self, **filters: Any) -> Scope:
        """This scope with more filters; an agency narrows to its subtree inside it."""
        agency = filters.pop("agency", None)
        agencies = self.agencies
        if agency is not None:
            subtree = frozenset(agency_subtree(agency))
            agencies = subtree if agencies is None else subtree & agencies
        return Scope(
            agencies=agencies,
            desk_too=self.desk_too,
            **{
                name: filters.get(name) or getattr(self, name)
                for name in ("sector", "procedure", "channel", "level")
            },
        )


STATISTICS_ROLES = frozenset({Role.MANAGER, Role.LEADER})


def scope_of(user: Any) -> Scope | None:
    """What ``user`` may count: a manager their agency's subtree (dossiers received
    or decided there), a leader their agency's decisions; nobody else anything."""
    role = getattr(user, "role", None)
    if role == Role.MANAGER and user.agency_id:
        subtree = agency_subtree(user.agency_id)
        if len(subtree) == Agency.objects.count():
            return Scope()
        return Scope(agencies=frozenset(subtree))
    if role == Role.LEADER and user.agency_id:
        return Scope(agencies=frozenset({user.agency_id}), desk_too=False)
    return None


# --- summing figures ------------------------------------------------------------

Group = str | None
GROUP_FIELDS = {
    "procedure": "procedure_id",
    "agency": "deciding_agency_id",
    "sector": "procedure__sector_id",
    "channel": "channel",
}
Collected = dict[tuple[date, Key], Figures]


def procedure_facts() -> dict[int, tuple[int, str]]:
    """procedure id -> (field id, level): for the live days' scope and grouping."""
    return {
        pk: (sector, level)
        for pk, sector, level in Procedure.objects.values_list(
            "pk", "sector_id", "level"
        )
    }


def _group_of(
    group: Group, day: date, key: Key, procedures: dict[int, tuple[int, str]]
) -> Hashable:
    if group is None:
        return None
    if group == "month":
        return day.replace(day=1)
    if group == "procedure":
        return key[2]
    if group == "agency":
        return key[0]
    if group == "sector":
        return procedures.get(key[2], (None, ""))[0]
    if group == "channel":
        return key[3]
    raise ValueError(group)


def group_collected(
    collected: Collected,
    first: date | None,
    last: date,
    scope: Scope,
    group: Group,
    procedures: dict[int, tuple[int, str]],
) -> dict[Hashable, Figures]:
    summed: dict[Hashable, Figures] = {}
    for (day, key), figures in collected.items():
        if (first is not None and day < first) or day > last:
            continue
        if not scope.matches(key, procedures):
            continue
        _figures(summed, _group_of(group, day, key, procedures)).add(figures)
    return summed


def month_spans(
    first: date | None, last: date, built: date | None
) -> tuple[tuple[date | None, date] | None, Q]:
    """How the days ``first``..``last`` (all built) are read: the whole months
    among them from the monthly rows (months from .. to, by their first days; None
    when there are none) and the other days from the daily rows (a filter on
    ``day``; an empty Q when there are none, which ``group_summaries`` then does
    not read). A month's row holds
    its days up to ``built``, so the month of ``built`` counts as whole when the
    period reaches ``built``."""
    if built is None:
        return None, Q(day__gte=first, day__lte=last) if first else Q(day__lte=last)
    months_from = first
    if first is not None and first.day != 1:
        months_from = summaries.month_end(first) + timedelta(days=1)
    last_month = last.replace(day=1)
    if last < min(summaries.month_end(last), built):
        last_month = (last_month - timedelta(days=1)).replace(day=1)
    if months_from is not None and months_from > last_month:
        return None, Q(day__gte=first, day__lte=last)
    days = Q()
    if first is not None and first < months_from:
        days |= Q(day__gte=first, day__lt=months_from)
    after = summaries.month_end(last_month)
    if after < last:
        days |= Q(day__gt=after, day__lte=last)
    return (months_from, last_month), days


def _rows(model: type, span: tuple[date | None, date] | Q, scope: Scope) -> QuerySet:
    """The rows of ``model`` in the months or days ``span``, in ``scope``."""
    rows = model.objects.filter(scope.q()).order_by()
    if isinstance(span, Q):
        return rows.filter(span)
    months_from, months_to = span
    rows = rows.filter(day__lte=months_to)
    return rows if months_from is None else rows.filter(day__gte=months_from)


def group_summaries(
    first: date | None,
    last: date,
    scope: Scope,
    group: Group,
    *,
    stock_only: bool = False,
    distributions: bool = True,
    built: date | None = None,
) -> dict[Hashable, Figures]:
    """The summary rows of the days ``first``..``last`` summed per group: the
    whole months from the monthly rows (``built``: the last day built, which the
    month rows reach; None reads only daily rows), the other days from the daily
    rows; per kind of row one query for the counters, one for the distributions
    (none for a stock)."""
    months, days = month_spans(first, last, built)
    summed: dict[Hashable, Figures] = {}
    parts = []
    if months is not None:
        parts.append((MonthlySummary, MonthlyProcessingTimeCount, months))
    if days:
        parts.append((DailySummary, ProcessingTimeCount, days))
    for model, times_model, span in parts:
        _sum_rows(
            summed,
            _rows(model, span, scope),
            _rows(times_model, span, scope),
            group,
            stock_only=stock_only,
            distributions=distributions,
        )
    return summed


def _sum_rows(
    summed: dict[Hashable, Figures],
    rows: QuerySet,
    times: QuerySet,
    group: Group,
    *,
    stock_only: bool,
    distributions: bool,
) -> None:
    if group == "month":
        rows = rows.annotate(g=TruncMonth("day"))
    elif group is not None:
        rows = rows.annotate(g=F(GROUP_FIELDS[group]))
    names = ("received", *CLOSERS) if stock_only else COUNTERS
    sums = {name: Sum(name) for name in names}
    if not stock_only:
        sums["processing_days_sum"] = Sum("processing_days")
    grouped = rows.values("g") if group is not None else rows
    values = (
        grouped.annotate(**sums)
        if group is not None
        else [grouped.aggregate(**sums) | {"g": None}]
    )
    for row in values:
        if all(row[name] is None for name in names):
            continue
        figures = _figures(summed, _month(row["g"]))
        figures.counts.update({name: row[name] or 0 for name in names})
        if not stock_only:
            figures.processing_days += row["processing_days_sum"] or Decimal(0)
    if stock_only or not distributions:
        return
    # The distributions: processing times summed per tenth of a day in SQL, and
    # the rating scores of the (few) rows with ratings.
    if group == "month":
        times = times.annotate(g=TruncMonth("day"))
    elif group is not None:
        times = times.annotate(g=F(GROUP_FIELDS[group]))
    else:
        times = times.annotate(g=Value(None, output_field=CharField()))
    for g, tenths, count in (
        times.values("g", "tenths")
        .annotate(n=Sum("dossiers"))
        .values_list("g", "tenths", "n")
    ):
        _figures(summed, _month(g)).histogram[tenths_bucket(tenths)] += count
    rated = rows.filter(rated__gt=0)
    for g, criteria, scored in rated.values_list(
        "g" if group is not None else "pk", "criteria_totals", "criteria_counts"
    ):
        figures = _figures(summed, _month(g) if group is not None else None)
        figures.criteria.update(criteria)
        figures.criteria_counts.update(scored)


def cached_group_summaries(
    first: date | None,
    last: date,
    scope: Scope,
    group: Group,
    *,
    stock_only: bool = False,
    distributions: bool = True,
    built: date | None = None,
) -> dict[Hashable, Figures]:
    """``group_summaries``, cached until the next rebuild writes summary rows
    (``summaries.generation``): the built days do not change in between."""
    described = (
        summaries.generation(),
        built,
        first,
        last,
        *scope.described(),
        group,
        stock_only,
        distributions,
    )
    return summaries.cached_figures(
        "sums",
        described,
        lambda: group_summaries(
            first,
            last,
            scope,
            group,
            stock_only=stock_only,
            distributions=distributions,
            built=built,
        ),
        seconds=summaries.summary_cache_seconds(),
    )


def _figures(summed: dict[Hashable, Figures], group: Hashable) -> Figures:
    """The figures of ``group`` in ``summed``, added when new (not a
    ``setdefault``, which would make four Counters for every row read)."""
    found = summed.get(group)
    if found is None:
        found = summed[group] = Figures()
    return found


def _month(value: Any) -> Any:
    # TruncMonth gives a date on a DateField; keep any datetime to its local date.
    if isinstance(value, datetime):
        return value.astimezone(OFFICE_TZ).date()
    return value


# The groupings whose groups partition the figures: every row in exactly one.
GROUPINGS = ("procedure", "agency", "sector", "channel", "month")


def merged_whole(parts: dict[Hashable, Figures]) -> Figures:
    whole = Figures()
    for figures in parts.values():
        whole.add(figures)
    return whole


def merge(*parts: dict[Hashable, Figures]) -> dict[Hashable, Figures]:
    merged: dict[Hashable, Figures] = {}
    for part in parts:
        for group, figures in part.items():
            _figures(merged, group).add(figures)
    return merged


class Source:
    """Where the figures come from: the summary rows plus the live days."""

    def __init__(self, *, today: date | None = None, live: bool = True) -> None:
        self.today = today or timezone.localdate()
        self.built = summaries.built_through()
        self.procedures = procedure_facts()
        self._live: Collected | None = None if live else {}
        self._overdue: dict[tuple[datetime, Scope], dict] = {}
        self._read: dict[tuple, dict[Hashable, Figures]] = {}

    def overdue(self, moment: datetime, scope: Scope) -> dict[tuple[int, int], int]:
        """``overdue_counts``, read once per moment and scope for this source,
        and kept in the cache as long as the live days are (a read of every open
        dossier past its due date: a few hundred milliseconds at a million)."""
        if (moment, scope) not in self._overdue:
            self._overdue[(moment, scope)] = cached_overdue_counts(moment, scope)
        return self._overdue[(moment, scope)]

    def live(self) -> Collected:
        if self._live is None:
            since = (
                self.built + timedelta(days=1)
                if self.built is not None
                else date(1970, 1, 1)
            )
            self._live = summaries.cached_live_figures(since)
        return self._live

    def figures(
        self,
        first: date | None,
        last: date,
        scope: Scope,
        group: Group = None,
        *,
        stock_only: bool = False,
        distributions: bool = True,
    ) -> dict[Hashable, Figures]:
        """``distributions=False`` skips the processing-time histograms and rating
        scores (no median, no criteria averages): one query less.

        What this source read is kept for its life (a page), and the figures of
        the whole scope are summed from a grouping of the same days read before
        (the parts of a partition add up to the whole): the statistics page's
        table per procedure reads every distribution, and its totals need no
        second read of them."""
        key = (first, last, scope, group, stock_only, distributions)
        found = self._read.get(key)
        if found is None and group is None and not stock_only:
            found = self._whole_from_parts(first, last, scope, distributions)
        if found is None:
            found = self._read_figures(*key)
        self._read[key] = found
        return found

    def _whole_from_parts(
        self, first: date | None, last: date, scope: Scope, distributions: bool
    ) -> dict[Hashable, Figures] | None:
        for part in GROUPINGS:
            for with_distributions in {distributions, True}:
                parts = self._read.get(
                    (first, last, scope, part, False, with_distributions)
                )
                if parts is not None:
                    # A whole of nothing is no figures (as a read of no rows).
                    return {None: merged_whole(parts)} if parts else {}
        return None

    def _read_figures(
        self,
        first: date | None,
        last: date,
        scope: Scope,
        group: Group,
        stock_only: bool,
        distributions: bool,
    ) -> dict[Hashable, Figures]:
        parts = []
        if self.built is not None and (first is None or first <= self.built):
            parts.append(
                cached_group_summaries(
                    first,
                    min(last, self.built),
                    scope,
                    group,
                    stock_only=stock_only,
                    distributions=distributions,
                    built=self.built,
                )
            )
        if self.built is None or last > self.built:
            live_first = first
            if self.built is not None:
                after_built = self.built + timedelta(days=1)
                live_first = after_built if first is None else max(first, after_built)
            parts.append(
                group_collected(
                    self.live(), live_first, last, scope, group, self.procedures
                )
            )
        return merge(*parts)


class RecomputeSource(Source):
    """The same figures from every dossier, ignoring the summary rows."""

    def __init__(self, *, today: date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.procedures = procedure_facts()
        self.collected = summaries.full_recompute()
        self._overdue = {}

    def figures(
        self,
        first: date | None,
        last: date,
        scope: Scope,
        group: Group = None,
        *,
        stock_only: bool = False,
        distributions: bool = True,
    ) -> dict[Hashable, Figures]:
        return group_collected(
            self.collected, first, last, scope, group, self.procedures
        )


# --- the indicators --------------------------------------------------------------


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` ÷ ``whole`` to four places; None (no data) when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(FOUR_PLACES, ROUND_HALF_UP)


def median(histogram: Counter[str]) -> Decimal | None:
    values = sorted((Decimal(k), n) for k, n in histogram.items() if n > 0)
    count = sum(n for _, n in values)
    if not count:
        return None
    wanted = [(count - 1) // 2, count // 2]
    found, seen = [], 0
    for value, n in values:
        for position in wanted:
            if seen <= position < seen + n:
                found.append(value)
        seen += n
    return (sum(found) / len(found)).quantize(TWO_PLACES, ROUND_HALF_UP)


@dataclass
class Indicators:
    """The indicators of one period and scope (docs/indicators.md)."""

    figures: Figures
    carried_over: int = 0
    open_at_end: int = 0
    overdue_at_end: int | None = None
    received_by_channel: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name in COUNTERS:
            return self.figures.counts[name]
        raise AttributeError(name)

    @property
    def resolved(self) -> int:
        c = self.figures.counts
        return sum(
            c[k] for k in ("returned", "denied", "refused", "stopped", "withdrawn")
        )

    @property
    def decided(self) -> int:
        """Resolved with a decision (approved or denied) and handed back."""
        return self.figures["returned"] + self.figures["denied"]

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.figures["early"] + self.figures["on_time"], self.decided)

    @property
    def online_rate(self) -> Decimal | None:
        return rate(self.figures["online"], self.figures["received"])

    @property
    def digitisation_rate(self) -> Decimal | None:
        return rate(self.figures["digitised"], self.decided)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """Rated without a dissatisfied score or a complaint ÷ rated. A complaint
        after a satisfied rating withdraws it on the complaint's day; when the two
        fall in different periods the later one carries it (never below zero)."""
        withdrawn = self.figures["complained_after_rating"]
        satisfied = max(self.figures["satisfied"] - withdrawn, 0)
        return rate(satisfied, self.figures["rated"])

    @property
    def average_processing_working_days(self) -> Decimal | None:
        if not self.decided:
            return None
        return (self.figures.processing_days / self.decided).quantize(
            TWO_PLACES, ROUND_HALF_UP
        )

    @property
    def median_processing_working_days(self) -> Decimal | None:
        return median(self.figures.histogram)

    @property
    def criteria_averages(self) -> dict[str, Decimal | None]:
        """The average score of each criterion asked now or scored in the period,
        over the ratings that scored it (None: no data), in the criteria's order."""
        return {row.code: row.average for row in self.criteria_rows()}

    def criteria_rows(self) -> list[CriterionAverage]:
        """``criteria_averages`` with each criterion's name and count (one query
        for the criteria)."""
        criteria = all_criteria()
        codes = [c.code for c in criteria if c.is_active or self._scored(c.code)]
        known = {c.code for c in criteria}
        codes += sorted(
            code for code in self.figures.criteria_counts if code not in known
        )
        names = {c.code: c for c in criteria}
        return [
            CriterionAverage(
                code,
                str(names.get(code, code)),
                self._scored(code),
                (
                    (
                        Decimal(self.figures.criteria[code]) / self._scored(code)
                    ).quantize(TWO_PLACES, ROUND_HALF_UP)
                    if self._scored(code)
                    else None
                ),
                is_active=getattr(names.get(code), "is_active", False),
            )
            for code in codes
        ]

    def _scored(self, code: str) -> int:
        return self.figures.criteria_counts[code]

    @property
    def complaints(self) -> int:
        """Complaints (phản ánh, kiến nghị) about a dossier filed in the period."""
        return self.figures["complaints"]

    @property
    def index_766(self) -> list[IndexGroup]:
        return index_766(self)

    def as_dict(self) -> dict[str, Any]:
        """Every indicator, for ``manage.py indicators`` and the exports."""
        c = self.figures.counts
        return {
            "received": c["received"],
            "received_by_channel": self.received_by_channel,
            "carried_over": self.carried_over,
            "resolved": self.resolved,
            "resolved_by_kind": {
                k: c[k]
                for k in ("returned", "denied", "refused", "stopped", "withdrawn")
            },
            "early": c["early"],
            "on_time": c["on_time"],
            "late": c["late"],
            "open_at_end": self.open_at_end,
            "overdue_at_end": self.overdue_at_end,
            "on_time_rate": self.on_time_rate,
            "average_processing_working_days": self.average_processing_working_days,
            "median_processing_working_days": self.median_processing_working_days,
            "online_rate": self.online_rate,
            "digitisation_rate": self.digitisation_rate,
            "rated": c["rated"],
            "satisfaction_rate": self.satisfaction_rate,
            "criteria_averages": self.criteria_averages,
            "complaints": self.complaints,
            "index_766": [group.as_dict() for group in self.index_766],
        }


@dataclass(frozen=True)
class CriterionAverage:
    code: str
    label: str
    scored: int
    average: Decimal | None
    is_active: bool = True


def open_counts(figures: Figures) -> int:
    return figures["received"] - sum(figures[name] for name in CLOSERS)


def overdue_counts(moment: datetime, scope: Scope) -> dict[tuple[int, int], int]:
    """Dossiers received before ``moment``, not closed by then, whose due date in
    force is before it, per (deciding agency, procedure): one read of the dossiers
    (the partial index of open ones serves the current period). A later extension
    or pause counts as known now; a period not over yet is counted at this moment."""
    now = timezone.now()
    current, moment = moment >= now, min(moment, now)
    dossiers = Dossier.objects.filter(
        scope.q(), received_at__lt=moment, current_due_at__lt=moment
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
    if current:
        # As the worklist counts them: a dossier paused for a supplement, or whose
        # result waits at the desk, is not overdue while it is so.
        dossiers = dossiers.filter(state__in=CLOCK_RUNNING_STATES)
    counted = (
        dossiers.order_by()
        .values("deciding_agency_id", "procedure_id")
        .annotate(n=Count("pk"))
        .values_list("deciding_agency_id", "procedure_id", "n")
    )
    return {(agency, procedure): n for agency, procedure, n in counted}


def cached_overdue_counts(moment: datetime, scope: Scope) -> dict[tuple[int, int], int]:
    """``overdue_counts`` kept REPORTS_LIVE_MAX_AGE_SECONDS in the cache; a
    period not over yet is counted "now", whatever the moment of the call."""
    at = "now" if moment >= timezone.now() else moment.isoformat()
    return summaries.cached_figures(
        "overdue", (at, *scope.described()), lambda: overdue_counts(moment, scope)
    )


def overdue_at(
    moment: datetime, scope: Scope, group: Group = None, source: Source | None = None
) -> dict[Hashable, int]:
    """``overdue_counts`` summed per group (none, agency, procedure or field)."""
    if source is not None:
        counts = source.overdue(moment, scope)
        procedures = source.procedures
    else:
        counts, procedures = overdue_counts(moment, scope), procedure_facts()
    summed: dict[Hashable, int] = {None: 0} if group is None else {}
    for (agency, procedure), n in counts.items():
        if group is None:
            key: Hashable = None
        elif group == "agency":
            key = agency
        elif group == "procedure":
            key = procedure
        elif group == "sector":
            key = procedures.get(procedure, (None, ""))[0]
        else:
            raise ValueError(group)
        summed[key] = summed.get(key, 0) + n
    return summed


def indicators(
    period: Period, scope: Scope, source: Source | None = None
) -> Indicators:
    """Every indicator of ``period`` in ``scope`` (a handful of queries)."""
    source = source or Source()
    by_channel = source.figures(
        period.first, period.last, scope, "channel", distributions=False
    )
    figures = source.figures(period.first, period.last, scope).get(None, Figures())
    before = source.figures(
        None, period.first - timedelta(days=1), scope, stock_only=True
    ).get(None, Figures())
    carried = open_counts(before)
    return Indicators(
        figures=figures,
        carried_over=carried,
        open_at_end=carried + open_counts(figures),
        overdue_at_end=overdue_at(period.end, scope, source=source)[None],
        received_by_channel={
            str(k): v["received"]
            for k, v in sorted(by_channel.items())
            if v["received"]
        },
    )


def indicators_by(
    period: Period,
    scope: Scope,
    group: str,
    source: Source | None = None,
    *,
    distributions: bool = True,
) -> dict[Hashable, Indicators]:
    """The indicators of each group (procedure, agency, field, month) of the
    period; without ``distributions``, no medians nor criteria averages."""
    source = source or Source()
    flows = source.figures(
        period.first, period.last, scope, group, distributions=distributions
    )
    if group == "month":
        return {month: Indicators(figures) for month, figures in sorted(flows.items())}
    before = source.figures(
        None, period.first - timedelta(days=1), scope, group, stock_only=True
    )
    overdue = overdue_at(period.end, scope, group, source)
    found = {}
    for key in set(flows) | {k for k, f in before.items() if open_counts(f)}:
        figures = flows.get(key, Figures())
        carried = open_counts(before.get(key, Figures()))
        found[key] = Indicators(
            figures=figures,
            carried_over=carried,
            open_at_end=carried + open_counts(figures),
            overdue_at_end=overdue.get(key, 0),
        )
    return found


# --- Decision 766/QĐ-TTg ------------------------------------------------------------

# The groups and their points as DOMAIN.md §8 cites them (verify against the
# decision's appendix: docs/indicators.md); REPORTS_INDEX_766_POINTS overrides.
INDEX_766_GROUPS: tuple[tuple[str, Any, int], ...] = (
    ("transparency", _("Transparency"), 18),
    ("progress", _("Progress and results"), 20),
    ("online_service", _("Online public service"), 12),
    ("online_payment", _("Online payment"), 10),
    ("satisfaction", _("Satisfaction"), 18),
    ("digitisation", _("Digitisation of dossiers and results"), 22),
)


@dataclass(frozen=True)
class IndexGroup:
    key: str
    label: Any
    max_points: int
    rate: Decimal | None
    basis: str

    @property
    def points(self) -> Decimal | None:
        """The group's points: its rate × its maximum; None means no data."""
        if self.rate is None:
            return None
        return (self.rate * self.max_points).quantize(TWO_PLACES, ROUND_HALF_UP)

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.key,
            "label": str(self.label),
            "max_points": self.max_points,
            "rate": self.rate,
            "points": self.points,
            "basis": self.basis,
        }


def index_766(values: Indicators) -> list[IndexGroup]:
    """Each group's points from the indicator that stands for it; a group the
    system holds no data for (transparency, online payment) has none."""
    points = getattr(settings, "REPORTS_INDEX_766_POINTS", {})
    rates: dict[str, tuple[Decimal | None, str]] = {
        "transparency": (None, "no data"),
        "progress": (values.on_time_rate, "on_time_rate"),
        "online_service": (values.online_rate, "online_rate"),
        "online_payment": (None, "no data"),
        "satisfaction": (values.satisfaction_rate, "satisfaction_rate"),
        "digitisation": (values.digitisation_rate, "digitisation_rate"),
    }
    return [
        IndexGroup(key, label, points.get(key, maximum), *rates[key])
        for key, label, maximum in INDEX_766_GROUPS
    ]


def index_total(groups: Iterable[IndexGroup]) -> tuple[Decimal, int]:
    """Points scored and points possible over the groups that have data."""
    scored = [g for g in groups if g.points is not None]
    return sum((g.points for g in scored), Decimal(0)), sum(
        g.max_points for g in scored
    )
