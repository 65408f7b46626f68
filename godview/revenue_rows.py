"""The rows behind each figure of the revenue screen: every number there links here, and each
table recomputes its figure from the per-client ledger, whose sums the screen's figures, added up
by the database, equal (test_revenue_sums holds the two to each other).

A `Rows` is a title, the figure recomputed, column names and rows whose first cell is the client
(id, name). Builders take the scoped clients and a month (or a window / stage).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clients.models import Client, NPSResponse, Opportunity, RevenueEvent
from core.numbers import percent_text
from core.weeks import days_bounds
from godview import renewals as rn
from godview import revenue as rv
from godview.selectors import hours_and_cost

ZERO = Decimal("0")
FIGURES = ("mrr", "events", "nrr", "grr", "churn", "clv", "margin", "nps", "renewals", "pipeline", "funnel")
PLACE = ("client", "am", "pod")  # the first three columns of every figure's rows
# Each figure's sortable columns, one per column of its rows (None: not sortable; "-": most first
# is natural), and the column its rows come in ("": their own order, churned clients first).
SORTS: dict[str, tuple[tuple[str | None, ...], str]] = {
    "mrr": ((*PLACE, "-mrr", "-added", "-removed"), "client"),
    "events": ((*PLACE, "date", "kind", "-amount", None), "date"),
    "nrr": ((*PLACE, "-then", "-now", "-lost"), "client"),
    "grr": ((*PLACE, "-then", "-now", "-lost"), "client"),
    "churn": ((*PLACE, "churned", "reason", None), ""),
    "clv": ((*PLACE, "-mrr"), "client"),
    "margin": ((*PLACE, "-mrr", "-hours", "-cost", "-profit"), "client"),
    "nps": ((*PLACE, "date", "-score", "respondent", None), "date"),
    "renewals": ((*PLACE, "renewal", "-notice", "risk", "-committed", None, "-forecast"), "renewal"),
    "pipeline": ((*PLACE, "upsell", "owner", "-expected", "identified", "close", "closed"), "expected"),
    "funnel": ((*PLACE, "since", "-mrr", "value", "days"), "since"),
}


def _am() -> str:
    """The column header "AM": with its context, not Django's "AM" (the time of day)."""
    return pgettext("account manager", "AM")


@dataclass
class Rows:
    title: str
    summary: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # first cell: (client id, name)


def _names(clients: QuerySet[Client], ids) -> dict[int, tuple[str, str, str]]:
    """client id → (name, AM, pod) for the rows shown (one query)."""
    return {
        pk: (name, f"{first} {last}".strip() or (login or ""), pod or "")
        for pk, name, first, last, login, pod in clients.filter(pk__in=list(ids)).values_list(
            "pk",
            "name",
            "account_manager__first_name",
            "account_manager__last_name",
            "account_manager__username",
            "account_manager__pod__name",
        )
    }


def _client_rows(clients, values: dict[int, list]) -> list[list]:
    names = _names(clients, values)
    rows = [[(pk, names[pk][0]), names[pk][1], names[pk][2], *cells] for pk, cells in values.items() if pk in names]
    return sorted(rows, key=lambda r: r[0][1].lower())


def mrr_rows(clients, month: rv.Month) -> Rows:
    ledger = rv.load_ledger(clients)
    values = {}
    for pk in ledger.clients:
        mrr = ledger.mrr_on(pk, month.as_of)
        plus, minus = ledger.flows(pk, month.day_before, month.as_of)
        if mrr or plus or minus:
            values[pk] = [mrr, plus, minus]
    total = sum((v[0] for v in values.values()), ZERO)
    return Rows(
        _("MRR at the end of %(month)s") % {"month": month.key},
        _("MRR %(total)s: the sum of the clients' MRR from their revenue events up to %(day)s.")
        % {"total": total, "day": month.as_of},
        [_("Client"), _am(), _("Pod"), _("MRR"), _("Added in the month"), _("Removed in the month")],
        _client_rows(clients, values),
    )


def event_rows(clients, month: rv.Month) -> Rows:
    events = list(
        RevenueEvent.objects.filter(client__in=clients, occurred_on__gte=month.first, occurred_on__lte=month.as_of)
        .order_by("occurred_on", "pk")
        .values_list("client_id", "occurred_on", "kind", "amount", "note")
    )
    names = _names(clients, {e[0] for e in events})
    kinds = dict(RevenueEvent.Kind.choices)
    rows = [
        [(pk, names[pk][0]), names[pk][1], names[pk][2], on, str(kinds[kind]), amount, note]
        for pk, on, kind, amount, note in events
    ]
    return Rows(
        _("Revenue events in %(month)s") % {"month": month.key},
        _("%(n)s events.") % {"n": len(rows)},
        [_("Client"), _am(), _("Pod"), _("Date"), _("Kind"), _("Amount"), _("Note")],
        rows,
    )


def retention_rows(clients, month: rv.Month, gross: bool) -> Rows:
    ledger = rv.load_ledger(clients)
    cohort = rv.cohort(ledger, month.as_of)
    kept = rv.retention(ledger, month.as_of)
    figure = kept.grr if gross else kept.nrr
    then = month.as_of - rv.YEAR
    return Rows(
        (_("GRR") if gross else _("NRR")) + f" · {month.key}",
        _(
            "%(figure)s: the %(n)s clients active on %(then)s had MRR %(before)s then; now %(after)s "
            "(NRR), of which %(lost)s lost to contraction and churn (GRR leaves expansion out)."
        )
        % {"figure": percent_text(figure), "n": kept.clients, "then": then, "before": kept.mrr_then,
           "after": kept.mrr_now, "lost": kept.lost},
        [_("Client"), _am(), _("Pod"), _("MRR 12 months before"), _("MRR now"), _("Lost (contraction, churn)")],
        _client_rows(clients, {pk: [start, now, lost] for pk, start, now, lost in cohort}),
    )  # fmt: skip


def churn_rows(clients, month: rv.Month) -> Rows:
    ledger = rv.load_ledger(clients)
    active = rv.active_on(ledger, month.day_before)
    churned = set(rv.churned_in(ledger, month.first, month.as_of))
    reasons = dict(clients.filter(pk__in=churned).values_list("pk", "churn_reason"))
    values = {
        pk: [
            ledger.clients[pk].churned_on if pk in churned else None,
            reasons.get(pk, ""),
            _("churned") if pk in churned else _("stayed"),
        ]
        for pk in active
    }
    return Rows(
        _("Logo churn · %(month)s") % {"month": month.key},
        _("%(rate)s: %(churned)s of the %(active)s clients active on %(day)s churned in the month.")
        % {"rate": percent_text(rv.metrics.logo_churn_rate(len(churned), len(active))), "churned": len(churned),
           "active": len(active), "day": month.day_before},
        [_("Client"), _am(), _("Pod"), _("Churn date"), _("Churn reason"), _("In the month")],
        sorted(_client_rows(clients, values), key=lambda r: r[3] is None),
    )  # fmt: skip


def clv_rows(clients, month: rv.Month) -> Rows:
    ledger = rv.load_ledger(clients)
    active = rv.active_on(ledger, month.as_of)
    values = {pk: [ledger.mrr_on(pk, month.as_of)] for pk in active}
    average = sum((v[0] for v in values.values()), ZERO) / len(values) if values else None
    rate = rv.monthly_churn_rate(ledger, month.as_of)
    return Rows(
        _("CLV · %(month)s") % {"month": month.key},
        _(
            "CLV %(clv)s = average MRR %(avg)s of the %(n)s active clients × gross margin %(margin)s ÷ monthly "
            "logo churn %(rate)s (the 12 months' churn ÷ 12, never below %(floor)s)."
        )
        % {"clv": rv.clv_on(ledger, month.as_of), "avg": average and average.quantize(Decimal("0.01")),
           "n": len(values), "margin": settings.GROSS_MARGIN, "rate": f"{(rate or 0) * 100:.2f}%",
           "floor": f"{settings.CHURN_RATE_FLOOR * 100:.2f}%"},
        [_("Client"), _am(), _("Pod"), _("MRR")],
        _client_rows(clients, values),
    )  # fmt: skip


def margin_rows(clients, month: rv.Month) -> Rows:
    ledger = rv.load_ledger(clients)
    start, end = days_bounds(month.first, month.as_of)
    hours = hours_and_cost(clients, start, end)
    values = {}
    for pk in ledger.clients:
        mrr = ledger.mrr_on(pk, month.as_of)
        spent = hours.get(pk) or {"hours": ZERO, "cost": ZERO}
        if mrr or spent["hours"]:
            values[pk] = [mrr, spent["hours"], spent["cost"], mrr - spent["cost"]]
    total = sum((v[3] for v in values.values()), ZERO)
    return Rows(
        _("Margin · %(month)s") % {"month": month.key},
        _("%(total)s: Σ client profitability = MRR − hours × the cost rate of the people who logged them.")
        % {"total": total},
        [_("Client"), _am(), _("Pod"), _("MRR"), _("Hours"), _("Cost"), _("Profitability")],
        _client_rows(clients, values),
    )


def nps_rows(clients, month: rv.Month) -> Rows:
    responses = list(
        NPSResponse.objects.filter(client__in=clients, responded_on__gte=month.first, responded_on__lte=month.as_of)
        .order_by("responded_on", "pk")
        .values_list("client_id", "responded_on", "score", "respondent", "comment")
    )
    names = _names(clients, {r[0] for r in responses})
    promoters = sum(1 for r in responses if r[2] >= 9)
    detractors = sum(1 for r in responses if r[2] <= 6)
    score = rv.nps_score(promoters, detractors, len(responses))
    return Rows(
        _("NPS · %(month)s") % {"month": month.key},
        _("NPS %(score)s = %(p)s promoters − %(d)s detractors, of %(n)s responses, in points.")
        % {"score": "—" if score is None else round(score), "p": promoters, "d": detractors, "n": len(responses)},
        [_("Client"), _am(), _("Pod"), _("Date"), _("Score"), _("Respondent"), _("Comment")],
        [[(pk, names[pk][0]), names[pk][1], names[pk][2], on, s, who, text] for pk, on, s, who, text in responses],
    )


def renewal_rows(clients, on: dt.date, days: int, pod: int | None, risk: str) -> Rows:
    due = rn.renewals_due(clients, on, days)
    due = rn.in_window(due, on, days) if days >= 0 else rn.split_due(due, on)[1]
    if pod is not None:
        due = [r for r in due if r.pod_id == pod]
    if risk:
        due = [r for r in due if str(r.risk or "none") == risk]
    total = rn.bucket(due)
    title = _("Renewals due in %(days)s days") % {"days": days} if days >= 0 else _("Renewals past due")
    return Rows(
        title,
        _("%(n)s contracts, committed MRR %(committed)s, forecast %(forecast)s (× the likelihood of each risk score).")
        % {"n": total.count, "committed": total.committed, "forecast": total.forecast},
        [_("Client"), _am(), _("Pod"), _("Renewal date"), _("Notice (days)"), _("Risk score"), _("Committed MRR"),
         _("Likelihood"), _("Forecast")],
        [[(r.client_id, r.client), r.am, r.pod, r.renews_on, r.notice_days, r.risk or _("not assessed"),
          r.committed_mrr, percent_text(r.likelihood), r.expected] for r in due],
    )  # fmt: skip


def pipeline_rows(clients, stage: str, closed_since: dt.date) -> Rows:
    opportunities = Opportunity.objects.filter(client__in=clients, stage=stage)
    if stage not in Opportunity.OPEN_STAGES:
        opportunities = opportunities.filter(closed_on__gte=closed_since)
    rows = list(opportunities.select_related("client__account_manager__pod", "owner").order_by("-expected_mrr", "pk"))
    total = sum((o.expected_mrr for o in rows), ZERO)
    label = Opportunity.Stage(stage).label
    return Rows(
        _("Opportunities · %(stage)s") % {"stage": label},
        _("%(n)s opportunities, expected MRR %(total)s.") % {"n": len(rows), "total": total},
        [_("Client"), _am(), _("Pod"), _("Upsell"), _("Owner"), _("Expected MRR"), _("Identified"),
         _("Expected close"), _("Closed")],
        [[(o.client_id, o.client.name), str(o.client.account_manager or ""),
          str(getattr(o.client.account_manager, "pod", None) or ""), o.title, str(o.owner), o.expected_mrr,
          o.identified_on, o.expected_close_on, o.closed_on] for o in rows],
    )  # fmt: skip


def funnel_rows(clients, stage: str, on: dt.date) -> Rows:
    rows = list(
        clients.active()
        .filter(lifecycle_stage=stage)
        .select_related("account_manager__pod")
        .order_by("started_on", "pk")
        .values_list(
            "pk", "name", "account_manager__username", "account_manager__pod__name", "started_on", "mrr",
            "value_realised_on",
        )
    )  # fmt: skip
    return Rows(
        _("Active clients · %(stage)s") % {"stage": dict(rn.LifecycleStage.choices)[stage]},
        _("%(n)s clients.") % {"n": len(rows)},
        [_("Client"), _am(), _("Pod"), _("Client since"), _("MRR"), _("Value realised on"), _("Days to value")],
        [[(pk, name), am or "", pod or "", start, mrr, value, (value - start).days if value else None]
         for pk, name, am, pod, start, mrr, value in rows],
    )  # fmt: skip
