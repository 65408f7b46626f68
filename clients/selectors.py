"""Reads for screens. Each function costs a fixed number of queries, whatever the client count."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, F, Q

from clients.models import Client, WeeklyGoal
from core.weeks import week_bounds, week_start

WINDOW_WEEKS = 4


def clients_with_signals(queryset=None):
    """Clients with their current risk, last contact and latest NPS annotated (one query)."""
    return (
        (queryset if queryset is not None else Client.objects.all())
        .with_signals()
        .select_related("tier", "account_manager")
    )


def window(on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The last four complete weeks before the week holding `on`."""
    this_monday = week_start(on)
    start, _ = week_bounds(this_monday - dt.timedelta(weeks=WINDOW_WEEKS))
    end, _ = week_bounds(this_monday)
    return start, end


def goal_hits_by_client(client_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> dict[int, tuple[int, int]]:
    """client id → (goals hit, goals due) for deadlines in [start, end), cancelled excluded."""
    rows = (
        WeeklyGoal.objects.counted()
        .filter(client_id__in=client_ids, deadline__gte=start, deadline__lt=end)
        .values("client_id")
        .annotate(due=Count("pk"), hit=Count("pk", filter=Q(status="done", done_at__lte=F("deadline"))))
    )
    return {row["client_id"]: (row["hit"], row["due"]) for row in rows}
