"""Top performers and the coaching list, on hand-made people."""

import datetime as dt

import pytest
from django.core.cache import cache

from godview import performance
from godview.performance import PersonStats, coaching, compare, split_top_quartile


def person(pk, retention, improvement, **behaviour) -> PersonStats:
    return PersonStats(
        user_id=pk, name=f"P{pk}", clients=5, retention=retention, risk_improvement=improvement, **behaviour
    )


def test_the_top_quartile_ranks_by_retention_then_risk_improvement():
    people = [
        person(1, 1.0, 0.2),
        person(2, 1.0, 0.5),
        person(3, 0.8, 1.0),
        person(4, 0.9, 0.0),
        person(5, 0.6, 0.0),
        person(6, 0.7, 0.0),
        person(7, 0.5, 0.0),
        person(8, 0.4, 0.0),
    ]
    top, rest = split_top_quartile(people)
    assert [p.user_id for p in top] == [2, 1]  # 8 people → 2; both keep every client, 2 improved more
    assert len(rest) == 6


def test_compare_gives_the_mean_of_each_group_and_the_difference():
    people = [
        person(1, 1.0, 0.5, goal_hit_rate=0.9, contacts_per_client_month=4.0),
        person(2, 0.5, 0.0, goal_hit_rate=0.6, contacts_per_client_month=2.0),
        person(3, 0.5, -0.5, goal_hit_rate=0.5, contacts_per_client_month=1.0),
        person(4, 0.4, 0.0, goal_hit_rate=0.7, contacts_per_client_month=None),
    ]
    gaps = {g.code: g for g in compare(people)}
    assert gaps["goal_hit_rate"].top == 0.9
    assert gaps["goal_hit_rate"].rest == 0.6  # (0.6 + 0.5 + 0.7) ÷ 3
    assert round(gaps["goal_hit_rate"].difference, 6) == 0.3
    assert gaps["contacts_per_client_month"].rest == 1.5  # the missing value is left out
    assert gaps["training_score"].difference is None


def test_coaching_lists_the_largest_gap_to_top_performers_first():
    people = [
        person(1, 1.0, 0.5, goal_hit_rate=0.9, on_time_rate=0.9),
        person(2, 0.8, 0.0, goal_hit_rate=0.9, on_time_rate=0.5),
        person(3, 0.6, 0.0, goal_hit_rate=0.5, on_time_rate=0.9),
        person(4, 0.5, 0.0, goal_hit_rate=0.5, on_time_rate=0.85),
    ]
    items = coaching(people[3], people)
    # Goal hit: 0.5 vs top 0.9, spread 0.2 → 2.0 σ. On time: 0.85 vs 0.9, spread ≈ 0.17 → ≈ 0.3 σ.
    assert [i.code for i in items] == ["goal_hit_rate", "on_time_rate"]
    assert items[0].gap == 2.0
    assert (items[0].mine, items[0].top) == (0.5, 0.9)


@pytest.mark.django_db
def test_coaching_lists_of_different_people_share_one_agency_wide_computation(am, other_am, monkeypatch):
    cache.clear()
    calls = []
    monkeypatch.setattr(performance, "gather", lambda clients, on: calls.append(clients) or [])
    performance.coaching_list(am)
    performance.coaching_list(other_am)
    assert calls == [None]  # computed once, for the whole agency


@pytest.mark.django_db
def test_gather_takes_risk_change_and_on_time_rate_from_each_managers_clients_in_scope(am, other_am, leader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients.models import Client, DailySnapshot
    from clients.tests.factories import ClientFactory
    from core.weeks import today, week_start
    from godview.forms import Filters
    from godview.rollup import refresh_weeks
    from godview.selectors import scoped_clients, scoped_snapshot_weeks

    on = today()
    latest = on - dt.timedelta(days=1)
    in_window = week_start(on) - dt.timedelta(days=3)  # inside the 12 complete weeks before `on`
    mine_a, mine_b = ClientFactory(account_manager=am), ClientFactory(account_manager=am)
    theirs = ClientFactory(account_manager=other_am)
    for client, now, then, due, on_time in ((mine_a, 4, 2, 10, 9), (mine_b, 3, 3, 10, 5), (theirs, 1, 2, 4, 4)):
        DailySnapshot.objects.create(client=client, date=latest, risk_score=now)
        DailySnapshot.objects.create(client=client, date=latest - dt.timedelta(days=90), risk_score=then)
        DailySnapshot.objects.create(client=client, date=in_window, tasks_due=due, tasks_on_time=on_time)
    refresh_weeks(in_window, latest)  # the weekly sums, as the rollup that wrote those days keeps them
    cache.clear()

    people = {p.user_id: p for p in performance.gather(None, on)}

    # am: risk (4 + 3) ÷ 2 now against (2 + 3) ÷ 2 then = +1.0; on time 14 of 20. other_am: −1.0; 4 of 4.
    assert (people[am.pk].risk_improvement, people[am.pk].on_time_rate) == (1.0, 0.7)
    assert (people[other_am.pk].risk_improvement, people[other_am.pk].on_time_rate) == (-1.0, 1.0)

    # Another scope sums its own clients (one client: its weekly snapshots); a filter's scope, its
    # snapshot weeks: the same figures, no client's weeks read.
    scoped = {p.user_id: p for p in performance.gather(Client.objects.filter(pk=mine_b.pk), on)}
    assert (scoped[am.pk].risk_improvement, scoped[am.pk].on_time_rate) == (0.0, 0.5)
    filters = Filters(am=am.pk)
    with CaptureQueriesContext(connection) as queries:
        mine = performance.gather(scoped_clients(leader, filters), on, scoped_snapshot_weeks(leader, filters))
    assert [(p.user_id, p.risk_improvement, p.on_time_rate) for p in mine] == [(am.pk, 1.0, 0.7)]
    assert not any("clients_weeklysnapshot" in q["sql"] for q in queries.captured_queries)
