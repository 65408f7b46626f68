import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import RiskAssessment, WeeklyGoal
from clients.services import (
    risk_assessment_record,
    weekly_goal_cancel,
    weekly_goal_complete,
    weekly_goal_create,
    weekly_goal_postpone,
)
from clients.tests.factories import ClientFactory, ObjectiveFactory, WeeklyGoalFactory
from core.weeks import agency_tz, today, week_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_monday() -> dt.date:
    return week_start(today())


def test_a_new_goal_gets_the_deadline_of_its_week(am, this_monday):
    goal = weekly_goal_create(
        client=ClientFactory(account_manager=am), owner=am, title="Ship landing page", week=this_monday
    )
    deadline = goal.deadline.astimezone(agency_tz())
    assert deadline.date() == this_monday + dt.timedelta(days=6)
    assert (deadline.hour, deadline.minute, deadline.second) == (23, 59, 59)


def test_a_goal_cannot_be_planned_for_a_week_that_does_not_start_on_monday(am, this_monday):
    with pytest.raises(ValidationError, match="Monday"):
        weekly_goal_create(
            client=ClientFactory(account_manager=am), owner=am, title="x", week=this_monday + dt.timedelta(days=2)
        )


def test_a_goal_cannot_be_tied_to_another_clients_objective(am, this_monday):
    with pytest.raises(ValidationError, match="another client"):
        weekly_goal_create(
            client=ClientFactory(account_manager=am),
            owner=am,
            title="x",
            week=this_monday,
            objective=ObjectiveFactory(),
        )


def test_postponing_without_a_reason_is_refused(am, this_monday):
    goal = WeeklyGoalFactory(client=ClientFactory(account_manager=am))
    with pytest.raises(ValidationError, match="reason"):
        weekly_goal_postpone(goal=goal, reason="  ", target_week=this_monday + dt.timedelta(weeks=1), by=am)
    goal.refresh_from_db()
    assert goal.status == WeeklyGoal.Status.OPEN


def test_postponing_a_goal_keeps_the_original_deadline_and_carries_it_over(am, this_monday):
    goal = WeeklyGoalFactory(client=ClientFactory(account_manager=am))
    original_deadline = goal.deadline
    postponement = weekly_goal_postpone(
        goal=goal, reason="Client on holiday", target_week=this_monday + dt.timedelta(weeks=2), by=am
    )
    goal.refresh_from_db()
    assert goal.status == WeeklyGoal.Status.POSTPONED
    assert goal.deadline == original_deadline
    carried = postponement.carried_over
    assert carried.week_start == this_monday + dt.timedelta(weeks=2)
    assert carried.title == goal.title and carried.status == WeeklyGoal.Status.OPEN
    assert carried.deadline > original_deadline
    assert carried.carried_over_from == postponement


def test_a_goal_cannot_be_postponed_to_its_own_week_or_earlier(am, this_monday):
    goal = WeeklyGoalFactory(client=ClientFactory(account_manager=am))
    with pytest.raises(ValidationError, match="later week"):
        weekly_goal_postpone(goal=goal, reason="client away", target_week=this_monday, by=am)


def test_a_postponed_goal_cannot_be_postponed_again_or_completed(am, this_monday):
    goal = WeeklyGoalFactory(client=ClientFactory(account_manager=am))
    weekly_goal_postpone(goal=goal, reason="client away", target_week=this_monday + dt.timedelta(weeks=1), by=am)
    with pytest.raises(ValidationError, match="already postponed"):
        weekly_goal_postpone(goal=goal, reason="client away", target_week=this_monday + dt.timedelta(weeks=2), by=am)
    with pytest.raises(ValidationError):
        weekly_goal_complete(goal=goal)


def test_a_goal_done_after_its_deadline_is_not_a_hit(am):
    goal = WeeklyGoalFactory(client=ClientFactory(account_manager=am))
    weekly_goal_complete(goal=goal, at=goal.deadline + dt.timedelta(minutes=1))
    goal.refresh_from_db()
    assert goal.status == WeeklyGoal.Status.DONE and not goal.hit
    on_time = WeeklyGoalFactory(client=goal.client)
    weekly_goal_complete(goal=on_time, at=timezone.now())
    on_time.refresh_from_db()
    assert on_time.hit


def test_cancelling_needs_a_reason(am):
    goal = WeeklyGoalFactory(client=ClientFactory(account_manager=am))
    with pytest.raises(ValidationError):
        weekly_goal_cancel(goal=goal, reason="")
    weekly_goal_cancel(goal=goal, reason="Client paused the campaign")
    goal.refresh_from_db()
    assert goal.status == WeeklyGoal.Status.CANCELLED


def test_risk_assessments_are_appended_and_the_latest_is_current(am):
    client = ClientFactory(account_manager=am)
    risk_assessment_record(client=client, score=3, communication_level=3, reasons=["low_usage"], by=am)
    risk_assessment_record(client=client, score=1, communication_level=2, reasons=["budget_cut", "no_contact"], by=am)
    assert RiskAssessment.objects.filter(client=client).count() == 2
    annotated = type(client).objects.with_signals().get(pk=client.pk)
    assert annotated.current_risk_score == 1


def test_a_risk_assessment_needs_known_reasons_and_a_score_in_range(am):
    client = ClientFactory(account_manager=am)
    with pytest.raises(ValidationError, match="Unknown"):
        risk_assessment_record(client=client, score=2, communication_level=2, reasons=["bored"], by=am)
    with pytest.raises(ValidationError):
        risk_assessment_record(client=client, score=5, communication_level=2, reasons=["other"], by=am)
    assert not RiskAssessment.objects.exists()
