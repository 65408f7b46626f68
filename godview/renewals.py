"""Renewals due and their forecast, the expansion pipeline, and the lifecycle funnel (DESIGN
"Revenue, renewals and capacity"). One query each; the arithmetic is pure and tested by hand.

- A renewal is **due** when its date falls in the window (30, 60 or 90 days from today); a
  contract whose date has passed with no outcome recorded is **past due** and shown apart.
- **Renewal forecast** = Σ committed MRR of due renewals × the renewal likelihood of the client's
  current risk score (admin: renewal likelihoods).
- **Renewal rate** (period) = contracts renewed (renewed or renegotiated) ÷ contracts whose date fell in it.
- **Expansion pipeline** = Σ expected MRR of open (identified or proposed) opportunities.
- **Time to value** = days from a client's start to its first "value realised" stage.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from clients.models import Client, Contract, LifecycleStage, Opportunity, RenewalLikelihood, RiskAssessment
from godview import metrics
from godview.revenue import median_days

ZERO = Decimal("0")
CENT = Decimal("0.01")
WINDOWS = (30, 60, 90)
FUNNEL = (LifecycleStage.ONBOARDING, LifecycleStage.ADOPTING, LifecycleStage.VALUE_REALISED, LifecycleStage.RENEWING)
ONBOARDING_ROWS = 25


@dataclass(frozen=True)
class Renewal:
    contract_id: int
    client_id: int
    client: str
    pod_id: int | None
    pod: str
    am: str
    renews_on: dt.date
    notice_days: int
    committed_mrr: Decimal
    risk: int | None
    likelihood: Decimal  # a fraction

    @property
    def expected(self) -> Decimal:
        return (self.committed_mrr * self.likelihood).quantize(CENT, ROUND_HALF_UP)

    def days_left(self, on: dt.date) -> int:
        return (self.renews_on - on).days


@dataclass(frozen=True)
class Bucket:
    """Due renewals summed: how many, their committed MRR, the forecast."""

    count: int
    committed: Decimal
    forecast: Decimal

    @property
    def share(self) -> float | None:
        return metrics.ratio(self.forecast, self.committed)


def bucket(renewals: list[Renewal]) -> Bucket:
    """Renewal forecast = Σ committed MRR × likelihood of the current risk score. Pure."""
    return Bucket(
        len(renewals),
        sum((r.committed_mrr for r in renewals), ZERO),
        sum((r.expected for r in renewals), ZERO),
    )


def renewals_due(
    clients: QuerySet[Client], on: dt.date, days: int = max(WINDOWS), likelihood: dict | None = None
) -> list[Renewal]:
    """Open contracts of active clients renewing by `on` + `days`, past due ones included, soonest
    first (two queries: the likelihoods, unless given, and the contracts with each client's current risk)."""
    likelihood = likelihood if likelihood is not None else RenewalLikelihood.table()
    risk = RiskAssessment.objects.filter(client=OuterRef("client")).order_by("-assessed_at", "-pk").values("score")[:1]
    rows = (
        Contract.objects.open()
        .filter(client__in=clients.active(), renews_on__lte=on + dt.timedelta(days=days))
        .annotate(risk=Subquery(risk))
        .order_by("renews_on", "pk")
        .values_list(
            "pk",
            "client_id",
            "client__name",
            "client__account_manager__pod_id",
            "client__account_manager__pod__name",
            "client__account_manager__username",
            "client__account_manager__first_name",
            "client__account_manager__last_name",
            "renews_on",
            "notice_days",
            "committed_mrr",
            "risk",
        )
    )
    result = []
    for pk, client_id, name, pod_id, pod, login, first, last, renews_on, notice, mrr, score in rows:
        am = f"{first} {last}".strip() or (login or "")
        result.append(
            Renewal(pk, client_id, name, pod_id, pod or "", am, renews_on, notice, mrr, score, likelihood[score])
        )
    return result


def split_due(renewals: list[Renewal], on: dt.date) -> tuple[list[Renewal], list[Renewal]]:
    """(due from today on, past due with no outcome)."""
    return [r for r in renewals if r.renews_on >= on], [r for r in renewals if r.renews_on < on]


def in_window(renewals: list[Renewal], on: dt.date, days: int) -> list[Renewal]:
    return [r for r in renewals if on <= r.renews_on <= on + dt.timedelta(days=days)]


def by_window(renewals: list[Renewal], on: dt.date) -> list[tuple[int, Bucket]]:
    return [(days, bucket(in_window(renewals, on, days))) for days in WINDOWS]


def by_pod(renewals: list[Renewal]) -> list[tuple[int | None, str, Bucket]]:
    groups: dict[tuple[int | None, str], list[Renewal]] = defaultdict(list)
    for r in renewals:
        groups[(r.pod_id, r.pod)].append(r)
    return sorted(
        ((pk, name, bucket(rows)) for (pk, name), rows in groups.items()), key=lambda g: (-g[2].committed, g[1])
    )


def by_risk(renewals: list[Renewal], likelihood: dict) -> list[tuple[int | None, Decimal, Bucket]]:
    order = [1, 2, 3, 4, None]
    return [(score, likelihood[score], bucket([r for r in renewals if r.risk == score])) for score in order]


def renewal_rate(clients: QuerySet[Client], first: dt.date, last: dt.date) -> tuple[int, int]:
    """(renewed, contracts whose renewal date fell in [first, last]) — one query."""
    row = Contract.objects.filter(client__in=clients, renews_on__gte=first, renews_on__lte=last).aggregate(
        total=Count("pk"),
        renewed=Count(
            "pk", filter=Q(outcome__in=[Contract.Outcome.RENEWED, Contract.Outcome.UP, Contract.Outcome.DOWN])
        ),
    )
    return row["renewed"], row["total"]


# --- the expansion pipeline -------------------------------------------------------------------


@dataclass(frozen=True)
class StageTotal:
    stage: str
    label: str
    count: int
    mrr: Decimal


def pipeline(opportunities: QuerySet[Opportunity], closed_since: dt.date) -> list[StageTotal]:
    """Count and Σ expected MRR per stage: every open one; won and lost closed since `closed_since` (one query)."""
    rows = {
        stage: (n, total)
        for stage, n, total in opportunities.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=closed_since))
        .values("stage")
        .annotate(n=Count("pk"), total=Sum("expected_mrr"))
        .values_list("stage", "n", "total")
    }
    return [StageTotal(s.value, str(s.label), *rows.get(s.value, (0, ZERO))) for s in Opportunity.Stage]


def open_pipeline(totals: list[StageTotal]) -> Decimal:
    """Expansion pipeline = Σ expected MRR of the open opportunities. Pure."""
    return sum((t.mrr or ZERO for t in totals if t.stage in Opportunity.OPEN_STAGES), ZERO)


def pipeline_of(opportunities: QuerySet[Opportunity]) -> dict:
    """A person's or pod's open pipeline: the opportunities and their sum (one query)."""
    rows = list(
        opportunities.filter(stage__in=Opportunity.OPEN_STAGES)
        .select_related("client", "owner")
        .order_by("expected_close_on", "-expected_mrr", "pk")[:50]
    )
    return {"opportunities": rows, "total": sum((o.expected_mrr for o in rows), ZERO)}


# --- the lifecycle ------------------------------------------------------------------------------


def funnel(clients: QuerySet[Client]) -> list[dict]:
    """Active clients per stage, with their MRR (one query)."""
    rows = {
        stage: (n, mrr)
        for stage, n, mrr in clients.active()
        .values("lifecycle_stage")
        .annotate(n=Count("pk"), mrr=Sum("mrr"))
        .values_list("lifecycle_stage", "n", "mrr")
    }
    return [
        {
            "stage": s.value,
            "label": s.label,
            "count": rows.get(s.value, (0, ZERO))[0],
            "mrr": rows.get(s.value, (0, ZERO))[1] or ZERO,
        }
        for s in FUNNEL
    ]


def time_to_value(clients: QuerySet[Client]) -> tuple[float | None, int]:
    """Median days from start to first "value realised", and how many clients reached it (one query)."""
    spans = list(clients.filter(value_realised_on__isnull=False).values_list("started_on", "value_realised_on"))
    return median_days(spans), len(spans)


def onboarding(clients: QuerySet[Client], limit: int = ONBOARDING_ROWS) -> list[Client]:
    """Onboarding clients with their kickoff plan's progress, the oldest start first (one query)."""
    return list(
        clients.filter(lifecycle_stage=LifecycleStage.ONBOARDING)
        .select_related("account_manager")
        .annotate(
            kickoff_total=Count("kickoff_items"),
            kickoff_done=Count("kickoff_items", filter=Q(kickoff_items__done_on__isnull=False)),
        )
        .order_by("started_on", "pk")[:limit]
    )
