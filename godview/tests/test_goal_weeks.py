"""The goal figures read `GoalWeek` (issue 19: at 10,000 clients the KPI strip, the heatmap and the
boards aggregated 80,000 to 120,000 goals per request). The rows stay equal to the goals themselves
through every way a goal or its client changes, and the figures equal the goals counted by hand
for every scope and filter, at a query count that does not grow with the goals."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from clients.models import Client, GoalWeek, Tier, WeeklyGoal, rebuild_goal_weeks
from clients.services import weekly_goal_cancel, weekly_goal_complete, weekly_goal_create, weekly_goal_postpone
from clients.tests.factories import ClientFactory, ObjectiveFactory, TierFactory, WeeklyGoalFactory
from core.weeks import today, week_deadline, week_start
from godview import goal_figures
from godview.forms import Filters
from godview.selectors import leaderboard, scoped_clients, scoped_snapshot_weeks

pytestmark = pytest.mark.django_db


def by_hand() -> Counter:
    """(account manager, tier, week) → [due, hit, tied], from each goal and its client as they are now."""
    counts = Counter()
    for goal in WeeklyGoal.objects.select_related("client"):
        cancelled_in_time = (
            goal.status == "cancelled"
            and goal.recreated_as_id is None
            and (goal.status_changed_at is None or goal.status_changed_at <= goal.deadline)
        )
        if cancelled_in_time:
            continue
        cell = (goal.client.account_manager_id, goal.client.tier_id, goal.week_start)
        counts[(*cell, "due")] += 1
        counts[(*cell, "hit")] += goal.hit
        counts[(*cell, "tied")] += goal.objective_id is not None
    return +counts


def stored() -> Counter:
    counts = Counter()
    for row in GoalWeek.objects.all():
        cell = (row.account_manager_id, row.tier_id, row.week_start)
        counts[(*cell, "due")] += row.due
        counts[(*cell, "hit")] += row.hit
        counts[(*cell, "tied")] += row.tied
    return +counts


def world(pod, other_pod, leader, seed: int = 3) -> list[Client]:
    """Two pods' account managers, two tiers, six weeks of goals made through the services: done in
    time and late, postponed, cancelled and created again, cancelled for good, some tied."""
    rng = random.Random(seed)
    premium = Tier.objects.filter(code="premium").first() or TierFactory(code="premium", is_premium=True)
    standard = TierFactory(code="std", name="Standard")
    ams = [UserFactory(role="account_manager", pod=p) for p in (pod, pod, other_pod)]
    clients = [ClientFactory(account_manager=ams[i % 3], tier=(premium, standard)[i % 2]) for i in range(6)]
    clients.append(ClientFactory(account_manager=None, tier=standard))  # unassigned
    this_week = week_start(today())
    for client in clients:
        objective = ObjectiveFactory(client=client) if rng.random() < 0.6 else None
        for back in range(6, 0, -1):
            week = this_week - dt.timedelta(weeks=back)
            for n in range(rng.randint(1, 3)):
                goal = WeeklyGoalFactory(
                    client=client, owner=client.account_manager or leader, week_start=week,
                    title=f"Goal {n}", objective=objective if rng.random() < 0.5 else None,
                )  # fmt: skip
                roll = rng.random()
                if roll < 0.4:
                    weekly_goal_complete(goal=goal, at=week_deadline(week) - dt.timedelta(days=1))
                elif roll < 0.5:
                    weekly_goal_complete(goal=goal, at=week_deadline(week) + dt.timedelta(hours=2))
    # This week: a goal cancelled in time, then created again (a postponement in disguise: counted),
    # one cancelled for good, one postponed to next week, one done.
    client = clients[0]
    again = WeeklyGoalFactory(client=client, owner=client.account_manager, week_start=this_week, title="Deck")
    weekly_goal_cancel(goal=again, reason="Client away", by=client.account_manager)
    weekly_goal_create(
        client=client, owner=client.account_manager, title="Deck", week=this_week + dt.timedelta(weeks=1)
    )
    gone = WeeklyGoalFactory(client=client, owner=client.account_manager, week_start=this_week, title="Report")
    weekly_goal_cancel(goal=gone, reason="Not needed", by=client.account_manager)
    moved = WeeklyGoalFactory(client=clients[1], owner=clients[1].account_manager, week_start=this_week)
    weekly_goal_postpone(goal=moved, reason="Waiting on the client", target_week=this_week + dt.timedelta(weeks=1),
                         by=clients[1].account_manager)  # fmt: skip
    weekly_goal_complete(
        goal=WeeklyGoalFactory(client=clients[2], owner=clients[2].account_manager, week_start=this_week)
    )
    # A past week gets a late goal from leadership.
    weekly_goal_create(client=clients[3], owner=clients[3].account_manager, title="Late", created_by=leader,
                       week=this_week - dt.timedelta(weeks=2), late_reason="Agreed on the call")  # fmt: skip
    return clients


def test_the_rows_equal_the_goals_through_every_change(pod, other_pod, leader):
    clients = world(pod, other_pod, leader)
    assert stored() == by_hand() and sum(v for k, v in by_hand().items() if k[-1] == "due") > 40
    # A client moves to another account manager, then to another tier: its goals' counts follow.
    clients[0].account_manager = clients[2].account_manager
    clients[0].save()
    assert stored() == by_hand()
    moved = Client.objects.get(pk=clients[1].pk)  # read back: its loaded cell is what moves
    moved.tier = Tier.objects.exclude(pk=moved.tier_id).first()
    moved.save(update_fields=["tier"])
    assert stored() == by_hand()
    # An objective linked later.
    goal = WeeklyGoal.objects.filter(objective__isnull=True, client=clients[4]).first()
    goal.objective = ObjectiveFactory(client=clients[4])
    goal.save()
    assert stored() == by_hand()
    # Bulk writes skip save(): the rebuild (run nightly) catches them up.
    ahead = WeeklyGoal.objects.filter(status="open", week_start__gt=week_start(today())).first()
    WeeklyGoal.objects.filter(pk=ahead.pk).update(status="cancelled", cancel_reason="bulk")
    assert stored() != by_hand()
    rebuild_goal_weeks()
    assert stored() == by_hand()


@pytest.mark.parametrize("period", ["4w", "12w"])
def test_the_figures_equal_the_goals_counted_by_hand_in_every_scope(pod, other_pod, leader, pod_lead, period):
    clients = world(pod, other_pod, leader)
    am = clients[0].account_manager

    def hand(viewer, filters: Filters) -> dict:
        scoped = set(scoped_clients(viewer, filters).values_list("pk", flat=True))
        goals = [g for g in WeeklyGoal.objects.counted() if g.client_id in scoped]
        figures = {}
        for suffix, lo, hi in (("", filters.start, filters.end), ("_before", filters.previous_start, filters.start)):
            inside = [g for g in goals if lo <= g.week_start < hi]
            figures |= {f"due{suffix}": len(inside), f"hit{suffix}": sum(g.hit for g in inside),
                        f"tied{suffix}": sum(g.objective_id is not None for g in inside)}  # fmt: skip
        return figures

    cases = [
        (leader, Filters(period=period)),
        (leader, Filters(period=period, pod=other_pod.pk)),
        (leader, Filters(period=period, tier="std")),
        (leader, Filters(period=period, am=am.pk)),
        (pod_lead, Filters(period=period)),
        (am, Filters(period=period)),
    ]
    for viewer, filters in cases:
        assert goal_figures.goal_hits(goal_figures.scoped_goal_weeks(viewer, filters), filters) == hand(viewer, filters)
    filters = Filters(period=period)
    heat = goal_figures.goal_heatmap(goal_figures.scoped_goal_weeks(leader, filters), filters, by="am")
    for row in heat["rows"]:
        for monday, hit, due in row["cells"]:
            goals = WeeklyGoal.objects.counted().filter(client__account_manager_id=row["key"], week_start=monday)
            assert (hit, due) == (sum(g.hit for g in goals), goals.count())
    boards = leaderboard(
        scoped_clients(leader, filters),
        goal_figures.scoped_goal_weeks(leader, filters),
        scoped_snapshot_weeks(leader, filters),
        filters,
        "pod",
    )
    for board in boards:
        goals = WeeklyGoal.objects.counted().filter(
            client__account_manager__pod_id=board.key, week_start__gte=filters.start, week_start__lt=filters.end
        )
        assert (board.goals_hit, board.goals_due) == (sum(g.hit for g in goals), goals.count())


@pytest.mark.parametrize("seed", [1, 2])
def test_the_goal_figures_cost_one_query_whatever_the_goals(pod, other_pod, leader, seed):
    for _ in range(seed):  # twice the world, twice the goals: the same single query
        world(pod, other_pod, leader, seed=seed)
    filters = Filters()
    weeks = goal_figures.scoped_goal_weeks(leader, filters)
    with CaptureQueriesContext(connection) as queries:
        figures = goal_figures.goal_hits(weeks, filters)
    assert len(queries) == 1 and figures["due"] > 0
    assert "clients_weeklygoal" not in queries[0]["sql"]
