"""The client page's "Goals and their tasks" panel (issue 20, item 3): this week's and next week's
goals with their linked task's state, a picker to link one of the client's synced tasks, and a
one-click "Make it a goal" on each open task. Writes are the client's writers' (the AM, the pod
lead); anyone else in scope reads; out of scope is 404."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.permissions import can_write_client_work
from clients.models import Client, Objective, WeeklyGoal
from clients.views import visible_client
from core.htmx import wants_partial
from core.weeks import today, week_start
from tasks import goal_links
from tasks.models import Task

PANEL = "tasks/goal_tasks.html"
OPEN_TASKS_SHOWN = 15


def panel_context(user: User, client: Client) -> dict:
    """Four queries: the fortnight's goals with their tasks, the linkable tasks, the open objectives."""
    on = today()
    monday = week_start(on)
    goals = list(
        client.weekly_goals.filter(week_start__in=[monday, monday + dt.timedelta(weeks=1)])
        .exclude(status=WeeklyGoal.Status.CANCELLED)
        .select_related("objective", "task_link__task__source")
        .order_by("week_start", "pk")
    )
    goal_links.goal_task_states(goals, on)
    linked = {goal.linked_task.pk for goal in goals if goal.linked_task}
    tasks = list(goal_links.linkable_tasks(client, on))
    open_tasks = [t for t in tasks if t.completed_at is None and t.pk not in linked][:OPEN_TASKS_SHOWN]
    for task in open_tasks:
        task.state = goal_links.task_state(task, on)
        task.goal_week = goal_links.goal_week_for(task, on)
    objectives = list(
        client.objectives.filter(status__in=["on_track", "behind"], start_date__lte=on, due_date__gte=on).order_by(
            "due_date", "pk"
        )
    )
    return {
        "client": client,
        "goals": goals,
        "tasks": tasks,
        "open_tasks": open_tasks,
        "objectives": objectives,
        "can_write": can_write_client_work(user, client),
        "this_week": monday,
    }


@require_GET
def goal_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    client = visible_client(request.user, pk)
    return render(request, f"{PANEL}#goal-tasks", panel_context(request.user, client))


def _writable_client(user: User, client: Client) -> Client:
    if not can_write_client_work(user, client):
        raise Http404(_("You cannot change this client's work."))
    return client


def _answer(request: HttpRequest, client: Client, error: str = "") -> HttpResponse:
    if wants_partial(request):
        context = panel_context(request.user, client) | {"error": error}
        return render(request, f"{PANEL}#goal-tasks", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(reverse("client_detail", args=[client.pk]) + "#goal-tasks")


def _problem(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_POST
def goal_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the goal to the task picked (`task`), or unlink it (`task` empty)."""
    goal = get_object_or_404(
        WeeklyGoal.objects.visible_to(request.user).select_related("client__account_manager"), pk=pk
    )
    client = _writable_client(request.user, goal.client)
    raw = request.POST.get("task", "")
    if not raw:
        goal_links.goal_task_unlink(goal=goal)
        return _answer(request, client)
    task = Task.objects.filter(client=client, pk=raw).first() if raw.isdigit() else None
    if task is None:
        return _answer(request, client, _("Pick one of this client's tasks."))
    try:
        goal_links.goal_task_link(goal=goal, task=task, by=request.user)
    except ValidationError as error:
        return _answer(request, client, _problem(error))
    return _answer(request, client)


@require_POST
def goal_from_task(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: a weekly goal prefilled from the task and linked to it."""
    task = get_object_or_404(
        Task.objects.visible_to(request.user).filter(client__isnull=False).select_related("client__account_manager"),
        pk=pk,
    )
    client = _writable_client(request.user, task.client)
    raw = request.POST.get("objective", "")
    objective = None
    if raw:
        objective = Objective.objects.filter(client=client, pk=raw).first() if raw.isdigit() else None
        if objective is None:
            return _answer(request, client, _("Pick one of this client's objectives, or none."))
    try:
        goal = goal_links.goal_from_task(task=task, by=request.user, objective=objective)
    except ValidationError as error:
        return _answer(request, client, _problem(error))
    if not wants_partial(request):
        messages.success(
            request,
            _("Goal “%(title)s” added for the week of %(week)s.") % {"title": goal.title, "week": goal.week_start},
        )
    return _answer(request, client)
