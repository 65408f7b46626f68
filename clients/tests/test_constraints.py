"""Rules that live in the database hold whatever path a write takes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from clients.models import (
    AppendOnly,
    DeadlineLocked,
    NPSResponse,
    Postponement,
    QuarterlyReview,
    RiskAssessment,
    WeeklyGoal,
)
from clients.tests.factories import ClientFactory, RiskAssessmentFactory, WeeklyGoalFactory
from core.weeks import today, week_deadline, week_start
from tasks.tests.factories import SourceFactory, TaskFactory

pytestmark = pytest.mark.django_db


def violates(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except (IntegrityError, DatabaseError):
        return True
    return False


@pytest.mark.parametrize("score", [0, 5])
def test_a_risk_score_outside_1_to_4_is_refused_by_the_database(score):
    client = ClientFactory()
    assert violates(
        lambda: RiskAssessment.objects.bulk_create([RiskAssessment(client=client, score=score, communication_level=3)])
    )


@pytest.mark.parametrize("level", [0, 5])
def test_a_communication_level_outside_1_to_4_is_refused(level):
    client = ClientFactory()
    assert violates(
        lambda: RiskAssessment.objects.bulk_create([RiskAssessment(client=client, score=2, communication_level=level)])
    )


def test_a_weekly_goal_must_start_on_a_monday():
    tuesday = week_start(today()) + dt.timedelta(days=1)
    assert violates(lambda: WeeklyGoalFactory(week_start=tuesday, deadline=week_deadline(week_start(today()))))
    assert not violates(lambda: WeeklyGoalFactory(week_start=week_start(today())))


def test_one_quarterly_review_per_client_and_quarter():
    client = ClientFactory()
    QuarterlyReview.objects.create(client=client, year=2026, quarter=3)
    assert violates(lambda: QuarterlyReview.objects.create(client=client, year=2026, quarter=3))
    assert not violates(lambda: QuarterlyReview.objects.create(client=client, year=2026, quarter=4))


def test_a_quarter_outside_1_to_4_is_refused():
    assert violates(lambda: QuarterlyReview.objects.create(client=ClientFactory(), year=2026, quarter=5))


def test_tasks_are_unique_per_source_and_external_id():
    source = SourceFactory()
    TaskFactory(source=source, external_id="42")
    assert violates(lambda: TaskFactory(source=source, external_id="42"))
    assert not violates(lambda: TaskFactory(source=SourceFactory(name="Other"), external_id="42"))


def test_money_and_hours_cannot_be_negative():
    assert violates(lambda: ClientFactory(mrr=Decimal("-1")))
    assert violates(lambda: WeeklyGoalFactory(waiting_on_client_hours=Decimal("-0.5")))
    assert violates(lambda: TaskFactory(waiting_on_client_hours=Decimal("-1")))


def test_an_nps_score_must_be_0_to_10():
    client = ClientFactory()
    assert violates(lambda: NPSResponse.objects.create(client=client, score=11, responded_on=today()))
    assert not violates(lambda: NPSResponse.objects.create(client=client, score=0, responded_on=today()))


def test_a_churned_client_needs_a_churn_date_and_reason():
    assert violates(lambda: ClientFactory(lifecycle_stage="churned"))
    assert violates(lambda: ClientFactory(lifecycle_stage="adopting", churned_on=today(), churn_reason="price"))
    assert not violates(
        lambda: ClientFactory(lifecycle_stage="churned", churned_on=today(), churn_reason="price", mrr=0)
    )


def test_a_postponement_needs_a_reason():
    goal = WeeklyGoalFactory()
    later = WeeklyGoalFactory(client=goal.client, week_start=goal.week_start + dt.timedelta(weeks=1))
    assert violates(
        lambda: Postponement.objects.create(original=goal, carried_over=later, reason="", target_week=later.week_start)
    )


def test_saving_a_weekly_goal_with_a_moved_deadline_raises():
    goal = WeeklyGoalFactory()
    goal.deadline += dt.timedelta(days=7)
    with pytest.raises(DeadlineLocked):
        goal.save()


def test_reloaded_goals_keep_the_deadline_lock():
    goal = WeeklyGoal.objects.get(pk=WeeklyGoalFactory().pk)
    goal.deadline += dt.timedelta(hours=1)
    with pytest.raises(DeadlineLocked):
        goal.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is Postgres-only")
def test_the_database_refuses_a_bulk_update_of_a_deadline():
    goal = WeeklyGoalFactory()
    assert violates(lambda: WeeklyGoal.objects.filter(pk=goal.pk).update(deadline=goal.deadline + dt.timedelta(days=1)))
    assert violates(
        lambda: WeeklyGoal.objects.filter(pk=goal.pk).update(week_start=goal.week_start + dt.timedelta(days=7))
    )
    assert not violates(lambda: WeeklyGoal.objects.filter(pk=goal.pk).update(title="Renamed"))


def test_a_risk_assessment_cannot_be_saved_twice():
    assessment = RiskAssessmentFactory()
    assessment.score = 1
    with pytest.raises(AppendOnly):
        assessment.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is Postgres-only")
def test_the_database_refuses_to_rewrite_a_risk_assessment():
    assessment = RiskAssessmentFactory()
    assert violates(lambda: RiskAssessment.objects.filter(pk=assessment.pk).update(score=1))
