"""The arithmetic of DESIGN "Metric definitions", pure (no ORM) so each rule is tested by hand.

Selectors count rows; these functions turn counts into the figures leadership reads. Every ratio
returns None when its denominator is empty, so the screen says "no data" instead of a fake 0%.
"""

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from clients.scoring import Pace, objective_pace

__all__ = [
    "Pace",
    "change",
    "clv",
    "cycle_time_days",
    "days_since",
    "effective_hourly_rate",
    "goal_hit_rate",
    "grr",
    "is_stale",
    "logo_churn_rate",
    "nrr",
    "objective_pace",
    "on_time_rate",
    "profitability",
    "ratio",
    "span_of_control_flag",
    "training_compliance",
    "win_rate",
]

ZERO = Decimal("0")
CENT = Decimal("0.01")


def ratio(numerator: float | Decimal, denominator: float | Decimal) -> float | None:
    """numerator ÷ denominator as a float, None when nothing was counted."""
    return float(numerator) / float(denominator) if denominator else None


def goal_hit_rate(hit: int, due: int) -> float | None:
    """Goals done by their deadline ÷ goals whose deadline falls in the period (cancelled excluded).

    A postponed goal is already counted by the caller as due and not hit in its original week; its
    carried-over goal counts in its own week.
    """
    return ratio(hit, due)


def on_time_rate(on_time: int, completed_or_overdue: int) -> float | None:
    """Tasks completed on or before their due date ÷ tasks due in the window, completed or overdue."""
    return ratio(on_time, completed_or_overdue)


def cycle_time_days(spans: Iterable[tuple[dt.date, dt.date]]) -> float | None:
    """Median of (completed − started) in days; callers pass the start date, else the creation date."""
    days = [(done - start).days for start, done in spans]
    return float(statistics.median(days)) if days else None


def days_since(last: dt.date | None, on: dt.date) -> int | None:
    return (on - last).days if last else None


def is_stale(days: int | None, threshold_days: int) -> bool:
    """Stale when the days since contact are above the tier threshold; never contacted is stale."""
    return days is None or days > threshold_days


def logo_churn_rate(churned_in_period: int, active_at_start: int) -> float | None:
    return ratio(churned_in_period, active_at_start)


def nrr(mrr_then: Decimal, mrr_now: Decimal) -> float | None:
    """Today's MRR of the clients active 12 months ago ÷ their MRR then."""
    return ratio(mrr_now, mrr_then)


def grr(mrr_then: Decimal, contraction: Decimal, churn: Decimal) -> float | None:
    """NRR with expansion left out: what remains of the MRR then after contraction and churn."""
    return ratio(max(ZERO, mrr_then - contraction - churn), mrr_then)


def clv(average_mrr: Decimal, gross_margin: Decimal, monthly_churn_rate: float | None, floor: Decimal) -> Decimal:
    """Average MRR × gross margin ÷ monthly logo churn rate, the rate never under the floor."""
    rate = max(Decimal(str(monthly_churn_rate or 0)), floor)
    return (average_mrr * gross_margin / rate).quantize(CENT, ROUND_HALF_UP)


def profitability(mrr: Decimal, hours_by_cost_rate: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """MRR − Σ hours × cost rate of the person who logged them (the blended rate when unknown)."""
    cost = sum((hours * rate for hours, rate in hours_by_cost_rate), ZERO)
    return (mrr - cost).quantize(CENT, ROUND_HALF_UP)


def effective_hourly_rate(mrr: Decimal, hours: Decimal) -> Decimal | None:
    return (mrr / hours).quantize(CENT, ROUND_HALF_UP) if hours else None


def span_of_control_limit(*, specialised: bool) -> int:
    """8 direct reports for specialised work, 15 otherwise (SPAN_OF_CONTROL_LIMIT[_GENERAL])."""
    return settings.SPAN_OF_CONTROL_LIMIT if specialised else settings.SPAN_OF_CONTROL_LIMIT_GENERAL


def span_of_control_flag(reports: int, *, specialised: bool) -> bool:
    """A lead is flagged above the limit of the kind of team they lead."""
    return reports > span_of_control_limit(specialised=specialised)


def win_rate(wins: int, losses: int) -> float | None:
    """Wins ÷ (wins + losses); inconclusive results are shown elsewhere but never counted."""
    return ratio(wins, wins + losses)


@dataclass(frozen=True)
class Compliance:
    required: int
    passed: int
    average_score: float | None

    @property
    def rate(self) -> float | None:
        return ratio(self.passed, self.required)


def training_compliance(required: int, passed: int, scores: Sequence[float | Decimal]) -> Compliance:
    """Required modules passed ÷ required modules, with the average test score beside it."""
    average = float(sum(Decimal(str(s)) for s in scores) / len(scores)) if scores else None
    return Compliance(required=required, passed=passed, average_score=average)


@dataclass(frozen=True)
class Change:
    """A KPI's move against the previous period; `good` says whether the move is welcome."""

    delta: float | None
    good: bool | None

    @property
    def direction(self) -> str:
        if self.delta is None or abs(self.delta) < 1e-9:
            return "flat"
        return "up" if self.delta > 0 else "down"


def change(current: float | Decimal | None, previous: float | Decimal | None, higher_is_better: bool = True) -> Change:
    if current is None or previous is None:
        return Change(None, None)
    delta = float(current) - float(previous)
    if abs(delta) < 1e-9:
        return Change(0.0, None)
    return Change(delta, (delta > 0) == higher_is_better)
