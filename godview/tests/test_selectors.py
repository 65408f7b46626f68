"""Selectors against small fixtures whose expected figures are worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clients.models import Client, DailySnapshot, Experiment, GoalWeek, Postponement, Tactic, Tier, WeeklySnapshot
from clients.tests.factories import (
    ClientFactory,
    ContactFactory,
    RevenueEventFactory,
    RiskAssessmentFactory,
    WeeklyGoalFactory,
)
from core.weeks import today, week_deadline
from godview import goal_figures, selectors
from godview.forms import Filters
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filters() -> Filters:
    return Filters(period="4w")


def test_goal_hit_rate_counts_a_postponed_goal_as_a_miss_and_its_carry_over_in_its_own_week(am, filters):
    client = ClientFactory(account_manager=am)
    two_ago = filters.end - dt.timedelta(weeks=2)
    last = filters.end - dt.timedelta(weeks=1)

    def goal(week, **kw):
        return WeeklyGoalFactory(client=client, week_start=week, **kw)

    goal(two_ago, status="done", done_at=week_deadline(two_ago) - dt.timedelta(days=2))  # hit
    goal(two_ago, status="done", done_at=week_deadline(two_ago) + dt.timedelta(hours=3))  # done late: miss
    original = goal(two_ago, status="postponed")  # miss in its own week
    carried = goal(last, status="done", done_at=week_deadline(last) - dt.timedelta(days=1))  # hit in its week
    Postponement.objects.create(original=original, carried_over=carried, reason="Client away", target_week=last)
    goal(two_ago, status="cancelled", cancel_reason="Scope dropped")  # excluded
    goal(last)  # open past its deadline: miss
    goal(filters.end)  # this week: outside the period

    hits = goal_figures.goal_hits(GoalWeek.objects.all(), filters)
    # Due: hit, late, postponed, carried-over, open = 5; hit: the first and the carried-over one.
    assert (hits["hit"], hits["due"]) == (2, 5)


def test_at_risk_mrr_and_stale_contacts_follow_the_current_risk_and_tier_thresholds(am, filters):
    premium = Tier.objects.get(code="premium")  # stale after 7 days
    on = today()
    a = ClientFactory(account_manager=am, mrr=Decimal("1000"))
    b = ClientFactory(account_manager=am, mrr=Decimal("2000"), tier=premium)
    c = ClientFactory(account_manager=am, mrr=Decimal("4000"), tier=premium)
    gone = ClientFactory(
        account_manager=am, mrr=Decimal("8000"), lifecycle_stage="churned", churned_on=on - dt.timedelta(days=3),
        churn_reason="price",
    )  # fmt: skip
    RiskAssessmentFactory(client=a, score=1)
    RiskAssessmentFactory(client=b, score=4, assessed_at=timezone.now() - dt.timedelta(days=20))
    RiskAssessmentFactory(client=b, score=2)  # the latest counts
    RiskAssessmentFactory(client=c, score=3)
    RiskAssessmentFactory(client=gone, score=1)
    ContactFactory(client=a, contacted_on=on - dt.timedelta(days=15))  # standard, 15 > 14: stale
    ContactFactory(client=b, contacted_on=on - dt.timedelta(days=7))  # premium, 7 is not above 7
    # c has no contact at all: stale.
    figures = selectors.client_figures(Client.objects.all(), filters, list(Tier.objects.all()))
    assert figures["at_risk_mrr"] == Decimal("3000")  # a (1) + b (2); the churned client is out
    assert figures["mrr_total"] == Decimal("7000")
    assert figures["stale"] == 2
    assert figures["active"] == 3


def test_logo_churn_is_churned_in_the_period_over_active_at_its_start(am, filters):
    long_ago = filters.start - dt.timedelta(days=200)
    for _ in range(9):
        ClientFactory(account_manager=am, started_on=long_ago)
    ClientFactory(
        account_manager=am, started_on=long_ago, lifecycle_stage="churned",
        churned_on=filters.start + dt.timedelta(days=3), churn_reason="price",
    )  # fmt: skip
    ClientFactory(account_manager=am, started_on=filters.start + dt.timedelta(days=1))  # not active at the start
    figures = selectors.client_figures(Client.objects.all(), filters, list(Tier.objects.all()))
    assert (figures["churned"], figures["active_at_start"]) == (1, 10)  # 1 ÷ 10 = 10%


def test_nrr_and_grr_come_from_revenue_events(am):
    on = today()
    two_years = on - dt.timedelta(days=730)

    def client(**kw):
        return ClientFactory(account_manager=am, started_on=two_years, **kw)

    a, b = client(), client()
    c = client(lifecycle_stage="churned", churned_on=on - dt.timedelta(days=30), churn_reason="price")
    d = ClientFactory(account_manager=am, started_on=on - dt.timedelta(days=90))
    RevenueEventFactory(client=a, kind="new", amount=Decimal("1000"), occurred_on=two_years)
    RevenueEventFactory(client=a, kind="expansion", amount=Decimal("500"), occurred_on=on - dt.timedelta(days=180))
    RevenueEventFactory(client=b, kind="new", amount=Decimal("2000"), occurred_on=two_years)
    RevenueEventFactory(client=b, kind="contraction", amount=Decimal("400"), occurred_on=on - dt.timedelta(days=90))
    RevenueEventFactory(client=c, kind="new", amount=Decimal("1000"), occurred_on=two_years)
    RevenueEventFactory(client=c, kind="churn", amount=Decimal("1000"), occurred_on=on - dt.timedelta(days=30))
    RevenueEventFactory(client=d, kind="new", amount=Decimal("3000"), occurred_on=on - dt.timedelta(days=90))
    nrr, grr = selectors.mrr_retention(Client.objects.all(), on)
    # Then: 1,000 + 2,000 + 1,000 = 4,000 (d was not a client). Now: 1,500 + 1,600 + 0 = 3,100.
    assert nrr == pytest.approx(3100 / 4000)
    # GRR leaves the 500 expansion out: 4,000 − 400 − 1,000 = 2,600.
    assert grr == pytest.approx(2600 / 4000)


def test_on_time_rate_sums_the_daily_snapshots_of_the_period_through_their_weeks(am, leader, filters):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from godview.rollup import refresh_weeks

    client = ClientFactory(account_manager=am)
    inside, before = filters.start + dt.timedelta(days=2), filters.previous_start + dt.timedelta(days=1)
    DailySnapshot.objects.create(client=client, date=inside, tasks_due=4, tasks_on_time=3)
    DailySnapshot.objects.create(client=client, date=inside + dt.timedelta(days=1), tasks_due=6, tasks_on_time=4)
    DailySnapshot.objects.create(client=client, date=before, tasks_due=5, tasks_on_time=5)
    # Outside both periods: the current week, and the week before the previous period.
    DailySnapshot.objects.create(client=client, date=filters.end, tasks_due=9, tasks_on_time=9)
    DailySnapshot.objects.create(client=client, date=filters.previous_start - dt.timedelta(days=1), tasks_due=9)
    refresh_weeks(filters.previous_start - dt.timedelta(days=7), filters.end)  # as the rollup that wrote them
    with CaptureQueriesContext(connection) as queries:
        flows = selectors.snapshot_flows(selectors.scoped_snapshot_weeks(leader, filters), filters)
    # Period: 7 of 10 on time; previous period: 5 of 5; the client's own weekly snapshots agree.
    assert (flows["on_time_now"], flows["due_now"], flows["on_time_before"], flows["due_before"]) == (7, 10, 5, 5)
    assert flows == selectors.snapshot_flows(WeeklySnapshot.objects.filter(client=client), filters)
    assert "clients_dailysnapshot" not in queries[0]["sql"]  # the periods are whole weeks


def test_win_rate_counts_experiments_only_at_the_confidence_threshold(am):
    client = ClientFactory(account_manager=am)
    start = today() - dt.timedelta(days=30)
    for outcome in ("win", "win", "loss", "inconclusive", "pending"):
        Tactic.objects.create(client=client, owner=am, title="t", started_on=start, outcome=outcome)
    Experiment.objects.create(client=client, owner=am, title="e", started_on=start, outcome="win", confidence=96)
    Experiment.objects.create(client=client, owner=am, title="e", started_on=start, outcome="loss", confidence=80)
    result = selectors.win_loss(Client.objects.all())
    # Wins: 2 tactics + 1 confident experiment = 3; losses: 1 (the 80% loss is inconclusive) → 75%.
    assert (result["wins"], result["losses"], result["inconclusive"], result["rate"]) == (3, 1, 2, 0.75)


def test_cycle_time_is_the_median_days_from_start_else_creation(am, filters):
    client = ClientFactory(account_manager=am)
    done = timezone.make_aware(dt.datetime.combine(filters.start + dt.timedelta(days=10), dt.time(12)))
    TaskFactory(client=client, started_on=(done - dt.timedelta(days=2)).date(), completed_at=done)
    TaskFactory(client=client, started_on=(done - dt.timedelta(days=8)).date(), completed_at=done)
    TaskFactory(client=client, created_at_source=done - dt.timedelta(days=5), completed_at=done)  # no start date
    assert selectors.cycle_time(Client.objects.all(), filters) == 5.0  # 2, 8, 5 → 5


def test_boards_sum_the_snapshot_weeks_and_the_latest_stock_of_each_scope(am, other_am, leader, filters):
    """The period's tasks from the snapshot weeks, the overdue stock from the latest day's active
    rows, per account manager, for the whole agency and for one person (two queries each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from godview.rollup import refresh_weeks

    mine, theirs = ClientFactory(account_manager=am), ClientFactory(account_manager=other_am)
    inside, latest = filters.start + dt.timedelta(days=1), filters.today - dt.timedelta(days=1)
    for client, due, on_time, overdue in ((mine, 4, 3, 2), (theirs, 10, 5, 7)):
        DailySnapshot.objects.create(client=client, date=inside, tasks_due=due, tasks_on_time=on_time)
        DailySnapshot.objects.create(client=client, date=latest, overdue_tasks=overdue)
    # A client with only an overdue stock, one whose latest row is no longer active, a stock older
    # than the latest day, and a week before the period: only the first counts.
    DailySnapshot.objects.create(client=ClientFactory(account_manager=am), date=latest, overdue_tasks=1)
    DailySnapshot.objects.create(
        client=ClientFactory(account_manager=other_am), date=latest, overdue_tasks=40, is_active=False
    )
    DailySnapshot.objects.create(client=theirs, date=latest - dt.timedelta(days=1), overdue_tasks=50)
    DailySnapshot.objects.create(client=mine, date=filters.start - dt.timedelta(days=3), tasks_due=9)
    refresh_weeks(filters.start - dt.timedelta(days=3), latest)  # as the rollup that wrote those days

    def boards(viewer_filters: Filters) -> dict:
        rows = selectors.board_snapshots(
            selectors.scoped_snapshot_weeks(leader, viewer_filters),
            selectors.scoped_clients(leader, viewer_filters),
            viewer_filters,
            "account_manager_id",
        )
        return {row["client__account_manager_id"]: (row["due"], row["on_time"], row["overdue"]) for row in rows}

    assert boards(filters) == {am.pk: (4, 3, 3), other_am.pk: (10, 5, 7)}
    with CaptureQueriesContext(connection) as queries:
        assert boards(Filters(period=filters.period, on=filters.on, am=am.pk)) == {am.pk: (4, 3, 3)}
    assert len(queries) == 2
