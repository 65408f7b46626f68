"""The revenue screen's monthly figures (DESIGN "Metric definitions", "Revenue, renewals and
capacity"): MRR, NRR, GRR, logo churn, CLV, margin and NPS for each of the last months.

A month's figures are taken as of its last day (the current month: as of today), so the last
point of NRR, GRR and logo churn is the God-view's own figure. MRR comes from the revenue events
(the MRR history). The screen's months are added up by the database (`monthly`: the events'
sums, the clients' counts, the hours' cost and the NPS responses, one query each, grouped by
month, whatever the number of months and clients). The rows behind a figure come from the
`Ledger`, each client's events read once (`load_ledger`), and add up to the same figures
(`month_figures`; tests hold the two to each other).

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
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, DateField, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from clients.models import Client, NPSResponse, RevenueEvent
from core.weeks import agency_tz, days_bounds, month_first, next_month, today
from godview import metrics

ZERO = Decimal("0")
PLUS = ("new", "expansion")
MAX_MONTHS = 24
YEAR = dt.timedelta(days=365)
DAY = dt.timedelta(days=1)


# --- months ---------------------------------------------------------------------------------


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


def _monthly_rate(churned: int, active_year_before: int) -> float | None:
    """A year's logo churn ÷ 12 (CLV's monthly rate)."""
    rate = metrics.logo_churn_rate(churned, active_year_before)
    return rate / 12 if rate is not None else None


def monthly_churn_rate(ledger: Ledger, on: dt.date) -> float | None:
    """Logo churn of the 12 months to `on` ÷ 12 (CLV's monthly rate)."""
    year_ago = on - YEAR
    return _monthly_rate(len(churned_in(ledger, year_ago + DAY, on)), len(active_on(ledger, year_ago)))


def clv_of(active_mrr: Decimal, active: int, churned_in_year: int, active_year_before: int) -> Decimal | None:
    """CLV from its sums: Σ MRR of the `active` clients ÷ their number × gross margin ÷ the year's
    monthly logo churn (floored); None with no active client."""
    if not active:
        return None
    rate = _monthly_rate(churned_in_year, active_year_before)
    return metrics.clv(active_mrr / active, settings.GROSS_MARGIN, rate, settings.CHURN_RATE_FLOOR)


def clv_on(ledger: Ledger, on: dt.date) -> Decimal | None:
    """Average MRR of the clients active on `on` × gross margin ÷ monthly logo churn (floored)."""
    active = active_on(ledger, on)
    year_ago = on - YEAR
    total = sum((ledger.mrr_on(pk, on) for pk in active), ZERO)
    return clv_of(total, len(active), len(churned_in(ledger, year_ago + DAY, on)), len(active_on(ledger, year_ago)))


@dataclass(frozen=True)
class MonthSums:
    """A month's sums of the scoped clients' revenue events, as of its as-of day."""

    mrr: Decimal  # Σ each client's MRR
    added: Decimal  # new and expansion in the month
    removed: Decimal  # contraction and churn in the month
    kept: Retention  # the clients active 12 months before
    active_mrr: Decimal  # Σ MRR of the clients active on the day (CLV's average)


NO_SUMS = MonthSums(ZERO, ZERO, ZERO, Retention(ZERO, ZERO, ZERO, 0), ZERO)


@dataclass(frozen=True)
class MonthCounts:
    """A month's counts of the scoped clients."""

    churned: int  # in the month
    active_at_start: int  # on the day before it
    active: int  # on its as-of day
    active_year_before: int  # 12 months before the as-of day
    churned_in_year: int  # in the 12 months to the as-of day


def ledger_sums(ledger: Ledger, m: Month) -> MonthSums:
    """A month's sums from the per-client rows (the rows behind each figure add up to these)."""
    added = removed = ZERO
    for pk in ledger.clients:
        plus, minus = ledger.flows(pk, m.day_before, m.as_of)
        added, removed = added + plus, removed + minus
    return MonthSums(
        mrr=sum((ledger.mrr_on(pk, m.as_of) for pk in ledger.clients), ZERO),
        added=added,
        removed=removed,
        kept=retention(ledger, m.as_of),
        active_mrr=sum((ledger.mrr_on(pk, m.as_of) for pk in active_on(ledger, m.as_of)), ZERO),
    )


def ledger_counts(ledger: Ledger, m: Month) -> MonthCounts:
    year_ago = m.as_of - YEAR
    return MonthCounts(
        churned=len(churned_in(ledger, m.first, m.as_of)),
        active_at_start=len(active_on(ledger, m.day_before)),
        active=len(active_on(ledger, m.as_of)),
        active_year_before=len(active_on(ledger, year_ago)),
        churned_in_year=len(churned_in(ledger, year_ago + DAY, m.as_of)),
    )


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


def figures_of(
    m: Month, sums: MonthSums, counts: MonthCounts, cost: dict[str, Decimal], nps: dict[str, tuple[int, int, int]]
) -> MonthFigures:
    """A month's figures from its sums and counts, its cost of hours and its NPS counts. Pure."""
    promoters, detractors, responses = nps.get(m.key, (0, 0, 0))
    spent = cost.get(m.key, ZERO)
    return MonthFigures(
        month=m,
        mrr=sums.mrr,
        added=sums.added,
        removed=sums.removed,
        nrr=sums.kept.nrr,
        grr=sums.kept.grr,
        churned=counts.churned,
        active_at_start=counts.active_at_start,
        logo_churn=metrics.logo_churn_rate(counts.churned, counts.active_at_start),
        clv=clv_of(sums.active_mrr, counts.active, counts.churned_in_year, counts.active_year_before),
        cost=spent,
        margin=sums.mrr - spent,
        nps=nps_score(promoters, detractors, responses),
        nps_responses=responses,
    )


def month_figures(
    ledger: Ledger, months: list[Month], cost: dict[str, Decimal], nps: dict[str, tuple[int, int, int]]
) -> list[MonthFigures]:
    """Each month's figures from the ledger, the month's cost of hours and its NPS counts. Pure."""
    return [figures_of(m, ledger_sums(ledger, m), ledger_counts(ledger, m), cost, nps) for m in months]


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
    """Hours × the logger's cost rate (else the blended rate), per month (one query): the months
    closed before this one from their monthly rollup (tasks.MonthlyHours), this month from its
    time entries (a month of rows, whatever the history)."""
    from tasks.models import MonthlyHours, TimeEntry

    this_month = month_first(today())
    rate = Coalesce(F("user__cost_rate"), Value(settings.BLENDED_COST_RATE), output_field=DecimalField())
    cost = ExpressionWrapper(F("hours") * rate, output_field=DecimalField(max_digits=14, decimal_places=2))
    closed = (
        MonthlyHours.objects.filter(client__in=clients, month__gte=months[0].first, month__lt=this_month)
        .values("month")
        .annotate(total=Sum(cost))
        .values_list("month", "total")
        .order_by()
    )
    start, end = days_bounds(max(months[0].first, this_month), months[-1].as_of)
    live = (
        TimeEntry.objects.filter(client__in=clients, started_at__gte=start, started_at__lt=end)
        .annotate(month=TruncMonth("started_at", tzinfo=agency_tz(), output_field=DateField()))
        .values("month")
        .annotate(total=Sum(cost))
        .values_list("month", "total")
        .order_by()
    )
    result: dict[str, Decimal] = {}
    for month, total in closed.union(live, all=True):
        key = _month_key(month)
        result[key] = result.get(key, ZERO) + (total or ZERO)
    return result


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
    """The screen's months (four queries, none of them per client in Python): the revenue events'
    sums, the clients' counts, the cost of hours and the NPS counts, each month's added up by the
    database. The figures equal `month_figures` of the ledger (the rows pages' way)."""
    months = last_months(on, n)
    sums, counts = event_sums(clients, months), client_counts(clients, months)
    cost, nps = cost_by_month(clients, months), nps_by_month(clients, months)
    return [figures_of(m, sums.get(m.key, NO_SUMS), counts[m.key], cost, nps) for m in months]


# --- the screen's sums and counts, by the database ------------------------------------------

_PLUS_SQL = "kind IN (" + ", ".join(f"'{kind}'" for kind in PLUS) + ")"
_CENTS_SQL = "CAST(ROUND(amount * 100) AS BIGINT)"  # whole cents: exact sums on SQLite too


def _int(value: str) -> str:
    """Whole cents stay integers: Postgres's SUM of a bigint is a numeric, whose arithmetic made the
    steps below a third slower."""
    return f"CAST({value} AS BIGINT)"


def _positive(value: str) -> str:
    return f"CASE WHEN {value} > 0 THEN {value} ELSE 0 END"


def _active_sql(day: str, before: bool = False) -> str:
    """1 when the client is active at the end of `day` (`ClientFacts.active_on`), or of the day before."""
    if before:
        return f"CASE WHEN started_on < {day} AND (churned_on IS NULL OR churned_on >= {day}) THEN 1 ELSE 0 END"
    return f"CASE WHEN started_on <= {day} AND (churned_on IS NULL OR churned_on > {day}) THEN 1 ELSE 0 END"


def _kept(active: str, balance: str) -> str:
    """1 when in NRR's cohort: active, with MRR above 0."""
    return f"CASE WHEN {active} = 1 AND {balance} > 0 THEN 1 ELSE 0 END"


def _lost(kept: str, balance: str, minus_then: str, minus_now: str) -> str:
    """A cohort client's contraction and churn since, never more than its MRR then."""
    since = f"({minus_now} - {minus_then})"
    return f"CASE WHEN {kept} <> 1 THEN 0 WHEN {since} < {balance} THEN {since} ELSE {balance} END"


# The screen's sums in one query, in time linear in the events and clients (the ledger's loop is
# months × clients). A client's figures change only with its events, its start and its churn:
# `changes`, one row each, in the order they apply (a day's start or churn before its events).
# `balances` runs each client's Σ signed events; `steps` is by how much each change moves the
# client's MRR (never below 0), its MRR if active, and its being in NRR's cohort (active, MRR above
# 0): the state after it less the state before it, so that a client's steps add up to its state on
# any day. A step counts from the first month whose as-of day (`on_as_of`; -1: before the first
# month) or whose day a year before (`on_year_before`) it falls on or before, and a month's figure
# is the sum of its steps and the earlier months'. NRR's MRR now and lost pair each client's state
# a year before the as-of day with its state on it: `paired` puts both kinds of steps on one line
# of months per client, `running` adds them up along it, and `moves` is by how much each changes
# the client's two terms. Portable SQL (CASE, not FILTER or GREATEST): the demo runs on SQLite.
_WAS = "(balance - plus + minus)"  # the balance before a change
EVENT_SUMS_SQL = f"""
WITH scoped (id, started_on, churned_on) AS ({{clients}}),
changes (client_id, day, late, seq, plus, minus, n_plus, n_minus, active, was_active) AS (
    SELECT e.client_id, e.occurred_on, 1, e.id, CASE WHEN {_PLUS_SQL} THEN {_CENTS_SQL} ELSE 0 END,
        CASE WHEN {_PLUS_SQL} THEN 0 ELSE {_CENTS_SQL} END, CASE WHEN {_PLUS_SQL} THEN 1 ELSE 0 END,
        CASE WHEN {_PLUS_SQL} THEN 0 ELSE 1 END, {_active_sql("occurred_on")}, {_active_sql("occurred_on")}
    FROM {RevenueEvent._meta.db_table} e JOIN scoped c ON c.id = e.client_id
    UNION ALL
    SELECT id, started_on, 0, 0, 0, 0, 0, 0, {_active_sql("started_on")}, {_active_sql("started_on", before=True)}
    FROM scoped
    UNION ALL
    SELECT id, churned_on, 0, 1, 0, 0, 0, 0, {_active_sql("churned_on")}, {_active_sql("churned_on", before=True)}
    FROM scoped WHERE churned_on IS NOT NULL
),
balances AS (
    SELECT client_id, day, plus, minus, n_plus, n_minus, active, was_active,
        {_int("SUM(plus - minus) OVER (PARTITION BY client_id ORDER BY day, late, seq ROWS UNBOUNDED PRECEDING)")}
            AS balance
    FROM changes
),
steps AS (
    SELECT client_id, plus, minus, n_plus, n_minus,
        {_positive("balance")} - {_positive(_WAS)} AS d_mrr,
        {_kept("active", "balance")} * balance - {_kept("was_active", _WAS)} * {_WAS} AS d_active_mrr,
        {_kept("active", "balance")} - {_kept("was_active", _WAS)} AS d_kept,
        {{on_as_of}} AS on_as_of, {{on_year_before}} AS on_year_before
    FROM balances
),
paired (client_id, i, balance, minus, kept, minus_now, mrr_now) AS (
    SELECT client_id, on_year_before, plus - minus, minus, d_kept, 0, 0
    FROM steps WHERE on_year_before IS NOT NULL AND (plus <> 0 OR minus <> 0 OR d_kept <> 0)
    UNION ALL
    SELECT client_id, CASE WHEN on_as_of < 0 THEN 0 ELSE on_as_of END, 0, 0, 0, minus, d_mrr
    FROM steps WHERE on_as_of IS NOT NULL AND (minus <> 0 OR d_mrr <> 0)
),
running AS (
    SELECT i, balance, minus, kept, minus_now, mrr_now, {_int("SUM(balance) OVER w")} AS balance_r,
        {_int("SUM(minus) OVER w")} AS minus_r, {_int("SUM(kept) OVER w")} AS kept_r,
        {_int("SUM(minus_now) OVER w")} AS minus_now_r, {_int("SUM(mrr_now) OVER w")} AS mrr_now_r
    FROM paired WINDOW w AS (PARTITION BY client_id ORDER BY i ROWS UNBOUNDED PRECEDING)
),
moves AS (
    SELECT i,
        CASE WHEN kept_r = 1 THEN mrr_now_r ELSE 0 END
            - CASE WHEN kept_r - kept = 1 THEN mrr_now_r - mrr_now ELSE 0 END AS d_mrr_now,
        {_lost("kept_r", "balance_r", "minus_r", "minus_now_r")}
            - {_lost("(kept_r - kept)", "(balance_r - balance)", "(minus_r - minus)", "(minus_now_r - minus_now)")}
            AS d_lost
    FROM running
)
SELECT 0, on_as_of, SUM(d_mrr), SUM(d_active_mrr), SUM(plus), SUM(minus), SUM(n_plus), SUM(n_minus)
FROM steps WHERE on_as_of IS NOT NULL GROUP BY on_as_of
UNION ALL
SELECT 1, on_year_before, SUM(d_active_mrr), SUM(d_kept), 0, 0, 0, 0
FROM steps WHERE on_year_before IS NOT NULL GROUP BY on_year_before
UNION ALL
SELECT 2, i, SUM(d_mrr_now), SUM(d_lost), 0, 0, 0, 0 FROM moves GROUP BY i
"""
AS_OF, YEAR_BEFORE, COHORT = 0, 1, 2  # the three kinds of rows it answers


def event_sums(clients: QuerySet[Client], months: list[Month]) -> dict[str, MonthSums]:
    """Each month's `ledger_sums`, added up by the database (one query). At 10,000 clients the
    ledger's per-client rows, month by month, took most of the screen's time."""
    try:
        scoped, params = clients.order_by().values("pk", "started_on", "churned_on").query.sql_with_params()
    except EmptyResultSet:  # a scope that can hold no client
        return {}
    as_of = [months[0].day_before] + [m.as_of for m in months]
    year_before = [m.as_of - YEAR for m in months]
    sql = EVENT_SUMS_SQL.format(clients=scoped, on_as_of=_bucket(len(as_of), -1), on_year_before=_bucket(len(months)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *as_of, *year_before])
        rows = {(kind, i): [int(v or 0) for v in values] for kind, i, *values in cursor.fetchall()}
    return _running_sums(rows, months)


def _bucket(n: int, first: int = 0) -> str:
    """The first of `n` increasing days (parameters) that `day` is on or before, numbered from `first`."""
    return "CASE " + " ".join(f"WHEN day <= %s THEN {first + i}" for i in range(n)) + " END"


def _running_sums(rows: dict[tuple[int, int], list[int]], months: list[Month]) -> dict[str, MonthSums]:
    """Each month's sums from the query's rows (cents): the running sums of its and the earlier
    months' steps; what was added and removed, its own."""
    mrr = active_mrr = n_plus = n_minus = then = kept = now = lost = 0
    result = {}
    for i in range(-1, len(months)):
        d_mrr, d_active, plus, minus, d_plus, d_minus = rows.get((AS_OF, i), [0] * 6)
        d_then, d_kept = rows.get((YEAR_BEFORE, i), [0, 0])[:2]
        d_now, d_lost = rows.get((COHORT, i), [0, 0])[:2]
        mrr, active_mrr, n_plus, n_minus = mrr + d_mrr, active_mrr + d_active, n_plus + d_plus, n_minus + d_minus
        then, kept, now, lost = then + d_then, kept + d_kept, now + d_now, lost + d_lost
        if i >= 0:
            result[months[i].key] = MonthSums(
                mrr=_money(mrr) if mrr else ZERO,
                added=_money(plus) if n_plus else ZERO,  # as the ledger's: 0 until an event counted
                removed=_money(minus) if n_minus else ZERO,
                kept=Retention(_money(then), _money(now), _money(lost), kept),
                active_mrr=_money(active_mrr) if active_mrr else ZERO,
            )
    return result


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _active(day: dt.date) -> Q:
    """Started by `day` and not churned by then (`ClientFacts.active_on`)."""
    return Q(started_on__lte=day) & (Q(churned_on__isnull=True) | Q(churned_on__gt=day))


def client_counts(clients: QuerySet[Client], months: list[Month]) -> dict[str, MonthCounts]:
    """Each month's `ledger_counts`, counted by the database (one query, five counts a month)."""
    counts = {}
    for i, m in enumerate(months):
        year_ago = m.as_of - YEAR
        counts |= {
            f"churned_{i}": Count("pk", filter=Q(churned_on__gte=m.first, churned_on__lte=m.as_of)),
            f"at_start_{i}": Count("pk", filter=_active(m.day_before)),
            f"active_{i}": Count("pk", filter=_active(m.as_of)),
            f"year_before_{i}": Count("pk", filter=_active(year_ago)),
            f"in_year_{i}": Count("pk", filter=Q(churned_on__gt=year_ago, churned_on__lte=m.as_of)),
        }
    row = clients.aggregate(**counts)
    names = ("churned", "at_start", "active", "year_before", "in_year")
    return {m.key: MonthCounts(*(row[f"{name}_{i}"] or 0 for name in names)) for i, m in enumerate(months)}
