"""Capacity (DESIGN "Revenue, renewals and capacity", screen 10 `/capacity/`): utilisation, load,
clients and MRR per person and pod; the pods over capacity now and in the next 90 days given the
clients signed to start; the hiring need.

Readings of the definitions, where DESIGN leaves a choice:
- **Hours per week** = hours logged in the last WEEKS complete weeks ÷ WEEKS (a single week is
  noisy: holidays, a late timesheet); each of those weeks is shown too.
- **Utilisation** of a pod = its members' hours ÷ the sum of their capacities.
- **Load** = open tasks assigned to the person due in the 14 days (tasks.load.LOAD_DAYS) from
  the last rollup's day, counted by that rollup (like the overdue stock); the rows behind it are
  the live tasks of the same window.
- **Clients signed to start** = clients not churned whose start date lies after today and within
  the horizon; each belongs to its AM's pod (one with no AM or pod yet is listed, not projected).
- **Average hours per client** of a pod = its hours per week ÷ its clients being served (started,
  not churned); a signed client adds that much from its start date. Editable for a what-if.
- **Hiring need** of a pod = the fewest people of the new-hire capacity that keep its projected
  utilisation at or under the limit on every day of the horizon (the peak is the last day, as
  load only grows); the agency's is the sum over its pods (a hire joins one pod).

The pure functions below take numbers; `godview/capacity_selectors.py` reads the rows.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")
WEEKS = 4
HORIZON_DAYS = 90


def utilisation(hours: Decimal, capacity: Decimal) -> Decimal | None:
    return hours / capacity if capacity > 0 else None


def hires_needed(peak_hours: Decimal, capacity: Decimal, limit: Decimal, new_capacity: Decimal) -> int:
    """The smallest n ≥ 0 with peak_hours ≤ limit × (capacity + n × new_capacity)."""
    if peak_hours <= limit * capacity:
        return 0
    if new_capacity <= 0:
        raise ValueError("a new hire needs some capacity")
    return max(0, math.ceil((peak_hours / limit - capacity) / new_capacity))


@dataclass(frozen=True)
class Signed:
    """A client signed to start."""

    client_id: int
    name: str
    starts_on: dt.date
    pod_id: int | None
    mrr: Decimal


@dataclass(frozen=True)
class Point:
    day: dt.date
    hours: Decimal
    utilisation: Decimal | None
    signed: int  # signed clients started by then


@dataclass
class PodCapacity:
    pod_id: int
    name: str
    people: int = 0
    capacity: Decimal = ZERO
    weekly_hours: list[Decimal] = field(default_factory=list)  # the last WEEKS weeks, oldest first
    clients: int = 0
    mrr: Decimal = ZERO
    load: int = 0
    signed: list[Signed] = field(default_factory=list)
    hours_per_client_override: Decimal | None = None
    # Filled by `project`:
    points: list[Point] = field(default_factory=list)
    hires: int = 0
    over_now: bool = False
    over_on: dt.date | None = None  # first day over the limit within the horizon

    @property
    def hours(self) -> Decimal:
        """Hours per week: the average of the last WEEKS weeks."""
        return sum(self.weekly_hours, ZERO) / WEEKS

    @property
    def utilisation(self) -> Decimal | None:
        return utilisation(self.hours, self.capacity)

    @property
    def weekly_utilisation(self) -> list[Decimal | None]:
        return [utilisation(h, self.capacity) for h in self.weekly_hours]

    @property
    def measured_hours_per_client(self) -> Decimal | None:
        return self.hours / self.clients if self.clients else None

    @property
    def hours_per_client(self) -> Decimal:
        """The assumption the projection uses: the override, else the measured average (0 if none)."""
        if self.hours_per_client_override is not None:
            return self.hours_per_client_override
        return self.measured_hours_per_client or ZERO

    @property
    def peak(self) -> Point | None:
        return self.points[-1] if self.points else None


def project(pod: PodCapacity, today: dt.date, limit: Decimal, new_capacity: Decimal) -> PodCapacity:
    """Today's point, one per signed start (in order) and the horizon's end; the hires and the
    first day over the limit."""
    end = today + dt.timedelta(days=HORIZON_DAYS)
    starts = sorted(s.starts_on for s in pod.signed if today < s.starts_on <= end)
    days = [today, *starts, end]
    points = []
    for day in days:
        started = sum(1 for s in starts if s <= day)
        hours = pod.hours + started * pod.hours_per_client
        points.append(Point(day, hours, utilisation(hours, pod.capacity), started))
    pod.points = points
    # Hours with no capacity at all are over any limit.
    over = [p for p in points if (p.utilisation is None and p.hours > 0) or (p.utilisation or 0) > limit]
    pod.over_now = bool(over) and over[0].day == today
    pod.over_on = over[0].day if over else None
    pod.hires = hires_needed(points[-1].hours, pod.capacity, limit, new_capacity)
    return pod


@dataclass
class HiringPlan:
    pods: list[PodCapacity]
    limit: Decimal
    new_capacity: Decimal

    @property
    def hires(self) -> int:
        return sum(p.hires for p in self.pods)

    @property
    def over_now(self) -> list[PodCapacity]:
        return [p for p in self.pods if p.over_now]

    @property
    def over_soon(self) -> list[PodCapacity]:
        """Over within the horizon but not today, soonest first."""
        return sorted((p for p in self.pods if p.over_on and not p.over_now), key=lambda p: (p.over_on, p.name))

    @property
    def first(self) -> PodCapacity | None:
        """The pod that needs a hire first: over soonest, then the most hires."""
        needing = [p for p in self.pods if p.hires and p.over_on]
        return min(needing, key=lambda p: (p.over_on, -p.hires, p.name)) if needing else None


def plan(pods: list[PodCapacity], today: dt.date, limit: Decimal, new_capacity: Decimal) -> HiringPlan:
    for pod in pods:
        project(pod, today, limit, new_capacity)
    ordered = sorted(pods, key=lambda p: (-(p.peak.utilisation or 0) if p.peak else 0, p.name))
    return HiringPlan(ordered, limit, new_capacity)
