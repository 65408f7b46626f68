"""Due dates that moved at the source: slips on open and late tasks, more for accounts in decline."""

import datetime as dt

from godview.demo.base import ClientPlan, Context, at
from tasks.models import DueDateChange, Task

SLIP_WINDOW_DAYS = 120


def slip_tasks(ctx: Context, plan: ClientPlan, tasks: list[Task]) -> list[tuple[Task, dt.date]]:
    """Move some recent tasks' due dates later, as if rescheduled in the tool after God-view first
    saw them; the task keeps its first due date. Returns (task, first due date) for each."""
    rng = ctx.rng("slips", plan.index)
    moved = []
    for task in tasks:
        if task.due_on is None or task.due_on < ctx.today - dt.timedelta(days=SLIP_WINDOW_DAYS):
            continue
        if rng.random() >= 0.03 + 0.25 * (1 - plan.health(task.due_on)):
            continue
        first_due = task.due_on - dt.timedelta(days=rng.randint(3, 12))
        task.original_due_on = first_due
        moved.append((task, first_due))
    return moved


def due_date_changes(ctx: Context, moved: list[tuple[Task, dt.date]]) -> list[DueDateChange]:
    """The sync's record of each move, seen a few days before the first due date."""
    changes = []
    for task, first_due in moved:
        seen = min(at(first_due - dt.timedelta(days=2), 7), ctx.now - dt.timedelta(hours=1))
        changes.append(DueDateChange(task=task, old_due_on=first_due, new_due_on=task.due_on, seen_at=seen))
    return changes
