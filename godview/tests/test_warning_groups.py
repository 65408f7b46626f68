"""The God-view's early-warning region ranks clients in the database (issue 19: at 10,000 clients
and 30,000 open firings it read every firing to show 25 groups, 4 s): the order equals DESIGN's
priority computed by hand in Python (risk weight and premium step × MRR, then the oldest overdue
action, then the name), the counts are of every open firing, and the cost is four queries at any
size."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.action_selectors import priority, priority_key
from clients.models import Action, Client, EarlyWarning
from clients.tests.factories import ClientFactory, RiskAssessmentFactory, TierFactory
from core.weeks import today
from godview.warning_groups import warning_groups

pytestmark = pytest.mark.django_db


def agency(am, n: int, seed: int = 4) -> None:
    rng = random.Random(seed)
    premium, standard = TierFactory(code="premium", name="Premium", is_premium=True), TierFactory()
    for i in range(n):
        client = ClientFactory(
            account_manager=am, name=f"Client {rng.randint(0, 99):02d}-{i}", mrr=Decimal(rng.choice([500, 1000, 2000])),
            tier=premium if i % 4 == 0 else standard,
        )  # fmt: skip
        if rng.random() < 0.8:
            RiskAssessmentFactory(client=client, score=rng.randint(1, 4))
        for rule in rng.sample(["stale_contact", "overdue_tasks", "risk_score"], rng.randint(0, 2)):
            EarlyWarning.objects.create(client=client, rule=rule, reason="r", fired_on=today() - dt.timedelta(days=3))
        if rng.random() < 0.5:
            Action.objects.create(
                client=client, owner=am, title="Call", due_on=today() - dt.timedelta(days=rng.randint(-3, 9))
            )
        if rng.random() < 0.2:  # a resolved firing does not count
            month_ago = today() - dt.timedelta(days=30)
            EarlyWarning.objects.create(client=client, rule="goal_hit_rate", reason="r", fired_on=month_ago,
                                        resolved_on=month_ago + dt.timedelta(days=10))  # fmt: skip


def by_hand() -> list[int]:
    ranked = []
    firing = EarlyWarning.objects.filter(resolved_on__isnull=True).values("client_id")
    for client in Client.objects.filter(pk__in=firing).select_related("tier"):
        risk = client.risk_assessments.order_by("-assessed_at", "-pk").values_list("score", flat=True).first()
        overdue = [a.due_on for a in client.actions.filter(status="open") if a.due_on < today()]
        key = priority_key(priority(risk, client.mrr, client.tier.is_premium), min(overdue, default=None), client.name)
        ranked.append((key, client.pk))
    return [pk for _key, pk in sorted(ranked)]


def test_the_groups_come_in_the_order_of_the_priority_computed_by_hand(am):
    agency(am, 30)
    expected = by_hand()
    assert len(expected) > 10
    groups, clients, firings = warning_groups(Client.objects.all(), limit=None)
    assert [g.client.pk for g in groups] == expected
    assert clients == len(expected)
    assert firings == EarlyWarning.objects.filter(resolved_on__isnull=True).count()
    first, _count, _firings = warning_groups(Client.objects.all(), limit=5)
    assert [g.client.pk for g in first] == expected[:5]
    assert all(g.warnings and all(w.resolved_on is None for w in g.warnings) for g in first)


@pytest.mark.parametrize("size", [10, 60])
def test_the_region_costs_four_queries_at_any_size(am, size):
    agency(am, size, seed=size)
    with CaptureQueriesContext(connection) as queries:
        groups, _clients, _firings = warning_groups(Client.objects.all(), limit=25)
        for g in groups:
            _ = [w.client.account_manager for w in g.warnings], [a.owner for a in g.actions]
    assert len(queries) == 4


def test_the_stored_oldest_open_action_follows_every_way_actions_change(am):
    """The order reads each client's oldest open action as stored on it: closing, dropping,
    snoozing and waking actions (the services), a play's actions written in bulk and a deletion all
    keep it equal to the oldest open action read from the actions, and the order to the hand's."""
    from clients.action_services import action_done, action_drop, action_snooze, actions_wake, plays_start
    from clients.models import Play, PlayStep

    agency(am, 24, seed=9)

    def stored_equals_actions() -> None:
        for client in Client.objects.all():
            due = [a.due_on for a in client.actions.filter(status="open")]
            assert client.oldest_open_action_on == min(due, default=None), client.name
        groups, _clients, _firings = warning_groups(Client.objects.all(), limit=None)
        assert [g.client.pk for g in groups] == by_hand()

    stored_equals_actions()
    opened = list(Action.objects.filter(status="open").order_by("due_on", "pk"))
    assert len(opened) >= 6
    action_done(action=opened[0], outcome="Called.", by=am)
    action_drop(action=opened[1], reason="Not needed.", by=am)
    action_snooze(action=opened[2], reason="On leave.", wake_on=today() + dt.timedelta(days=2), by=am)
    stored_equals_actions()
    actions_wake(today() + dt.timedelta(days=3))
    stored_equals_actions()
    play, _new = Play.objects.get_or_create(rule="risk_score", defaults={"name": "Save the account"})
    if not play.steps.exists():
        PlayStep.objects.create(play=play, position=1, title="Call the sponsor", due_offset_days=0)
    firing = Client.objects.filter(early_warnings__rule="risk_score", early_warnings__resolved_on__isnull=True)
    assert plays_start(today(), [(client.pk, "risk_score") for client in firing])
    stored_equals_actions()
    Action.objects.filter(status="open").order_by("due_on").first().delete()
    stored_equals_actions()
