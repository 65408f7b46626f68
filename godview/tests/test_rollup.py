"""The daily rollup: one snapshot per client and day (upsert), warnings opened and resolved."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import DailySnapshot, EarlyWarning
from clients.tests.factories import (
    ClientFactory,
    ContactFactory,
    RiskAssessmentFactory,
    WeeklyGoalFactory,
)
from core.weeks import today, week_deadline, week_start
from godview.rollup import day_bounds, rollup_day
from tasks.tests.factories import TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


def test_a_snapshot_holds_the_days_flows_and_end_of_day_stocks(am):
    day = today() - dt.timedelta(days=1)
    start, end = day_bounds(day)
    client = ClientFactory(account_manager=am, mrr=Decimal("4000"))
    RiskAssessmentFactory(client=client, score=2, assessed_at=start - dt.timedelta(days=3))
    ContactFactory(client=client, contacted_on=day - dt.timedelta(days=4))
    # Tasks due on the day: one done in time, one done the next day, one still open → 1 of 3 on time.
    TaskFactory(client=client, due_on=day, completed_at=start + dt.timedelta(hours=10))
    TaskFactory(client=client, due_on=day, completed_at=end + dt.timedelta(hours=2))
    TaskFactory(client=client, due_on=day)
    # Two tasks overdue at the end of the day, one due later and open.
    TaskFactory(client=client, due_on=day - dt.timedelta(days=3))
    TaskFactory(client=client, due_on=day - dt.timedelta(days=9))
    TaskFactory(client=client, due_on=day + dt.timedelta(days=5))
    TimeEntryFactory(client=client, started_at=start + dt.timedelta(hours=9), hours=Decimal("2.5"))

    rollup_day(day)

    snap = DailySnapshot.objects.get(client=client, date=day)
    assert (snap.tasks_due, snap.tasks_on_time) == (3, 1)
    # Open at the end of the day: the open one due on the day, the late-done one, two overdue, the future one.
    assert (snap.open_tasks, snap.overdue_tasks) == (5, 2)
    assert (snap.risk_score, snap.days_since_contact, snap.mrr, snap.hours) == (2, 4, Decimal("4000"), Decimal("2.5"))
    assert snap.is_active
    assert snap.health_score is not None


def test_goal_flows_count_deadlines_on_the_day(am):
    monday = week_start(today()) - dt.timedelta(weeks=1)
    sunday = monday + dt.timedelta(days=6)
    client = ClientFactory(account_manager=am)
    WeeklyGoalFactory(
        client=client, week_start=monday, status="done", done_at=week_deadline(monday) - dt.timedelta(days=1)
    )
    WeeklyGoalFactory(
        client=client, week_start=monday, status="done", done_at=week_deadline(monday) + dt.timedelta(hours=1)
    )
    WeeklyGoalFactory(client=client, week_start=monday)  # open past its deadline: a miss
    WeeklyGoalFactory(client=client, week_start=monday, status="cancelled", cancel_reason="Client paused")

    rollup_day(sunday)
    rollup_day(monday)

    # Three count (cancelled excluded), one was done by its deadline; nothing is due on Monday.
    assert [(s.goals_due, s.goals_hit) for s in DailySnapshot.objects.filter(client=client).order_by("date")] == [
        (0, 0),
        (3, 1),
    ]


def test_rerunning_a_day_updates_its_row_instead_of_adding_one(am):
    client = ClientFactory(account_manager=am, mrr=Decimal("1000"))
    day = today()
    rollup_day(day)
    client.mrr = Decimal("1500")
    client.save()
    rollup_day(day)
    assert DailySnapshot.objects.filter(client=client, date=day).count() == 1
    assert DailySnapshot.objects.get(client=client, date=day).mrr == Decimal("1500")


def test_a_warning_opens_once_and_resolves_when_the_rule_stops_firing(am):
    client = ClientFactory(account_manager=am)
    ContactFactory(client=client)
    RiskAssessmentFactory(client=client, score=1)
    day = today()
    rollup_day(day)
    rollup_day(day)
    warning = EarlyWarning.objects.get(client=client, rule="risk_score")
    assert warning.resolved_on is None
    assert "Risk score 1" in warning.reason

    RiskAssessmentFactory(client=client, score=4)
    rollup_day(day)
    warning.refresh_from_db()
    assert warning.resolved_on == day


def test_the_rollup_costs_the_same_queries_for_3_or_12_clients(am):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rollup_day(today())
        return len(ctx)

    for _ in range(3):
        c = ClientFactory(account_manager=am)
        RiskAssessmentFactory(client=c, score=1)
        TaskFactory(client=c)
    small = count_queries()
    for _ in range(9):
        c = ClientFactory(account_manager=am)
        RiskAssessmentFactory(client=c, score=2)
        TaskFactory(client=c)
    assert count_queries() == small


def test_the_command_backfills_n_days(am):
    client = ClientFactory(account_manager=am)
    call_command("rollup", "--days", "3", "--date", today().isoformat(), stdout=io.StringIO())
    assert DailySnapshot.objects.filter(client=client).count() == 3


def test_the_nightly_job_rolls_up_yesterday_and_today(am):
    from godview.jobs import daily_rollup

    client = ClientFactory(account_manager=am, started_on=today() - dt.timedelta(days=10))
    daily_rollup()
    assert sorted(DailySnapshot.objects.filter(client=client).values_list("date", flat=True)) == [
        today() - dt.timedelta(days=1),
        today(),
    ]
