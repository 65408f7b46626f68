"""ClickUp API v2 over plain HTTP (no maintained client exists): one small client module.

Dates are epoch milliseconds (int64; the spec types the filters int32, which real values overflow).
A 429 carries `X-RateLimit-Reset`, an absolute epoch time in seconds.
"""

from __future__ import annotations

import datetime as dt
import http.client
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from tasks.sync.base import (
    ProjectRecord,
    RetryableError,
    RetryPolicy,
    TaskRecord,
    TimeEntryRecord,
    error_for_status,
    from_ms,
    json_list,
    json_object,
    parse_json_answer,
    seconds_until,
    task_record,
    to_ms,
)

CLOSED_STATUS_TYPES = {"closed", "done"}
TIME_WINDOW = dt.timedelta(days=7)  # time entries are fetched a week at a time to keep answers small


class _Id(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    id: str
    name: str | None = None


class _User(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    id: str
    email: str | None = None


class _Status(BaseModel):
    model_config = ConfigDict(extra="ignore")
    status: str
    type: str = "open"


class ClickUpTask(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    id: str
    name: str
    status: _Status
    date_created: dt.datetime
    date_updated: dt.datetime
    date_closed: dt.datetime | None = None
    date_done: dt.datetime | None = None
    due_date: dt.datetime | None = None
    due_date_time: bool | None = None
    start_date: dt.datetime | None = None
    assignees: list[_User] = []
    parent: str | None = None
    list: _Id

    @field_validator(
        "date_created", "date_updated", "date_closed", "date_done", "due_date", "start_date", mode="before"
    )
    @classmethod
    def milliseconds(cls, value: Any) -> dt.datetime | None:
        return from_ms(value)

    def to_record(self) -> TaskRecord:
        done = self.status.type.lower() in CLOSED_STATUS_TYPES
        has_time = bool(self.due_date_time)
        return task_record(
            external_id=self.id,
            name=self.name,
            project_external_id=self.list.id,
            parent_external_id=self.parent,
            assignee_email=next((a.email for a in self.assignees if a.email), ""),
            section=self.status.status,
            created_at=self.date_created,
            modified_at=self.date_updated,
            started_on=self.start_date.date() if self.start_date else None,
            due_on=self.due_date.date() if self.due_date else None,
            due_at=self.due_date if (self.due_date and has_time) else None,
            completed_at=(self.date_done or self.date_closed or self.date_updated) if done else None,
        )


class ClickUpTimeEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    id: str
    task: _Id | None = None
    user: _User
    start: dt.datetime
    duration: int
    description: str = ""
    task_location: dict | None = None

    @field_validator("start", mode="before")
    @classmethod
    def milliseconds(cls, value: Any) -> dt.datetime | None:
        return from_ms(value)

    def to_record(self) -> TimeEntryRecord:
        list_id = (self.task_location or {}).get("list_id")
        return TimeEntryRecord(
            external_id=self.id,
            user_email=(self.user.email or "").lower(),
            task_external_id=self.task.id if self.task else None,
            project_external_id=str(list_id) if list_id is not None else None,
            started_at=self.start,
            hours=round(self.duration / 3_600_000, 2),  # a running timer has a negative duration: rejected
            description=self.description,
        )


class ClickUpProvider:
    label = "ClickUp"

    def __init__(
        self, *, base_url: str, token: str, workspace_id: str, policy: RetryPolicy, timeout: float = 60.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.team_id = workspace_id
        self.policy = policy
        self.timeout = timeout
        self._member_ids: list[str] | None = None

    def close(self) -> None:
        pass  # one urllib request per call: nothing held open

    # --- transport --------------------------------------------------------------------------

    def get(self, path: str, params: dict | None = None) -> dict:
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        request = urllib.request.Request(url, headers={"Authorization": self._token, "Accept": "application/json"})
        return self.policy.call(lambda: self._send(request))

    def _send(self, request: urllib.request.Request) -> dict:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, content_type, body = response.status, response.headers.get("Content-Type"), response.read()
        except urllib.error.HTTPError as error:
            reset = seconds_until(error.headers.get("X-RateLimit-Reset"), self.policy.clock)
            raise error_for_status("ClickUp", error.code, retry_after=reset if error.code == 429 else None) from None
        except (TimeoutError, ConnectionError) as error:
            raise RetryableError(
                f"ClickUp did not answer in time or dropped the connection ({type(error).__name__})"
            ) from None
        except urllib.error.URLError as error:
            raise RetryableError(f"ClickUp could not be reached ({error.reason})") from None
        except http.client.HTTPException as error:  # e.g. IncompleteRead: the body stopped short
            raise RetryableError(f"ClickUp dropped the connection mid-answer ({type(error).__name__})") from None
        payload = parse_json_answer("ClickUp", status=status, content_type=content_type, body=body, secret=self._token)
        return json_object("ClickUp", payload)

    # --- provider interface -----------------------------------------------------------------

    def projects(self) -> Iterator[ProjectRecord]:
        """Every list of the team: in folders and folderless, space by space."""
        for space in json_list("ClickUp", self.get(f"/team/{self.team_id}/space", {"archived": "false"}), "spaces"):
            folders = self.get(f"/space/{space['id']}/folder", {"archived": "false"})
            for folder in json_list("ClickUp", folders, "folders"):
                yield from self._lists(f"/folder/{folder['id']}/list")
            yield from self._lists(f"/space/{space['id']}/list")

    def _lists(self, path: str) -> Iterator[ProjectRecord]:
        for raw in json_list("ClickUp", self.get(path, {"archived": "false"}), "lists"):
            yield ProjectRecord(
                external_id=str(raw["id"]), name=raw.get("name") or "", archived=bool(raw.get("archived"))
            )

    def member_ids(self) -> list[str]:
        """Time entries default to the token's own user: we pass every member explicitly."""
        if self._member_ids is None:
            teams = json_list("ClickUp", self.get("/team"), "teams")
            team = next((t for t in teams if str(t.get("id")) == str(self.team_id)), None)
            if team is None:
                raise error_for_status("ClickUp", 404, retry_after=None, detail=f" for team {self.team_id}")
            self._member_ids = [str(m["user"]["id"]) for m in team.get("members", []) if m.get("user")]
        return self._member_ids

    def task_pages(self, project_id: str, modified_since: dt.datetime | None) -> Iterator[list[dict]]:
        page = 0
        while True:
            params = {"include_closed": "true", "subtasks": "true", "page": page, "order_by": "updated"}
            if modified_since is not None:
                params["date_updated_gt"] = to_ms(modified_since)
            payload = self.get(f"/list/{project_id}/task", params)
            tasks = json_list("ClickUp", payload, "tasks")
            yield tasks
            if payload.get("last_page", not tasks) or not tasks:
                return
            page += 1

    def subtask_pages(self, parent_ids: list[str], modified_since: dt.datetime | None) -> Iterator[list[dict]]:
        return iter(())  # `subtasks=true` already lists them with their list's tasks

    def has_subtasks(self, raw: dict) -> bool:
        return False

    def parse_task(self, raw: dict, project_id: str) -> TaskRecord:
        return ClickUpTask.model_validate(raw).to_record()

    def time_entry_pages(self, start: dt.datetime, end: dt.datetime, task_ids: list[str]) -> Iterator[list[dict]]:
        """The team's entries, a week at a time (ClickUp lists them by date: `task_ids` unused)."""
        members = ",".join(self.member_ids())
        window_start = start
        while window_start < end:
            window_end = min(end, window_start + TIME_WINDOW)
            params = {"start_date": to_ms(window_start), "end_date": to_ms(window_end), "assignee": members or None}
            yield json_list("ClickUp", self.get(f"/team/{self.team_id}/time_entries", params), "data")
            window_start = window_end

    def parse_time_entry(self, raw: dict) -> TimeEntryRecord:
        return ClickUpTimeEntry.model_validate(raw).to_record()
