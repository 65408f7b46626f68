"""Data builders for the God-view tests: an agency of N clients with a little of everything."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from clients.models import (
    Action,
    Client,
    Contact,
    Contract,
    MeetingRecord,
    Opportunity,
    RiskAssessment,
    Tier,
    WeeklyGoal,
    rebuild_goal_weeks,
)
from clients.tests.factories import ClientFactory, ObjectiveFactory, WeeklyGoalFactory
from clients.tests.factories_workspace import (
    ExperimentFactory,
    KickoffItemFactory,
    TacticFactory,
    WaitingPeriodFactory,
)
from core.weeks import today, week_deadline, week_start
from godview.models import SavedView
from godview.rollup import rollup_day
from tasks.models import Source, Task
from tasks.tests.factories import SourceFactory
from training.tests.factories import TrainingModuleFactory


def build_clients(n: int, managers: list, start: int = 0) -> list[Client]:
    """n clients spread over `managers`, each with risk, contacts, goals and tasks (bulk inserts)."""
    # get_or_create: transactional (browser) tests flush the rows migrations seeded.
    tier, _ = Tier.objects.get_or_create(
        code="standard", defaults={"name": "Standard", "is_premium": False, "stale_contact_days": 14}
    )
    clients = Client.objects.bulk_create(
        Client(
            name=f"Client {start + i:04d}",
            tier=tier,
            account_manager=managers[i % len(managers)],
            mrr=Decimal(1000 + 100 * (i % 7)),
            started_on=today() - dt.timedelta(days=500),
            lifecycle_stage="adopting",
        )
        for i in range(n)
    )
    on = today()
    monday = week_start(on)
    RiskAssessment.objects.bulk_create(
        RiskAssessment(client=c, score=1 + i % 4, communication_level=2, assessed_by=c.account_manager)
        for i, c in enumerate(clients)
    )
    Contact.objects.bulk_create(
        Contact(client=c, contacted_on=on - dt.timedelta(days=i % 20), channel="call", who="CMO", summary="Call")
        for i, c in enumerate(clients)
    )
    goals = []
    for i, c in enumerate(clients):
        for w in range(1, 5):
            week = monday - dt.timedelta(weeks=w)
            hit = (i + w) % 3 != 0
            done_at = week_deadline(week) - dt.timedelta(days=1) if hit else None
            goals.append(
                WeeklyGoal(
                    client=c, owner=c.account_manager, title="Goal", week_start=week, deadline=week_deadline(week),
                    status="done" if hit else "open", done_at=done_at,
                )
            )  # fmt: skip
    WeeklyGoal.objects.bulk_create(goals)
    rebuild_goal_weeks()  # bulk_create skips WeeklyGoal.save
    source, _ = Source.objects.get_or_create(
        name="Asana", defaults={"kind": "asana", "workspace_id": "1", "token_env_var": "ASANA_TOKEN"}
    )
    from django.utils import timezone

    Task.objects.bulk_create(
        Task(
            source=source, external_id=f"{start + i}-{k}", client=c, name="Task", created_at_source=timezone.now(),
            modified_at=timezone.now(), due_on=on - dt.timedelta(days=k),
        )
        for i, c in enumerate(clients)
        for k in range(2)
    )  # fmt: skip
    return clients


@pytest.fixture
def agency(db, pod, other_pod, am, other_am, pod_lead):
    """Clients for `am` (pod A) and `other_am` (pod B), a synced source, and a rollup run."""
    build_clients(2, [am, other_am])
    rollup_day(today() - dt.timedelta(days=1))
    rollup_day(today())
    return {
        "am_client": Client.objects.filter(account_manager=am).first(),
        "other_client": Client.objects.filter(account_manager=other_am).first(),
    }


@pytest.fixture
def more_ams(pod, other_pod):
    return [UserFactory(role=Role.ACCOUNT_MANAGER, pod=pod if i % 2 else other_pod) for i in range(6)]


@pytest.fixture(autouse=True)
def empty_cache():
    """Snapshot figures are cached per rollup; tests share a Redis database, so start clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
        "waiting": WaitingPeriodFactory(client=mine),
        "action": Action.objects.create(client=mine, owner=personas["am"], title="Call", due_on=today()),
        "meeting": MeetingRecord.objects.create(pod=personas["am"].pod, held_on=today()),
        "saved_view": SavedView.objects.create(created_by=personas["admin"], name="Mine", path="/clients/"),
        "contract": Contract.objects.create(
            client=mine,
            starts_on=today() - dt.timedelta(days=100),
            renews_on=today() + dt.timedelta(days=265),
            committed_mrr=mine.mrr,
        ),
        "opportunity": Opportunity.objects.create(
            client=mine, title="Upsell", expected_mrr=mine.mrr, owner=personas["am"], identified_on=today()
        ),
    }


def main_screens(client_pk: int, pod_pk: int, am_pk: int) -> dict[str, list[str]]:
    """Every main screen, as leadership and as an AM: the pages the phone and the translated-page
    tests walk through."""
    return {
        "leader": [
            "/", "/clients/", "/goals/", f"/clients/{client_pk}/", f"/pods/{pod_pk}/", f"/people/{am_pk}/",
            f"/review/?pod={pod_pk}", "/review-queue/", "/reviews/", "/training/", "/training/failures/", "/sync/",
            "/actions/", "/lab/", "/revenue/", "/churn/", "/revolving-door/rows/?kind=lost", "/capacity/",
            "/voice/?problem=no_contact", "/objectives/", "/next-week/", "/targets/", "/onboarding/", "/service/",
            "/tasks/", "/retention/", "/glossary/", "/training/results/",
        ],
        "am": ["/my/", "/my/week/", f"/clients/{client_pk}/", f"/clients/{client_pk}/work/"],
    }  # fmt: skip
