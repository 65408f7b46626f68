"""The demo's contracts, renewals and upsells, drawn from each client's own revenue history.

Every client has yearly terms from its start: the past ones carry their outcome (renewed, or
renegotiated up or down when the MRR moved during the term, or churned for the churned clients,
linked to their churn event), the current one renews on the next anniversary, so renewal dates
are staggered over the year. A few renewals have passed with no outcome recorded yet. Won
upsells are the clients' expansions of the last year (each linked to its revenue event); others
are identified, proposed or lost. Clients in "value realised" or "renewing" get the day they
first realised value (time to value).
"""

import datetime as dt
from decimal import Decimal

from clients.models import Client, Contract, LifecycleStage, Opportunity, RevenueEvent
from godview.demo.base import ClientPlan, Context, bulk

NOTICE_DAYS = (30, 30, 60, 90)
UPSELLS = (
    "Add paid social to the search retainer",
    "Conversion-rate programme for the checkout",
    "Second market: the German site",
    "Monthly content package",
    "Marketing-automation set-up and retainer",
    "Quarterly creative refresh",
    "Analytics and attribution audit",
    "Email lifecycle flows",
)
ZERO = Decimal("0")
OPEN_AND_LOST = ("identified", "proposed", "identified", "proposed", "lost")


def anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def mrr_on(plan: ClientPlan, day: dt.date) -> Decimal:
    signed = (a if k in ("new", "expansion") else -a for k, a, on, _note in plan.revenue if on <= day)
    return max(ZERO, sum(signed, ZERO))


def contracts(ctx: Context, plan: ClientPlan, churn_events: dict[int, int]) -> list[Contract]:
    rng = ctx.rng("contracts", plan.index)
    notice, auto = rng.choice(NOTICE_DAYS), rng.random() < 0.3
    rows, years = [], 0
    end_of_record = plan.churned_on or ctx.today
    while True:
        start, renews = anniversary(plan.started_on, years), anniversary(plan.started_on, years + 1)
        if start > end_of_record:
            break
        committed = mrr_on(plan, start) or mrr_on(plan, start + dt.timedelta(days=31))
        contract = Contract(client=plan.client, starts_on=start, renews_on=renews, committed_mrr=committed,
                            notice_days=notice, auto_renew=auto, created_by=plan.am)  # fmt: skip
        if plan.churned_on and plan.churned_on <= renews:
            contract.outcome, contract.outcome_on, contract.outcome_mrr = "churned", plan.churned_on, ZERO
            contract.revenue_event_id = churn_events.get(plan.client.pk)
            contract.outcome_note = "Did not renew"
            rows.append(contract)
            break
        # A renewal recorded on (or a few days before) its date; the last two weeks' may still be pending.
        pending = renews <= ctx.today and (ctx.today - renews).days < 12 and rng.random() < 0.5
        if renews <= ctx.today and not pending:
            after = mrr_on(plan, renews)
            outcome = (
                "renegotiated_up" if after > committed else "renegotiated_down" if after < committed else "renewed"
            )
            contract.outcome, contract.outcome_on, contract.outcome_mrr = (
                outcome,
                renews - dt.timedelta(days=rng.randint(0, 9)),
                after,
            )
            contract.outcome_by = plan.am
        rows.append(contract)
        if renews > ctx.today or pending:
            break
        years += 1
    return rows


def opportunities(ctx: Context, plan: ClientPlan, expansions: list[tuple[int, dt.date, Decimal]]) -> list[Opportunity]:
    """Won: the last year's expansions; open and lost ones for a share of the active clients."""
    rng = ctx.rng("opportunities", plan.index)
    year_ago = ctx.today - dt.timedelta(days=365)
    rows = []
    for event_id, on, amount in expansions:
        if on < year_ago:
            continue
        identified = max(plan.started_on, on - dt.timedelta(days=rng.randint(20, 80)))
        rows.append(Opportunity(client=plan.client, title=rng.choice(UPSELLS), expected_mrr=amount, stage="won",
                                owner=plan.am, identified_on=identified, closed_on=on, revenue_event_id=event_id,
                                created_by=plan.am))  # fmt: skip
    if plan.churned_on or plan.index % 2:
        return rows
    stage = OPEN_AND_LOST[(plan.index // 2) % len(OPEN_AND_LOST)]  # every stage, whatever the size
    identified = max(plan.started_on, ctx.today - dt.timedelta(days=rng.randint(5, 120)))
    expected = Decimal(rng.choice((250, 400, 500, 750, 1000, 1500, 2000)))
    closed = min(ctx.today, identified + dt.timedelta(days=rng.randint(10, 60))) if stage == "lost" else None
    close_by = None if stage == "lost" else ctx.today + dt.timedelta(days=rng.randint(7, 90))
    rows.append(Opportunity(client=plan.client, title=rng.choice(UPSELLS), expected_mrr=expected, stage=stage,
                            owner=plan.am, identified_on=identified, expected_close_on=close_by, closed_on=closed,
                            created_by=plan.am))  # fmt: skip
    return rows


def value_realised_on(ctx: Context, plan: ClientPlan) -> dt.date | None:
    if plan.lifecycle not in (LifecycleStage.VALUE_REALISED, LifecycleStage.RENEWING):
        return None
    rng = ctx.rng("time-to-value", plan.index)
    return min(ctx.today - dt.timedelta(days=1), plan.started_on + dt.timedelta(days=rng.randint(55, 170)))


def build_revenue(ctx: Context, plans: list[ClientPlan]) -> int:
    """Contracts, opportunities and time to value for the planned clients; returns the contracts written."""
    ids = [p.client.pk for p in plans]
    churn_events = dict(RevenueEvent.objects.filter(client_id__in=ids, kind="churn").values_list("client_id", "pk"))
    expansions: dict[int, list] = {}
    for client_id, pk, on, amount in RevenueEvent.objects.filter(client_id__in=ids, kind="expansion").values_list(
        "client_id", "pk", "occurred_on", "amount"
    ):
        expansions.setdefault(client_id, []).append((pk, on, amount))
    written = bulk(Contract, [c for p in plans for c in contracts(ctx, p, churn_events)])
    bulk(Opportunity, [o for p in plans for o in opportunities(ctx, p, expansions.get(p.client.pk, []))])
    realised = []
    for plan in plans:
        if day := value_realised_on(ctx, plan):
            plan.client.value_realised_on = day
            realised.append(plan.client)
    Client.objects.bulk_update(realised, ["value_realised_on"], batch_size=1000)
    return len(written)
