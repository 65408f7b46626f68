"""Workspace fixtures: one client of `am` (pod A) with a bit of everything to act on."""

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from clients.models import (
    Client,
    Experiment,
    KickoffItem,
    Objective,
    QuarterlyReview,
    Tactic,
    WaitingPeriod,
    WeeklyGoal,
)
from clients.tests.factories import ClientFactory, ObjectiveFactory, WeeklyGoalFactory
from clients.tests.factories_workspace import (
    ExperimentFactory,
    KickoffItemFactory,
    QuarterlyReviewFactory,
    TacticFactory,
    WaitingPeriodFactory,
)
from core.weeks import today, week_start


@dataclass
class World:
    client: Client
    goal: WeeklyGoal
    objective: Objective
    kickoff: KickoffItem
    tactic: Tactic
    experiment: Experiment
    review: QuarterlyReview
    waiting: WaitingPeriod


@pytest.fixture
def world(personas) -> World:
    client = ClientFactory(name="Acme", account_manager=personas["am"])
    objective = ObjectiveFactory(client=client)
    return World(
        client=client,
        goal=WeeklyGoalFactory(client=client, objective=objective),
        objective=objective,
        kickoff=KickoffItemFactory(client=client, position=1),
        tactic=TacticFactory(client=client),
        experiment=ExperimentFactory(client=client),
        review=QuarterlyReviewFactory(client=client),
        waiting=WaitingPeriodFactory(client=client),
    )


def token() -> str:
    return str(uuid.uuid4())


def this_monday() -> dt.date:
    return week_start(today())


HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def empty_cache():
    """The rollup bumps a cache version; tests share a Redis database, so start clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
