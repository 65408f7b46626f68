"""The health lab's backtest (DESIGN, "Health lab: do the warnings work?"), pure: no ORM, no
Django. It takes firing runs and churn dates and returns, per signal and horizon, the figures and
the clients behind each of them.

Reading of the definitions, where DESIGN leaves a choice:
- A **flag** is the first day of a run; a run that began before the period is not a flag of the
  period (its first day is not in it), but its days still count for catching a churn inside it.
- A churn is **in the period** when its date is; firing days before the period's start count
  for catching it (the H days before a churn early in the period reach back over the edge).
- A flag is **true at H** when the client churned on a day 1..H days after it.
- **Precision at H** counts only flags at least H days before the period's end (a later flag
  has not had the time to come true); so does **false alarms**, at 90 days.
- **Lead time** is counted for the churns caught at H, so each horizon has its own median.
- A client churns once in this product (one `churned_on`); the module takes several churn dates
  per client all the same, each judged on its own.

Shape, for the network profile (10,000 clients, a million runs and more): one pass groups the
runs per signal, one linear pass per signal merges them (the runs arrive sorted per client when
the caller asks the database for that order, and timsort keeps a sorted list linear); flags are
counted per day with a Counter, and only the churned clients' runs are looked at one by one. The
lists of flags behind a figure (thousands of rows) are built only when asked for.
"""

import bisect
import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

HORIZONS = (30, 60, 90)
ANY = "any"
FALSE_ALARM_HORIZON = 90
ONE_DAY = dt.timedelta(days=1)
Interval = tuple[dt.date, dt.date]


class Run(NamedTuple):
    """A signal fired for the client on every day from `first_day` to `last_day`. A plain tuple
    `(client_id, signal, first_day, last_day)` (a database row) is accepted as well."""

    client_id: int
    signal: str
    first_day: dt.date
    last_day: dt.date


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Churn:
    client_id: int
    churned_on: dt.date
    lead_days: int | None = None  # for a caught churn


class Flag(NamedTuple):
    client_id: int
    day: dt.date


# One signal's merged runs: (client_id, first_day, last_day), sorted by client then first day.
Merged = list[tuple[int, dt.date, dt.date]]


@dataclass
class HorizonFigures:
    horizon: int
    flag_count: int  # the flags counted at H (at least H days before the period's end)
    true_flags: list[Flag] = field(default_factory=list)
    churned: list[Churn] = field(default_factory=list)
    caught: list[Churn] = field(default_factory=list)
    missed: list[Churn] = field(default_factory=list)
    _all_flags: "SignalFigures | None" = field(default=None, repr=False)

    @property
    def flags(self) -> list[Flag]:
        """The flags counted at H, by day (built on demand: there can be a million)."""
        assert self._all_flags is not None
        return _cut(self._all_flags.flags, self._all_flags.period, self.horizon)

    @property
    def precision(self) -> float | None:
        return len(self.true_flags) / self.flag_count if self.flag_count else None

    @property
    def recall(self) -> float | None:
        return len(self.caught) / len(self.churned) if self.churned else None

    @property
    def median_lead_days(self) -> float | None:
        leads = [c.lead_days for c in self.caught]
        return statistics.median(leads) if leads else None


def _day(flag: Flag) -> dt.date:
    return flag.day


@dataclass
class SignalFigures:
    signal: str
    period: Period
    flag_count: int  # every flag of the period
    horizons: dict[int, HorizonFigures]
    false_alarm_count: int
    merged: Merged = field(repr=False)
    _true_90: frozenset = field(default=frozenset(), repr=False)

    @cached_property
    def flags(self) -> list[Flag]:
        """Every flag of the period, by day then client."""
        start, end = self.period.start, self.period.end
        flags = [Flag(pk, first) for pk, first, _last in self.merged if start <= first <= end]
        flags.sort(key=lambda f: (f.day, f.client_id))
        return flags

    @property
    def false_alarms(self) -> list[Flag]:
        """Flags counted at 90 days that did not come true within 90 days."""
        at_90 = self.horizons.get(FALSE_ALARM_HORIZON)
        counted = at_90.flags if at_90 else _cut(self.flags, self.period, FALSE_ALARM_HORIZON)
        return [f for f in counted if f not in self._true_90]


def _cut(flags: list[Flag], period: Period, horizon: int) -> list[Flag]:
    return flags[: bisect.bisect_right(flags, period.end - dt.timedelta(days=horizon), key=_day)]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or adjacent day ranges joined, in order."""
    merged: list[list[dt.date]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1] + ONE_DAY:
            if last > merged[-1][1]:
                merged[-1][1] = last
        else:
            merged.append([first, last])
    return [(first, last) for first, last in merged]


def runs_from_days(days: Iterable[dt.date]) -> list[Interval]:
    return merge((day, day) for day in days)


def merge_runs(rows: list[tuple]) -> Merged:
    """Rows `(client, signal, first, last)` of one signal joined per client where they overlap or
    touch, in one pass after a sort (linear when the rows come sorted)."""
    rows.sort()
    merged: Merged = []
    client = first = last = None
    for pk, _signal, begins, ends in rows:
        if pk == client and begins <= last + ONE_DAY:
            if ends > last:
                last = ends
            continue
        if client is not None:
            merged.append((client, first, last))
        client, first, last = pk, begins, ends
    if client is not None:
        merged.append((client, first, last))
    return merged


def lead_days(runs: list[Interval], churned_on: dt.date, horizon: int) -> int | None:
    """Days from the first day of the last run before the churn, when it fired in the H days before."""
    index = bisect.bisect_left(runs, (churned_on,)) - 1  # the last run that began before the churn
    if index < 0 or runs[index][1] < churned_on - dt.timedelta(days=horizon):
        return None
    return (churned_on - runs[index][0]).days


def backtest_signal(
    signal: str, merged: Merged, churns: dict[int, list[dt.date]], period: Period, horizons: list[int]
) -> SignalFigures:
    start, end = period.start, period.end
    per_day = Counter(first for _pk, first, _last in merged if start <= first <= end)
    days = sorted(per_day)
    cumulative = [0]
    for day in days:
        cumulative.append(cumulative[-1] + per_day[day])
    # Only the churned clients' runs can catch a churn or make a flag true.
    churned_runs: dict[int, list[Interval]] = {pk: [] for pk in churns}
    for pk, first, last in merged:
        if pk in churned_runs:
            churned_runs[pk].append((first, last))
    figures: dict[int, HorizonFigures] = {}
    for horizon in sorted({*horizons, FALSE_ALARM_HORIZON}):
        latest = end - dt.timedelta(days=horizon)
        h = HorizonFigures(horizon, cumulative[bisect.bisect_right(days, latest)])
        for pk in sorted(churns):
            runs, dates = churned_runs[pk], sorted(churns[pk])
            h.true_flags += [
                Flag(pk, first)
                for first, _last in runs
                if start <= first <= latest and any(0 < (on - first).days <= horizon for on in dates)
            ]
            for churned_on in (on for on in dates if start <= on <= end):
                lead = lead_days(runs, churned_on, horizon)
                h.churned.append(Churn(pk, churned_on))
                (h.caught if lead is not None else h.missed).append(Churn(pk, churned_on, lead))
        h.true_flags.sort(key=lambda f: (f.day, f.client_id))
        figures[horizon] = h
    at_90 = figures[FALSE_ALARM_HORIZON]
    result = SignalFigures(
        signal,
        period,
        cumulative[-1],
        {h: figures[h] for h in horizons},
        at_90.flag_count - len(at_90.true_flags),
        merged,
        frozenset(at_90.true_flags),
    )
    for h in figures.values():
        h._all_flags = result
    return result


def backtest(
    runs: Iterable[Run | tuple],
    churns: Iterable[tuple[int, dt.date]],
    period: Period,
    signals: Iterable[str],
    horizons: Iterable[int] = HORIZONS,
) -> dict[str, SignalFigures]:
    """Every signal's figures over the period, in the order of `signals`. "any" joins the runs
    of every signal given in `runs`, named in `signals` or not."""
    signals, horizons = list(signals), sorted(set(horizons))
    by_client: dict[int, list[dt.date]] = {}
    for pk, churned_on in churns:
        by_client.setdefault(pk, []).append(churned_on)
    grouped: dict[str, list] = {}
    for run in runs:
        rows = grouped.get(run[1])
        if rows is None:
            rows = grouped[run[1]] = []
        rows.append(run)
    merged = {s: merge_runs(rows) for s, rows in grouped.items()}
    if ANY in signals:
        merged[ANY] = merge_runs([(pk, ANY, first, last) for runs in merged.values() for pk, first, last in runs])
    return {s: backtest_signal(s, merged.get(s, []), by_client, period, horizons) for s in signals}
