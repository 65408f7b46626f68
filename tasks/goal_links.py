"""Goals where the work lives (issue 20, item 3): a weekly goal linked to its Asana or ClickUp
task, the task's state shown with the goal, and a goal created from a task in one click.

A goal made from a task goes through `clients.services.weekly_goal_create`, so the Monday–Sunday
week and the fixed deadline hold as for any goal; its week is the task's due week when that is
this week or next, else this week.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client, Objective, WeeklyGoal
from clients.services import weekly_goal_create
from core.weeks import today, week_start
from tasks.models import GoalTask, Task

LINKABLE_DAYS = 14  # tasks completed this recently can still be picked
LINKABLE_LIMIT = 200
TITLE_MAX = WeeklyGoal._meta.get_field("title").max_length


@dataclass(frozen=True)
class TaskState:
    code: str  # open, overdue, done, done_late, deleted
    label: str
    tone: str  # good, bad, warn or ""


def task_state(task: Task, on: dt.date | None = None) -> TaskState:
    """The task as the source last said, against its original due date (fixed deadlines)."""
    on = on or today()
    if task.deleted_at:
        return TaskState("deleted", _("Deleted at the source"), "bad")
    if task.completed_at:
        if task.completed_late:
            return TaskState("done_late", _("Done late"), "warn")
        return TaskState("done", _("Done"), "good")
    due = task.original_due_date
    if due and due < on:
        return TaskState("overdue", _("Overdue since %(day)s") % {"day": date_format(due, "j M")}, "bad")
    if due:
        return TaskState("open", _("Open, due %(day)s") % {"day": date_format(due, "j M")}, "")
    return TaskState("open", _("Open, no due date"), "")


def goal_task_states(goals: list[WeeklyGoal], on: dt.date | None = None) -> None:
    """Set `linked_task` and `task_state` on goals fetched with `task_link__task__source`."""
    for goal in goals:
        link = getattr(goal, "task_link", None)  # RelatedObjectDoesNotExist is an AttributeError
        goal.linked_task = link.task if link else None
        goal.task_state = task_state(link.task, on) if link else None


def linkable_tasks(client: Client, on: dt.date | None = None) -> QuerySet[Task]:
    """The client's live tasks a goal can be linked to: open, or completed in the last two weeks;
    soonest due first (on the (client, due_on) index)."""
    on = on or today()
    since = timezone.now() - dt.timedelta(days=LINKABLE_DAYS)
    return (
        Task.objects.filter(client=client, deleted_at__isnull=True)
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=since))
        .select_related("source", "assignee")
        .order_by(F("completed_at").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "pk")[:LINKABLE_LIMIT]
    )


def goal_week_for(task: Task, on: dt.date | None = None) -> dt.date:
    """The task's due week when it is this week or next, else this week."""
    this = week_start(on or today())
    due = task.original_due_date
    if due and this <= week_start(due) <= this + dt.timedelta(weeks=1):
        return week_start(due)
    return this


def _check(goal: WeeklyGoal, task: Task) -> None:
    if task.client_id != goal.client_id:
        raise ValidationError({"task": _("That task belongs to another client.")})
    if task.deleted_at:
        raise ValidationError({"task": _("That task was deleted at the source.")})


@transaction.atomic
def goal_task_link(*, goal: WeeklyGoal, task: Task, by: User) -> GoalTask:
    """Link (or re-link) the goal to one of its client's tasks."""
    _check(goal, task)
    link, _created = GoalTask.objects.update_or_create(
        goal=goal, defaults={"task": task, "linked_by": by, "linked_at": timezone.now()}
    )
    return link


@transaction.atomic
def goal_task_unlink(*, goal: WeeklyGoal) -> None:
    GoalTask.objects.filter(goal=goal).delete()


@transaction.atomic
def goal_from_task(*, task: Task, by: User, objective: Objective | None = None) -> WeeklyGoal:
    """A weekly goal prefilled from the task (its name, its due week), linked to it. A task already
    behind a goal of that week gives no second goal."""
    if task.client_id is None:
        raise ValidationError({"task": _("That task is not mapped to a client.")})
    if task.deleted_at:
        raise ValidationError({"task": _("That task was deleted at the source.")})
    week = goal_week_for(task)
    if GoalTask.objects.filter(task=task, goal__week_start=week).exclude(goal__status="cancelled").exists():
        raise ValidationError({"task": _("That task is already a goal of the week of %(week)s.") % {"week": week}})
    client = task.client
    goal = weekly_goal_create(
        client=client,
        owner=client.account_manager or by,
        title=" ".join(task.name.split())[:TITLE_MAX],
        week=week,
        objective=objective,
        created_by=by,
    )
    GoalTask.objects.create(goal=goal, task=task, linked_by=by)
    return goal
