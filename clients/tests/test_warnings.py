"""Every early-warning rule of DESIGN fires at its threshold, with its reason in words."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from clients.scoring import Pace
from clients.selectors import Wait
from clients.warnings import Rule, WarningInputs, WeekHits, evaluate
from core.templatetags.numbers import short_date

ON = dt.date(2026, 6, 15)
QUIET = WarningInputs(
    on=ON,
    tier_name="Premium",
    stale_after_days=7,
    risk_score=3,
    risk_assessed_on=ON - dt.timedelta(days=5),
    days_since_contact=3,
    last_two_weeks=(WeekHits(dt.date(2026, 6, 8), 3, 3), WeekHits(dt.date(2026, 6, 1), 2, 2)),
    objectives=(("Leads", Pace(progress=50.0, elapsed=50.0, behind=False)),),
    overdue_tasks=0,
    max_days_overdue=0,
    health_score=3,
    detractors=(),
    waits=(),
    agreed_response_days=1,
    agreement_signed_on=dt.date(2026, 1, 5),
    hours_last_30_days=Decimal("10"),
    monthly_hours_budget=Decimal("20"),
    mrr=Decimal("5000"),
    effective_rate_floor=Decimal("60"),
)
RULES = [
    Rule("risk_score", Decimal("2")),
    Rule("stale_contact", Decimal("0")),
    Rule("goal_hit_rate", Decimal("60")),
    Rule("objective_behind", Decimal("25")),
    Rule("overdue_tasks", Decimal("3")),
    Rule("risk_not_reassessed", Decimal("30")),
    Rule("health_mismatch", Decimal("2")),
    Rule("nps_detractor", Decimal("90")),
    Rule("waiting_on_client", Decimal("0")),
    Rule("hours_over_budget", Decimal("1.5")),
]


def fired(**changes) -> dict[str, str]:
    return {f.rule: f.reason for f in evaluate(replace(QUIET, **changes), RULES)}


def test_a_healthy_client_fires_nothing():
    assert fired() == {}


def test_risk_score_1_or_2_fires_with_the_score_in_words():
    assert "Risk score 2 (High)" in fired(risk_score=2)["risk_score"]
    assert "risk_score" not in fired(risk_score=3)


def test_stale_contact_fires_above_the_tier_threshold():
    assert "risk_score" not in fired(days_since_contact=7)
    reasons = fired(days_since_contact=8)
    assert reasons["stale_contact"] == "8 days since the last contact (Premium limit: 7)"
    assert fired(days_since_contact=None)["stale_contact"] == "No contact logged yet"


def test_goal_hit_rate_fires_only_when_two_weeks_running_are_under_60_percent():
    low, ok = WeekHits(dt.date(2026, 6, 8), 1, 2), WeekHits(dt.date(2026, 6, 1), 3, 5)  # 50% and 60%
    assert "goal_hit_rate" not in fired(last_two_weeks=(low, ok))
    both = (low, WeekHits(dt.date(2026, 6, 1), 2, 4))
    assert "1 of 2 goals last week" not in fired(last_two_weeks=both).get("goal_hit_rate", "x")
    assert "1 of 2 last week, 2 of 4 the week before" in fired(last_two_weeks=both)["goal_hit_rate"]


def test_objective_behind_pace_names_the_objective():
    reasons = fired(objectives=(("Double leads", Pace(progress=20.0, elapsed=50.0, behind=True)),))
    assert "“Double leads” is behind pace: 20% progress with 50% of the time gone" in reasons["objective_behind"]
    # Trailing by exactly 25 points is not behind.
    assert "objective_behind" not in fired(objectives=(("x", Pace(progress=25.0, elapsed=50.0, behind=False)),))


def test_overdue_tasks_fire_at_three_or_one_older_than_a_week():
    assert "overdue_tasks" not in fired(overdue_tasks=2, max_days_overdue=7)
    assert fired(overdue_tasks=3, max_days_overdue=2)["overdue_tasks"] == "3 overdue tasks, the oldest 2 days late"
    assert "overdue_tasks" in fired(overdue_tasks=1, max_days_overdue=8)


def test_risk_not_reassessed_for_30_days_fires():
    assert "risk_not_reassessed" not in fired(risk_assessed_on=ON - dt.timedelta(days=29))
    assert fired(risk_assessed_on=ON - dt.timedelta(days=30))["risk_not_reassessed"] == (
        "Risk not reassessed for 30 days"
    )


def test_health_and_risk_two_apart_fire():
    assert "health_mismatch" not in fired(health_score=4, risk_score=3)
    assert "health_mismatch" in fired(health_score=1, risk_score=3)


def test_a_detractor_in_the_last_90_days_fires():
    assert "nps_detractor" in fired(detractors=((6, ON - dt.timedelta(days=90)),))
    assert "nps_detractor" not in fired(detractors=((6, ON - dt.timedelta(days=91)),))


def test_the_detractor_warning_names_the_worst_score_with_that_responses_own_date():
    # A 2 a month ago and a milder 6 last week: the reason pairs the 2 with its own date.
    responses = ((2, ON - dt.timedelta(days=30)), (6, ON - dt.timedelta(days=7)))
    assert (
        fired(detractors=responses)["nps_detractor"] == f"NPS detractor: scored 2 on {short_date(dt.date(2026, 5, 16))}"
    )
    # Outside the window the worst response no longer counts; the recent one does.
    old_and_new = ((0, ON - dt.timedelta(days=200)), (5, ON - dt.timedelta(days=3)))
    assert (
        fired(detractors=old_and_new)["nps_detractor"]
        == f"NPS detractor: scored 5 on {short_date(dt.date(2026, 6, 12))}"
    )


def test_waiting_longer_than_the_agreements_response_time_fires():
    one_day = Wait("the brand assets", ON - dt.timedelta(days=1), business_days=1)
    three_days = Wait("the sign-off", ON - dt.timedelta(days=5), business_days=3)
    assert "waiting_on_client" not in fired(waits=(one_day,))
    reason = fired(waits=(one_day, three_days))["waiting_on_client"]
    assert reason == (
        f"Waiting 3 business days for “the sign-off” (since {short_date(dt.date(2026, 6, 10))}); "
        f"the agreement of {short_date(dt.date(2026, 1, 5))} says 1"
    )
    # A client that agreed to answer within three business days is not late yet.
    assert "waiting_on_client" not in fired(waits=(three_days,), agreed_response_days=3)
    # Without a signed agreement the default response time applies, and the reason says so.
    unsigned = fired(waits=(three_days,), agreement_signed_on=None)["waiting_on_client"]
    assert "no agreement signed; the default is 1" in unsigned


def test_the_waiting_rule_threshold_adds_grace_days():
    three_days = Wait("the sign-off", ON - dt.timedelta(days=5), business_days=3)
    rules = [Rule("waiting_on_client", Decimal("2"))]
    assert evaluate(replace(QUIET, waits=(three_days,)), rules) == []


def test_the_objective_rule_compares_exact_values_with_the_threshold_from_admin():
    # 25.04 points behind: rounded to one decimal it would read 25.0 and not fire.
    pace = Pace(progress=24.96, elapsed=50.0, behind=True)
    assert "objective_behind" in fired(objectives=(("Leads", pace),))
    # With 30 points set in admin, the same objective is within pace.
    rules = [Rule("objective_behind", Decimal("30"))]
    assert evaluate(replace(QUIET, objectives=(("Leads", pace),)), rules) == []


def test_hours_over_budget_or_rate_below_floor_fires():
    # 31 h against a 20 h budget is over 1.5×.
    assert "31 hours in 30 days" in fired(hours_last_30_days=Decimal("31"))["hours_over_budget"]
    # No budget, 100 h for 5,000 MRR: 50 per hour, under the floor of 60.
    reason = fired(monthly_hours_budget=None, hours_last_30_days=Decimal("100"))["hours_over_budget"]
    assert reason == "Effective rate 50 per hour is below the floor of 60"


def test_a_disabled_rule_never_fires():
    rules = [Rule("risk_score", Decimal("2"), enabled=False)]
    assert evaluate(replace(QUIET, risk_score=1), rules) == []
