"""Reads for screens. Each function costs a fixed number of queries, whatever the client count."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from clients.models import GOAL_HIT, Client, WaitingPeriod, WeeklyGoal, business_days_between
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


def window_days(on: dt.date) -> tuple[dt.date, dt.date]:
    """The same four complete weeks as `window`, as first and last day."""
    this_monday = week_start(on)
    return this_monday - dt.timedelta(weeks=WINDOW_WEEKS), this_monday - dt.timedelta(days=1)


def goal_hits_by_client(client_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> dict[int, tuple[int, int]]:
    """client id → (goals hit, goals due) for deadlines in [start, end), cancelled excluded."""
    rows = (
        WeeklyGoal.objects.counted()
        .filter(client_id__in=client_ids, deadline__gte=start, deadline__lt=end)
        .values("client_id")
        .annotate(due=Count("pk"), hit=Count("pk", filter=GOAL_HIT))
    )
    return {row["client_id"]: (row["hit"], row["due"]) for row in rows}


@dataclass(frozen=True)
class Wait:
    """One wait for the client, as the early-warning rule weighs it."""

    waiting_for: str
    since: dt.date
    business_days: int


def waits_by_client(client_ids: Iterable[int], start: dt.date, on: dt.date) -> dict[int, list[WaitingPeriod]]:
    """client id → its waiting periods that overlap [start, on], on goals or the client (one query)."""
    found: dict[int, list[WaitingPeriod]] = {}
    periods = WaitingPeriod.objects.filter(client_id__in=client_ids, started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    for period in periods.only("client_id", "waiting_for", "started_on", "ended_on").order_by("started_on", "pk"):
        found.setdefault(period.client_id, []).append(period)
    return found


def waiting_business_days(periods: Iterable[WaitingPeriod], start: dt.date, on: dt.date) -> int:
    """Business days waited inside [start, on], each period clipped to it."""
    total = 0
    for period in periods:
        begin = max(period.started_on, start - dt.timedelta(days=1))
        total += business_days_between(begin, min(period.ended_on or on, on))
    return total


def current_waits(periods: Iterable[WaitingPeriod], on: dt.date, recent_days: int = 7) -> tuple[Wait, ...]:
    """Waits still open on `on`, or ended in the last week, with how long each lasted."""
    since = on - dt.timedelta(days=recent_days)
    return tuple(
        Wait(period.waiting_for, period.started_on, period.business_days(on))
        for period in periods
        if period.started_on <= on and (period.ended_on is None or period.ended_on >= since)
    )
