"""The backtest, by hand-computed cases: every figure of DESIGN's health lab, and the edges."""

import datetime as dt

from godview.lab import ANY, Flag, Period, Run, backtest, merge

D0 = dt.date(2025, 1, 1)
PERIOD = Period(D0, D0 + dt.timedelta(days=365))  # 2025-01-01 .. 2026-01-01


def d(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def run(client: int, first: int, last: int, signal: str = "s") -> Run:
    return Run(client, signal, d(first), d(last))


def figures(runs, churns, signals=("s",), period=PERIOD):
    return backtest(runs, [(pk, d(n)) for pk, n in churns], period, signals)


def test_a_run_before_a_churn_catches_it_at_the_horizons_it_reaches_and_gives_its_lead():
    # Client 1 fires days 100..110 and churns on day 150: 40 days after the last firing day.
    result = figures([run(1, 100, 110)], [(1, 150)])["s"]
    at = result.horizons
    assert [len(at[h].caught) for h in (30, 60, 90)] == [0, 1, 1]
    assert at[30].recall == 0 and at[60].recall == 1
    assert at[60].median_lead_days == 50  # churn − first day of the run
    # The flag (day 100) churned 50 days later: true at 60 and 90, not at 30.
    assert [len(at[h].true_flags) for h in (30, 60, 90)] == [0, 1, 1]
    assert at[30].precision == 0 and at[90].precision == 1
    assert result.false_alarms == []


def test_the_lead_time_counts_from_the_last_unbroken_run_before_the_churn():
    result = figures([run(1, 10, 20), run(1, 40, 59)], [(1, 60)])["s"]
    assert result.horizons[30].caught[0].lead_days == 20
    assert len(result.flags) == 2
    # Flag day 10 is 50 days from the churn: false at 30, true at 60; flag day 40 true at both.
    assert len(result.horizons[30].true_flags) == 1
    assert len(result.horizons[60].true_flags) == 2


def test_medians_and_recall_over_several_clients():
    runs = [run(1, 100, 119), run(2, 200, 209), run(3, 50, 55)]
    churns = [(1, 120), (2, 230), (3, 300), (4, 310)]  # 3 fired long before; 4 never fired
    h30 = figures(runs, churns)["s"].horizons[30]
    assert [c.client_id for c in h30.caught] == [1, 2]
    assert [c.client_id for c in h30.missed] == [3, 4]
    assert h30.recall == 0.5
    assert h30.median_lead_days == 25  # median of 20 and 30
    # Flags 100, 200, 50: client 1 (20 days), 2 (30 days) true; client 3's flag is a false alarm.
    assert len(h30.true_flags) == 2 and len(h30.flags) == 3
    assert figures(runs, churns)["s"].false_alarms == [run_flag(3, 50)]


def run_flag(client: int, n: int) -> Flag:
    return Flag(client, d(n))


def test_a_flag_too_close_to_the_periods_end_is_not_counted_for_precision():
    # Flag 40 days before the end: counted at 30, not at 60 or 90; not a false alarm either.
    result = figures([run(1, 325, 330)], [])["s"]
    assert len(result.flags) == 1
    assert [len(result.horizons[h].flags) for h in (30, 60, 90)] == [1, 0, 0]
    assert result.horizons[30].precision == 0
    assert result.horizons[60].precision is None
    assert result.false_alarms == []


def test_runs_straddling_the_periods_edges():
    # A run from before the start is no flag of the period but still catches a churn early in it.
    result = figures([run(1, -20, 3), run(2, 360, 370)], [(1, 10), (2, 400)])["s"]
    assert [f.day for f in result.flags] == [d(360)]  # client 2's run starts inside the period
    assert len(result.horizons[30].caught) == 1  # client 1; client 2 churns after the period
    assert result.horizons[30].caught[0].lead_days == 30  # from the run's first day, before the period
    assert [c.client_id for c in result.horizons[30].churned] == [1]
    assert all(not h.flags for h in result.horizons.values())  # day 360 is within 30 days of the end


def test_a_client_that_churns_twice_is_judged_churn_by_churn():
    # The product keeps one churn date per client; the backtest takes several all the same.
    result = figures([run(1, 10, 19), run(1, 200, 209)], [(1, 20), (1, 290)])["s"]
    h30, h90 = result.horizons[30], result.horizons[90]
    assert [(c.churned_on, c.lead_days) for c in h30.caught] == [(d(20), 10)]
    assert [c.churned_on for c in h30.missed] == [d(290)]
    assert [(c.churned_on, c.lead_days) for c in h90.caught] == [(d(20), 10), (d(290), 90)]
    assert h90.recall == 1 and h90.precision == 1


def test_a_signal_that_never_fires_has_zero_recall_and_no_precision():
    result = figures([run(1, 10, 20, signal="other")], [(1, 30)], signals=("s", "other"))["s"]
    assert result.flags == []
    for h in result.horizons.values():
        assert h.recall == 0 and h.precision is None and h.median_lead_days is None
        assert len(h.missed) == 1


def test_any_joins_every_signals_runs_per_client():
    runs = [run(1, 10, 20, "a"), run(1, 21, 30, "b"), run(1, 25, 40, "c"), run(1, 50, 50, "a")]
    result = figures(runs, [(1, 45)], signals=(ANY,))[ANY]
    assert [f.day for f in result.flags] == [d(10), d(50)]
    assert result.horizons[30].caught[0].lead_days == 35


def test_no_churn_in_the_period_leaves_recall_undefined():
    result = figures([run(1, 10, 20)], [])["s"]
    assert result.horizons[90].recall is None
    assert len(result.false_alarms) == 1


def test_merge_joins_adjacent_and_overlapping_ranges():
    assert merge([(d(5), d(6)), (d(0), d(2)), (d(3), d(4)), (d(8), d(9))]) == [(d(0), d(6)), (d(8), d(9))]


def test_the_lead_time_chart_draws_each_horizon_in_the_palettes_accent_and_tints():
    from godview.charts import HORIZON_COLOURS, lead_time_distribution

    figure, table = lead_time_distribution({30: [5, 40], 60: [5, 40, 55], 90: [5, 40, 55, 200]}, "signal=any")
    assert [trace["marker"]["color"] for trace in figure["data"]] == [HORIZON_COLOURS[h] for h in (30, 60, 90)]
    assert HORIZON_COLOURS[90] == "#2f5bd3"  # --accent in static/css/app.css
    assert [row[3] for row in table["rows"]] == [1, 0, 2, 0, 0, 1]  # 5 | – | 40, 55 | – | – | 200 at 90 days
