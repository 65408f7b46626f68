"""The demo's capacity story (issue 16): people's weekly capacities, clients signed to start, and
churns from before the 18-month history so the churn analysis covers two years.

- Capacities are set from the hours the demo logged in the last four complete weeks, so the
  story holds at any size: the second pod (the first when there is one) runs short-handed, over
  the 85% limit now; podlead's pod sits near 80% and goes over when the clients signed to start
  arrive; the others have room (55-78%).
- Clients signed to start: three in podlead's pod within the next 90 days, one or none in each
  other pod; each has its new revenue event on its start date, the signing contact and a kickoff
  task.
- Earlier churns: a few clients who left 19-24 months ago, with their revenue, risk that fell to
  1-2 and a detractor before they went (no weekly history: that window is before the demo's).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from accounts.models import User
from clients.models import (
    ChurnReason,
    Client,
    Contact,
    Contract,
    LifecycleStage,
    NPSResponse,
    RevenueEvent,
    RiskAssessment,
    Tier,
)
from core.weeks import week_bounds
from godview.demo.base import Context, PodTeam, Team, at, bulk, money
from godview.demo.clients import CHURN_WEIGHTS, CLIENT_PREFIXES
from godview.demo.revenue import anniversary
from tasks.models import ExternalProject, Source, Task, TimeEntry

WEEKS = 4
# The demo's pod leads log no client hours (they lead): their capacity for client work is 0.
SIGNED_SUFFIXES = ("Bakery", "Cycles", "Orthodontics", "Biotech", "Studio", "Breweries", "Robotics", "Yachts")


def _pod_hours(ctx: Context) -> dict[int, Decimal]:
    first, _ = week_bounds(ctx.this_monday - dt.timedelta(weeks=WEEKS))
    last, _ = week_bounds(ctx.this_monday)
    rows = (
        TimeEntry.objects.filter(started_at__gte=first, started_at__lt=last, user__pod__isnull=False)
        .values("user__pod_id")
        .annotate(h=Sum("hours"))
    )
    return {r["user__pod_id"]: r["h"] / WEEKS for r in rows}


def build_capacities(ctx: Context, team: Team) -> None:
    """Each pod's capacity for a chosen utilisation, split evenly between its AMs and designer."""
    rng = ctx.rng("capacity")
    hours = _pod_hours(ctx)
    over = team.pods[1] if len(team.pods) > 1 else team.pods[0]
    changed = []
    for pod_team in team.pods:
        if pod_team is over:
            target = Decimal("0.95")
        elif pod_team is team.pods[0]:
            target = Decimal("0.80")
        else:
            target = Decimal(str(round(rng.uniform(0.55, 0.78), 2)))
        total = hours.get(pod_team.pod.pk, Decimal("0")) / target
        members = (*pod_team.ams, pod_team.designer)
        unit = total / len(members)
        for person in members:
            person.weekly_capacity = min(Decimal("40"), max(Decimal("8"), round(unit * 2) / Decimal(2)))
        pod_team.lead.weekly_capacity = Decimal("0")
        changed += [*members, pod_team.lead]
    User.objects.bulk_update(changed, ["weekly_capacity"])


SignedPlan = tuple[PodTeam, str, dt.date, Decimal]


def plan_signed(ctx: Context, team: Team) -> list[SignedPlan]:
    """Three clients signed to start in podlead's pod within 90 days, one or none in each other."""
    rng = ctx.rng("signed")
    plans = []
    for p, pod_team in enumerate(team.pods):
        starts = (18, 41, 67) if p == 0 else ((rng.randint(20, 85),) if rng.random() < 0.5 else ())
        for n, days in enumerate(starts):
            name = f"{rng.choice(CLIENT_PREFIXES)} {SIGNED_SUFFIXES[(p + n) % len(SIGNED_SUFFIXES)]} {p + 1}"
            plans.append((pod_team, name, ctx.today + dt.timedelta(days=days), money(rng.randrange(2500, 9000), 250)))
    return plans


def earlier_count(n_clients: int) -> int:
    return max(1, n_clients // 40)


def build_signed_clients(ctx: Context, plans: list[SignedPlan]) -> None:
    """The signed clients with what a signed client already has: its first term, its new revenue,
    the sales handoff and its kickoff tasks."""
    tier = Tier.objects.get(code="standard")
    clients = bulk(
        Client,
        [
            Client(
                name=name,
                tier=tier,
                account_manager=pod_team.ams[i % len(pod_team.ams)],
                mrr=mrr,
                lifecycle_stage=LifecycleStage.ONBOARDING,
                started_on=starts_on,
                expectation_agreement_signed_on=ctx.today - dt.timedelta(days=3),
                monthly_hours_budget=Decimal("16"),
            )
            for i, (pod_team, name, starts_on, mrr) in enumerate(plans)
        ],
    )
    signed_on = ctx.today - dt.timedelta(days=5)
    bulk(
        Contract,
        [
            Contract(
                client=c,
                starts_on=c.started_on,
                renews_on=anniversary(c.started_on, 1),
                committed_mrr=c.mrr,
                notice_days=30,
                created_by=c.account_manager,
            )
            for c in clients
        ],
    )
    bulk(
        RevenueEvent,
        [
            RevenueEvent(client=c, kind="new", amount=c.mrr, occurred_on=c.started_on, note="Retainer signed")
            for c in clients
        ],
    )
    bulk(
        Contact,
        [
            Contact(
                client=c,
                contacted_on=signed_on,
                channel=Contact.Channel.MEETING,
                who="Sales handoff",
                summary=f"Contract signed; kickoff booked for {c.started_on:%d %b}.",
                sentiment="positive",
                logged_by=c.account_manager,
                created_at=at(signed_on, 15),
            )
            for c in clients
        ],
    )
    _kickoff_tasks(ctx, clients)


def _kickoff_tasks(ctx: Context, clients: list[Client]) -> None:
    source = Source.objects.filter(kind=Source.Kind.ASANA).first()
    if source is None:
        return
    projects = bulk(
        ExternalProject,
        [
            ExternalProject(source=source, external_id=f"signed-{c.pk}", name=f"{c.name} · Onboarding", client=c)
            for c in clients
        ],
    )
    bulk(
        Task,
        [
            Task(
                source=source,
                external_id=f"signed-task-{c.pk}",
                project=project,
                client=c,
                name="Prepare the kickoff: proposal quick wins and expectation agreement",
                assignee=c.account_manager,
                assignee_email=c.account_manager.email,
                section="To do",
                created_at_source=ctx.now - dt.timedelta(days=4),
                due_on=c.started_on - dt.timedelta(days=2),
                modified_at=ctx.now - dt.timedelta(days=4),
                synced_at=ctx.now - dt.timedelta(hours=3),
            )
            for c, project in zip(clients, projects, strict=True)
        ],
    )


def build_earlier_churns(ctx: Context, team: Team, count: int) -> None:
    """A few churns 19-24 months ago, each with its reason, revenue, falling risk and a detractor."""
    rng = ctx.rng("earlier-churns")
    tier = Tier.objects.get(code="standard")
    ams = [am for t in team.pods for am in t.ams]
    rows = []
    for i in range(count):
        churned_on = ctx.today - dt.timedelta(days=rng.randint(19 * 30, 24 * 30))
        reason = rng.choices(list(CHURN_WEIGHTS), list(CHURN_WEIGHTS.values()))[0]
        rows.append(
            Client(
                name=f"{rng.choice(CLIENT_PREFIXES)} Heritage {i + 1}",
                tier=tier,
                account_manager=ams[rng.randrange(len(ams))],
                mrr=Decimal("0"),
                lifecycle_stage=LifecycleStage.CHURNED,
                started_on=churned_on - dt.timedelta(days=rng.randint(200, 900)),
                churned_on=churned_on,
                churn_reason=str(reason),
                monthly_hours_budget=Decimal("14"),
            )
        )
    clients = bulk(Client, rows)
    events, risks, nps = [], [], []
    for c in clients:
        mrr = money(rng.randrange(2500, 8000), 250)
        events += [
            RevenueEvent(client=c, kind="new", amount=mrr, occurred_on=c.started_on, note="Retainer signed"),
            RevenueEvent(
                client=c, kind="churn", amount=mrr, occurred_on=c.churned_on, note=ChurnReason(c.churn_reason).label
            ),
        ]
        for back, score in ((200, 3), (120, 3), (40, 2), (10, 1)):
            day = c.churned_on - dt.timedelta(days=back)
            if day > c.started_on:
                risks.append(
                    RiskAssessment(
                        client=c,
                        score=score,
                        communication_level=max(1, score - 1),
                        reasons=["budget_cut"] if score <= 2 else [],
                        note="Budget under review" if score <= 2 else "Steady",
                        assessed_by=c.account_manager,
                        assessed_at=at(day, 11),
                    )
                )
        nps.append(NPSResponse(client=c, score=rng.randint(2, 5), comment="Not worth the cost this year.",
                               responded_on=c.churned_on - dt.timedelta(days=30)))  # fmt: skip
    bulk(RevenueEvent, events)
    bulk(RiskAssessment, risks)
    bulk(NPSResponse, nps)
    _past_tasks(ctx, clients)


def _past_tasks(ctx: Context, clients: list[Client]) -> None:
    source = Source.objects.filter(kind=Source.Kind.CLICKUP).first()
    if source is None:
        return
    bulk(
        Task,
        [
            Task(
                source=source,
                external_id=f"earlier-task-{c.pk}",
                client=c,
                name="Handover of the account's assets",
                assignee=c.account_manager,
                assignee_email=c.account_manager.email,
                section="complete",
                created_at_source=at(c.churned_on - dt.timedelta(days=20)),
                due_on=c.churned_on - dt.timedelta(days=5),
                completed_at=at(c.churned_on - dt.timedelta(days=6), 16),
                modified_at=at(c.churned_on - dt.timedelta(days=6), 16),
                synced_at=ctx.now - dt.timedelta(hours=3),
            )
            for c in clients
        ],
    )
