"""The God-view's weekly-goal figures (the KPI strip's hit rate and goals tied, the heatmap, the
boards' hit rates), added up from `GoalWeek`: the goals the hit rate counts, summed per account
manager, tier and week and kept exact on every write (clients.models.goal_weeks). A period of
whole weeks reads a few rows per account manager and week, not every goal in it.

Every scope and filter is a set of (account manager, tier) pairs, so the rows are scoped and
filtered with the same fields as the clients (`narrowed`).
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet, Sum

from accounts.models import Pod, User
from clients.models import GoalWeek
from godview.forms import Filters


def narrowed[Q_: QuerySet](rows: Q_, filters: Filters) -> Q_:
    """Clients, or their goal weeks, in the filters' pod, tier and account manager."""
    if filters.pod:
        rows = rows.filter(account_manager__pod_id=filters.pod)
    if filters.tier:
        rows = rows.filter(tier__code=filters.tier)
    if filters.am:
        rows = rows.filter(account_manager_id=filters.am)
    return rows


def scoped_goal_weeks(user: User, filters: Filters) -> QuerySet[GoalWeek]:
    """The goal weeks of the clients `scoped_clients(user, filters)` holds."""
    return narrowed(GoalWeek.objects.visible_to(user), filters)


def goal_hits(weeks: QuerySet[GoalWeek], filters: Filters) -> dict:
    """Goals hit, due and tied to an objective in the period (and `_before`, the period before it),
    one query. A goal's deadline falls inside its week, so its week is the period its deadline is
    in. A postponed goal stays in its own week, not done: a miss there. Cancelled goals are left
    out unless cancelled late or created again (`WeeklyGoalQuerySet.counted`)."""
    start, end, first = filters.start, filters.end, filters.previous_start
    periods = {
        "": Q(week_start__gte=start, week_start__lt=end),
        "_before": Q(week_start__gte=first, week_start__lt=start),
    }
    sums = {
        f"sum_{name}{suffix}": Sum(name, filter=when, default=0)
        for suffix, when in periods.items()
        for name in ("due", "hit", "tied")
    }  # aliases unlike the fields they sum
    figures = weeks.filter(week_start__gte=first, week_start__lt=end).aggregate(**sums)
    return {key.removeprefix("sum_"): value for key, value in figures.items()}


def goal_heatmap(weeks: QuerySet[GoalWeek], filters: Filters, n: int = 12, by: str = "pod") -> dict:
    """Goals hit ÷ due per pod (or account manager) and week for the last `n` complete weeks."""
    mondays = [filters.end - dt.timedelta(weeks=i) for i in range(n, 0, -1)]
    path = "account_manager__pod_id" if by == "pod" else "account_manager_id"
    cells: dict[int | None, dict[dt.date, tuple[int, int]]] = defaultdict(dict)
    for row in (
        weeks.filter(week_start__gte=mondays[0], week_start__lt=filters.end, due__gt=0)
        .values(path, "week_start")
        .annotate(goals_due=Sum("due"), goals_hit=Sum("hit"))
        .order_by()
    ):
        cells[row[path]][row["week_start"]] = (row["goals_hit"], row["goals_due"])
    model = Pod if by == "pod" else User
    names = {o.pk: str(o) if by != "pod" else o.name for o in model.objects.filter(pk__in=[k for k in cells if k])}
    rows = []
    for key in sorted(cells, key=lambda k: names.get(k, "~")):
        rows.append({"pod": names.get(key), "key": key, "cells": [(m, *cells[key].get(m, (0, 0))) for m in mondays]})
    return {"weeks": mondays, "rows": rows, "by": by}


def board_goals(weeks: QuerySet[GoalWeek], filters: Filters, path: str) -> dict[object, tuple[int, int]]:
    """(hit, due) per pod (`account_manager__pod_id`) or account manager (`account_manager_id`) in
    the period, one query."""
    rows = (
        weeks.filter(week_start__gte=filters.start, week_start__lt=filters.end, due__gt=0)
        .values(path)
        .annotate(goals_due=Sum("due"), goals_hit=Sum("hit"))
        .order_by()
    )
    return {row[path]: (row["goals_hit"], row["goals_due"]) for row in rows}
