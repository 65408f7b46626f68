"""Issue 20, item 3: a weekly goal linked to its Asana or ClickUp task, the task's state shown with
the goal, and a goal created from a task in one click under the usual week and deadline rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.tests.factories import ClientFactory, ObjectiveFactory, WeeklyGoalFactory
from core.weeks import today, week_deadline, week_start
from tasks import goal_links
from tasks.models import GoalTask
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(am, other_am):
    mine, theirs = ClientFactory(account_manager=am), ClientFactory(account_manager=other_am)
    monday = week_start(today())
    return {
        "client": mine,
        "goal": WeeklyGoalFactory(client=mine, week_start=monday, title="Ship the audit"),
        "task": TaskFactory(client=mine, name="Crawl audit", due_on=today() + dt.timedelta(days=1)),
        "theirs": TaskFactory(client=theirs, name="Their task"),
        "monday": monday,
    }


def test_the_task_state_follows_the_source_against_its_original_due_date(work):
    task, on = work["task"], today()
    assert goal_links.task_state(task, on).code == "open"
    task.due_on = on - dt.timedelta(days=2)
    assert goal_links.task_state(task, on).code == "overdue"
    task.completed_at = timezone.now()
    assert goal_links.task_state(task, on).code == "done_late"  # completed after its due day
    task.due_on, task.original_due_on = on + dt.timedelta(days=3), on - dt.timedelta(days=2)
    assert goal_links.task_state(task, on).code == "done_late"  # moved later at the source: still late
    task.deleted_at = timezone.now()
    assert goal_links.task_state(task, on).code == "deleted"


def test_a_goal_links_only_to_its_own_clients_task(work, am):
    with pytest.raises(ValidationError, match="another client"):
        goal_links.goal_task_link(goal=work["goal"], task=work["theirs"], by=am)
    goal_links.goal_task_link(goal=work["goal"], task=work["task"], by=am)
    other = TaskFactory(client=work["client"])
    goal_links.goal_task_link(goal=work["goal"], task=other, by=am)  # re-linking replaces the link
    assert list(GoalTask.objects.values_list("goal_id", "task_id")) == [(work["goal"].pk, other.pk)]


def test_a_goal_made_from_a_task_takes_its_name_and_due_week_and_a_fixed_deadline(work, am):
    next_monday = work["monday"] + dt.timedelta(weeks=1)
    task = TaskFactory(
        client=work["client"], name="  Rewrite   the pricing page ", due_on=next_monday + dt.timedelta(days=4)
    )
    goal = goal_links.goal_from_task(task=task, by=am)
    assert (goal.title, goal.week_start, goal.deadline) == (
        "Rewrite the pricing page",
        next_monday,
        week_deadline(next_monday),
    )
    assert goal.task_link.task == task and goal.owner == am
    far = TaskFactory(client=work["client"], due_on=today() + dt.timedelta(days=60))
    assert goal_links.goal_from_task(task=far, by=am).week_start == work["monday"]  # far off: this week
    with pytest.raises(ValidationError, match="already a goal"):
        goal_links.goal_from_task(task=task, by=am)  # one click twice makes one goal


def test_the_panel_shows_the_fortnights_goals_with_their_tasks_state(client, am, work):
    goal_links.goal_task_link(goal=work["goal"], task=work["task"], by=am)
    client.force_login(am)
    response = client.get(f"/clients/{work['client'].pk}/goal-tasks/", headers={"HX-Request": "true"})
    goal = response.context["goals"][0]
    assert goal.linked_task == work["task"] and goal.task_state.code == "open"
    assert b"Crawl audit" in response.content and b"<html" not in response.content
    assert response.context["open_tasks"] == []  # the one open task is already the goal's
    page = client.get(f"/clients/{work['client'].pk}/")
    assert page.context["goals"][0].task_state.code == "open"  # the client page's goals table too


def test_linking_unlinking_and_one_click_goals_through_the_panel(client, am, work):
    client.force_login(am)
    url = f"/goals/{work['goal'].pk}/task/"
    response = client.post(url, {"task": work["task"].pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and GoalTask.objects.get().task == work["task"]
    bad = client.post(url, {"task": work["theirs"].pk}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and b"Pick one of this client" in bad.content
    assert GoalTask.objects.get().task == work["task"]  # nothing lost
    client.post(url, {"task": ""}, headers={"HX-Request": "true"})
    assert not GoalTask.objects.exists()
    objective = ObjectiveFactory(client=work["client"])
    made = client.post(f"/tasks/{work['task'].pk}/make-goal/", {"objective": objective.pk})
    assert made.status_code == 302
    goal = GoalTask.objects.get(task=work["task"]).goal
    assert goal.objective == objective and goal.title == "Crawl audit"


def test_out_of_scope_goals_and_tasks_are_404_and_leadership_only_reads(client, am, other_am, leader, work):
    client.force_login(other_am)
    assert client.get(f"/clients/{work['client'].pk}/goal-tasks/").status_code == 404
    assert client.post(f"/goals/{work['goal'].pk}/task/", {"task": work["task"].pk}).status_code == 404
    assert client.post(f"/tasks/{work['task'].pk}/make-goal/").status_code == 404
    client.force_login(leader)
    assert client.get(f"/clients/{work['client'].pk}/goal-tasks/").context["can_write"] is False
    assert client.post(f"/tasks/{work['task'].pk}/make-goal/").status_code == 404
    assert not GoalTask.objects.exists()


@pytest.mark.parametrize("extra", [0, 5])
def test_the_panel_costs_the_same_queries_at_any_size(client, am, work, extra, django_assert_num_queries):
    for _n in range(extra):
        goal = WeeklyGoalFactory(client=work["client"], week_start=work["monday"])
        goal_links.goal_task_link(goal=goal, task=TaskFactory(client=work["client"]), by=am)
        TaskFactory(client=work["client"])
    client.force_login(am)
    url = f"/clients/{work['client'].pk}/goal-tasks/"
    client.get(url)
    # Session, user; the client with its AM; the fortnight's goals with objective and task (and
    # source); the linkable tasks with source and assignee; the open objectives.
    with django_assert_num_queries(6):
        client.get(url)
