"""The demo's task-tool data "as if synced": sources, projects, tasks and subtasks, time entries and
sync runs."""

import datetime as dt
import random
from decimal import Decimal

from django.db import models

from core.weeks import week_start
from godview.demo.base import TOPICS, ZERO, ClientPlan, Context, at, bulk, hours
from tasks import services
from tasks.models import ExternalProject, Source, SyncRun, Task, TimeEntry

# --- sources and projects ------------------------------------------------------------------


def build_projects(ctx: Context, plans: list[ClientPlan]) -> dict[str, Source]:
    synced = last_nightly_sync(ctx)
    sources = {
        "asana": Source(
            kind=Source.Kind.ASANA,
            name="Asana · Brightpath workspace",
            workspace_id="1199872645031877",
            token_env_var="ASANA_TOKEN",
            cursor=synced,
            last_full_sync_at=synced - dt.timedelta(days=ctx.today.weekday()),
        ),
        "clickup": Source(
            kind=Source.Kind.CLICKUP,
            name="ClickUp · Delivery team",
            workspace_id="9015478231",
            token_env_var="CLICKUP_TOKEN",
            cursor=synced,
            last_full_sync_at=synced - dt.timedelta(days=ctx.today.weekday()),
        ),
    }
    bulk(Source, list(sources.values()))
    projects = []
    for plan in plans:
        plan.project = ExternalProject(
            source=sources[plan.source_kind],
            external_id=external_id(plan.source_kind, 1, plan.index),
            name=f"{plan.name} · Retainer",
            client=plan.client,
            archived=plan.churned_on is not None,
            last_seen_at=synced,
        )
        projects.append(plan.project)
    for i, name in enumerate(("Internal · Marketing", "Sales pipeline", "Agency website", "Hiring", "Templates")):
        if i < max(3, len(plans) // 50):
            kind = "asana" if i % 2 == 0 else "clickup"
            projects.append(
                ExternalProject(
                    source=sources[kind], external_id=external_id(kind, 2, i), name=name, last_seen_at=synced
                )
            )
    bulk(ExternalProject, projects)
    return sources


def last_nightly_sync(ctx: Context) -> dt.datetime:
    """02:10 agency time today, or yesterday if that has not come yet."""
    tonight = at(ctx.today, 2, 10)
    return tonight if tonight < ctx.now else tonight - dt.timedelta(days=1)


def external_id(kind: str, space: int, number: int) -> str:
    """Asana gids are long digit strings; ClickUp ids are short base-36 strings."""
    value = space * 10**12 + number
    if kind == "asana":
        return str(1_200_000_000_000_000 + value)
    digits, out = "0123456789abcdefghijklmnopqrstuvwxyz", ""
    while value:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
    return "86" + out


# --- tasks and time ------------------------------------------------------------------------

TASK_TEMPLATES = (
    "Design {topic} banner set",
    "Write copy for {topic} landing page",
    "QA tracking on {topic} forms",
    "Build {topic} email template",
    "Keyword research: {topic}",
    "Monthly report: {topic} performance",
    "Update {topic} ad copy",
    "Mock up {topic} page variant",
    "Client review: {topic} assets",
    "Fix {topic} page speed issues",
    "Set up {topic} A/B test",
    "Export {topic} audience list",
)
SECTIONS = {
    "asana": ("To do", "In progress", "Client review", "Done"),
    "clickup": ("to do", "in progress", "review", "complete"),
}


def client_tasks(ctx: Context, plan: ClientPlan) -> tuple[list[Task], list[Task]]:
    """Several tasks a week, mostly done on time; late and open overdue ones grow as health falls."""
    rng = ctx.rng("tasks", plan.index)
    tasks: list[Task] = []
    subtasks: list[Task] = []
    numbers = iter(range(10**6))
    weeks = list(plan.weeks(ctx))
    if not plan.churned_on:
        weeks.append(ctx.this_monday + dt.timedelta(weeks=1))  # a little planned work ahead
    for monday in weeks:
        h = plan.health(min(monday, ctx.today))
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            task = new_task(ctx, rng, plan, monday, h, next(numbers))
            tasks.append(task)
            if rng.random() < 0.05:
                for _ in range(rng.randint(1, 3)):
                    subtasks.append(subtask(ctx, rng, plan, task, next(numbers)))
    return tasks, subtasks


def new_task(ctx: Context, rng: random.Random, plan: ClientPlan, monday: dt.date, h: float, number: int) -> Task:
    assignee = plan.am if rng.random() < 0.55 else plan.designer
    due = monday + dt.timedelta(days=rng.randint(0, 4))
    created = at(due - dt.timedelta(days=rng.randint(3, 14)), rng.randint(8, 17), rng.randint(0, 59))
    started = (created + dt.timedelta(days=rng.randint(0, 3))).date() if rng.random() < 0.6 else None
    completed = task_completion(ctx, rng, plan, due, h)
    # When a client leaves, its project is archived and the open tasks are deleted at the source.
    deleted = at(plan.churned_on + dt.timedelta(days=14), 3) if plan.churned_on and not completed else None
    sections = SECTIONS[plan.source_kind]
    section = sections[3] if completed else (sections[1] if started and started <= ctx.today else sections[0])
    waiting = rng.random() < 0.05 + 0.25 * (1 - h)
    created = min(created, ctx.now - dt.timedelta(hours=2))
    return Task(
        source=plan.project.source,
        external_id=external_id(plan.source_kind, 3, plan.index * 10**6 + number),
        project=plan.project,
        client=plan.client,
        name=rng.choice(TASK_TEMPLATES).format(topic=rng.choice(TOPICS)),
        assignee=assignee,
        assignee_email=assignee.email,
        section=section,
        created_at_source=created,
        started_on=started if started is None or started <= due else due,
        due_on=due,
        completed_at=completed,
        modified_at=max(created, completed or created) + dt.timedelta(minutes=rng.randint(1, 600)),
        deleted_at=deleted if deleted and deleted < ctx.now else None,
        waiting_on_client_hours=Decimal(str(round(rng.uniform(0.5, 12), 1))) if waiting else ZERO,
        synced_at=ctx.now - dt.timedelta(hours=rng.randint(1, 20)),
    )


def task_completion(ctx: Context, rng: random.Random, plan: ClientPlan, due: dt.date, h: float) -> dt.datetime | None:
    on_time = rng.random() < 0.45 + 0.52 * h
    if on_time:
        day = due - dt.timedelta(days=rng.randint(0, 3))
    else:
        day = due + dt.timedelta(days=rng.randint(1, 7 if h > 0.55 else 25))
    if day >= ctx.today or (plan.churned_on and day >= plan.churned_on):
        return None  # not done yet: open, and overdue once the due date passes
    return at(day, rng.randint(9, 18), rng.randint(0, 59))


def subtask(ctx: Context, rng: random.Random, plan: ClientPlan, parent: Task, number: int) -> Task:
    return Task(
        source=parent.source,
        external_id=external_id(plan.source_kind, 3, plan.index * 10**6 + number),
        project=parent.project,
        client=parent.client,
        parent=parent,
        name=rng.choice(("Draft", "Review", "Client sign-off", "Publish")) + f": {parent.name.lower()}",
        assignee=parent.assignee,
        assignee_email=parent.assignee_email,
        section=parent.section,
        created_at_source=parent.created_at_source,
        due_on=parent.due_on,
        completed_at=parent.completed_at,
        modified_at=parent.modified_at,
        deleted_at=parent.deleted_at,
        synced_at=parent.synced_at,
    )


def time_entries(ctx: Context, plan: ClientPlan, plan_tasks: list[Task]) -> list[TimeEntry]:
    """Hours per person per week, around the client's monthly budget (a few run well over it)."""
    rng = ctx.rng("time", plan.index)
    by_hand = ctx.rng("time-logged-here", plan.index)  # a stream of its own: the synced hours stay as they were
    by_week: dict[tuple[dt.date, int], Task] = {}
    for task in plan_tasks:
        by_week.setdefault((week_start(task.due_on), task.assignee_id), task)
    weekly = float(plan.hours_budget) / 4.33 * plan.hours_factor
    entries = []
    for monday in plan.weeks(ctx):
        h = plan.health(monday)
        for person, share in ((plan.am, 0.65), (plan.designer, 0.5)):
            if person is plan.designer and rng.random() < 0.3:
                continue
            day = monday + dt.timedelta(days=rng.randint(0, 4))
            started = at(day, rng.randint(9, 15), rng.choice((0, 15, 30, 45)))
            if started >= ctx.now:
                continue
            task = by_week.get((monday, person.pk))
            synced = by_hand.random() >= 0.15  # most hours come from the tool, some are logged in God-view
            entries.append(
                TimeEntry(
                    source=plan.project.source if synced else None,
                    external_id=f"te{plan.index}-{monday:%Y%m%d}-{person.pk}" if synced else None,
                    user=person,
                    client=plan.client,
                    task=task,
                    started_at=started,
                    hours=hours(weekly * share * rng.uniform(0.7, 1.3) * (1.15 - 0.3 * h)),
                    description=task.name if task else "Account work",
                )
            )
    return entries


def build_sync_runs(ctx: Context, sources: dict[str, Source]) -> None:
    """A week of nightly runs per source, the last one this morning (or last night)."""
    runs = []
    tasks_per_source = dict(
        Task.objects.filter(deleted_at__isnull=True)
        .values("source_id")
        .annotate(n=models.Count("pk"))
        .values_list("source_id", "n")
    )
    for kind, source in sources.items():
        rng = ctx.rng("sync", kind)
        total = tasks_per_source.get(source.pk, 0)
        last = source.cursor
        for back in range(6, -1, -1):
            started = last - dt.timedelta(days=back, minutes=rng.randint(0, 20))
            fetched = max(1, int(total * rng.uniform(0.004, 0.012)))
            full = started.weekday() == 0
            partial = back == 4 and kind == "clickup"
            runs.append(
                SyncRun(
                    source=source,
                    mode=SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL,
                    status=SyncRun.Status.PARTIAL if partial else SyncRun.Status.SUCCEEDED,
                    queued_at=started - dt.timedelta(seconds=5),
                    started_at=started,
                    finished_at=started + dt.timedelta(seconds=rng.randint(20, 240)),
                    fetched=total if full else fetched,
                    created=int(fetched * 0.3),
                    updated=int(fetched * 0.6),
                    unchanged=(total - fetched) if full else fetched - int(fetched * 0.3) - int(fetched * 0.6),
                    skipped=1 if partial else 0,
                    time_entries=rng.randint(20, 200) if kind == "clickup" else 0,
                    progress="Done",
                    errors=[{"kind": "skipped", "external_id": "86c0ffee1", "message": "list: Field required"}]
                    if partial
                    else [],
                    live_tasks=total,
                    cursor_before=started - dt.timedelta(days=1, minutes=15),
                    cursor_after=started - dt.timedelta(minutes=15),
                )
            )
    bulk(SyncRun, runs)
    for source in sources.values():  # what the last run's end counted, and the names' suggestions
        services.source_count_unknown_assignees(source)
        source.save(update_fields=["unknown_assignees"])
    services.external_project_suggest(ExternalProject.objects.filter(client__isnull=True))
