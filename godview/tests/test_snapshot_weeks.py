"""`SnapshotWeek`: the weekly snapshots summed per account manager, tier and week, which the
coaching window reads (issue 19: 130,000 weekly snapshots at 10,000 clients). The rows equal the
weekly snapshots summed by each client's current account manager and tier after the rollup, after
a client moves (account manager, tier, both, to nobody), and after the next rollup; and the
coaching figures equal the weekly snapshots added up by hand."""

import datetime as dt
from collections import Counter

import pytest

from accounts.tests.factories import UserFactory
from clients.models import Client, SnapshotWeek, WeeklySnapshot
from clients.models.snapshot_weeks import SUMS
from clients.tests.factories import TierFactory
from core.weeks import today, week_start
from godview.rollup import nightly_rollup, rollup_span
from godview.tests.conftest import build_clients
from training.selectors import COACHING_WINDOW_WEEKS, client_outcomes

pytestmark = pytest.mark.django_db


def by_hand() -> Counter:
    sums = Counter()
    for week in WeeklySnapshot.objects.select_related("client"):
        cell = (week.client.account_manager_id, week.client.tier_id, week.week_start)
        for name in SUMS:
            sums[(*cell, name)] += getattr(week, name)
    return +sums


def stored() -> Counter:
    sums = Counter()
    for row in SnapshotWeek.objects.all():
        for name in SUMS:
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
