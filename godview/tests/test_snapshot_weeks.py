"""`SnapshotWeek`: the weekly snapshots summed per account manager, tier and week, which the
coaching window and the risk trend read (issue 19: 130,000 weekly snapshots, 120,000 daily rows at
10,000 clients). The rows equal the weekly snapshots summed by each client's current account
manager and tier after the rollup, after a client moves (account manager, tier, both, to nobody),
and after the next rollup; the coaching figures equal the weekly snapshots added up by hand, and
the risk trend the daily rows of each Sunday counted by hand, for every filter."""

import datetime as dt
from collections import Counter

import pytest

from accounts.tests.factories import UserFactory
from clients.models import Client, DailySnapshot, SnapshotWeek, WeeklySnapshot
from clients.models.snapshot_weeks import COLUMNS, RISK_SCORES, SUMS
from clients.tests.factories import TierFactory
from core.weeks import today, week_start
from godview.forms import Filters
from godview.rollup import nightly_rollup, rollup_span
from godview.selectors import risk_trend, scoped_snapshot_weeks
from godview.tests.conftest import build_clients
from training.selectors import COACHING_WINDOW_WEEKS, client_outcomes

pytestmark = pytest.mark.django_db


def by_hand() -> Counter:
    sums = Counter()
    for week in WeeklySnapshot.objects.select_related("client"):
        cell = (week.client.account_manager_id, week.client.tier_id, week.week_start)
        for name in SUMS:
            sums[(*cell, name)] += getattr(week, name)
        if week.sunday_risk is not None:
            sums[(*cell, "sunday_active")] += 1
            sums[(*cell, f"sunday_risk_{week.sunday_risk}")] += week.sunday_risk in RISK_SCORES
    return +sums


def stored() -> Counter:
    sums = Counter()
    for row in SnapshotWeek.objects.all():
        for name in COLUMNS:
            sums[(row.account_manager_id, row.tier_id, row.week_start, name)] += getattr(row, name)
    return +sums


@pytest.fixture
def agency(pod, other_pod):
    ams = [UserFactory(role="account_manager", pod=p) for p in (pod, pod, other_pod)]
    clients = build_clients(9, ams)
    rollup_span(today() - dt.timedelta(days=34), today())
    return ams, clients


def test_the_rows_follow_each_client_through_every_move(agency):
    ams, clients = agency
    assert WeeklySnapshot.objects.exists() and by_hand() == stored()
    premium = TierFactory(code="gold", name="Gold")
    moves = [
        (clients[0], {"account_manager": ams[2]}),
        (clients[1], {"tier": premium}),
        (clients[2], {"account_manager": ams[0], "tier": premium}),
        (clients[3], {"account_manager": None}),
    ]
    for client, fields in moves:
        client = Client.objects.get(pk=client.pk)
        for name, value in fields.items():
            setattr(client, name, value)
        client.save()
        assert by_hand() == stored(), fields
    nightly_rollup()
    assert by_hand() == stored()
    assert SnapshotWeek.objects.filter(account_manager=None).exists()


def total(weeks, name: str) -> int:
    return sum(getattr(w, name) for w in weeks)


def test_the_coaching_window_is_the_weekly_snapshots_added_up_by_hand(agency, leader):
    """Each person's window: their clients' weekly snapshots now, a moved client's with its new AM."""
    ams, clients = agency
    moved = Client.objects.get(pk=clients[4].pk)
    moved.account_manager = ams[1]
    moved.save()
    on = today()
    start = week_start(on) - dt.timedelta(weeks=COACHING_WINDOW_WEEKS - 1)
    outcomes = client_outcomes(leader, [am.pk for am in ams], on)
    for am in ams:
        weeks = list(WeeklySnapshot.objects.filter(client__account_manager=am, week_start__gte=start))
        first = [w for w in weeks if w.week_start < start + dt.timedelta(weeks=2)]
        last = [w for w in weeks if w.week_start > week_start(on) - dt.timedelta(weeks=2)]
        got = outcomes[am.pk]
        assert (got.tasks_due, got.tasks_on_time) == (total(weeks, "tasks_due"), total(weeks, "tasks_on_time"))
        assert (got.risk_start_sum, got.risk_start_days) == (total(first, "risk_sum"), total(first, "risk_days"))
        assert (got.risk_end_sum, got.risk_end_days) == (total(last, "risk_sum"), total(last, "risk_days"))
    assert outcomes[ams[1].pk].tasks_due > 0 and outcomes[ams[1].pk].risk_end_days > 0


def test_the_risk_trend_is_each_sundays_daily_rows_counted_by_hand(agency, leader):
    """Every filter's trend: the active clients of each Sunday's daily rows, by their risk score
    then, of the clients in the filter now (a moved client counts with its new account manager)."""
    ams, clients = agency
    moved = Client.objects.get(pk=clients[5].pk)
    moved.account_manager = ams[2]
    moved.save()
    assert DailySnapshot.objects.filter(is_active=True, risk_score__isnull=True).exists()  # unscored: active only
    for filters in (Filters(), Filters(pod=ams[0].pod_id), Filters(am=ams[2].pk), Filters(tier=clients[0].tier.code)):
        points = risk_trend(scoped_snapshot_weeks(leader, filters), filters)
        assert [p["date"] for p in points] == [filters.end - dt.timedelta(days=1 + 7 * i) for i in range(11, -1, -1)]
        for point in points:
            rows = DailySnapshot.objects.filter(date=point["date"], is_active=True).select_related(
                "client__account_manager"
            )
            rows = [r for r in rows if _in(r.client, filters)]
            assert point["active"] == len(rows), (filters, point)
            assert point["counts"] == +Counter(r.risk_score for r in rows if r.risk_score), (filters, point)
        assert sum(p["active"] for p in points) > 0, filters


def _in(client: Client, filters: Filters) -> bool:
    am = client.account_manager
    return (
        (filters.pod is None or (am is not None and am.pod_id == filters.pod))
        and (filters.am is None or client.account_manager_id == filters.am)
        and (filters.tier is None or client.tier.code == filters.tier)
    )
