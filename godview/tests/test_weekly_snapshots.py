"""The weekly snapshots (issue 19) are each client's week of daily snapshots summed, whatever wrote
the days: the range rollup, the daily one, or a re-run over days already stored; and the
top-performer comparison reads the same figures from them as from the daily rows."""

import datetime as dt
from collections import defaultdict

import pytest

from clients.models import Client, DailySnapshot, WeeklySnapshot
from core.weeks import today, week_start
from godview import demo, performance
from godview.rollup import WEEKLY_FIELDS, rollup_day, rollup_range

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(monkeypatch):
    """A 20-client demo agency without its rollup."""
    monkeypatch.setattr(demo, "rollup_range", lambda **kwargs: [])
    demo.build_demo(clients=20, seed=5)


def by_hand() -> dict[tuple[int, dt.date], tuple]:
    """Each weekly field from the days: sums, the risk as its sum and the days that have one, and
    the Sunday's score of a client active then (0 when not assessed; empty otherwise)."""
    summed = ("tasks_due", "tasks_on_time", "goals_due", "goals_hit")
    assert (*summed, "risk_sum", "risk_days", "sunday_risk") == WEEKLY_FIELDS
    weeks: dict[tuple[int, dt.date], list] = defaultdict(lambda: [0] * (len(WEEKLY_FIELDS) - 1) + [None])
    rows = DailySnapshot.objects.values_list("client_id", "date", "risk_score", "is_active", *summed)
    for pk, day, risk, active, *values in rows:
        sums = weeks[(pk, week_start(day))]
        for i, value in enumerate([*values, risk or 0, risk is not None]):
            sums[i] += value
        if day.isoweekday() == 7 and active:
            sums[-1] = risk or 0
    return {key: tuple(sums) for key, sums in weeks.items()}


def stored() -> dict[tuple[int, dt.date], tuple]:
    return {
        (pk, monday): tuple(values)
        for pk, monday, *values in WeeklySnapshot.objects.values_list("client_id", "week_start", *WEEKLY_FIELDS)
    }


def test_the_weeks_are_the_days_summed_after_a_range_and_after_a_rerun(agency):
    rollup_range(end=today(), days=60)  # a range pass for the older days, daily runs for the play days
    expected = by_hand()
    # Most clients over nine weeks or more (the demo starts some clients later), with tasks due.
    assert len({pk for pk, _m in expected}) >= 15 and len({m for _pk, m in expected}) >= 9
    assert sum(v[0] for v in expected.values()) > 0
    assert stored() == expected
    assert {v[-1] for v in expected.values()} >= {None, 1, 2, 3, 4}  # Sundays of each score, and weeks without
    # A re-run of one day over stored rows (late data): its week is summed again, the others stay.
    day = today() - dt.timedelta(days=20)
    DailySnapshot.objects.filter(date=day).update(tasks_due=0, tasks_on_time=0)  # as if the day had changed
    rollup_day(day)
    assert stored() == by_hand()


def test_the_performers_figures_read_from_the_weeks_equal_those_of_the_days(agency):
    """Each manager's on-time rate over the window, from the snapshot weeks (every client) and from
    one pod's clients' weekly snapshots, equals their clients' daily rows summed by hand."""
    on = today()
    rollup_range(end=on, days=120)
    end_monday = week_start(on)
    start_monday = end_monday - dt.timedelta(weeks=performance.WINDOW_WEEKS)
    due: dict[int, int] = defaultdict(int)
    on_time: dict[int, int] = defaultdict(int)
    for am, d, t in DailySnapshot.objects.filter(date__gte=start_monday, date__lt=end_monday).values_list(
        "client__account_manager_id", "tasks_due", "tasks_on_time"
    ):
        due[am] += d
        on_time[am] += t
    assert sum(due.values()) > 0
    expected = {am: on_time[am] / due[am] for am in due if due[am]}
    everyone = performance.gather(None, on)
    assert {p.user_id: p.on_time_rate for p in everyone if p.on_time_rate is not None} == expected
    pod = everyone[0].pod_id
    some = Client.objects.filter(account_manager__pod_id=pod)
    scoped = {p.user_id: p.on_time_rate for p in performance.gather(some, on) if p.on_time_rate is not None}
    assert scoped and scoped == {am: rate for am, rate in expected.items() if am in scoped}
