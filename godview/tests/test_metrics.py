"""DESIGN "Metric definitions", each checked against numbers worked out by hand."""

import datetime as dt
from decimal import Decimal

from godview import metrics


def test_goal_hit_rate_is_hits_over_goals_due():
    # 3 goals hit out of 4 due (a cancelled one is never passed in).
    assert metrics.goal_hit_rate(3, 4) == 0.75


def test_a_rate_with_nothing_counted_is_none_not_zero():
    assert metrics.goal_hit_rate(0, 0) is None
    assert metrics.on_time_rate(0, 0) is None
    assert metrics.win_rate(0, 0) is None


def test_on_time_rate_counts_completed_or_overdue_tasks_in_the_window():
    # 7 completed on or before their due date, out of 8 completed + 2 overdue = 10.
    assert metrics.on_time_rate(7, 10) == 0.7


def test_cycle_time_is_the_median_of_completed_minus_started_in_days():
    d = dt.date
    spans = [(d(2026, 1, 1), d(2026, 1, 3)), (d(2026, 1, 1), d(2026, 1, 11)), (d(2026, 1, 5), d(2026, 1, 9))]
    # 2, 10 and 4 days: the median is 4.
    assert metrics.cycle_time_days(spans) == 4.0
    # An even count takes the mean of the middle two: 2, 4, 6, 10 → 5.
    spans.append((d(2026, 2, 1), d(2026, 2, 7)))
    assert metrics.cycle_time_days(spans) == 5.0
    assert metrics.cycle_time_days([]) is None


def test_contact_is_stale_only_above_the_tier_threshold():
    assert metrics.is_stale(14, 14) is False
    assert metrics.is_stale(15, 14) is True
    assert metrics.is_stale(8, 7) is True
    assert metrics.is_stale(None, 7) is True  # never contacted
    assert metrics.days_since(dt.date(2026, 3, 1), dt.date(2026, 3, 11)) == 10


def test_logo_churn_is_churned_in_period_over_active_at_its_start():
    assert metrics.logo_churn_rate(2, 40) == 0.05
    assert metrics.logo_churn_rate(0, 0) is None


def test_nrr_and_grr_leave_expansion_out_of_grr():
    # 12 months ago: 10,000. Since: +2,000 expansion, −500 contraction, −1,000 churn → 10,500 today.
    then = Decimal("10000")
    assert metrics.nrr(then, Decimal("10500")) == 1.05
    # GRR: 10,000 − 500 − 1,000 = 8,500 → 85%.
    assert metrics.grr(then, Decimal("500"), Decimal("1000")) == 0.85


def test_clv_is_average_mrr_times_margin_over_monthly_churn_with_a_floor():
    # 5,000 × 0.55 ÷ 0.02 = 137,500.
    assert metrics.clv(Decimal("5000"), Decimal("0.55"), 0.02, Decimal("0.005")) == Decimal("137500.00")
    # No churn at all: the floor 0.005 keeps it finite: 5,000 × 0.55 ÷ 0.005 = 550,000.
    assert metrics.clv(Decimal("5000"), Decimal("0.55"), 0.0, Decimal("0.005")) == Decimal("550000.00")


def test_profitability_subtracts_each_loggers_hours_at_their_rate():
    # 6,000 − (10 h × 50 + 20 h × 45) = 6,000 − 1,400 = 4,600.
    rows = [(Decimal("10"), Decimal("50")), (Decimal("20"), Decimal("45"))]
    assert metrics.profitability(Decimal("6000"), rows) == Decimal("4600.00")
    # Effective hourly rate: 6,000 ÷ 30 h = 200.
    assert metrics.effective_hourly_rate(Decimal("6000"), Decimal("30")) == Decimal("200.00")
    assert metrics.effective_hourly_rate(Decimal("6000"), Decimal("0")) is None


def test_span_of_control_is_flagged_above_8_specialised_or_15():
    assert metrics.span_of_control_flag(8, specialised=True) is False
    assert metrics.span_of_control_flag(9, specialised=True) is True
    assert metrics.span_of_control_flag(15, specialised=False) is False
    assert metrics.span_of_control_flag(16, specialised=False) is True


def test_win_rate_ignores_inconclusive_results():
    # 3 wins, 1 loss (and any number of inconclusive): 3 ÷ 4.
    assert metrics.win_rate(3, 1) == 0.75


def test_training_compliance_is_passed_over_required_with_the_average_score():
    result = metrics.training_compliance(4, 3, [Decimal("90"), Decimal("70"), Decimal("80")])
    assert result.rate == 0.75
    assert result.average_score == 80.0


def test_objective_pace_is_behind_when_progress_trails_time_by_more_than_25_points():
    start, due = dt.date(2026, 1, 1), dt.date(2026, 4, 11)  # 100 days
    # Day 60: 60% of the time gone. Progress (130 − 100) ÷ (200 − 100) = 30%: 30 points behind.
    pace = metrics.objective_pace(
        baseline=Decimal("100"), target=Decimal("200"), current=Decimal("130"), start=start, due=due,
        on=dt.date(2026, 3, 2),
    )  # fmt: skip
    assert (pace.progress, pace.elapsed, pace.behind) == (30.0, 60.0, True)
    # At 40% progress it trails by 20 points: not behind.
    pace = metrics.objective_pace(
        baseline=Decimal("100"), target=Decimal("200"), current=Decimal("140"), start=start, due=due,
        on=dt.date(2026, 3, 2),
    )  # fmt: skip
    assert pace.behind is False


def test_change_knows_whether_a_move_is_welcome():
    assert metrics.change(0.8, 0.7).good is True
    assert metrics.change(5, 3, higher_is_better=False).good is False
    assert metrics.change(None, 3).delta is None
    assert metrics.change(3, 3).direction == "flat"
