"""The revolving door (issue 20, item 8): per month, the clients who started against the clients
who churned, and the MRR added (new and expansion revenue events) against the MRR lost
(contraction and churn events). Three grouped queries, whatever the number of months.

A self-contained region: `door_context(clients, period, query)` is everything the partial
`godview/partials/revolving_door.html` reads, so any screen (the God-view, /churn/, /revenue/)
includes it the same way, lazily, through `revolving_door` in godview/churn_views.py.
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse

from clients.models import Client, RevenueEvent
from godview import charts
from godview.churn import Period, month_end, months_between

ZERO = Decimal("0")
ADDED = (RevenueEvent.Kind.NEW, RevenueEvent.Kind.EXPANSION)
LOST = (RevenueEvent.Kind.CONTRACTION, RevenueEvent.Kind.CHURN)
# The rows behind each figure: kind → what the rows page lists.
KINDS = ("new", "lost", "mrr_added", "mrr_lost")


@dataclass
class DoorMonth:
    month: object
    new: int = 0
    lost: int = 0
    mrr_added: Decimal = ZERO
    mrr_lost: Decimal = ZERO

    @property
    def net_clients(self) -> int:
        return self.new - self.lost

    @property
    def net_mrr(self) -> Decimal:
        return self.mrr_added - self.mrr_lost


def _by_month(rows: QuerySet, field: str) -> dict:
    grouped = rows.annotate(month=TruncMonth(field)).values("month").annotate(n=Count("pk")).order_by()
    return {r["month"]: r["n"] for r in grouped}


def door_months(clients: QuerySet[Client], period: Period) -> list[DoorMonth]:
    """Every month of the period, empty ones too."""
    span = {"gte": period.start, "lte": period.end}
    started = _by_month(clients.filter(started_on__gte=span["gte"], started_on__lte=span["lte"]), "started_on")
    churned = _by_month(clients.filter(churned_on__gte=span["gte"], churned_on__lte=span["lte"]), "churned_on")
    events = (
        RevenueEvent.objects.filter(client__in=clients, occurred_on__gte=span["gte"], occurred_on__lte=span["lte"])
        .annotate(month=TruncMonth("occurred_on"))
        .values("month", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    money: dict = {}
    for row in events:
        added, lost = money.setdefault(row["month"], [ZERO, ZERO])
        if row["kind"] in ADDED:
            money[row["month"]][0] = added + row["total"]
        elif row["kind"] in LOST:
            money[row["month"]][1] = lost + row["total"]
    return [
        DoorMonth(m, started.get(m, 0), churned.get(m, 0), *money.get(m, [ZERO, ZERO]))
        for m in months_between(period.start, period.end)
    ]


def rows_link(kind: str, first, last, query: dict) -> str:
    return f"{reverse('revolving_door_rows')}?{urlencode({**query, 'kind': kind, 'start': first, 'end': last})}"


def door_context(clients: QuerySet[Client], period: Period, query: dict) -> dict:
    """What the partial shows: the months with a link per figure, the totals and the charts.
    `query` is the scope (pod, tier, am) the links carry."""
    months = door_months(clients, period)
    rows = []
    for m in months:
        last = min(month_end(m.month), period.end)
        first = max(m.month, period.start)
        rows.append({"m": m, "links": {kind: rows_link(kind, first, last, query) for kind in KINDS}})
    clients_fig, mrr_fig = charts.revolving_door(
        [(m.month, m.new, m.lost, m.mrr_added, m.mrr_lost) for m in months],
        {kind: [row["links"][kind] for row in rows] for kind in KINDS},
    )
    total = DoorMonth(None)
    for m in months:
        total.new, total.lost = total.new + m.new, total.lost + m.lost
        total.mrr_added, total.mrr_lost = total.mrr_added + m.mrr_added, total.mrr_lost + m.mrr_lost
    return {
        "door_period": period,
        "door_rows": rows,
        "door_total": total,
        "door_total_links": {kind: rows_link(kind, period.start, period.end, query) for kind in KINDS},
        "door_clients_fig": clients_fig,
        "door_mrr_fig": mrr_fig,
        "door_query": urlencode({**query, "start": period.start, "end": period.end}),
    }


def door_rows(clients: QuerySet[Client], kind: str, period: Period) -> QuerySet:
    """The rows behind one figure: clients started or churned, or the revenue events."""
    if kind == "new":
        return (
            clients.filter(started_on__gte=period.start, started_on__lte=period.end)
            .select_related("account_manager", "account_manager__pod")
            .order_by("started_on", "name", "pk")
        )
    if kind == "lost":
        return (
            clients.filter(churned_on__gte=period.start, churned_on__lte=period.end)
            .select_related("account_manager", "account_manager__pod")
            .order_by("churned_on", "name", "pk")
        )
    kinds = ADDED if kind == "mrr_added" else LOST
    return (
        RevenueEvent.objects.filter(
            client__in=clients, kind__in=kinds, occurred_on__gte=period.start, occurred_on__lte=period.end
        )
        .select_related("client")
        .order_by("occurred_on", "client__name", "pk")
    )
