"""Writes for sources, projects, tasks, time entries and sync runs.

The upserts compare before they write: a rerun with nothing changed issues no UPDATE at all, so
`updated` in a sync run means something really changed at the source.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from core.weeks import agency_tz, today
from tasks.models import DueDateChange, ExternalProject, Source, SyncRun, Task, TimeEntry
from tasks.naming import suggest_client
from tasks.sync.base import ProjectRecord, TaskRecord, TimeEntryRecord

log = logging.getLogger(__name__)

ACTIVE = (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)
# A run older than the Celery hard time limit cannot still be running: its worker died.
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 3300) + 300)

TASK_FIELDS = (
    "name",
    "project_id",
    "client_id",
    "parent_external_id",
    "assignee_id",
    "assignee_email",
    "section",
    "created_at_source",
    "started_on",
    "due_on",
    "due_at",
    "completed_at",
    "modified_at",
    "deleted_at",
)
# Subtasks take client, project and parent from their parent (see `task_link_parents`).
LINKED_FIELDS = ("project_id", "client_id")
TIME_ENTRY_FIELDS = ("user_id", "client_id", "task_id", "started_at", "hours", "description")
CENT = Decimal("0.01")


@dataclasses.dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    due_date_changes: int = 0

    def add(self, other: UpsertCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.due_date_changes += other.due_date_changes


@dataclasses.dataclass
class SyncContext:
    """Lookups an upsert needs, loaded once per run (two queries), not once per record."""

    source: Source
    users_by_email: dict[str, int]
    projects: dict[str, tuple[int, int | None]]  # external id -> (pk, client pk)

    @classmethod
    def load(cls, source: Source) -> SyncContext:
        users = {
            email.lower(): pk
            for pk, email in User.objects.filter(is_active=True).exclude(email="").values_list("pk", "email")
        }
        projects = {
            ext: (pk, client)
            for pk, ext, client in ExternalProject.objects.filter(source=source).values_list(
                "pk", "external_id", "client_id"
            )
        }
        return cls(source=source, users_by_email=users, projects=projects)


# --- sync runs ------------------------------------------------------------------------------


def _expire_stale_runs(source: Source) -> None:
    SyncRun.objects.filter(source=source, status__in=ACTIVE, queued_at__lt=timezone.now() - STALE_AFTER).update(
        status=SyncRun.Status.FAILED,
        finished_at=timezone.now(),
        error_message="Abandoned: the worker running it stopped before finishing.",
    )


# An idle worker starts a queued run within a second; one still queued after this long, while no
# other run kept the workers busy, has lost its Celery message (Redis restarted, or was flushed).
LOST_AFTER = dt.timedelta(minutes=5)
LOST_IN_QUEUE = (
    "Never started: no worker picked it up within {minutes} minutes while the queue was idle, so its job was "
    "lost from the queue (Redis restarted?) or no worker is running. Run it again; if it stays queued, check "
    "the Celery worker."
)


def sync_run_fail_lost(*, source: Source | None = None, now: dt.datetime | None = None) -> int:
    """Fail queued runs whose job is gone, so their source is not blocked for an hour.

    A queued run waits its turn while other runs keep the workers busy; it is lost when it has
    waited LOST_AFTER and no run was running or started meanwhile. Its job, should it still come,
    finds the run finished and does nothing (`runner.claim`). Returns how many were failed.
    """
    now = now or timezone.now()
    cutoff = now - LOST_AFTER
    queued = SyncRun.objects.filter(status=SyncRun.Status.QUEUED, queued_at__lt=cutoff)
    if source is not None:
        queued = queued.filter(source=source)
    if not queued.exists():
        return 0
    busy = SyncRun.objects.filter(
        Q(status=SyncRun.Status.RUNNING, started_at__gte=now - STALE_AFTER) | Q(started_at__gte=cutoff)
    ).exists()
    if busy:
        return 0
    message = LOST_IN_QUEUE.format(minutes=int(LOST_AFTER.total_seconds() // 60))
    failed = queued.update(status=SyncRun.Status.FAILED, finished_at=now, error_message=message)
    if failed:
        log.warning("sync: %s queued run(s) lost from the queue were failed", failed)
    return failed


@transaction.atomic
def sync_run_create(*, source: Source, mode: str = SyncRun.Mode.INCREMENTAL, requested_by: User | None = None):
    """A queued run, or the source's active one: the partial unique index is the lock.

    Returns (run, created).
    """
    _expire_stale_runs(source)
    sync_run_fail_lost(source=source)
    active = SyncRun.objects.filter(source=source, status__in=ACTIVE).first()
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                source=source, mode=mode, requested_by=requested_by, cursor_before=source.cursor
            )
    except IntegrityError:  # another process queued one between our read and our insert
        return SyncRun.objects.get(source=source, status__in=ACTIVE), False
    return run, True


# Enqueued by name: a service never imports the job module (the job calls the runner, which calls
# services). Looked up in the app's registry, so an in-process (eager) app still runs it.
SYNC_JOB = "tasks.jobs.sync_source"
QUEUE_UNAVAILABLE = "The job queue (Redis) did not answer, so this run never started. Try again once /healthz is green."
# Publishing must not hang a web request when Redis is down: one quick retry, then give up.
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


@transaction.atomic
def sync_run_enqueue(*, source: Source, mode: str = SyncRun.Mode.INCREMENTAL, requested_by: User | None = None):
    """Queue a run and hand it to Celery once the row is committed (the worker must see it).

    If the queue cannot take it, the run is marked failed with QUEUE_UNAVAILABLE, so the
    source is not left blocked by a run that will never start.
    """
    run, created = sync_run_create(source=source, mode=mode, requested_by=requested_by)
    if created:
        transaction.on_commit(lambda: _publish(run.pk))
    return run, created


def _publish(run_id: int) -> None:
    from kombu.exceptions import OperationalError
    from redis.exceptions import RedisError

    if getattr(settings, "SYNC_JOBS_IN_BACKGROUND_THREAD", False):
        # No Redis (the `make run` demo): the web process is the worker. A thread lets "Sync now"
        # answer at once and the page poll the run's progress live, as it does with a worker.
        threading.Thread(target=_run_in_thread, args=(run_id,), name=f"sync-run-{run_id}", daemon=True).start()
        return
    try:
        current_app.tasks[SYNC_JOB].apply_async((run_id,), retry_policy=QUICK_RETRY)
    except (OperationalError, RedisError, ConnectionError) as error:
        log.warning("sync run %s not queued: %s", run_id, error)
        SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED).update(
            status=SyncRun.Status.FAILED, finished_at=timezone.now(), error_message=QUEUE_UNAVAILABLE
        )


def _run_in_thread(run_id: int) -> None:
    try:
        current_app.tasks[SYNC_JOB].apply((run_id,))
    finally:
        connection.close()  # this thread's own connection


# --- hours logged in God-view --------------------------------------------------------------

LOGGED_HOURS_MAX = Decimal("24")


@transaction.atomic
def time_entry_log(*, client: Client, by: User, day: dt.date, hours: Decimal, description: str = "") -> TimeEntry:
    """Hours a person spent on a client, logged by hand (no source): never in the future."""
    if day > today():
        raise ValidationError({"day": _("Hours cannot be logged for a day in the future.")})
    if not Decimal("0") < hours <= LOGGED_HOURS_MAX:
        raise ValidationError({"hours": _("Between 0 and 24 hours for one day.")})
    entry = TimeEntry(
        user=by,
        client=client,
        started_at=dt.datetime.combine(day, dt.time(9), tzinfo=agency_tz()),
        hours=hours,
        description=description.strip(),
    )
    entry.full_clean()
    entry.save()
    return entry


# --- projects -------------------------------------------------------------------------------


@transaction.atomic
def external_project_bulk_upsert(*, source: Source, records: Iterable[ProjectRecord]) -> int:
    """Store the projects/lists a source lists; mapping to clients is left as it was."""
    records = list({r.external_id: r for r in records}.values())
    existing = {
        p.external_id: p
        for p in ExternalProject.objects.filter(source=source, external_id__in=[r.external_id for r in records])
    }
    now = timezone.now()
    new = [
        ExternalProject(source=source, external_id=r.external_id, name=r.name, archived=r.archived, last_seen_at=now)
        for r in records
        if r.external_id not in existing
    ]
    changed = []
    for record in records:
        project = existing.get(record.external_id)
        if project is not None and (project.name, project.archived) != (record.name, record.archived):
            project.name, project.archived = record.name, record.archived
            changed.append(project)
    ExternalProject.objects.bulk_create(new)
    ExternalProject.objects.bulk_update(changed, ["name", "archived"])
    renamed = [p.external_id for p in changed if p.client_id is None]
    external_project_suggest(
        ExternalProject.objects.filter(
            source=source, client__isnull=True, external_id__in=[p.external_id for p in new] + renamed
        )
    )
    # Seen-at moves once a day at most, so a quiet nightly run stays (almost) write-free.
    ExternalProject.objects.filter(source=source, external_id__in=[r.external_id for r in records]).filter(
        last_seen_at__lt=now - dt.timedelta(hours=20)
    ).update(last_seen_at=now)
    return len(new) + len(changed)


def external_project_suggest(projects: Iterable[ExternalProject]) -> int:
    """Store the client each project's name suggests (tasks.naming); the clients are read once,
    only when there is a project to name."""
    projects = list(projects)
    if not projects:
        return 0
    clients = list(Client.objects.active().only("pk", "name"))
    for project in projects:
        project.suggested_client = suggest_client(project.name, clients)
    ExternalProject.objects.bulk_update(projects, ["suggested_client"])
    return len(projects)


def source_count_unknown_assignees(source: Source) -> None:
    """The source's live tasks assigned to an email no user has, per email (one query, at the end of
    a run); saved with the source by the caller."""
    rows = (
        Task.objects.live()
        .filter(source=source, assignee__isnull=True)
        .exclude(assignee_email="")
        .values("assignee_email")
        .annotate(tasks=Count("pk"), open_tasks=Count("pk", filter=Q(completed_at__isnull=True)))
        .order_by("-tasks", "assignee_email")
    )
    source.unknown_assignees = [[r["assignee_email"], r["tasks"], r["open_tasks"]] for r in rows]


@transaction.atomic
def external_project_set_client(*, project: ExternalProject, client: Client | None) -> int:
    """Map a project to a client and move its tasks (and their subtasks) with it."""
    project.client = client
    project.save(update_fields=["client"])
    client_id = client.pk if client else None
    moved = Task.objects.filter(project=project).exclude(client_id=client_id)
    count = moved.update(client_id=client_id)
    task_link_parents(source=project.source)
    return count


# --- tasks ----------------------------------------------------------------------------------


def _task_values(record: TaskRecord, ctx: SyncContext) -> tuple:
    """The stored values of a record, in TASK_FIELDS order."""
    project_pk, client_pk = ctx.projects.get(record.project_external_id or "", (None, None))
    email = record.assignee_email if len(record.assignee_email) <= 254 else ""
    return (
        record.name,
        project_pk,
        client_pk,
        record.parent_external_id or "",
        ctx.users_by_email.get(email),
        email,
        record.section,
        record.created_at,
        record.started_on,
        record.due_on,
        record.due_at,
        record.completed_at,
        record.modified_at,
        None,  # deleted_at: a task the source lists is not deleted
    )


def task_upsert_prepare(*, ctx: SyncContext, records: Sequence[TaskRecord]) -> Callable[[], UpsertCounts]:
    """Insert new tasks, update changed ones, leave identical ones alone; keyed on (source, external id).

    In two steps: the Python work now, the database work in the function returned, which the sync
    runner calls on its writer thread (tasks/sync/runner.py).
    """
    if not records:
        return UpsertCounts  # nothing to write: zero counts
    if connection.vendor == "postgresql":
        return _prepare_in_postgres(ctx, records)
    return functools.partial(_task_upsert_with_orm, ctx, records)


LINKED_COMPARED = tuple(f for f in TASK_FIELDS if f not in LINKED_FIELDS)
ZERO_HOURS = Decimal("0")
INSERT_COLUMNS = ("source_id", "external_id", *TASK_FIELDS, "waiting_on_client_hours", "synced_at")
STAGE = "sync_task_stage"
FOREIGN_KEYS = {"project_id": "project", "client_id": "client", "assignee_id": "assignee"}


def _prepare_in_postgres(ctx: SyncContext, records: Sequence[TaskRecord]) -> Callable[[], UpsertCounts]:
    """COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE the
    row IS DISTINCT FROM what is stored: Postgres compares, so an unchanged task is neither read
    back into Python nor written.

    The ORM's bulk_create, and even a VALUES list, spent several times longer building and
    parsing SQL than Postgres spent storing the rows (bench/sync.py).
    """
    now = timezone.now()
    top, subtasks = io.StringIO(), io.StringIO()
    # CSV with every non-NULL value quoted: an unquoted empty field is NULL, "" an empty string;
    # the csv module (C) escapes four times faster than a Python loop over the values did.
    top_rows = csv.writer(top, quoting=csv.QUOTE_NOTNULL, lineterminator="\n")
    subtask_rows = csv.writer(subtasks, quoting=csv.QUOTE_NOTNULL, lineterminator="\n")
    source_pk = ctx.source.pk
    for record in records:
        values = (source_pk, record.external_id, *_task_values(record, ctx), ZERO_HOURS, now)
        (subtask_rows if record.parent_external_id else top_rows).writerow(values)
    batches = [(top.getvalue(), TASK_FIELDS), (subtasks.getvalue(), LINKED_COMPARED)]

    def write() -> UpsertCounts:
        counts = UpsertCounts()
        for data, compared in batches:
            if data:
                created, updated, moved = _copy_upsert(data, compared, now)
                counts.created += created
                counts.updated += updated
                counts.due_date_changes += moved
        counts.unchanged = len(records) - counts.created - counts.updated
        return counts

    return write


def _copy_upsert(data: str, compared: Sequence[str], now: dt.datetime) -> tuple[int, int, int]:
    """Returns (created, updated, due dates moved); rows identical to the stored ones are not
    touched at all.

    A moved due date is found among the rows the upsert wrote, never by reading the others: the
    UPDATE keeps the first due date in `original_due_on` the first time it moves, and a change row
    records each move, its old date being the previous move's new one (or the original). Only
    tasks that moved before look up their latest change (one index probe each).
    """
    table = Task._meta.db_table
    changes = DueDateChange._meta.db_table
    columns = ", ".join(INSERT_COLUMNS)
    assignments = ", ".join(f"{column} = EXCLUDED.{column}" for column in (*compared, "synced_at"))
    stored = ", ".join(f"{table}.{column}" for column in compared)
    incoming = ", ".join(f"EXCLUDED.{column}" for column in compared)
    previous = "CASE WHEN last.id IS NULL THEN up.original_due_on ELSE last.new_due_on END"
    # No savepoint, and few round trips: on the writer thread, each one waits for the GIL.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:  # the stage empties at commit
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ON COMMIT DELETE ROWS AS "
            f"SELECT {columns} FROM {table} WITH NO DATA; TRUNCATE {STAGE}"
        )
        # In one read: psycopg2 takes the GIL back for every chunk it reads.
        cursor.cursor.copy_expert(
            f"COPY {STAGE} ({columns}) FROM STDIN WITH (FORMAT csv)", io.StringIO(data), size=len(data) + 1
        )
        cursor.execute(
            f"WITH up AS ("
            f"  INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGE} "
            f"  ON CONFLICT (source_id, external_id) DO UPDATE SET {assignments}, original_due_on = COALESCE("
            f"    {table}.original_due_on,"
            f"    CASE WHEN {table}.due_on IS DISTINCT FROM EXCLUDED.due_on THEN {table}.due_on END)"
            f"  WHERE ({stored}) IS DISTINCT FROM ({incoming}) "
            "   RETURNING id, (xmax = 0) AS created, due_on, original_due_on"  # xmax = 0: a new row
            "), moved AS ("
            f"  INSERT INTO {changes} (task_id, old_due_on, new_due_on, seen_at) "
            f"  SELECT up.id, {previous}, up.due_on, %s FROM up LEFT JOIN LATERAL ("
            f"    SELECT c.id, c.new_due_on FROM {changes} c WHERE c.task_id = up.id"
            "     ORDER BY c.seen_at DESC, c.id DESC LIMIT 1"
            "  ) last ON true"
            f"  WHERE NOT up.created AND up.original_due_on IS NOT NULL AND ({previous}) IS DISTINCT FROM up.due_on"
            "   RETURNING 1"
            ") SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created), "
            "(SELECT count(*) FROM moved) FROM up",
            [now],
        )
        created, updated, moved = cursor.fetchone()
    return created, updated, moved


def _task_upsert_with_orm(ctx: SyncContext, records: Sequence[TaskRecord]) -> UpsertCounts:
    """The embedded SQLite default: small data, the ORM compares in Python and writes."""
    counts = UpsertCounts()
    existing = {
        row[0]: row[1:]
        for row in Task.objects.filter(source=ctx.source, external_id__in=[r.external_id for r in records]).values_list(
            "external_id", "pk", "original_due_on", *TASK_FIELDS
        )
    }
    now = timezone.now()
    top, subtasks, moves = [], [], []
    for record in records:
        row = dict(zip(TASK_FIELDS, _task_values(record, ctx), strict=True))
        before = existing.get(record.external_id)
        is_subtask = bool(row["parent_external_id"])
        if before is not None:
            pk, original, *stored = before
            compared = LINKED_COMPARED if is_subtask else TASK_FIELDS
            old = dict(zip(TASK_FIELDS, stored, strict=True))
            if all(old[f] == row[f] for f in compared):
                counts.unchanged += 1
                continue
            counts.updated += 1
            if old["due_on"] != row["due_on"] and (original is not None or old["due_on"] is not None):
                original = original if original is not None else old["due_on"]
                moves.append(DueDateChange(task_id=pk, old_due_on=old["due_on"], new_due_on=row["due_on"], seen_at=now))
            row["original_due_on"] = original
        else:
            counts.created += 1
        (subtasks if is_subtask else top).append(
            Task(source=ctx.source, external_id=record.external_id, synced_at=now, **row)
        )
    for tasks, update in ((top, TASK_FIELDS), (subtasks, LINKED_COMPARED)):
        if tasks:  # hours waiting on client are recorded in God-view, never overwritten by the sync
            Task.objects.bulk_create(
                tasks,
                update_conflicts=True,
                unique_fields=["source", "external_id"],
                update_fields=[FOREIGN_KEYS.get(f, f) for f in (*update, "original_due_on", "synced_at")],
            )
    DueDateChange.objects.bulk_create(moves)
    counts.due_date_changes = len(moves)
    return counts


def task_link_parents(*, source: Source) -> int:
    """Point subtasks at their parent row and give them the parent's client (DESIGN: sync contract).

    Runs until nothing changes so sub-subtasks follow; writes only rows that differ.
    """
    total = 0
    sql = """
        UPDATE tasks_task AS c
           SET parent_id = p.id, client_id = p.client_id, project_id = COALESCE(c.project_id, p.project_id)
          FROM tasks_task AS p
         WHERE c.source_id = %s AND p.source_id = c.source_id
           AND c.parent_external_id <> '' AND p.external_id = c.parent_external_id
           AND (c.parent_id IS DISTINCT FROM p.id OR c.client_id IS DISTINCT FROM p.client_id
                OR (c.project_id IS NULL AND p.project_id IS NOT NULL))
    """
    with connection.cursor() as cursor:
        for _ in range(6):  # nesting deeper than this is not something agencies do
            cursor.execute(sql, [source.pk])
            total += cursor.rowcount
            if cursor.rowcount == 0:
                break
    return total


def task_mark_deleted(*, source: Source, project_ids: Iterable[int], seen: set[str]) -> int:
    """Full reconciliation: live tasks of fully listed projects that the source no longer lists."""
    live = Task.objects.live().filter(source=source, project_id__in=list(project_ids))
    gone = [pk for pk, ext in live.values_list("pk", "external_id") if ext not in seen]
    return Task.objects.filter(pk__in=gone).update(deleted_at=timezone.now())


# --- time entries ---------------------------------------------------------------------------


def time_entry_bulk_upsert(*, ctx: SyncContext, records: Sequence[TimeEntryRecord]) -> UpsertCounts:
    counts = UpsertCounts()
    if not records:
        return counts
    task_ids = [r.task_external_id for r in records if r.task_external_id]
    tasks = {
        ext: (pk, client)
        for ext, pk, client in Task.objects.filter(source=ctx.source, external_id__in=task_ids).values_list(
            "external_id", "pk", "client_id"
        )
    }
    existing = {
        row[0]: row[1:]
        for row in TimeEntry.objects.filter(
            source=ctx.source, external_id__in=[r.external_id for r in records]
        ).values_list("external_id", "pk", *TIME_ENTRY_FIELDS)
    }
    new, changed = [], []
    for record in records:
        task_pk, task_client = tasks.get(record.task_external_id or "", (None, None))
        project_client = ctx.projects.get(record.project_external_id or "", (None, None))[1]
        row = {
            "user_id": ctx.users_by_email.get(record.user_email),
            "client_id": task_client or project_client,
            "task_id": task_pk,
            "started_at": record.started_at,
            "hours": Decimal(str(record.hours)).quantize(CENT),
            "description": record.description,
        }
        before = existing.get(record.external_id)
        if before is None:
            counts.created += 1
            new.append(TimeEntry(source=ctx.source, external_id=record.external_id, **row))
        elif tuple(row[f] for f in TIME_ENTRY_FIELDS) != tuple(before[1:]):
            counts.updated += 1
            changed.append(
                TimeEntry(
                    pk=before[0], source=ctx.source, external_id=record.external_id, recorded_at=timezone.now(), **row
                )
            )
        else:
            counts.unchanged += 1
    # The unique index is partial (hand-logged entries have no external id), which ON CONFLICT
    # cannot target without its predicate: insert and update separately under the run's lock.
    TimeEntry.objects.bulk_create(new)
    TimeEntry.objects.bulk_update(
        changed, ["user", "client", "task", "started_at", "hours", "description", "recorded_at"]
    )
    return counts
