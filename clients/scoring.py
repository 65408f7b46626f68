"""Pure scoring (no ORM): objective pace and the computed health signal with its factors.

Health signal: each factor with data scores 1–4 (1 = worst, like the risk score); the signal is
the mean of those, rounded to the nearest whole score, ties going to the riskier score.

The voice of the client (issue 20) adds two factors, both over the 28 days ending on the day:
- contact sentiment: the share of logged contacts that were negative (0 → 4, up to a quarter → 3,
  up to half → 2, more → 1); no data without contacts in those days;
- complaint frequency: complaints = negative contacts + NPS detractor responses (0–6) in those
  days (0 → 4, 1 → 3, 2–3 → 2, 4 or more → 1).
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import half_up, percent

BEHIND_PACE_POINTS = 25
REVIEW_GAP = 2  # DESIGN: health signal and risk score this far apart send a client to the review queue


def disagrees(health_score: int | None, risk_score: int | None) -> bool:
    """True when the computed health signal and the AM's risk score are REVIEW_GAP or more apart."""
    return health_score is not None and risk_score is not None and abs(health_score - risk_score) >= REVIEW_GAP


@dataclass(frozen=True)
class Pace:
    progress: float  # percent of the way from baseline to target
    elapsed: float  # percent of the objective's time gone
    behind: bool

    @property
    def shown_progress(self) -> int:
        return int(half_up(self.progress))

    @property
    def shown_elapsed(self) -> int:
        return int(half_up(self.elapsed))


def objective_pace(
    *,
    baseline: Decimal,
    target: Decimal,
    current: Decimal,
    start: dt.date,
    due: dt.date,
    on: dt.date,
    points: float = BEHIND_PACE_POINTS,
) -> Pace:
    """DESIGN: behind when progress trails the share of time elapsed by more than 25 points."""
    span = target - baseline
    progress = float((current - baseline) / span * 100) if span else 100.0
    days = (due - start).days
    elapsed = min(100.0, max(0.0, (on - start).days / days * 100)) if days > 0 else 100.0
    # Exact values: the comparison must not see rounding (screens round, half up, when they show them).
    return Pace(progress=progress, elapsed=elapsed, behind=elapsed - progress > points)


# --- objective states (issue 20): the words of the KPI "Objectives on pace" -------------------

ON_PACE, BEHIND, ACHIEVED, MISSED = "on_pace", "behind", "achieved", "missed"
OBJECTIVE_STATES = (ON_PACE, BEHIND, ACHIEVED, MISSED)


def target_reached(baseline: Decimal, target: Decimal, current: Decimal) -> bool:
    """At or past the target, in the objective's own direction (a target below its baseline falls)."""
    return current >= target if target > baseline else current <= target


def objective_state(
    *,
    status: str,
    baseline: Decimal,
    target: Decimal,
    current: Decimal,
    start: dt.date,
    due: dt.date,
    on: dt.date,
    points: float = BEHIND_PACE_POINTS,
) -> str:
    """An objective's state on `on`: achieved (target reached, or closed as achieved), missed (its
    due date passed without it, or closed as missed), else behind when its progress trails the share
    of its time elapsed by more than `points`, else on pace (DESIGN "Objective pace")."""
    if status == ACHIEVED or target_reached(baseline, target, current):
        return ACHIEVED
    if status == MISSED or on > due:
        return MISSED
    pace = objective_pace(baseline=baseline, target=target, current=current, start=start, due=due, on=on, points=points)
    return BEHIND if pace.behind else ON_PACE


def value_needed(
    *, baseline: Decimal, target: Decimal, start: dt.date, due: dt.date, on: dt.date, points: float = BEHIND_PACE_POINTS
) -> Decimal:
    """The least current value that is still on pace on `on`: progress may trail the time elapsed
    by `points`, no more, so it needs (elapsed − points)% of the way from baseline to target."""
    days = (due - start).days
    elapsed = min(100.0, max(0.0, (on - start).days / days * 100)) if days > 0 else 100.0
    share = Decimal(str(max(0.0, elapsed - points))) / 100
    return baseline + (target - baseline) * share


@dataclass(frozen=True)
class HealthInputs:
    """What the data says about one client; None means no data for that factor."""

    days_since_contact: int | None
    stale_after_days: int
    goal_hit_rate: float | None  # 0..1, last four weeks
    overdue_tasks: int
    max_days_overdue: int
    objectives_behind: int
    objectives_open: int
    latest_nps: int | None
    waiting_business_days: int  # business days waited on the client in the last four weeks
    slipped_tasks: int = 0  # tasks whose due date moved later in the last four weeks
    recent_contacts: int = 0  # contacts logged in the 28 days ending on the day
    negative_contacts: int = 0  # of those, negative ones
    recent_detractors: int = 0  # NPS detractor responses (0–6) in the same 28 days

    @property
    def complaints(self) -> int:
        return self.negative_contacts + self.recent_detractors


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    score: int | None
    detail: str


@dataclass(frozen=True)
class HealthSignal:
    score: int | None
    factors: tuple[Factor, ...]

    @property
    def weakest(self) -> list[Factor]:
        scored = [f for f in self.factors if f.score is not None]
        return sorted(scored, key=lambda f: f.score)[:2]


def _band(value: float, cuts: tuple[float, float, float], higher_is_better: bool = True) -> int:
    """Score 4..1 by cut points (best first)."""
    for score, cut in zip((4, 3, 2), cuts, strict=True):
        if (value >= cut) if higher_is_better else (value <= cut):
            return score
    return 1


# --- factor scores (the factors below add their label and detail) ----------------------------


def contact_score(inputs: HealthInputs) -> int:
    days = inputs.days_since_contact
    if days is None:
        return 1
    return _band(days / inputs.stale_after_days, (0.5, 1.0, 2.0), higher_is_better=False)


def goals_score(inputs: HealthInputs) -> int | None:
    rate = inputs.goal_hit_rate
    return None if rate is None else _band(rate, (0.85, 0.7, 0.5))


def overdue_score(inputs: HealthInputs) -> int:
    count, oldest = inputs.overdue_tasks, inputs.max_days_overdue
    if count == 0:
        return 4
    if count <= 2 and oldest <= 7:
        return 3
    if count <= 5 and oldest <= 14:
        return 2
    return 1


def objectives_score(inputs: HealthInputs) -> int | None:
    if inputs.objectives_open == 0:
        return None
    share = inputs.objectives_behind / inputs.objectives_open
    return _band(share, (0.0, 1 / 3, 2 / 3), higher_is_better=False)


def nps_score(inputs: HealthInputs) -> int | None:
    return None if inputs.latest_nps is None else _band(inputs.latest_nps, (9, 7, 5))


def waiting_score(inputs: HealthInputs) -> int:
    return _band(inputs.waiting_business_days, (1, 2, 5), higher_is_better=False)


def slips_score(inputs: HealthInputs) -> int:
    return _band(inputs.slipped_tasks, (0, 2, 5), higher_is_better=False)


def sentiment_score(inputs: HealthInputs) -> int | None:
    if inputs.recent_contacts == 0:
        return None
    return _band(inputs.negative_contacts / inputs.recent_contacts, (0.0, 0.25, 0.5), higher_is_better=False)


def complaints_score(inputs: HealthInputs) -> int:
    return _band(inputs.complaints, (0, 1, 3), higher_is_better=False)


SCORES = (
    contact_score,
    goals_score,
    overdue_score,
    objectives_score,
    nps_score,
    waiting_score,
    slips_score,
    sentiment_score,
    complaints_score,
)


def contact_factor(inputs: HealthInputs) -> Factor:
    days = inputs.days_since_contact
    if days is None:
        return Factor("contact", _("Contact recency"), 1, _("No contact logged"))
    score = contact_score(inputs)
    return Factor(
        "contact",
        _("Contact recency"),
        score,
        _("%(days)s days since contact (stale after %(limit)s)") % {"days": days, "limit": inputs.stale_after_days},
    )


def goals_factor(inputs: HealthInputs) -> Factor:
    rate = inputs.goal_hit_rate
    if rate is None:
        return Factor("goals", _("Weekly goal hit rate"), None, _("No goals due in the last four weeks"))
    return Factor(
        "goals",
        _("Weekly goal hit rate"),
        goals_score(inputs),
        _("%(rate)s%% of goals hit in the last four weeks") % {"rate": percent(rate)},
    )


def overdue_factor(inputs: HealthInputs) -> Factor:
    count, oldest = inputs.overdue_tasks, inputs.max_days_overdue
    score = overdue_score(inputs)
    detail = (
        _("%(count)s overdue tasks, oldest %(days)s days") % {"count": count, "days": oldest}
        if count
        else _("No overdue tasks")
    )
    return Factor("overdue", _("Overdue tasks"), score, detail)


def objectives_factor(inputs: HealthInputs) -> Factor:
    if inputs.objectives_open == 0:
        return Factor("objectives", _("Objective pace"), None, _("No open objectives"))
    score = objectives_score(inputs)
    return Factor(
        "objectives",
        _("Objective pace"),
        score,
        _("%(behind)s of %(open)s objectives behind pace")
        % {"behind": inputs.objectives_behind, "open": inputs.objectives_open},
    )


def nps_factor(inputs: HealthInputs) -> Factor:
    nps = inputs.latest_nps
    if nps is None:
        return Factor("nps", _("NPS"), None, _("No NPS response"))
    return Factor("nps", _("NPS"), nps_score(inputs), _("Latest NPS %(score)s") % {"score": nps})


def waiting_factor(inputs: HealthInputs) -> Factor:
    days = inputs.waiting_business_days
    return Factor(
        "waiting",
        _("Waiting on client"),
        waiting_score(inputs),
        _("%(days)s business days waiting on the client in four weeks") % {"days": days},
    )


def slips_factor(inputs: HealthInputs) -> Factor:
    slipped = inputs.slipped_tasks
    return Factor(
        "slips",
        _("Slipped tasks"),
        slips_score(inputs),
        _("%(n)s tasks slipped (due date moved later) in four weeks") % {"n": slipped},
    )


def sentiment_factor(inputs: HealthInputs) -> Factor:
    contacts, negative = inputs.recent_contacts, inputs.negative_contacts
    if contacts == 0:
        return Factor("sentiment", _("Contact sentiment"), None, _("No contacts in 28 days"))
    return Factor(
        "sentiment",
        _("Contact sentiment"),
        sentiment_score(inputs),
        _("%(negative)s of %(contacts)s contacts negative in 28 days") % {"negative": negative, "contacts": contacts},
    )


def complaints_factor(inputs: HealthInputs) -> Factor:
    return Factor(
        "complaints",
        _("Complaint frequency"),
        complaints_score(inputs),
        _("%(n)s complaints in 28 days (negative contacts and NPS detractors)") % {"n": inputs.complaints},
    )


FACTORS = (
    contact_factor,
    goals_factor,
    overdue_factor,
    objectives_factor,
    nps_factor,
    waiting_factor,
    slips_factor,
    sentiment_factor,
    complaints_factor,
)


def _combined(scores: list[int]) -> int | None:
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    # Nearest whole score; exact halves go down, to the riskier side.
    return max(1, min(4, math.ceil(mean - 0.5)))


def health_signal(inputs: HealthInputs) -> HealthSignal:
    factors = tuple(factor(inputs) for factor in FACTORS)
    return HealthSignal(_combined([f.score for f in factors if f.score is not None]), factors)


def health_score(inputs: HealthInputs) -> int | None:
    """`health_signal(inputs).score` without the factors' texts (the rollup scores every client
    every day: the texts, translated, were most of its time)."""
    scores = (score(inputs) for score in SCORES)
    return _combined([s for s in scores if s is not None])
