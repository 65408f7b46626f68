"""Waiting on client: the waits behind the goals' waiting hours, and open waits of slipping accounts."""

import datetime as dt
import math

from clients.models import WaitingPeriod, WeeklyGoal
from godview.demo.base import ClientPlan, Context

WAITING_FOR = (
    "the brand assets",
    "sign-off on the landing page copy",
    "access to their analytics account",
    "the product feed export",
    "approval of the ad budget",
    "feedback on the monthly report",
    "the new pricing sheet",
)


def waiting_periods(ctx: Context, plan: ClientPlan, goals: list[WeeklyGoal]) -> list[WaitingPeriod]:
    """A wait for each goal that recorded hours waiting (about a business day per eight hours), and
    for an account slipping now, one open wait on the client itself."""
    rng = ctx.rng("waiting", plan.index)
    waits = []
    for goal in goals:
        if goal.waiting_on_client_hours <= 0 or goal.week_start > ctx.today:
            continue
        started = goal.week_start + dt.timedelta(days=rng.randint(0, 3))
        ended = started + dt.timedelta(days=math.ceil(float(goal.waiting_on_client_hours) / 8) + rng.randint(0, 2))
        waits.append(
            WaitingPeriod(
                client=plan.client,
                goal=goal,
                waiting_for=rng.choice(WAITING_FOR),
                started_on=min(started, ctx.today),
                ended_on=None if ended > ctx.today else ended,
                recorded_by=plan.am,
            )
        )
    if plan.fate == "slipping" and rng.random() < 0.7:
        waits.append(
            WaitingPeriod(
                client=plan.client,
                waiting_for=rng.choice(WAITING_FOR),
                started_on=ctx.today - dt.timedelta(days=rng.randint(3, 12)),
                recorded_by=plan.am,
            )
        )
    return waits


def agreed_response_days(ctx: Context, plan: ClientPlan) -> int:
    """Most agreements promise an answer within one business day; some, two or three."""
    return ctx.rng("agreement", plan.index).choice((1, 1, 1, 1, 1, 1, 2, 2, 3))
