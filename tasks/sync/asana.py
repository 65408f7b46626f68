"""Asana through the official `asana` 5.x client.

We ask for `full_payload=True` pages and follow `next_page.offset` ourselves, so that every page
goes through our retry policy (injectable sleep, Retry-After honoured) and the runner keeps what
it has fetched when a later page fails. The client's own urllib3 retries are switched off: they sleep for real and hide
which errors happened.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import NotRequired, TypedDict

import asana
import urllib3
from asana.rest import ApiException
from pydantic import BaseModel, ConfigDict
from urllib3.util.retry import Retry

from core.weeks import agency_tz
from tasks.sync.base import (
    FeatureUnavailable,
    PermanentError,
    ProjectRecord,
    RetryableError,
    RetryPolicy,
    SkippedTask,
    TaskRecord,
    TimeEntryRecord,
    error_for_status,
    is_json_type,
    json_list,
    json_object,
    parse_json_answer,
    seconds_from,
    task_record,
)

# What the metrics need, and nothing else (Asana bills rate limits by cost).
TASK_FIELDS = [
    "name",
    "assignee.email",
    "completed",
    "completed_at",
    "created_at",
    "modified_at",
    "due_on",
    "due_at",
    "start_on",
    "memberships.project.gid",
    "memberships.section.name",
    "projects.gid",
    "parent.gid",
    "num_subtasks",
]
PROJECT_FIELDS = ["name", "archived"]
# The per-task listing's opt_fields (the spec's enum): no email for the author, so the workspace's
# user list maps them, as it does hidden assignee emails; no description either.
TIME_ENTRY_FIELDS = ["duration_minutes", "entered_on", "created_by", "created_by.name", "attributable_to"]
MAX_RESTARTS = 2  # an expired offset restarts a listing; more than twice means something else
USER_FIELDS = ["email", "name"]


# Nested objects validate into plain dicts: a model instance per reference cost a third of the parse.
class _Ref(TypedDict):
    gid: str
    name: NotRequired[str | None]
    email: NotRequired[str | None]


class _Membership(TypedDict, total=False):
    project: _Ref | None
    section: _Ref | None


class AsanaTask(BaseModel):
    """The fields of Asana's TaskResponse we read; anything else is ignored."""

    model_config = ConfigDict(extra="ignore")
    gid: str
    name: str
    assignee: _Ref | None = None
    completed: bool = False
    completed_at: dt.datetime | None = None
    created_at: dt.datetime
    modified_at: dt.datetime
    due_on: dt.date | None = None
    due_at: dt.datetime | None = None
    start_on: dt.date | None = None
    memberships: list[_Membership] = []
    projects: list[_Ref] = []
    parent: _Ref | None = None
    num_subtasks: int = 0

    def home_project(self) -> str | None:
        """The first project the task is listed in: the one whose client it belongs to."""
        if self.projects:
            return self.projects[0]["gid"]
        for membership in self.memberships:
            if project := membership.get("project"):
                return project["gid"]
        return None

    def section_in(self, project_id: str | None) -> str:
        for membership in self.memberships:
            project, section = membership.get("project"), membership.get("section")
            if project and project["gid"] == project_id and section:
                return section.get("name") or ""
        return ""

    def to_record(self) -> TaskRecord:
        home = self.home_project()
        due_on = self.due_on or (self.due_at.date() if self.due_at else None)
        return task_record(
            external_id=self.gid,
            name=self.name,
            project_external_id=home,
            parent_external_id=self.parent["gid"] if self.parent else None,
            assignee_email=(self.assignee.get("email") or "") if self.assignee else "",
            section=self.section_in(home),
            created_at=self.created_at,
            modified_at=self.modified_at,
            started_on=self.start_on,
            due_on=due_on,
            due_at=self.due_at,
            completed_at=self.completed_at if self.completed else None,
        )


class AsanaTimeEntry(BaseModel):
    """A TimeTrackingEntryCompact, plus the task it was listed for."""

    model_config = ConfigDict(extra="ignore")
    gid: str
    task: _Ref
    duration_minutes: int
    entered_on: dt.date
    created_by: _Ref | None = None
    attributable_to: _Ref | None = None

    def to_record(self, email: str) -> TimeEntryRecord:
        return TimeEntryRecord(
            external_id=self.gid,
            user_email=email,
            task_external_id=self.task["gid"],
            project_external_id=self.attributable_to["gid"] if self.attributable_to else None,
            # Asana logs a day, not a moment: the start of that day in the agency time zone.
            started_at=dt.datetime.combine(self.entered_on, dt.time.min, tzinfo=agency_tz()),
            hours=round(self.duration_minutes / 60, 2),  # a negative duration is refused by the record
        )


class AsanaProvider:
    label = "Asana"

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        workspace_id: str,
        policy: RetryPolicy,
        timeout: tuple[float, float] = (10.0, 60.0),
        page_size: int = 100,
    ) -> None:
        # Configuration() is a per-process default copied on each call: set fields, never pass them.
        config = asana.Configuration()
        config.host = base_url
        config.access_token = token
        config.retry_strategy = Retry(total=0, raise_on_status=False, respect_retry_after_header=False)
        self.client = asana.ApiClient(config)
        self._token = token  # only to keep it out of error messages
        self.tasks_api = asana.TasksApi(self.client)
        self.projects_api = asana.ProjectsApi(self.client)
        self.users_api = asana.UsersApi(self.client)
        self.time_api = asana.TimeTrackingEntriesApi(self.client)
        self.workspace_id = workspace_id
        self.policy = policy
        self.timeout = timeout
        self.page_size = page_size
        self._user_emails: dict[str, str] | None = None

    def close(self) -> None:
        """Join the client's thread pool now; its __del__ would do it at exit, noisily."""
        pool = self.client.__dict__.pop("pool", None)
        if pool is not None:
            pool.close()
            pool.join()

    # --- transport --------------------------------------------------------------------------

    def _page(self, call: Callable[..., dict], opts: dict) -> dict:
        def attempt() -> dict:
            try:
                payload = call(opts, full_payload=True, _request_timeout=self.timeout)
            except ApiException as error:
                raise self._classify(error) from None
            except (urllib3.exceptions.HTTPError, TimeoutError, ConnectionError) as error:
                raise RetryableError(
                    f"Asana did not answer in time or dropped the connection ({type(error).__name__})"
                ) from None
            return self._checked(payload)

        return self.policy.call(attempt)

    def _checked(self, payload: object) -> dict:
        """The client hands back the raw bytes of an answer that is not JSON (and parses JSON
        whatever its declared type): check both, and say what came instead."""
        response = self.client.last_response
        content_type = response.getheader("Content-Type") if response is not None else None
        if isinstance(payload, dict) and (content_type is None or is_json_type(content_type)):
            return payload
        status, body = (response.status, response.data or b"") if response is not None else (200, b"")
        parsed = parse_json_answer("Asana", status=status, content_type=content_type, body=body, secret=self._token)
        return json_object("Asana", parsed)

    def _classify(self, error: ApiException) -> Exception:
        headers = error.headers or {}
        detail = ""
        try:
            messages = [e.get("message", "") for e in json.loads(error.body or b"{}").get("errors", [])]
            detail = f" ({'; '.join(m for m in messages if m)})" if any(messages) else ""
        except (ValueError, AttributeError):
            pass
        return error_for_status(
            "Asana", int(error.status or 0), retry_after=seconds_from(headers.get("Retry-After")), detail=detail
        )

    def _pages(self, call: Callable[..., dict], opts: dict) -> Iterator[list[dict]]:
        """Follow `next_page.offset`. Offsets expire ("an offset token will expire after some
        time"): Asana then answers 400, and the listing starts over. Upserts are idempotent, so
        pages seen twice cost time, not correctness."""
        first = {**opts, "limit": self.page_size}
        opts, restarts = first, 0
        while True:
            try:
                payload = self._page(call, opts)
            except PermanentError as error:
                if error.status != 400 or "offset" not in opts or restarts >= MAX_RESTARTS:
                    raise
                opts, restarts = first, restarts + 1
                continue
            yield json_list("Asana", payload, "data")
            next_page = payload.get("next_page")
            offset = next_page.get("offset") if isinstance(next_page, dict) else None
            if not offset:
                return
            opts = {**first, "offset": offset}

    # --- provider interface -----------------------------------------------------------------

    def projects(self) -> Iterator[ProjectRecord]:
        def call(opts: dict, **kwargs) -> dict:
            return self.projects_api.get_projects_for_workspace(self.workspace_id, opts, **kwargs)

        for page in self._pages(call, {"opt_fields": ",".join(PROJECT_FIELDS)}):
            for raw in page:
                yield ProjectRecord(
                    external_id=raw["gid"], name=raw.get("name") or "", archived=bool(raw.get("archived"))
                )

    def user_emails(self) -> dict[str, str]:
        """The workspace's users, gid → email, fetched once per run and only when needed."""
        if self._user_emails is None:

            def call(opts: dict, **kwargs) -> dict:
                return self.users_api.get_users(opts, **kwargs)

            emails = {}
            for page in self._pages(call, {"workspace": self.workspace_id, "opt_fields": ",".join(USER_FIELDS)}):
                emails.update({raw["gid"]: (raw.get("email") or "").lower() for raw in page})
            self._user_emails = emails
        return self._user_emails

    def task_pages(self, project_id: str, modified_since: dt.datetime | None) -> Iterator[list[dict]]:
        opts = {"project": project_id, "opt_fields": ",".join(TASK_FIELDS)}
        if modified_since is not None:
            opts["modified_since"] = modified_since.isoformat()
        return self._pages(self.tasks_api.get_tasks, opts)

    def subtask_pages(self, parent_ids: list[str], modified_since: dt.datetime | None) -> Iterator[list[dict]]:
        """Subtasks of the given parents; the endpoint has no modified_since, so we filter here."""
        for parent_id in parent_ids:

            def call(opts: dict, _parent: str = parent_id, **kwargs) -> dict:
                return self.tasks_api.get_subtasks_for_task(_parent, opts, **kwargs)

            for page in self._pages(call, {"opt_fields": ",".join(TASK_FIELDS)}):
                yield [raw for raw in page if _modified_after(raw, modified_since)]

    def parse_task(self, raw: dict, project_id: str) -> TaskRecord:
        task = AsanaTask.model_validate(raw)
        if task.assignee and not task.assignee.get("email"):
            # Some workspaces hide nested emails; the workspace's user list has them.
            task.assignee = {**task.assignee, "email": self.user_emails().get(task.assignee["gid"], "")}
        return task.to_record()

    def has_subtasks(self, raw: dict) -> bool:
        return bool(raw.get("num_subtasks"))

    def time_entry_pages(
        self, start: dt.datetime, end: dt.datetime, task_ids: list[str]
    ) -> Iterator[list[dict] | SkippedTask]:
        """Each task's time tracking entries (`GET /tasks/{gid}/time_tracking_entries`), every
        entry tagged with its task, which the compact entries leave out.

        A plan without time tracking answers 402 (or 403, as does a token without the scope):
        FeatureUnavailable on the first task, so the run records it once and carries on. A task
        gone since it was listed (404) is reported and passed over.
        """
        answered = False
        for task_gid in task_ids:

            def call(opts: dict, _task: str = task_gid, **kwargs) -> dict:
                return self.time_api.get_time_tracking_entries_for_task(_task, opts, **kwargs)

            try:
                for page in self._pages(call, {"opt_fields": ",".join(TIME_ENTRY_FIELDS)}):
                    answered = True
                    yield [{"task": {"gid": task_gid}, **raw} if isinstance(raw, dict) else raw for raw in page]
            except PermanentError as error:
                if error.status == 402 or (error.status == 403 and not answered):
                    raise FeatureUnavailable(
                        f"Asana time tracking is not available to this workspace ({error.status}: its plan, or the "
                        "token's scope, does not include it)"
                    ) from None
                if error.status not in (403, 404):
                    raise
                yield SkippedTask(task_gid, f"time entries: Asana answered {error.status} for this task")

    def parse_time_entry(self, raw: dict) -> TimeEntryRecord:
        entry = AsanaTimeEntry.model_validate(raw)
        email = self.user_emails().get(entry.created_by["gid"], "") if entry.created_by else ""
        return entry.to_record(email)


def _modified_after(raw: dict, since: dt.datetime | None) -> bool:
    if since is None or not isinstance(raw, dict) or not raw.get("modified_at"):
        return True
    try:
        return dt.datetime.fromisoformat(raw["modified_at"].replace("Z", "+00:00")) > since
    except (AttributeError, TypeError, ValueError):
        return True  # let validation count it as a bad record
