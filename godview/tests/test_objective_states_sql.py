"""The objectives' states judged by the database (godview.objectives.judged, what every count and
the state filter read) against the Python definition (clients.scoring.objective_state, what each
row shows): the same state for every objective, on boundaries and on a seeded random world, on
several days, with the rule's threshold stored and not."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from clients.models import Client, Objective, WarningRule
from clients.tests.factories import ClientFactory, ObjectiveFactory
from core.weeks import today
from godview import objectives as figures
from godview.tests.test_next_week_sql import world  # noqa: F401 (the hand-built boundaries)

pytestmark = pytest.mark.django_db
START = today() - dt.timedelta(days=400)  # a period start before every objective: all count


def by_python(on: dt.date) -> dict[int, str]:
    rule = WarningRule.objects.filter(code=WarningRule.Code.OBJECTIVE_BEHIND).values_list("threshold", flat=True)
    points = float(rule.first()) if rule.first() is not None else figures.BEHIND_PACE_POINTS
    rows = figures.counted(Client.objects.all(), START, on).values(
        "id", "status", "baseline", "target", "current_value", "start_date", "due_date"
    )
    return {row["id"]: figures.state_of(row | {"points": points}, on) for row in rows}


def by_database(on: dt.date) -> dict[int, str]:
    return dict(figures.judged(Client.objects.all(), START, on).values_list("id", "state"))


def days_to_judge() -> list[dt.date]:
    return [today() + dt.timedelta(days=n) for n in (-30, 0, 3, 6, 9, 60)]


def test_the_hand_built_boundaries_get_the_same_state(world):  # noqa: F811
    seen = set()
    for on in days_to_judge():
        python = by_python(on)
        assert python and by_database(on) == python, on
        seen |= set(python.values())
    assert seen == {"on_pace", "behind", "achieved", "missed"}  # every state was judged


def test_a_random_world_gets_the_same_state_with_the_rules_threshold_and_without(am):
    rng = random.Random(19)
    client = ClientFactory(account_manager=am)
    for _ in range(300):
        baseline = Decimal(rng.randint(-500, 500))
        target = baseline + Decimal(rng.choice([-1, 1]) * rng.randint(0, 400))
        current = baseline + (target - baseline) * Decimal(rng.randint(-20, 130)) / 100
        start = today() - dt.timedelta(days=rng.randint(-20, 150))
        ObjectiveFactory(
            client=client,
            baseline=baseline,
            target=target,
            current_value=current.quantize(Decimal("0.01")),
            start_date=start,
            due_date=start + dt.timedelta(days=rng.randint(1, 120)),
            status=rng.choice([s for s, _ in Objective.Status.choices]),
        )
    WarningRule.objects.filter(code=WarningRule.Code.OBJECTIVE_BEHIND).delete()
    for on in days_to_judge():
        assert by_database(on) == by_python(on), on
    WarningRule.objects.create(code=WarningRule.Code.OBJECTIVE_BEHIND, threshold=Decimal("12.5"))
    for on in days_to_judge():
        assert by_database(on) == by_python(on), on


def test_the_counts_add_up_the_states_and_the_filter_lists_them(am, world):  # noqa: F811
    on = today()
    states = by_python(on)
    counts = figures.counts_for(Client.objects.all(), START, on)
    for state in ("on_pace", "behind", "achieved", "missed"):
        expected = sorted(pk for pk, s in states.items() if s == state)
        assert getattr(counts, state) == len(expected)
        listed = figures.filter_by_state(Client.objects.all(), state, START, on).values_list("pk", flat=True)
        assert sorted(listed) == expected
