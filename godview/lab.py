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
"""

import bisect
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

HORIZONS = (30, 60, 90)
ANY = "any"
FALSE_ALARM_HORIZON = 90
Interval = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Run:
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


@dataclass(frozen=True)
class Flag:
    client_id: int
    day: dt.date


@dataclass
class HorizonFigures:
    horizon: int
    flags: list[Flag] = field(default_factory=list)  # the flags counted at H
    true_flags: list[Flag] = field(default_factory=list)
    churned: list[Churn] = field(default_factory=list)
    caught: list[Churn] = field(default_factory=list)
    missed: list[Churn] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return len(self.true_flags) / len(self.flags) if self.flags else None

    @property
    def recall(self) -> float | None:
        return len(self.caught) / len(self.churned) if self.churned else None

    @property
    def median_lead_days(self) -> float | None:
        leads = [c.lead_days for c in self.caught]
        return statistics.median(leads) if leads else None


@dataclass
class SignalFigures:
    signal: str
    flags: list[Flag]  # every flag of the period
    horizons: dict[int, HorizonFigures]
    false_alarms: list[Flag]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or adjacent day ranges joined, in order."""
    merged: list[list[dt.date]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(first, last) for first, last in merged]


def runs_from_days(days: Iterable[dt.date]) -> list[Interval]:
    return merge((day, day) for day in days)


def _by_signal(runs: Iterable[Run], signals: Iterable[str]) -> dict[str, dict[int, list[Interval]]]:
    wanted = set(signals)
    grouped: dict[str, dict[int, list[Interval]]] = {s: defaultdict(list) for s in wanted}
    for run in runs:
        if run.signal in wanted:
            grouped[run.signal][run.client_id].append((run.first_day, run.last_day))
        if ANY in wanted:
            grouped[ANY][run.client_id].append((run.first_day, run.last_day))
    return {s: {pk: merge(ivs) for pk, ivs in by_client.items()} for s, by_client in grouped.items()}


def _lead(runs: list[Interval], churned_on: dt.date, horizon: int) -> int | None:
    """Days from the first day of the last run before the churn, when it fired in the H days before."""
    index = bisect.bisect_left(runs, (churned_on,)) - 1  # the last run that began before the churn
    if index < 0 or runs[index][1] < churned_on - dt.timedelta(days=horizon):
        return None
    return (churned_on - runs[index][0]).days


def _is_true(flag: dt.date, churns: list[dt.date], horizon: int) -> bool:
    return any(0 < (churned_on - flag).days <= horizon for churned_on in churns)


def backtest_signal(
    signal: str, runs: Mapping[int, list[Interval]], churns: Mapping[int, list[dt.date]], period: Period, horizons
) -> SignalFigures:
    # Flags sorted by day, so "at least H days before the end" is a prefix; only the flags of
    # clients who churned can be true (the bulk of flags is never looked at twice).
    flags = [Flag(pk, first) for pk, ivs in runs.items() for first, _last in ivs if period.start <= first <= period.end]
    flags.sort(key=lambda f: (f.day, f.client_id))
    days = [f.day for f in flags]
    figures = {}
    for horizon in sorted({*horizons, FALSE_ALARM_HORIZON}):
        h = HorizonFigures(horizon)
        h.flags = flags[: bisect.bisect_right(days, period.end - dt.timedelta(days=horizon))]
        h.true_flags = [f for f in h.flags if f.client_id in churns and _is_true(f.day, churns[f.client_id], horizon)]
        for pk, dates in sorted(churns.items()):
            for churned_on in sorted(d for d in dates if period.start <= d <= period.end):
                lead = _lead(runs.get(pk, []), churned_on, horizon)
                h.churned.append(Churn(pk, churned_on))
                (h.caught if lead is not None else h.missed).append(Churn(pk, churned_on, lead))
        figures[horizon] = h
    at_90 = figures[FALSE_ALARM_HORIZON]
    true_90 = {(f.client_id, f.day) for f in at_90.true_flags}
    false_alarms = [f for f in at_90.flags if f.client_id not in churns or (f.client_id, f.day) not in true_90]
    return SignalFigures(signal, flags, {h: figures[h] for h in horizons}, false_alarms)


def backtest(
    runs: Iterable[Run],
    churns: Iterable[tuple[int, dt.date]],
    period: Period,
    signals: Iterable[str],
    horizons: Iterable[int] = HORIZONS,
) -> dict[str, SignalFigures]:
    """Every signal's figures over the period, in the order of `signals`."""
    signals, horizons = list(signals), list(horizons)
    by_client: dict[int, list[dt.date]] = defaultdict(list)
    for pk, churned_on in churns:
        by_client[pk].append(churned_on)
    grouped = _by_signal(runs, signals)
    return {s: backtest_signal(s, grouped[s], by_client, period, horizons) for s in signals}
