"""Issue 20: the states behind "Objectives on pace", the value an objective needs to stay on pace,
and the no-objective-goal early warning, each on figures computed by hand."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from clients.scoring import ACHIEVED, BEHIND, MISSED, ON_PACE, objective_state, value_needed
from clients.tests.test_warnings import QUIET
from clients.warnings import Rule, evaluate, judged_week

START = dt.date(2026, 1, 1)
DUE = dt.date(2026, 4, 1)  # 90 days
ON = dt.date(2026, 2, 15)  # 45 days in: half the time gone


def state(current: str, on: dt.date = ON, status: str = "on_track", baseline="100", target="200", points=25.0):
    return objective_state(
        status=status,
        baseline=Decimal(baseline),
        target=Decimal(target),
        current=Decimal(current),
        start=START,
        due=DUE,
        on=on,
        points=points,
    )


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        # 50% of the time gone: on pace while progress ≥ 50 − 25 = 25%, i.e. current ≥ 125.
        ("150", ON_PACE),  # 50% progress
        ("125", ON_PACE),  # exactly 25 points behind: not more than 25, still on pace
        ("124.99", BEHIND),  # 24.99%: 25.01 points behind
        ("110", BEHIND),  # 10%
        ("200", ACHIEVED),  # target reached
        ("230", ACHIEVED),  # past it
    ],
)
def test_an_objective_is_on_pace_while_progress_trails_elapsed_time_by_25_points_at_most(current, expected):
    assert state(current) == expected


def test_a_falling_target_is_reached_from_above():
    # Cut cost per acquisition from 200 to 100: at 150 it is halfway (50% progress), on pace.
    assert state("150", baseline="200", target="100") == ON_PACE
    assert state("180", baseline="200", target="100") == BEHIND  # 20% progress, 30 points behind
    assert state("95", baseline="200", target="100") == ACHIEVED


def test_past_its_due_date_an_unreached_objective_is_missed_whatever_its_stored_status():
    assert state("180", on=DUE) == ON_PACE  # the due day itself is still open: 80% with all the time gone
    assert state("150", on=DUE) == BEHIND
    assert state("180", on=DUE + dt.timedelta(days=1)) == MISSED
    assert state("150", status="missed") == MISSED  # closed as missed by the service
    assert state("120", status="achieved") == ACHIEVED  # closed as achieved stays achieved


def test_the_threshold_from_admin_moves_the_line():
    assert state("110", points=45.0) == ON_PACE  # 40 points behind, within 45
    assert state("110", points=35.0) == BEHIND


def test_the_value_needed_is_the_least_value_still_on_pace():
    # On 15 Feb: 50% gone, so it needs 25% of the way: 100 + 100 × 0.25 = 125.
    assert value_needed(baseline=Decimal(100), target=Decimal(200), start=START, due=DUE, on=ON) == Decimal(125)
    # Early on nothing is needed yet (elapsed under the 25 points).
    early = value_needed(baseline=Decimal(100), target=Decimal(200), start=START, due=DUE, on=dt.date(2026, 1, 10))
    assert early == Decimal(100)
    # On 22 Mar: 80 of 90 days gone = 88.89%, needs 63.89% of the way from 200 down to 100: 136.11.
    falling = value_needed(baseline=Decimal(200), target=Decimal(100), start=START, due=DUE, on=dt.date(2026, 3, 22))
    assert falling.quantize(Decimal("0.01")) == Decimal("136.11")
    day = dt.date(2026, 3, 22)
    assert state("136.11", on=day, baseline="200", target="100") == ON_PACE  # 63.89% of the way: 25.00 behind
    assert state("136.12", on=day, baseline="200", target="100") == BEHIND  # 63.88%: 25.01 behind


def test_the_rule_judges_this_week_from_its_weekday_and_last_week_before():
    monday, tuesday = dt.date(2026, 6, 15), dt.date(2026, 6, 16)
    assert judged_week(monday, 2) == dt.date(2026, 6, 8)  # Monday: the AMs are planning; last week's goals
    assert judged_week(tuesday, 2) == monday
    assert judged_week(monday, 1) == monday
    assert judged_week(dt.date(2026, 6, 21), 7) == monday  # Sunday


RULE = [Rule("no_objective_goal", Decimal("2"))]


def fired(**changes) -> dict[str, str]:
    return {f.rule: f.reason for f in evaluate(replace(QUIET, **changes), RULE)}


def test_a_week_with_a_goal_tied_to_an_open_objective_fires_nothing():
    assert fired(judged_week=dt.date(2026, 6, 15), tied_goals=1, open_objectives=2) == {}


def test_a_week_without_one_fires_with_the_week_and_the_open_objectives_in_words():
    reason = fired(judged_week=dt.date(2026, 6, 15), tied_goals=0, open_objectives=2)["no_objective_goal"]
    assert reason == "No goal of the week of 15 Jun serves any of its 2 open objectives"
    one = fired(judged_week=dt.date(2026, 6, 15), tied_goals=0, open_objectives=1)["no_objective_goal"]
    assert one == "No goal of the week of 15 Jun serves its open objective"


def test_a_client_with_no_open_objective_is_told_to_set_the_quarters():
    reason = fired(judged_week=dt.date(2026, 6, 15), tied_goals=0, open_objectives=0)["no_objective_goal"]
    assert "No open objective" in reason and "set this quarter's" in reason


def test_inputs_gathered_without_the_week_keep_the_rule_quiet():
    assert fired() == {}  # QUIET has no judged week: e.g. a caller that does not gather it
