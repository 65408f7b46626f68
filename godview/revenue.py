"""The revenue screen's monthly figures (DESIGN "Metric definitions", "Revenue, renewals and
capacity"): MRR, NRR, GRR, logo churn, CLV, margin and NPS for each of the last months.

A month's figures are taken as of its last day (the current month: as of today), so the last
point of NRR, GRR and logo churn is the God-view's own figure. MRR comes from the revenue events
(the MRR history); the loader reads them once (one query), the clients once, the hours' cost and
the NPS responses once each, grouped by month, whatever the number of months.

The arithmetic below `Ledger` is pure: unit tests feed it hand-made rows.
"""

import datetime as dt
import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from clients.models import Client, NPSResponse, RevenueEvent
from core.weeks import agency_tz, days_bounds
from godview import metrics

ZERO = Decimal("0")
PLUS = ("new", "expansion")
MAX_MONTHS = 24
YEAR = dt.timedelta(days=365)


# --- months ---------------------------------------------------------------------------------


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months_back(first: dt.date, n: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Month:
    first: dt.date
    as_of: dt.date  # its last day, or today for the current month

    @property
    def key(self) -> str:
        return self.first.strftime("%Y-%m")

    @property
    def day_before(self) -> dt.date:
        return self.first - dt.timedelta(days=1)


def last_months(on: dt.date, n: int) -> list[Month]:
    """The `n` months ending with the one holding `on`, oldest first."""
    current = month_first(on)
    months = []
    for back in range(n - 1, -1, -1):
        first = months_back(current, back)
        months.append(Month(first, min(next_month(first) - dt.timedelta(days=1), on)))
    return months


def parse_month(text: str, on: dt.date) -> Month | None:
    """ "2026-05" → that month (as of today when it is the current one); None when not a past month."""
    try:
        first = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return None
    if first > on or first.year < 2000:
        return None
    return Month(first, min(next_month(first) - dt.timedelta(days=1), on))


# --- the ledger: per-client revenue events, pure ----------------------------------------------


@dataclass(frozen=True)
class ClientFacts:
    pk: int
    started_on: dt.date
    churned_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        """Started by `day` and not churned by then (DESIGN: active 12 months ago)."""
        return self.started_on <= day and (self.churned_on is None or self.churned_on > day)


@dataclass
class Ledger:
    """Clients and their revenue events `(day, kind, amount)`, oldest first; every figure is
    computed from these. Running totals per client make each as-of read a binary search."""

    clients: dict[int, ClientFacts]
    events: dict[int, list[tuple[dt.date, str, Decimal]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._days: dict[int, list[dt.date]] = {}
        self._plus: dict[int, list[Decimal]] = {}
        self._minus: dict[int, list[Decimal]] = {}
        for pk, rows in self.events.items():
            rows.sort(key=lambda row: row[0])
            plus = minus = ZERO
            days, pluses, minuses = [], [], []
            for on, kind, amount in rows:
                if kind in PLUS:
                    plus += amount
                else:
                    minus += amount
                days.append(on)
                pluses.append(plus)
                minuses.append(minus)
            self._days[pk], self._plus[pk], self._minus[pk] = days, pluses, minuses

    def totals(self, pk: int, day: dt.date) -> tuple[Decimal, Decimal]:
        """(Σ added, Σ removed) of a client's events up to the end of `day`."""
        days = self._days.get(pk)
        if not days:
            return ZERO, ZERO
        index = bisect_right(days, day)
        return (self._plus[pk][index - 1], self._minus[pk][index - 1]) if index else (ZERO, ZERO)

    def signed_until(self, pk: int, day: dt.date) -> Decimal:
        plus, minus = self.totals(pk, day)
        return plus - minus

    def mrr_on(self, pk: int, day: dt.date) -> Decimal:
        """A client's MRR at the end of `day`: Σ new and expansion − contraction and churn, never below 0."""
        return max(ZERO, self.signed_until(pk, day))

    def flows(self, pk: int, after: dt.date, until: dt.date) -> tuple[Decimal, Decimal]:
        """(added, removed) MRR of a client's events in (after, until]."""
        plus_after, minus_after = self.totals(pk, after)
        plus, minus = self.totals(pk, until)
        return plus - plus_after, minus - minus_after


@dataclass(frozen=True)
class Retention:
    mrr_then: Decimal
    mrr_now: Decimal
    lost: Decimal
    clients: int

    @property
    def nrr(self) -> float | None:
        return metrics.nrr(self.mrr_then, self.mrr_now)

    @property
    def grr(self) -> float | None:
        return metrics.grr(self.mrr_then, self.lost, ZERO)


def cohort(ledger: Ledger, on: dt.date) -> list[tuple[int, Decimal, Decimal, Decimal]]:
    """The clients active 12 months before `on` with MRR then: (pk, MRR then, MRR now, lost).
    Lost is contraction and churn since, never more than the MRR then (GRR leaves expansion out)."""
    then = on - YEAR
    rows = []
    for pk, facts in ledger.clients.items():
        if not facts.active_on(then):
            continue
        start = ledger.signed_until(pk, then)
        if start <= 0:
            continue
        plus, minus = ledger.flows(pk, then, on)
        rows.append((pk, start, max(ZERO, start + plus - minus), min(start, minus)))
    return rows


def retention(ledger: Ledger, on: dt.date) -> Retention:
    """NRR = today's MRR of the clients active 12 months ago ÷ their MRR then; GRR without expansion."""
    rows = cohort(ledger, on)
    return Retention(
        mrr_then=sum((r[1] for r in rows), ZERO),
        mrr_now=sum((r[2] for r in rows), ZERO),
        lost=sum((r[3] for r in rows), ZERO),
        clients=len(rows),
    )


def churned_in(ledger: Ledger, first: dt.date, last: dt.date) -> list[int]:
    return [pk for pk, f in ledger.clients.items() if f.churned_on and first <= f.churned_on <= last]


def active_on(ledger: Ledger, day: dt.date) -> list[int]:
    return [pk for pk, f in ledger.clients.items() if f.active_on(day)]


def monthly_churn_rate(ledger: Ledger, on: dt.date) -> float | None:
    """Logo churn of the 12 months to `on` ÷ 12 (CLV's monthly rate)."""
    year_ago = on - YEAR
    churned = sum(1 for f in ledger.clients.values() if f.churned_on and year_ago < f.churned_on <= on)
    rate = metrics.logo_churn_rate(churned, len(active_on(ledger, year_ago)))
    return rate / 12 if rate is not None else None


def clv_on(ledger: Ledger, on: dt.date) -> Decimal | None:
    """Average MRR of the clients active on `on` × gross margin ÷ monthly logo churn (floored)."""
    active = active_on(ledger, on)
    if not active:
        return None
    average = sum((ledger.mrr_on(pk, on) for pk in active), ZERO) / len(active)
    return metrics.clv(average, settings.GROSS_MARGIN, monthly_churn_rate(ledger, on), settings.CHURN_RATE_FLOOR)


@dataclass(frozen=True)
class MonthFigures:
    month: Month
    mrr: Decimal
    added: Decimal
    removed: Decimal
    nrr: float | None
    grr: float | None
    churned: int
    active_at_start: int
    logo_churn: float | None
    clv: Decimal | None
    cost: Decimal
    margin: Decimal
    nps: float | None
    nps_responses: int


def nps_score(promoters: int, detractors: int, responses: int) -> float | None:
    """% promoters − % detractors, in points (−100 … 100); None with no responses."""
    return (promoters - detractors) * 100 / responses if responses else None


def month_figures(
    ledger: Ledger, months: list[Month], cost: dict[str, Decimal], nps: dict[str, tuple[int, int, int]]
) -> list[MonthFigures]:
    """Each month's figures from the ledger, the month's cost of hours and its NPS counts. Pure."""
    rows = []
    for m in months:
        mrr = sum((ledger.mrr_on(pk, m.as_of) for pk in ledger.clients), ZERO)
        added = removed = ZERO
        for pk in ledger.clients:
            plus, minus = ledger.flows(pk, m.day_before, m.as_of)
            added, removed = added + plus, removed + minus
        kept = retention(ledger, m.as_of)
        churned = len(churned_in(ledger, m.first, m.as_of))
        active = len(active_on(ledger, m.day_before))
        promoters, detractors, responses = nps.get(m.key, (0, 0, 0))
        spent = cost.get(m.key, ZERO)
        rows.append(
            MonthFigures(
                month=m,
                mrr=mrr,
                added=added,
                removed=removed,
                nrr=kept.nrr,
                grr=kept.grr,
                churned=churned,
                active_at_start=active,
                logo_churn=metrics.logo_churn_rate(churned, active),
                clv=clv_on(ledger, m.as_of),
                cost=spent,
                margin=mrr - spent,
                nps=nps_score(promoters, detractors, responses),
                nps_responses=responses,
            )
        )
    return rows


def median_days(spans: Iterable[tuple[dt.date, dt.date]]) -> float | None:
    days = [(end - start).days for start, end in spans]
    return float(statistics.median(days)) if days else None


# --- loading (one query each) ---------------------------------------------------------------


def load_ledger(clients: QuerySet[Client]) -> Ledger:
    """Two queries: the clients' dates, and every revenue event of theirs."""
    facts = {pk: ClientFacts(pk, s, c) for pk, s, c in clients.values_list("pk", "started_on", "churned_on")}
    events: dict[int, list] = defaultdict(list)
    for pk, on, kind, amount in (
        RevenueEvent.objects.filter(client__in=clients)
        .order_by("occurred_on", "pk")
        .values_list("client_id", "occurred_on", "kind", "amount")
    ):
        events[pk].append((on, kind, amount))
    return Ledger(facts, dict(events))


def cost_by_month(clients: QuerySet[Client], months: list[Month]) -> dict[str, Decimal]:
    """Hours × the logger's cost rate (else the blended rate), per month (one query)."""
    from tasks.models import TimeEntry

    start, end = days_bounds(months[0].first, months[-1].as_of)
    rate = Coalesce(F("user__cost_rate"), Value(settings.BLENDED_COST_RATE), output_field=DecimalField())
    cost = ExpressionWrapper(F("hours") * rate, output_field=DecimalField(max_digits=14, decimal_places=2))
    rows = (
        TimeEntry.objects.filter(client__in=clients, started_at__gte=start, started_at__lt=end)
        .annotate(month=TruncMonth("started_at", tzinfo=agency_tz()))
        .values("month")
        .annotate(total=Sum(cost))
        .values_list("month", "total")
    )
    return {_month_key(month): total or ZERO for month, total in rows}


def nps_by_month(clients: QuerySet[Client], months: list[Month]) -> dict[str, tuple[int, int, int]]:
    """(promoters, detractors, responses) per month (one query)."""
    rows = (
        NPSResponse.objects.filter(
            client__in=clients, responded_on__gte=months[0].first, responded_on__lte=months[-1].as_of
        )
        .annotate(month=TruncMonth("responded_on"))
        .values("month")
        .annotate(p=Count("pk", filter=Q(score__gte=9)), d=Count("pk", filter=Q(score__lte=6)), n=Count("pk"))
        .values_list("month", "p", "d", "n")
    )
    return {_month_key(month): (p, d, n) for month, p, d, n in rows}


def _month_key(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(agency_tz()).date() if value.tzinfo else value.date()
    return value.strftime("%Y-%m")


def monthly(clients: QuerySet[Client], on: dt.date, n: int) -> list[MonthFigures]:
    """The screen's months (four queries)."""
    months = last_months(on, n)
    return month_figures(load_ledger(clients), months, cost_by_month(clients, months), nps_by_month(clients, months))
