import pytest

from clients.tests.factories import ClientFactory, ObjectiveFactory, WeeklyGoalFactory
from clients.tests.factories_workspace import ExperimentFactory, KickoffItemFactory, TacticFactory
from tasks.tests.factories import SourceFactory
from training.tests.factories import TrainingModuleFactory


@pytest.fixture
def world(personas) -> dict:
    """Pod A's client "mine" (owned by `am`) with one of each thing on it, pod B's client
    "theirs", pod A, `am` as a person, and a training module."""
    mine = ClientFactory(account_manager=personas["am"], name="Mine")
    return {
        "client": mine,
        "theirs": ClientFactory(account_manager=personas["other_am"], name="Theirs"),
        "pod": personas["am"].pod,
        "person": personas["am"],
        "module": TrainingModuleFactory(),
        "source": SourceFactory(),
        "goal": WeeklyGoalFactory(client=mine),
        "objective": ObjectiveFactory(client=mine),
        "kickoff": KickoffItemFactory(client=mine),
        "tactic": TacticFactory(client=mine, owner=personas["am"]),
        "experiment": ExperimentFactory(client=mine, owner=personas["designer"]),
    }
