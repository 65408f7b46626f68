"""Fetch → validate → upsert → cursor → reconcile, with a SyncRun row telling what happened.

Invariants (DESIGN "Sync contract"):
- every batch of pages (FLUSH_EVERY records) is committed on its own, so an interrupted run keeps
  what it saved and a rerun upserts the same rows again (keyed on source + external id: no
  duplicates); on Postgres a writer thread stores one batch while the next is validated;
- the cursor moves only in the final transaction, after every page it covers is committed, and
  the next run starts an overlap window before it;
- deleted tasks are found by a full id listing (every `SYNC_FULL_EVERY_DAYS` or on demand),
  and only when that listing completed;
- a record that fails validation is skipped, counted and reported; an API that refuses us
  (401/403/404) fails the run with its message; 429/5xx/timeouts are retried by the policy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import queue
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _
from pydantic import ValidationError

from core.weeks import agency_tz
from tasks import services
from tasks.models import ExternalProject, Source, SyncRun, Task
from tasks.sync.base import (
    FeatureUnavailable,
    PermanentError,
    Provider,
    RetryPolicy,
    SkippedTask,
    SyncError,
    TaskRecord,
    TimeEntryRecord,
    record_id,
)

logger = logging.getLogger(__name__)

OVERLAP = dt.timedelta(minutes=settings.SYNC_OVERLAP_MINUTES)
FULL_EVERY = dt.timedelta(days=settings.SYNC_FULL_EVERY_DAYS)
TIME_ENTRY_DAYS_INCREMENTAL = 14  # hours are often logged late against earlier days
TIME_ENTRY_DAYS_FULL = 90
MAX_REPORTED_ERRORS = 50
FLUSH_EVERY = 5000  # records per upsert transaction: about 50 API pages
MAX_DEPTH = 6  # subtask levels followed, as many as `task_link_parents` links


def provider_for(source: Source, *, policy: RetryPolicy, **options) -> Provider:
    """The provider client for a source, with its token read from the environment (never stored)."""
    token = os.environ.get(source.token_env_var, "").strip()
    if not token:
        raise PermanentError(
            f"The environment variable {source.token_env_var} is not set for the worker: "
            "export the API token under that name and run again."
        )
    if source.kind == Source.Kind.ASANA:
        from tasks.sync.asana import AsanaProvider

        return AsanaProvider(
            base_url=source.api_base_url, token=token, workspace_id=source.workspace_id, policy=policy, **options
        )
    from tasks.sync.clickup import ClickUpProvider

    return ClickUpProvider(
        base_url=source.api_base_url, token=token, workspace_id=source.workspace_id, policy=policy, **options
    )


@dataclasses.dataclass
class Tally:
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    deleted: int = 0
    time_entries: int = 0
    due_date_changes: int = 0

    def add(self, counts: services.UpsertCounts) -> None:
        self.created += counts.created
        self.updated += counts.updated
        self.unchanged += counts.unchanged
        self.due_date_changes += counts.due_date_changes


class Runner:
    def __init__(self, run: SyncRun, provider: Provider, *, now: Callable[[], dt.datetime] = timezone.now) -> None:
        self.run = run
        self.source = run.source
        self.provider = provider
        self.now = now
        self.tally = Tally()
        self.errors: list[dict] = list(run.errors or [])
        self.seen: set[str] = set()
        self.unproven: dict[int, int] = {}  # project pk -> records without a readable id
        # Tasks whose time entries are read (Asana reads them per task): the ones this run listed
        # that are open or changed within the full run's time-entry window (`active_since`).
        self.time_entry_tasks: list[str] = []
        self.active_since: dt.datetime | None = None
        self.buffer: list[TaskRecord] = []
        self.ctx: services.SyncContext | None = None
        self.writer: BackgroundWriter | None = None

    # --- the run ------------------------------------------------------------------------------

    def execute(self) -> SyncRun:
        started = self.now()
        full = self._is_full(started)
        self.active_since = started - dt.timedelta(days=TIME_ENTRY_DAYS_FULL)
        since = None if full or self.source.cursor is None else self.source.cursor - OVERLAP
        self._progress(str(_("Listing projects")))
        services.external_project_bulk_upsert(source=self.source, records=self.provider.projects())
        self.ctx = services.SyncContext.load(self.source)
        projects = list(
            ExternalProject.objects.filter(source=self.source, client__isnull=False, archived=False).order_by("name")
        )
        # Parents with subtasks, by their project and the window it was listed with: a project
        # mapped since the last run is listed whole, and so must its subtasks be.
        parents: dict[tuple[int, dt.datetime | None], list[str]] = {}
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.writer = BackgroundWriter(self._write)
        try:
            for index, project in enumerate(projects, start=1):
                self._progress(
                    _("Project %(n)d of %(total)d: %(name)s")
                    % {"n": index, "total": len(projects), "name": project.name}
                )
                project_since = since if project.first_synced_at else None
                for page in self.provider.task_pages(project.external_id, project_since):
                    parents.setdefault((project.pk, project_since), []).extend(self._ingest(page, project.pk))
            self._progress(str(_("Subtasks")))
            self._ingest_subtasks(parents)
        finally:
            # Whatever was fetched and valid is kept, even when the API gives up on us mid-way.
            try:
                self._flush()
            finally:
                if self.writer is not None:
                    self.writer.close()  # waits for the last batch; raises what the writer raised
        services.task_link_parents(source=self.source)
        self._sync_time_entries(self.ctx, started, full)
        self._finish(started, full, projects)
        return self.run

    def _ingest_subtasks(self, parents: dict[tuple[int, dt.datetime | None], list[str]]) -> None:
        """Subtasks level by level (a subtask's own subtasks next), each in its parent's window."""
        for _level in range(MAX_DEPTH):
            found: dict[tuple[int, dt.datetime | None], list[str]] = {}
            for (project_pk, window), parent_ids in parents.items():
                for page in self.provider.subtask_pages(parent_ids, window):
                    found.setdefault((project_pk, window), []).extend(self._ingest(page, project_pk))
            parents = {key: ids for key, ids in found.items() if ids}
            if not parents:
                return

    def _is_full(self, now: dt.datetime) -> bool:
        if self.run.mode == SyncRun.Mode.FULL or self.source.cursor is None:
            return True
        return self.source.last_full_sync_at is None or now - self.source.last_full_sync_at >= FULL_EVERY

    def _ingest(self, page: list[dict], project_pk: int) -> list[str]:
        """Validate one page of a project's listing into the buffer; returns the ids of parents
        with subtasks.

        A record that fails validation still proves its task exists: its id counts as seen, so
        a full run never takes it for a deletion. A record without a readable id proves nothing,
        so its project's deletions wait for a listing that can be read whole.
        """
        parents = []
        for raw in page:
            raw_id = record_id(raw)
            if raw_id is not None and raw_id in self.seen:
                continue  # a task listed in two projects is fetched twice, counted and stored once
            record = self._parse(raw)
            if record is None:
                if raw_id is None:
                    self.unproven[project_pk] = self.unproven.get(project_pk, 0) + 1
                else:
                    self.seen.add(raw_id)
                continue
            if record.external_id in self.seen:
                continue
            self.seen.add(record.external_id)
            self.buffer.append(record)
            if record.completed_at is None or record.modified_at >= self.active_since:
                self.time_entry_tasks.append(record.external_id)
            if self.provider.has_subtasks(raw):
                parents.append(record.external_id)
        if len(self.buffer) >= FLUSH_EVERY:
            self._flush()
        return parents

    def _flush(self) -> None:
        """Write the buffered records: validated and formatted here, stored by the writer thread
        if there is one, else right away (SQLite, or inside a caller's transaction, which another
        connection could not see)."""
        records, self.buffer = self.buffer, []
        upsert = services.task_upsert_prepare(ctx=self.ctx, records=records)
        if self.writer is not None:
            self.writer.submit(upsert)
        else:
            self._write(upsert)

    def _write(self, upsert: Callable[[], services.UpsertCounts]) -> None:
        """Upsert a batch and the run's counts in one transaction (one commit, not one per API
        page: commits cost an fsync each)."""
        with transaction.atomic():
            # No wait for the WAL flush on these commits: if the server crashes right after, the
            # tail is lost in order, and so is the (synchronously committed) cursor that would
            # have covered it, so the next run fetches it again. Nothing is lost, much is gained.
            _asynchronous_commit()
            self.tally.add(upsert())
            self._save_counts()

    def _parse(self, raw: dict) -> TaskRecord | None:
        self.tally.fetched += 1
        try:
            return self.provider.parse_task(raw, "")
        except (ValidationError, ValueError, TypeError, KeyError, AttributeError) as error:
            self._skip(raw, error)
            return None

    def _skip(self, raw: object, error: Exception) -> None:
        self._report_skip(record_id(raw) or "?", _short(error))

    def _report_skip(self, external_id: str, message: str) -> None:
        self.tally.skipped += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"kind": "skipped", "external_id": external_id[:64], "message": message})

    def _sync_time_entries(self, ctx: services.SyncContext, now: dt.datetime, full: bool) -> None:
        """ClickUp lists the window's entries; Asana each listed task's (the tasks this run found
        changed, every open or recently changed one on a full run: a request per task, so tasks
        done and untouched for 90 days are left out). A record that cannot be read is skipped
        and counted; a plan without time tracking is recorded on the source, not a failure."""
        days = TIME_ENTRY_DAYS_FULL if full else TIME_ENTRY_DAYS_INCREMENTAL
        self._progress(str(_("Time entries")))
        pages = self.provider.time_entry_pages(now - dt.timedelta(days=days), now, self.time_entry_tasks)
        answered = False
        try:
            for page in pages:
                if isinstance(page, SkippedTask):
                    self._report_skip(page.external_id, page.message)
                    continue
                answered = True
                self._store_time_entries(ctx, page)
        except FeatureUnavailable as error:
            self._time_tracking_unavailable(str(error))
            return
        if answered and self.source.time_tracking_unavailable_since is not None:
            Source.objects.filter(pk=self.source.pk).update(time_tracking_unavailable_since=None)
            self.source.time_tracking_unavailable_since = None

    def _store_time_entries(self, ctx: services.SyncContext, page: list[dict]) -> None:
        records: list[TimeEntryRecord] = []
        for raw in page:
            try:
                records.append(self.provider.parse_time_entry(raw))
            except (ValidationError, ValueError, TypeError, KeyError, AttributeError) as error:
                self._skip(raw, error)
        with transaction.atomic():
            counts = services.time_entry_bulk_upsert(ctx=ctx, records=records)
        self.tally.time_entries += counts.created + counts.updated

    def _time_tracking_unavailable(self, message: str) -> None:
        """Recorded once on the source (the first day it was seen), told in every run's notes."""
        since = self.source.time_tracking_unavailable_since
        if since is None:
            since = self.now().astimezone(agency_tz()).date()
            Source.objects.filter(pk=self.source.pk).update(time_tracking_unavailable_since=since)
            self.source.time_tracking_unavailable_since = since
        logger.info("sync %s: %s", self.source, message)
        self.note(
            _("%(message)s, since %(since)s: the run carried on without its hours.")
            % {"message": message, "since": since.isoformat()}
        )

    @transaction.atomic
    def _finish(self, started: dt.datetime, full: bool, projects: list[ExternalProject]) -> None:
        """Everything the run covered is committed: now, and only now, the cursor moves."""
        source = Source.objects.select_for_update().get(pk=self.source.pk)
        if full:
            self.tally.deleted = services.task_mark_deleted(
                source=source, project_ids=[p.pk for p in projects if p.pk not in self.unproven], seen=self.seen
            )
            self._note_unproven(projects)
            source.last_full_sync_at = started
        ExternalProject.objects.filter(pk__in=[p.pk for p in projects if p.first_synced_at is None]).update(
            first_synced_at=started
        )
        source.cursor = started
        services.source_count_unknown_assignees(source)
        source.save(update_fields=["cursor", "last_full_sync_at", "unknown_assignees"])
        self.run.live_tasks = Task.objects.live().filter(source=source).count()
        status = SyncRun.Status.PARTIAL if self.tally.skipped else SyncRun.Status.SUCCEEDED
        self.run.mode = SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL
        self._close(status, cursor_after=started, progress=str(_("Done")))

    def _note_unproven(self, projects: list[ExternalProject]) -> None:
        for project in projects:
            if count := self.unproven.get(project.pk):
                message = _("Deleted tasks of %(project)s not looked for: %(n)d records of its listing had no id.")
                self.note(message % {"project": project.name, "n": count})

    # --- bookkeeping ----------------------------------------------------------------------------

    def _save_counts(self) -> None:
        fields = dataclasses.asdict(self.tally)
        SyncRun.objects.filter(pk=self.run.pk).update(errors=list(self.errors), **fields)

    def _progress(self, text: str) -> None:
        self.run.progress = text[:200]
        SyncRun.objects.filter(pk=self.run.pk).update(progress=self.run.progress)

    def _close(self, status: str, **extra) -> None:
        for name, value in {**dataclasses.asdict(self.tally), **extra}.items():
            setattr(self.run, name, value)
        self.run.status = status
        self.run.errors = self.errors
        self.run.finished_at = timezone.now()
        self.run.save()

    def fail(self, message: str) -> None:
        self.errors.append({"kind": "failure", "message": message[:500]})
        self._close(SyncRun.Status.FAILED, error_message=message[:2000], progress=str(_("Failed")))

    def note(self, message: str) -> None:
        """Something the run's reader should know that is neither a skip nor a failure."""
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"kind": "note", "message": message[:500]})

    def note_retry(self, message: str, wait: float) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"kind": "retry", "message": f"{message}; waited {wait:.1f} s"})


class BackgroundWriter:
    """Writes batches on its own thread and database connection while the caller validates the
    next ones: Postgres stores one batch while Python parses the next, on two cores instead of
    one (bench/sync.py). Batches are written in order, one at a time; at most one waits.

    The first error stops the writing; `submit` and `close` raise it in the caller's thread.
    """

    _DONE = object()

    def __init__(self, write: Callable[[object], None]) -> None:
        self._write = write
        self._batches: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="sync-writer", daemon=True)
        self._thread.start()

    def submit(self, batch: object) -> None:
        self._raise_if_failed()
        self._batches.put(batch)

    def close(self) -> None:
        """Wait for every submitted batch to be committed (or the first failure, raised here)."""
        if self._thread.is_alive():
            self._batches.put(self._DONE)
            self._thread.join()
        self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _work(self) -> None:
        try:
            while (batch := self._batches.get()) is not self._DONE:
                if self._error is None:  # after a failure, drain without writing so nobody blocks
                    try:
                        self._write(batch)
                    except BaseException as error:
                        self._error = error
        finally:
            connections.close_all()  # this thread's connections only


def _asynchronous_commit() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


def claim(run_id: int) -> SyncRun | None:
    """Mark a queued run running; None when it is already finished (a redelivered job)."""
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().select_related("source").get(pk=run_id)
        if run.status not in (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING):
            return None
        run.status = SyncRun.Status.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.cursor_before = run.source.cursor
        run.save(update_fields=["status", "started_at", "cursor_before"])
    return run


def execute_run(
    run_id: int, *, policy: RetryPolicy | None = None, provider_options: dict | None = None
) -> SyncRun | None:
    """The one code path of the nightly job, "Sync now" and `manage.py sync_tasks`."""
    run = claim(run_id)
    if run is None:
        return None
    policy = policy or RetryPolicy()
    runner: Runner | None = None
    provider = None
    try:
        provider = provider_for(run.source, policy=policy, **(provider_options or {}))
        runner = Runner(run, provider)
        policy.on_retry = runner.note_retry
        return runner.execute()
    except SyncError as error:
        logger.warning("sync %s failed: %s", run.source, error)
        (runner or Runner(run, _NoProvider())).fail(str(error))
        return run
    except Exception as error:
        # Never swallowed: recorded on the run for the sync page, then re-raised for the logs.
        (runner or Runner(run, _NoProvider())).fail(f"Unexpected error: {type(error).__name__}: {error}")
        raise
    finally:
        if provider is not None:
            provider.close()


class _NoProvider:
    label = ""
