"""Looking ahead (issue 20, item 2): what next week holds for a pod or an AM, the page the weekly
pod meeting starts from. Next week is the Monday–Sunday after the current one (agency time zone).

- goals planned for next week (cancelled ones left out: they are not planned work any more);
- open tasks due next week (live, not completed; on their current due date, which is what the
  team must meet next, the original one stays on the client page);
- active clients with no goal planned for next week;
- objectives that must move next week to stay on pace: open (started by next Sunday, due on or
  after next Monday, target not reached) and behind pace on next Sunday if their current value
  does not move; each with the value it needs by then (clients.scoring `value_needed`).
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from types import SimpleNamespace

from django.db.models import (
    Exists,
    F,
    FloatField,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from clients.models import Client, Objective, WeeklyGoal
from clients.scoring import BEHIND_PACE_POINTS, objective_pace, target_reached, value_needed
from core.weeks import week_start
from godview.objectives import elapsed, not_reached, points_subquery, progress
from tasks.models import Task


def next_monday(on: dt.date) -> dt.date:
    return week_start(on) + dt.timedelta(weeks=1)


def planned_goals(clients: QuerySet[Client], monday: dt.date) -> QuerySet[WeeklyGoal]:
    return (
        WeeklyGoal.objects.filter(client__in=clients, week_start=monday)
        .exclude(status=WeeklyGoal.Status.CANCELLED)
        .select_related("client", "owner", "objective")
        .order_by("client__name", "pk")
    )


def tasks_due(clients: QuerySet[Client], monday: dt.date) -> QuerySet[Task]:
    """Bounded by the (client, due_on) index: only the scoped clients' week."""
    return (
        Task.objects.filter(
            client__in=clients,
            due_on__gte=monday,
            due_on__lte=monday + dt.timedelta(days=6),
            completed_at__isnull=True,
            deleted_at__isnull=True,
        )
        .select_related("client", "assignee", "source")
        .order_by("due_on", "client__name", "pk")
    )


def clients_without_goal(clients: QuerySet[Client], monday: dt.date) -> QuerySet[Client]:
    planned = WeeklyGoal.objects.filter(client=OuterRef("pk"), week_start=monday).exclude(
        status=WeeklyGoal.Status.CANCELLED
    )
    return (
        clients.filter(churned_on__isnull=True)
        .exclude(Exists(planned))
        .select_related("account_manager", "tier")
        .order_by("-mrr", "name")
    )


@dataclass
class ObjectiveToMove:
    objective: Objective
    needed: Decimal  # the value that keeps it on pace next Sunday
    progress: float
    elapsed_then: float  # share of its time gone by next Sunday

    @cached_property
    def to_go(self) -> Decimal:
        """How far the current value must move by Sunday (in the objective's direction)."""
        return abs(self.needed - self.objective.current_value)


def objectives_to_move(clients: QuerySet[Client], monday: dt.date) -> list[ObjectiveToMove]:
    """Open objectives that are behind pace next Sunday unless their value moves (one query): the
    definition in Python, judging every open objective; the page uses `moving`, the same in SQL."""
    sunday = monday + dt.timedelta(days=6)
    rows = []
    for o in (
        Objective.objects.filter(
            client__in=clients.filter(churned_on__isnull=True),
            status__in=[Objective.Status.ON_TRACK, Objective.Status.BEHIND],
            start_date__lte=sunday,
            due_date__gte=monday,
        )
        .annotate(points=points_subquery())
        .select_related("client", "client__account_manager")
        .order_by("due_date", "client__name", "pk")
    ):
        if target_reached(o.baseline, o.target, o.current_value):
            continue
        points = BEHIND_PACE_POINTS if o.points is None else float(o.points)
        pace = o.pace(sunday, points)
        if pace.behind:
            needed = value_needed(
                baseline=o.baseline, target=o.target, start=o.start_date, due=o.due_date, on=sunday, points=points
            )
            rows.append(ObjectiveToMove(o, needed, pace.progress, pace.elapsed))
    return rows


def moving(clients: QuerySet[Client], monday: dt.date) -> QuerySet[Objective]:
    """`objectives_to_move`'s objectives, judged by the database, in its order (due date, client,
    id); `rows_of` gives the rows for the ones shown."""
    sunday = monday + dt.timedelta(days=6)
    return (
        Objective.objects.filter(
            client__in=clients.filter(churned_on__isnull=True),
            status__in=[Objective.Status.ON_TRACK, Objective.Status.BEHIND],
            start_date__lte=sunday,
            due_date__gte=monday,
        )
        .filter(not_reached())
        .annotate(points=points_subquery())
        .alias(
            pace_points=Coalesce(Cast("points", FloatField()), Value(float(BEHIND_PACE_POINTS))),
            elapsed_then=elapsed(sunday),
            progress_now=progress(),
        )
        .alias(lag=F("elapsed_then") - F("progress_now"))
        .filter(lag__gt=F("pace_points"))
        .select_related("client", "client__account_manager")
        .order_by("due_date", "client__name", "pk")
    )


def _judged(o, sunday: dt.date) -> ObjectiveToMove:
    """The row for an objective known to be behind (clients.scoring, as `objectives_to_move`)."""
    points = BEHIND_PACE_POINTS if o.points is None else float(o.points)
    pace = objective_pace(
        baseline=o.baseline, target=o.target, current=o.current_value, start=o.start_date, due=o.due_date,
        on=sunday, points=points,
    )  # fmt: skip
    needed = value_needed(
        baseline=o.baseline, target=o.target, start=o.start_date, due=o.due_date, on=sunday, points=points
    )
    return ObjectiveToMove(o, needed, pace.progress, pace.elapsed)


def rows_of(objectives, monday: dt.date) -> list[ObjectiveToMove]:
    """The rows for objectives from `moving` (the page's, or all of them for the CSV), in order."""
    sunday = monday + dt.timedelta(days=6)
    return [_judged(o, sunday) for o in objectives]


LIGHT_FIELDS = ("client__name", "title", "baseline", "target", "current_value", "start_date", "due_date")


def light_rows(objectives: QuerySet[Objective], monday: dt.date) -> list[ObjectiveToMove]:
    """Every row of `moving`, from its columns only (no model instances), to sort by a column the
    database cannot order exactly as Python does (names, the value needed, to go): each with its
    value needed; progress and time elapsed are left out (the page's rows are judged again)."""
    sunday = monday + dt.timedelta(days=6)
    rows = []
    for pk, name, title, baseline, target, current, start, due, points in objectives.values_list(
        "pk", *LIGHT_FIELDS, "points"
    ):
        client = SimpleNamespace(name=name)
        o = SimpleNamespace(pk=pk, client=client, title=title, current_value=current, target=target, due_date=due)
        points = BEHIND_PACE_POINTS if points is None else float(points)
        needed = value_needed(baseline=baseline, target=target, start=start, due=due, on=sunday, points=points)
        rows.append(ObjectiveToMove(o, needed, math.nan, math.nan))
    return rows


def in_order(objectives: QuerySet[Objective], pks: list[int]) -> list[Objective]:
    """The objectives with these ids, in that order (one query)."""
    found = objectives.order_by().in_bulk(pks)
    return [found[pk] for pk in pks]
