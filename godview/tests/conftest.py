import pytest

from clients.tests.factories import ClientFactory
from training.tests.factories import TrainingModuleFactory


@pytest.fixture
def world(personas) -> dict:
    """Pod A's client "mine" (owned by `am`), pod B's client "theirs", pod A, `am`, a module."""
    return {
        "client": ClientFactory(account_manager=personas["am"], name="Mine"),
        "theirs": ClientFactory(account_manager=personas["other_am"], name="Theirs"),
        "pod": personas["am"].pod,
        "person": personas["am"],
        "module": TrainingModuleFactory(),
    }
