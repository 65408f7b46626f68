"""What the demo plans and tries for each client: objectives, weekly goals and their postponements,
tactics and experiments."""

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from clients.models import Experiment, Objective, Outcome, Postponement, Tactic, WeeklyGoal
from clients.scoring import objective_pace
from core.weeks import quarter_of, quarter_start, week_deadline
from godview.demo.base import TOPICS, ZERO, ClientPlan, Context, at

# --- objectives ----------------------------------------------------------------------------

OBJECTIVE_KINDS = (
    # title, metric, baseline range, target multiplier range, decimals
    ("Grow organic traffic", "Organic sessions / month", (4000, 60000), (1.15, 1.4), 0),
    ("More qualified leads", "Qualified leads / month", (20, 300), (1.2, 1.6), 0),
    ("Lift checkout conversion", "Conversion rate (%)", (0.8, 4.0), (1.1, 1.35), 2),
    ("Cut cost per acquisition", "Cost per acquisition (USD)", (40, 220), (0.7, 0.9), 2),
    ("Grow email-driven revenue", "Email revenue share (%)", (5, 25), (1.15, 1.5), 1),
    ("Improve paid-search ROAS", "ROAS", (1.5, 5.0), (1.1, 1.4), 2),
    ("Book more demos", "Demos booked / month", (5, 80), (1.2, 1.6), 0),
    ("Grow social engagement", "Engagement rate (%)", (1.0, 6.0), (1.15, 1.5), 2),
)


def objectives(ctx: Context, plan: ClientPlan) -> list[Objective]:
    """A proposal set at the start, then one set per quarter while the client is active."""
    rng = ctx.rng("objectives", plan.index)
    kinds = rng.sample(OBJECTIVE_KINDS, 3)
    values = {k[0]: rng.uniform(*k[2]) for k in kinds}
    rows = [
        objective(ctx, rng, plan, kind, values, plan.started_on, plan.started_on + dt.timedelta(days=90), "proposal")
        for kind in kinds[: rng.randint(2, 3)]
    ]
    year, quarter = quarter_of(max(plan.started_on + dt.timedelta(days=60), ctx.window_start))
    year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    while quarter_start(year, quarter) <= min(ctx.today, plan.end - dt.timedelta(days=20)):
        start = quarter_start(year, quarter)
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
        due = quarter_start(year, quarter) - dt.timedelta(days=1)
        for kind in rng.sample(kinds, rng.randint(1, 3)):
            rows.append(objective(ctx, rng, plan, kind, values, start, due, "quarter"))
    return rows


def objective(
    ctx: Context,
    rng: random.Random,
    plan: ClientPlan,
    kind: tuple,
    values: dict[str, float],
    start: dt.date,
    due: dt.date,
    origin: str,
) -> Objective:
    title, metric, _range, (low, high), decimals = kind
    step = Decimal(1).scaleb(-decimals)
    baseline = Decimal(str(values[title])).quantize(step)
    target = (baseline * Decimal(str(rng.uniform(low, high)))).quantize(step)
    if target == baseline:
        target += step if high > 1 else -step
    h = plan.health(min(due, ctx.today))
    if due < ctx.today or (plan.churned_on and due >= plan.churned_on):
        reached = rng.random() < 0.15 + 0.7 * h and not (plan.churned_on and due >= plan.churned_on)
        progress = rng.uniform(1.0, 1.25) if reached else rng.uniform(0.1, 0.85)
    else:
        elapsed = (ctx.today - start).days / max(1, (due - start).days)
        # Most run at or ahead of pace; some fall behind, more often on struggling accounts.
        lagging = rng.random() < 0.12 + 0.5 * (1 - h)
        progress = elapsed * (rng.uniform(0.15, 0.5) if lagging else rng.uniform(0.85, 1.3))
    current = (baseline + (target - baseline) * Decimal(str(progress))).quantize(step)
    values[title] = float(current) if current > 0 else values[title]
    return Objective(
        client=plan.client,
        title=f"{title} to {target} {metric_unit(metric)}".strip(),
        metric=metric,
        baseline=baseline,
        target=target,
        current_value=current,
        start_date=start,
        due_date=due,
        status=objective_status(ctx, baseline, target, current, start, due, plan),
        origin=origin,
        created_by=plan.am,
        created_at=at(start, 10),
    )


def metric_unit(metric: str) -> str:
    return "" if "(" in metric else metric.split(" / ")[0].lower()


def objective_status(
    ctx: Context,
    baseline: Decimal,
    target: Decimal,
    current: Decimal,
    start: dt.date,
    due: dt.date,
    plan: ClientPlan,
) -> str:
    finished = due < ctx.today or (plan.churned_on is not None and due >= plan.churned_on)
    reached = (current - baseline) / (target - baseline) >= 1
    if finished:
        return Objective.Status.ACHIEVED if reached else Objective.Status.MISSED
    pace = objective_pace(baseline=baseline, target=target, current=current, start=start, due=due, on=ctx.today)
    return Objective.Status.BEHIND if pace.behind else Objective.Status.ON_TRACK


# --- weekly goals --------------------------------------------------------------------------

GOAL_TEMPLATES = {
    "seo": (
        "Publish optimised copy for the {topic} page",
        "Fix crawl errors from the {topic} audit",
        "Build internal links to the {topic} hub",
        "Ship title and meta rewrites for {topic} pages",
        "Pitch three guest posts on {topic}",
    ),
    "ppc": (
        "Restructure the {topic} campaign by intent",
        "Launch responsive search ads for {topic}",
        "Cut wasted spend on {topic} search terms",
        "Set up conversion value rules for {topic}",
    ),
    "content": (
        "Publish the {topic} guide",
        "Draft two blog posts on {topic}",
        "Record the {topic} customer story",
        "Refresh the {topic} comparison page",
    ),
    "cro": (
        "Launch the {topic} landing-page test",
        "Ship the simplified {topic} form",
        "Analyse heatmaps for the {topic} funnel",
        "Add social proof to the {topic} page",
    ),
    "email": (
        "Send the {topic} newsletter",
        "Build the {topic} welcome sequence",
        "Segment the list by {topic} interest",
        "Launch the {topic} win-back flow",
    ),
    "social": (
        "Launch the {topic} lookalike campaign",
        "Produce three {topic} ad creatives",
        "Report on {topic} audience tests",
        "Refresh the {topic} retargeting set",
    ),
}
CANCEL_REASONS = (
    "Client paused the campaign",
    "Superseded by the new brief",
    "Client asked to drop it",
    "Duplicate of another goal",
    "Budget moved to another channel",
)
POSTPONE_REASONS = (
    "Waiting on client approval",
    "Client assets arrived late",
    "Client asked to move it after their launch",
    "Designer capacity went to an urgent fix",
    "Tracking issue blocked the launch",
    "Client contact on holiday",
    "Dependency on the client's developer",
)


def goal_title(rng: random.Random, plan: ClientPlan) -> str:
    return rng.choice(GOAL_TEMPLATES[rng.choice(plan.services)]).format(topic=rng.choice(TOPICS))


def weekly_goals(ctx: Context, plan: ClientPlan) -> tuple[list[WeeklyGoal], list[Callable[[], Postponement]]]:
    """1–3 goals a week with hits, late and open misses, postponements and a few cancellations.

    Postponements come back as thunks: they need the goals' primary keys, known after insert.
    """
    rng = ctx.rng("goals", plan.index)
    goals: list[WeeklyGoal] = []
    moves: list[Callable[[], Postponement]] = []
    limit = min(ctx.now, at(plan.churned_on)) if plan.churned_on else ctx.now
    for monday in plan.weeks(ctx):
        h = max(0.0, min(1.0, plan.health(monday + dt.timedelta(days=3)) + rng.gauss(0, 0.05)))
        count = rng.choices((1, 2, 3), (30, 45, 25) if h > 0.4 else (50, 40, 10))[0]
        for _ in range(count):
            goal = new_goal(ctx, rng, plan, monday, goal_title(rng, plan), pick_objective(rng, plan, monday, h), h)
            goals.append(goal)
            target = monday + dt.timedelta(weeks=1 if rng.random() < 0.75 else 2)
            can_move = target <= ctx.this_monday + dt.timedelta(weeks=1) and (
                plan.churned_on is None or target + dt.timedelta(days=6) < plan.churned_on
            )
            roll = rng.random()
            if roll < 0.025 and goal.deadline < ctx.now:
                goal.status, goal.cancel_reason = WeeklyGoal.Status.CANCELLED, rng.choice(CANCEL_REASONS)
            elif roll < 0.025 + 0.03 + 0.17 * (1 - h) and can_move and (goal.deadline < ctx.now or rng.random() < 0.3):
                later = new_goal(ctx, rng, plan, target, goal.title, goal.objective, h)
                settle_goal(ctx, rng, later, h, limit)
                goal.status = WeeklyGoal.Status.POSTPONED
                goals.append(later)
                moves.append(postponement(rng, plan, goal, later, ctx))
            else:
                settle_goal(ctx, rng, goal, h, limit)
    return goals, moves


def pick_objective(rng: random.Random, plan: ClientPlan, monday: dt.date, h: float) -> Objective | None:
    """Most goals serve an objective; the struggling accounts' goals less often (issue 20's signal)."""
    if rng.random() > 0.55 + 0.4 * h:
        return None
    live = [o for o in plan.objectives if o.start_date <= monday <= o.due_date]
    return rng.choice(live) if live else None


def new_goal(
    ctx: Context,
    rng: random.Random,
    plan: ClientPlan,
    monday: dt.date,
    title: str,
    objective: Objective | None,
    h: float,
) -> WeeklyGoal:
    waiting = rng.random() < (0.08 + 0.3 * (1 - h))
    return WeeklyGoal(
        client=plan.client,
        owner=plan.am,
        objective=objective,
        title=title,
        week_start=monday,
        deadline=week_deadline(monday),
        shared_with_client=rng.random() < 0.85,
        waiting_on_client_hours=Decimal(str(round(rng.uniform(1, 6 + 14 * (1 - h)), 1))) if waiting else ZERO,
        created_by=plan.am,
        created_at=min(ctx.now, at(monday - dt.timedelta(days=rng.choice((0, 0, 0, 3))), rng.randint(8, 11))),
    )


def settle_goal(ctx: Context, rng: random.Random, goal: WeeklyGoal, h: float, limit: dt.datetime) -> None:
    """Done on time, done late (before `limit`) or left open; this week's goals are mostly still open."""
    start = at(goal.week_start, 9)
    if goal.deadline >= ctx.now:  # this week's (or next week's) goal
        elapsed = max(0.0, (ctx.now - start).total_seconds() / (goal.deadline - start).total_seconds())
        if rng.random() < 0.6 * elapsed * h:
            goal.status, goal.done_at = WeeklyGoal.Status.DONE, between(rng, start, ctx.now)
        return
    if rng.random() < 0.35 + 0.6 * h:
        goal.status, goal.done_at = WeeklyGoal.Status.DONE, between(rng, start, goal.deadline)
    elif rng.random() < 0.55:
        late = goal.deadline + dt.timedelta(hours=rng.randint(2, 240))
        if late < limit:
            goal.status, goal.done_at = WeeklyGoal.Status.DONE, late


def between(rng: random.Random, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    seconds = max(0, int((high - low).total_seconds()))
    return low + dt.timedelta(seconds=rng.randint(0, seconds))


def postponement(
    rng: random.Random, plan: ClientPlan, original: WeeklyGoal, later: WeeklyGoal, ctx: Context
) -> Callable[[], Postponement]:
    reason = rng.choice(POSTPONE_REASONS)
    when = between(rng, at(original.week_start, 10), min(original.deadline, ctx.now))
    return lambda: Postponement(
        original=original,
        carried_over=later,
        reason=reason,
        target_week=later.week_start,
        postponed_by=plan.am,
        postponed_at=when,
    )


# --- tactics and experiments ---------------------------------------------------------------

TACTICS = (
    ("Weekly wins email to the sponsor", "Send a short Friday summary of results to the executive sponsor."),
    ("Quarterly business review with the CEO", "Present results and the next quarter's plan to the CEO."),
    ("Shift budget to best-converting channel", "Move 20% of spend to the channel with the lowest CPA."),
    ("Refresh the content calendar", "Rebuild the calendar around the top search intents."),
    ("Add a second point of contact", "Bring in a second stakeholder to reduce single-contact risk."),
    ("Landing page per campaign", "One dedicated landing page for each paid campaign."),
    ("Monthly Loom walkthrough", "Record a five-minute video walking through the monthly report."),
    ("Bundle CRO with paid search", "Run landing-page tests on the paid-search traffic."),
)
EXPERIMENTS = (
    ("Hero headline: benefit vs feature", "A benefit-led headline lifts sign-ups."),
    ("Shorter checkout form", "Removing three fields raises completed checkouts."),
    ("Social proof above the fold", "Logos above the fold raise demo requests."),
    ("CTA colour contrast", "A higher-contrast button raises clicks."),
    ("Pricing page annual toggle", "Defaulting to annual raises plan value."),
    ("Video vs static hero", "A product video raises time on page and conversions."),
)


def tactics(ctx: Context, plan: ClientPlan) -> list[Tactic]:
    rng = ctx.rng("tactics", plan.index)
    rows, day = [], plan.history_start(ctx) + dt.timedelta(days=rng.randint(14, 60))
    while day < plan.end - dt.timedelta(days=7):
        title, description = rng.choice(TACTICS)
        ended = day + dt.timedelta(weeks=rng.randint(3, 6))
        h = plan.health(day)
        outcome = rng.choices(
            (Outcome.WIN, Outcome.LOSS, Outcome.INCONCLUSIVE), (0.2 + 0.5 * h, 0.1 + 0.4 * (1 - h), 0.2)
        )[0]
        if ended >= min(ctx.today, plan.end):
            ended, outcome = (None, Outcome.PENDING) if not plan.churned_on else (plan.end, Outcome.LOSS)
        rows.append(
            Tactic(
                client=plan.client,
                owner=plan.am,
                title=title,
                description=description,
                started_on=day,
                ended_on=ended,
                outcome=outcome,
                created_at=at(day, 11),
            )
        )
        day += dt.timedelta(weeks=rng.randint(5, 10))
    return rows


def experiments(ctx: Context, plan: ClientPlan) -> list[Experiment]:
    rng = ctx.rng("experiments", plan.index)
    rows, day = [], plan.history_start(ctx) + dt.timedelta(days=rng.randint(20, 90))
    while day < plan.end - dt.timedelta(days=7):
        title, hypothesis = rng.choice(EXPERIMENTS)
        ended = day + dt.timedelta(weeks=rng.randint(2, 4))
        # Most tests reach the 95% threshold; about a third stop short and count as inconclusive.
        confidence = Decimal(str(round(rng.uniform(95, 99.9) if rng.random() < 0.65 else rng.uniform(78, 94.9), 1)))
        outcome = Outcome.WIN if rng.random() < 0.35 + 0.35 * plan.health(day) else Outcome.LOSS
        if ended >= min(ctx.today, plan.end):
            ended, outcome, confidence = None, Outcome.PENDING, None
        rows.append(
            Experiment(
                client=plan.client,
                owner=plan.designer,
                title=title,
                hypothesis=hypothesis,
                started_on=day,
                ended_on=ended,
                outcome=outcome,
                confidence=confidence,
                created_at=at(day, 11),
            )
        )
        day += dt.timedelta(weeks=rng.randint(8, 14))
    return rows
