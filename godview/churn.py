"""The churn analysis (DESIGN "Revenue, renewals and capacity", screen 9 `/churn/`): the clients
who churned in a period with their reason, lost MRR, tenure, AM, pod, last risk score and what
fired in the 90 days before the churn date; totals by reason, by pod and by month.

Readings of the definitions, where DESIGN leaves a choice:
- **Lost MRR** of a churned client = the sum of its churn revenue events (the MRR the churn took
  away, as recorded); a client churned without a churn event counts its MRR field instead.
- **Tenure** = whole calendar months from its start to its churn date.
- **Last risk score** = the latest assessment made on or before the churn date.
- **What fired**: each signal of the health lab's history (`SignalRun`) that fired on at least
  one of the 90 days before the churn date, with the number of those days it fired on.

Every total is one grouped query over the same annotated rows as the list, so the list filtered
by a reason, a pod or a month (start/end) is exactly the rows behind its total.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth

from clients.models import ChurnReason, Client, DailySnapshot, RevenueEvent, RiskAssessment
from core.weeks import month_first, next_month
from godview.models import SIGNAL_CHOICES, SignalRun

LOOKBACK_DAYS = 90
SIGNAL_LABELS = dict(SIGNAL_CHOICES)
REASON_LABELS = dict(ChurnReason.choices)
ZERO = Decimal("0")


@dataclass(frozen=True)
class Period:
    """Both days included."""

    start: dt.date
    end: dt.date


def month_end(day: dt.date) -> dt.date:
    return next_month(day) - dt.timedelta(days=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from start's to end's, both included."""
    months, month = [], month_first(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def default_period(on: dt.date) -> Period:
    """The last 12 calendar months, this one included (up to `on`)."""
    first = month_first(on)
    for _ in range(11):
        first = month_first(first - dt.timedelta(days=1))
    return Period(first, on)


def tenure_months(started_on: dt.date, churned_on: dt.date) -> int:
    """Whole calendar months from start to churn: 15 Jan → 14 Mar is 1, → 15 Mar is 2."""
    months = (churned_on.year - started_on.year) * 12 + churned_on.month - started_on.month
    return max(0, months - (churned_on.day < started_on.day))


# --- queries -------------------------------------------------------------------------------


def lost_mrr() -> Coalesce:
    churn_events = (
        RevenueEvent.objects.filter(client=OuterRef("pk"), kind=RevenueEvent.Kind.CHURN)
        .values("client")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(churn_events), F("mrr"), output_field=DecimalField(max_digits=12, decimal_places=2))


def last_risk_before_churn() -> Subquery:
    latest = RiskAssessment.objects.filter(client=OuterRef("pk"), assessed_at__date__lte=OuterRef("churned_on"))
    return Subquery(latest.order_by("-assessed_at", "-pk").values("score")[:1])


def churned(clients: QuerySet[Client], period: Period, *, pod: int | None = None, reason: str = "") -> QuerySet:
    """The churned clients of the period within `clients` (already in scope), newest churn first."""
    rows = clients.filter(churned_on__gte=period.start, churned_on__lte=period.end)
    if pod is not None:
        rows = rows.filter(account_manager__pod_id=pod)
    if reason:
        rows = rows.filter(churn_reason=reason)
    return rows.annotate(lost_mrr=lost_mrr())


def churn_list(rows: QuerySet) -> QuerySet:
    return (
        rows.annotate(last_risk_score=last_risk_before_churn())
        .select_related("account_manager", "account_manager__pod", "tier")
        .order_by("-churned_on", "name", "pk")
    )


def _grouped(rows: QuerySet, *keys) -> list[dict]:
    return list(
        rows.order_by().values(*keys).annotate(clients=Count("pk"), lost=Sum("lost_mrr", default=ZERO)).order_by(*keys)
    )


@dataclass
class Totals:
    clients: int = 0
    lost: Decimal = ZERO
    by_reason: list[dict] = field(default_factory=list)
    by_pod: list[dict] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)


def totals(rows: QuerySet, period: Period) -> Totals:
    """By reason (most lost MRR first), by pod, and by month (every month of the period, empty
    ones too): three grouped queries."""
    by_reason = sorted(_grouped(rows, "churn_reason"), key=lambda r: (-r["lost"], r["churn_reason"]))
    for row in by_reason:
        row["label"] = REASON_LABELS.get(row["churn_reason"], row["churn_reason"])
    by_pod = sorted(
        _grouped(rows, "account_manager__pod_id", "account_manager__pod__name"),
        key=lambda r: (-r["lost"], r["account_manager__pod__name"] or ""),
    )
    months = {r["month"]: r for r in _grouped(rows.annotate(month=TruncMonth("churned_on")), "month")}
    by_month = []
    for first in months_between(period.start, period.end):
        found = months.get(first, {"clients": 0, "lost": ZERO})
        by_month.append({"month": first, "clients": found["clients"], "lost": found["lost"]})
    return Totals(
        clients=sum(r["clients"] for r in by_reason),
        lost=sum((r["lost"] for r in by_reason), ZERO),
        by_reason=by_reason,
        by_pod=by_pod,
        by_month=by_month,
    )


# --- what fired before each churn ----------------------------------------------------------


@dataclass(frozen=True)
class Fired:
    signal: str
    days: int  # days it fired on among the 90 before the churn
    first_day: dt.date  # its first firing day in that window

    @property
    def label(self) -> str:
        return str(SIGNAL_LABELS.get(self.signal, self.signal))


def fired_before(
    runs: Iterable[tuple[int, str, dt.date, dt.date]], churn_dates: dict[int, dt.date]
) -> dict[int, list[Fired]]:
    """Per client, the signals that fired in the LOOKBACK_DAYS before its churn date (the churn
    day itself excluded), most days first. Pure."""
    days: dict[tuple[int, str], int] = defaultdict(int)
    first: dict[tuple[int, str], dt.date] = {}
    for client_id, signal, first_day, last_day in runs:
        churned_on = churn_dates.get(client_id)
        if churned_on is None:
            continue
        low, high = (
            max(first_day, churned_on - dt.timedelta(days=LOOKBACK_DAYS)),
            min(last_day, churned_on - dt.timedelta(days=1)),
        )
        if low > high:
            continue
        days[(client_id, signal)] += (high - low).days + 1
        first[(client_id, signal)] = min(first.get((client_id, signal), low), low)
    result: dict[int, list[Fired]] = defaultdict(list)
    for (client_id, signal), n in days.items():
        result[client_id].append(Fired(signal, n, first[(client_id, signal)]))
    for fired in result.values():
        fired.sort(key=lambda f: (-f.days, f.signal))
    return dict(result)


def signals_before(clients: list) -> dict[int, list[Fired]]:
    """What fired before the churn of each of `clients` (a page of the list): one query."""
    dates = {c.pk: c.churned_on for c in clients}
    if not dates:
        return {}
    earliest = min(dates.values()) - dt.timedelta(days=LOOKBACK_DAYS)
    runs = SignalRun.objects.filter(client_id__in=dates, last_day__gte=earliest, first_day__lt=max(dates.values()))
    return fired_before(runs.values_list("client_id", "signal", "first_day", "last_day"), dates)


def history_starts() -> dt.date | None:
    """The first day of the nightly figures (the signal history reaches no further back): one
    index lookup. A churn on or before it has no history to show, which is not "nothing fired"."""
    return DailySnapshot.objects.order_by("date").values_list("date", flat=True).first()
