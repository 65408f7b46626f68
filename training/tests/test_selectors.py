"""Reads: required modules per role and version from the database, and coaching outcomes from rollups."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clients.models import DailySnapshot
from clients.tests.factories import ClientFactory, WeeklyGoalFactory
from core.weeks import today, week_start
from godview.rollup import refresh_weeks
from training.compliance import Status
from training.selectors import TrainingFilters, client_outcomes, compliance_matrix, person_training
from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

pytestmark = pytest.mark.django_db


def test_the_matrix_holds_active_required_modules_and_the_people_who_must_take_them(leader, am, designer, other_am):
    for_ams = TrainingModuleFactory(title="Goals", required_roles=["account_manager"])
    TrainingModuleFactory(title="Retired", required_roles=["account_manager"], active=False)
    TrainingModuleFactory(title="Optional", required_roles=[])
    matrix = compliance_matrix(leader, TrainingFilters())
    assert [m.title for m in matrix.modules] == ["Goals"]
    # Leadership and designers have nothing required here, so they are not rows.
    assert {row.person.id for row in matrix.rows} == {am.pk, other_am.pk}
    assert matrix.modules[0].id == for_ams.pk


def test_raising_a_modules_version_turns_a_pass_into_a_retake(leader, am):
    module = TrainingModuleFactory(title="Goals", version=1)
    TrainingResultFactory(user=am, module=module, version=1, score=95, passed=True)
    assert person_training(leader, am).cells[0].status == Status.PASSED

    module.version = 2
    module.save()

    assert person_training(leader, am).cells[0].status == Status.OUTDATED


def test_the_role_filter_keeps_that_roles_modules_and_people(leader, am, designer):
    TrainingModuleFactory(title="Goals", required_roles=["account_manager"])
    TrainingModuleFactory(title="A/B", required_roles=["designer", "account_manager"])
    matrix = compliance_matrix(leader, TrainingFilters(role="designer"))
    assert [m.title for m in matrix.modules] == ["A/B"]
    assert [row.person.id for row in matrix.rows] == [designer.pk]


def test_a_pod_lead_sees_their_pod_and_an_am_only_themselves(pod_lead, am, other_am, designer):
    TrainingModuleFactory(required_roles=["account_manager", "pod_lead", "designer"])
    pod_rows = {row.person.id for row in compliance_matrix(pod_lead, TrainingFilters()).rows}
    assert pod_rows == {pod_lead.pk, am.pk, designer.pk}
    assert {row.person.id for row in compliance_matrix(am, TrainingFilters()).rows} == {am.pk}


def snapshot(client, days_ago, risk, due=0, on_time=0, on=None):
    return DailySnapshot.objects.create(
        client=client,
        date=on or today() - dt.timedelta(days=days_ago),
        risk_score=risk,
        tasks_due=due,
        tasks_on_time=on_time,
    )


def test_client_outcomes_sum_goals_snapshots_and_churn_over_the_window(leader, am):
    kept = ClientFactory(account_manager=am)
    lost = ClientFactory(
        account_manager=am, lifecycle_stage="churned", churned_on=today() - dt.timedelta(days=20), churn_reason="price"
    )
    ClientFactory(account_manager=am, started_on=today() - dt.timedelta(days=10))  # new: not in the base
    last_week = week_start(today()) - dt.timedelta(weeks=1)
    WeeklyGoalFactory(client=kept, week_start=last_week, status="done", done_at=timezone.now() - dt.timedelta(days=8))
    WeeklyGoalFactory(client=kept, week_start=last_week)  # open past its deadline: a miss
    WeeklyGoalFactory(client=kept, week_start=last_week, status="cancelled", cancel_reason="Client paused")
    WeeklyGoalFactory(client=lost, week_start=last_week - dt.timedelta(weeks=1), status="done", done_at=timezone.now())
    WeeklyGoalFactory(client=kept, week_start=week_start(today()) + dt.timedelta(weeks=1))  # not due yet
    WeeklyGoalFactory(client=kept, week_start=week_start(today()) - dt.timedelta(weeks=20))  # before the window
    # The window: this week and the twelve before it, read from the weekly snapshots.
    start = week_start(today()) - dt.timedelta(weeks=12)
    snapshot(kept, None, risk=2, due=4, on_time=2, on=start + dt.timedelta(days=1))  # its first two weeks
    snapshot(kept, None, risk=3, due=0, on=start + dt.timedelta(days=13))
    snapshot(kept, None, risk=4, due=6, on_time=6, on=week_start(today()))  # its last two weeks
    snapshot(lost, None, risk=1, due=2, on_time=0, on=week_start(today()) - dt.timedelta(days=7))
    snapshot(kept, None, risk=3, due=1, on_time=1, on=start + dt.timedelta(weeks=5))  # the middle: tasks only
    snapshot(kept, None, risk=1, due=9, on_time=0, on=start - dt.timedelta(days=1))  # outside the window
    refresh_weeks(start - dt.timedelta(weeks=1), today())  # as the rollups that wrote them keep the weeks

    outcome = client_outcomes(leader, [am.pk])[am.pk]

    # Goals: 4 in the window with past deadlines, cancelled excluded → 3 due; hit = done by deadline.
    # The "lost" goal was done after its deadline (done_at now, deadline two weeks ago): a miss.
    assert (outcome.goals_hit, outcome.goals_due) == (1, 3)
    assert (outcome.tasks_on_time, outcome.tasks_due) == (9, 13)
    assert (outcome.risk_start_sum, outcome.risk_start_days) == (5, 2)
    assert (outcome.risk_end_sum, outcome.risk_end_days) == (5, 2)
    assert (outcome.clients, outcome.churned) == (2, 1)


def test_client_outcomes_stay_inside_the_viewers_client_scope(am, other_am):
    theirs = ClientFactory(account_manager=other_am)
    snapshot(theirs, 1, risk=1, due=3, on_time=1)
    refresh_weeks(today() - dt.timedelta(days=1), today())
    outcome = client_outcomes(am, [other_am.pk])[other_am.pk]
    assert outcome.tasks_due == 0 and outcome.clients == 0


def test_the_databases_totals_equal_the_matrixs_for_every_scope_now_and_before(
    leader, pod_lead, am, other_am, designer
):
    """`compliance_totals` counts in SQL what the matrix counts cell by cell: on random results
    (some at an older version, some of a role the module does not require, an inactive module),
    for each viewer and filter, today and with only the results completed before a day."""
    import random

    from accounts.tests.factories import UserFactory
    from training.compliance import build_matrix
    from training.selectors import compliance_totals, people_facts, required_modules, result_facts

    rng = random.Random(19)
    people = [am, other_am, designer, pod_lead] + [UserFactory(role="account_manager", pod=am.pod) for _ in range(6)]
    roles = ["account_manager", "designer", "pod_lead"]
    modules = [
        TrainingModuleFactory(version=rng.randint(1, 3), required_roles=rng.sample(roles, rng.randint(1, 3)))
        for _ in range(5)
    ] + [TrainingModuleFactory(active=False)]
    for person in people:
        for module in modules:
            for version in range(1, module.version + 1):
                if rng.random() < 0.6:
                    TrainingResultFactory(
                        user=person, module=module, version=version, score=Decimal(rng.randint(300, 1000)) / 10,
                        passed=rng.random() < 0.7, completed_on=today() - dt.timedelta(days=rng.randint(1, 90)),
                    )  # fmt: skip
    before = today() - dt.timedelta(days=45)
    checked = 0
    for viewer, filters in [
        (leader, TrainingFilters()),
        (leader, TrainingFilters(role="designer")),
        (leader, TrainingFilters(pod=am.pod)),
        (leader, TrainingFilters(person=other_am)),
        (pod_lead, TrainingFilters()),
        (am, TrainingFilters()),
    ]:
        mods = required_modules(filters.role)
        roles_needed = set().union(*(m.required_roles for m in mods))
        facts = people_facts(viewer, filters, roles_needed)
        results = result_facts([p.id for p in facts], [m.id for m in mods])
        earlier = [r for r in results if r.completed_on < before]
        now, then = compliance_totals(viewer, filters, before)
        for totals, rows in ((now, results), (then, earlier)):
            matrix = build_matrix(facts, mods, rows, today())
            assert (totals.passed, totals.required) == (matrix.passed, matrix.required)
            assert totals.compliance == matrix.compliance and totals.average_score == matrix.average_score
            checked += matrix.required
    assert checked and now.scored  # the world is not empty


def test_no_required_module_gives_empty_totals(leader, am):
    from training.selectors import compliance_totals

    TrainingModuleFactory(required_roles=[])
    for totals in compliance_totals(leader, TrainingFilters(), today()):
        assert (totals.required, totals.passed, totals.compliance, totals.average_score) == (0, 0, None, None)
