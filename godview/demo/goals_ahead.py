"""The demo's share of the agency's playbook (issue 20): next week's goals already planned for
most clients (so /next-week/ has its lists and its gaps), this week's and next week's goals
linked to the synced task where their work lives, and leadership's KPI targets with a north star.
Deterministic: each client's choices come from its own stream."""

import datetime as dt
from decimal import Decimal

from clients.models import WeeklyGoal
from core.weeks import week_deadline
from godview.demo.base import ClientPlan, Context, at
from godview.demo.goals import goal_title
from godview.models import KpiTarget
from godview.targets import forget_targets
from tasks.models import GoalTask, Task

PLANNED_AHEAD = 0.6  # the share of active clients whose AM has planned next week already
LINKED = 0.6  # the share of this week's and next week's goals linked to a task
# kpi, target (percent as percent), north star
TARGETS = (
    ("goal_hit_rate", Decimal("85"), True),
    ("nrr", Decimal("105"), False),
    ("on_time", Decimal("90"), False),
    ("churn", Decimal("2"), False),
    ("objectives", Decimal("80"), False),
    ("goals_tied", Decimal("75"), False),
    ("stale", Decimal("0"), False),
)


def next_week_goals(ctx: Context, plan: ClientPlan) -> list[WeeklyGoal]:
    """One or two goals for next week, planned on Friday or today, for most active clients."""
    rng = ctx.rng("next-week", plan.index)
    if plan.churned_on or rng.random() > PLANNED_AHEAD:
        return []
    monday = ctx.this_monday + dt.timedelta(weeks=1)
    live = [o for o in plan.objectives if o.start_date <= monday <= o.due_date]
    return [
        WeeklyGoal(
            client=plan.client,
            owner=plan.am,
            objective=rng.choice(live) if live and rng.random() < 0.75 else None,
            title=goal_title(rng, plan),
            week_start=monday,
            deadline=week_deadline(monday),
            created_by=plan.am,
            created_at=min(ctx.now, at(ctx.this_monday - dt.timedelta(days=3), rng.randint(14, 17))),
        )
        for _ in range(rng.randint(1, 2))
    ]


def link_goals_to_tasks(ctx: Context) -> int:
    """Link this week's and next week's open goals to one of their client's open tasks (two reads)."""
    weeks = [ctx.this_monday, ctx.this_monday + dt.timedelta(weeks=1)]
    goals = list(
        WeeklyGoal.objects.filter(week_start__in=weeks, status__in=["open", "done"])
        .select_related("client")
        .order_by("client__name", "week_start", "pk")
    )
    tasks: dict[int, list[int]] = {}
    for task_id, client_id in (
        Task.objects.filter(
            client_id__in={g.client_id for g in goals},
            completed_at__isnull=True,
            deleted_at__isnull=True,
            parent__isnull=True,
            due_on__gte=ctx.this_monday,
        )
        .order_by("client_id", "due_on", "pk")
        .values_list("pk", "client_id")
    ):
        tasks.setdefault(client_id, []).append(task_id)
    links = []
    for goal in goals:
        rng = ctx.rng("goal-task", goal.client.name, goal.week_start, goal.title)
        free = tasks.get(goal.client_id, [])
        if free and rng.random() < LINKED:
            links.append(GoalTask(goal=goal, task_id=free.pop(0), linked_by=goal.owner, linked_at=goal.created_at))
    GoalTask.objects.bulk_create(links)
    return len(links)


def set_targets() -> None:
    for kpi, target, star in TARGETS:
        KpiTarget.objects.update_or_create(kpi=kpi, defaults={"target": target, "north_star": star})
    forget_targets()
