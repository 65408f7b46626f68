"""The rows behind `/capacity/`: a fixed number of grouped queries per page, whatever the number
of pods, people or clients (see godview/capacity.py for the definitions)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from accounts.models import Pod, User
from clients.models import Client
from core.weeks import week_bounds, week_start
from godview.capacity import HORIZON_DAYS, WEEKS, ZERO, PodCapacity, Signed, utilisation
from tasks.load import open_due
from tasks.models import PersonLoad, Task, TimeEntry, WeeklyHours


def the_weeks(today: dt.date) -> list[dt.date]:
    """The Mondays of the last WEEKS complete weeks, oldest first."""
    this = week_start(today)
    return [this - dt.timedelta(weeks=n) for n in range(WEEKS, 0, -1)]


def weekly_hours(ids: list[int], weeks: list[dt.date]) -> dict[int, list[Decimal]]:
    """Person id → their hours in each of `weeks`, from the weekly rollup (one query: a row per
    person and week)."""
    index = {monday: i for i, monday in enumerate(weeks)}
    result: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO] * len(weeks))
    rows = WeeklyHours.objects.filter(user_id__in=ids, week_start__gte=weeks[0], week_start__lte=weeks[-1])
    for user, monday, hours in rows.values_list("user_id", "week_start", "hours"):
        result[user][index[monday]] += hours
    return result


def _served(clients: QuerySet[Client], today: dt.date) -> QuerySet[Client]:
    """Clients being served today: started, not churned."""
    return clients.filter(started_on__lte=today, churned_on__isnull=True)


def signed_to_start(clients: QuerySet[Client], today: dt.date) -> list[Signed]:
    """Clients signed to start within the horizon, soonest first."""
    rows = clients.filter(
        churned_on__isnull=True, started_on__gt=today, started_on__lte=today + dt.timedelta(days=HORIZON_DAYS)
    ).order_by("started_on", "name")
    return [
        Signed(pk, name, starts_on, pod_id, mrr)
        for pk, name, starts_on, pod_id, mrr in rows.values_list(
            "pk", "name", "started_on", "account_manager__pod_id", "mrr"
        )
    ]


def pod_capacity(
    pods: list[Pod], clients: QuerySet[Client], today: dt.date, signed: list[Signed], people: list["PersonCapacity"]
) -> list[PodCapacity]:
    """Per pod: its active people, their capacity, hours per week and load, summed from their own
    figures (`people_capacity` of everyone in these pods: the page shows them anyway), and the
    clients served and their MRR (one query)."""
    ids = [p.pk for p in pods]
    result = {p.pk: PodCapacity(p.pk, p.name, weekly_hours=[ZERO] * WEEKS) for p in pods}
    for row in people:
        pod = result.get(row.person.pod_id)
        if pod is None:
            continue
        pod.people += 1
        pod.capacity += row.capacity
        pod.weekly_hours = [mine + theirs for mine, theirs in zip(pod.weekly_hours, row.weekly_hours, strict=True)]
        pod.load += row.load
    served = _served(clients, today).filter(account_manager__pod_id__in=ids)
    for row in served.values("account_manager__pod_id").annotate(n=Count("pk"), mrr_sum=Sum("mrr")).order_by():
        pod = result[row["account_manager__pod_id"]]
        pod.clients, pod.mrr = row["n"], row["mrr_sum"] or ZERO
    for s in signed:
        if s.pod_id in result:
            result[s.pod_id].signed.append(s)
    return list(result.values())


@dataclass
class PersonCapacity:
    person: User
    weekly_hours: list[Decimal] = field(default_factory=list)
    clients: int = 0
    mrr: Decimal = ZERO
    load: int = 0

    @property
    def capacity(self) -> Decimal:
        return self.person.weekly_capacity

    @property
    def hours(self) -> Decimal:
        return sum(self.weekly_hours, ZERO) / WEEKS

    @property
    def utilisation(self) -> Decimal | None:
        return utilisation(self.hours, self.capacity)


def people_capacity(people: list[User], clients: QuerySet[Client], today: dt.date) -> list[PersonCapacity]:
    """Per person: hours per week (the weekly rollup), clients managed and their MRR, load (the
    last rollup's: `tasks.load`); three queries, none over the time entries or the tasks."""
    ids = [p.pk for p in people]
    weeks = the_weeks(today)
    hours = weekly_hours(ids, weeks)
    managed = {
        row["account_manager_id"]: row
        for row in _served(clients, today)
        .filter(account_manager_id__in=ids)
        .values("account_manager_id")
        .annotate(n=Count("pk"), mrr_sum=Sum("mrr"))
        .order_by()
    }
    load = dict(PersonLoad.objects.filter(user_id__in=ids).values_list("user_id", "tasks"))
    return [
        PersonCapacity(
            p,
            hours.get(p.pk, [ZERO] * len(weeks)),
            managed.get(p.pk, {}).get("n", 0),
            managed.get(p.pk, {}).get("mrr_sum") or ZERO,
            load.get(p.pk, 0),
        )
        for p in people
    ]


def rows_behind(
    kind: str, people: QuerySet[User], clients: QuerySet[Client], pod: int | None, today: dt.date, load_day: dt.date
):
    """The time entries, open tasks (live, in the window of the stored loads: from `load_day`) or
    signed clients behind a figure of the page."""
    if kind == "hours":
        weeks = the_weeks(today)
        first, _ = week_bounds(weeks[0])
        last, _ = week_bounds(weeks[-1] + dt.timedelta(weeks=1))
        return (
            TimeEntry.objects.filter(user__in=people, started_at__gte=first, started_at__lt=last)
            .select_related("user", "client")
            .order_by("-started_at", "pk")
        )
    if kind == "load":
        return (
            Task.objects.filter(open_due(load_day), assignee__in=people)
            .select_related("assignee", "client")
            .order_by("due_on", "pk")
        )
    rows = clients.filter(
        churned_on__isnull=True, started_on__gt=today, started_on__lte=today + dt.timedelta(days=HORIZON_DAYS)
    )
    if pod is not None:
        rows = rows.filter(account_manager__pod_id=pod)
    return rows.select_related("account_manager", "account_manager__pod").order_by("started_on", "name", "pk")
