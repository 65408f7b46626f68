"""What every provider shares: normalised records, error classes and the retry policy.

Providers (asana.py, clickup.py) turn raw API payloads into the records below and raise the
errors below; the runner never sees a provider's own exception types or payload shapes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

logger = logging.getLogger(__name__)

T = TypeVar("T")


# --- errors ---------------------------------------------------------------------------------


class SyncError(Exception):
    """Something the sync cannot get past by itself."""

    status: int | None = None  # the HTTP status behind it, when there was one


class PermanentError(SyncError):
    """401/403/404 and misconfiguration: retrying will not help, the run fails with this message."""


class FeatureUnavailable(SyncError):
    """The workspace's plan (or the token's scope) does not include something optional, such as
    Asana time tracking (402/403): the run records it and carries on without it."""


class RetryableError(SyncError):
    """429, 5xx, timeouts and dropped connections: may succeed later.

    `retry_after` is how long the API asked us to wait (seconds), when it said.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def error_for_status(provider: str, status: int, *, retry_after: float | None, detail: str = "") -> SyncError:
    """Classify an HTTP failure; messages name the fix, never the token."""
    error = _error_for_status(provider, status, retry_after=retry_after, detail=detail)
    error.status = status
    return error


def _error_for_status(provider: str, status: int, *, retry_after: float | None, detail: str) -> SyncError:
    if status == 401:
        return PermanentError(f"{provider} refused the token (401 Unauthorized): check the token environment variable.")
    if status == 403:
        return PermanentError(f"{provider} denied access (403 Forbidden): the token's user cannot read this workspace.")
    if status == 404:
        return PermanentError(f"{provider} answered 404 Not Found{detail}: check the workspace / team id.")
    if status == 429:
        return RetryableError(f"{provider} rate limit (429)", retry_after=retry_after)
    if status >= 500:
        return RetryableError(f"{provider} server error ({status})", retry_after=retry_after)
    return PermanentError(f"{provider} answered {status}{detail}.")


# --- answers that are not the API's JSON ----------------------------------------------------------


def is_json_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def parse_json_answer(provider: str, *, status: int, content_type: str | None, body: bytes, secret: str = "") -> object:
    """The JSON of a 2xx answer, or a classified error that says what came instead.

    An HTML page, another declared type or a body that is not JSON at all is permanent: the base
    URL points somewhere else, or a proxy or portal stands in the way, and retrying will not
    change that. An empty or cut-off body is retryable: a connection dropped on the way.
    """
    media = (content_type or "").split(";")[0].strip().lower()
    if media and not is_json_type(media):
        raise PermanentError(
            f"{provider} answered {status} with {media} instead of JSON ({_glimpse(body, secret)}): "
            f"check the source's API base URL and any proxy between God-view and {provider}."
        )
    if not body.strip():
        raise RetryableError(f"{provider} answered {status} with an empty body instead of JSON")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise PermanentError(f"{provider} answered {status} with a body that is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        if error.pos >= len(error.doc.rstrip()):  # it stopped mid-value: the rest never came
            raise RetryableError(f"{provider} answered {status} with JSON cut off after {len(body):,} bytes") from None
        raise PermanentError(
            f"{provider} answered {status} with a body that is not JSON ({_glimpse(body, secret)})"
        ) from None


def json_object(provider: str, payload: object) -> dict:
    """An API's answer is a JSON object; anything else is permanent."""
    if not isinstance(payload, dict):
        glimpse = _glimpse(json.dumps(payload, default=str)[:200].encode(), "")
        raise PermanentError(f"{provider} answered JSON that is not an object ({glimpse})")
    return payload


def json_list(provider: str, payload: object, key: str) -> list:
    """`payload[key]`, the list an API always sends there; anything else is permanent."""
    value = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(value, list):
        glimpse = _glimpse(json.dumps(payload, default=str)[:200].encode(), "")
        raise PermanentError(f"{provider} answered JSON without the list “{key}” it always sends ({glimpse})")
    return value


def _glimpse(body: bytes, secret: str) -> str:
    """A few words of an answer for the run's message: an HTML page's title, else its start."""
    text = body[:4000].decode("utf-8", "replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    text = " ".join(re.sub(r"<[^>]+>", " ", title.group(1) if title else text).split())
    if secret:
        text = text.replace(secret, "[token]")
    return f"“{text[:80]}{'…' if len(text) > 80 else ''}”" if text else "no text"


@dataclasses.dataclass
class RetryPolicy:
    """Capped exponential backoff with jitter; the API's own wait wins when it gives one.

    `sleep` and `clock` are injectable so tests neither wait nor depend on the wall clock.
    """

    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_wait: float = 300.0  # the longest Retry-After we honour before giving up the run
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    on_retry: Callable[[str, float], None] | None = None

    def delay(self, attempt: int, error: RetryableError) -> float:
        if error.retry_after is not None:
            return max(0.0, min(error.retry_after, self.max_wait))
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return backoff * (0.5 + random.random() / 2)

    def call(self, fn: Callable[[], T]) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return fn()
            except RetryableError as error:
                if attempt == self.attempts or (error.retry_after or 0) > self.max_wait:
                    raise SyncError(f"{error} — gave up after {attempt} attempts.") from error
                wait = self.delay(attempt, error)
                logger.warning("sync: %s; retrying in %.1f s (attempt %d)", error, wait, attempt)
                if self.on_retry:
                    self.on_retry(str(error), wait)
                self.sleep(wait)
        raise AssertionError("unreachable")


def seconds_until(epoch_seconds: str | None, clock: Callable[[], float]) -> float | None:
    """ClickUp's X-RateLimit-Reset is an absolute epoch time; turn it into a wait."""
    if not epoch_seconds:
        return None
    try:
        return max(0.0, float(epoch_seconds) - clock())
    except ValueError:
        return None


def seconds_from(retry_after: str | None) -> float | None:
    """Asana's Retry-After is a number of seconds."""
    if not retry_after:
        return None
    try:
        return max(0.0, float(retry_after))
    except ValueError:
        return None


# --- normalised records -----------------------------------------------------------------------


def record_id(raw: object) -> str | None:
    """The source's id of a raw task payload, when it has a readable one (Asana `gid`, ClickUp `id`)."""
    if not isinstance(raw, dict):
        return None
    value = raw.get("gid", raw.get("id"))
    return value if isinstance(value, str) and value else None


def clean_text(value: str) -> str:
    """Text Postgres will take: without NUL, and valid UTF-8 (JSON can carry a lone surrogate,
    which would fail the whole batch's COPY); the fast path costs one `isascii` per string."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode()
    return value


# Postgres refuses a UTC offset beyond ±15:59 (Python allows up to ±23:59): one such record would
# fail its batch.
MAX_OFFSET = dt.timedelta(hours=15, minutes=59)


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProjectRecord(Record):
    external_id: str
    name: str
    archived: bool = False

    @field_validator("name")
    @classmethod
    def no_nul(cls, value: str) -> str:
        return clean_text(value)


@dataclasses.dataclass(slots=True, kw_only=True)
class TaskRecord:
    """One task as the God-view stores it, whatever tool it came from.

    Built only by `task_record`, from fields a provider's pydantic model has already validated:
    a plain dataclass, because a second pydantic pass (or even `model_construct`, or a frozen
    dataclass) cost as much as the validation itself (bench/sync.py).
    """

    external_id: str
    name: str
    project_external_id: str | None  # the home project: the first one the task is listed in
    created_at: dt.datetime
    modified_at: dt.datetime
    parent_external_id: str | None = None
    assignee_email: str = ""
    section: str = ""
    started_on: dt.date | None = None
    due_on: dt.date | None = None
    due_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


def task_record(
    *,
    external_id: str,
    name: str,
    project_external_id: str | None,
    created_at: dt.datetime,
    modified_at: dt.datetime,
    parent_external_id: str | None = None,
    assignee_email: str | None = "",
    section: str | None = "",
    started_on: dt.date | None = None,
    due_on: dt.date | None = None,
    due_at: dt.datetime | None = None,
    completed_at: dt.datetime | None = None,
) -> TaskRecord:
    """A TaskRecord, checked for what Postgres would refuse: one bad record must not sink its batch."""
    for key, value in (
        ("external_id", external_id),
        ("project_external_id", project_external_id),
        ("parent_external_id", parent_external_id),
    ):
        if value is not None and not (0 < len(value) <= 64 and value.isprintable()):
            raise ValueError(f"{key}: not an id of 1 to 64 printable characters")
    for key, value in (
        ("created_at", created_at),
        ("modified_at", modified_at),
        ("due_at", due_at),
        ("completed_at", completed_at),
    ):
        if value is not None:
            offset = value.utcoffset()
            if offset is None:
                raise ValueError(f"{key}: datetime without a time zone")
            if not -MAX_OFFSET <= offset <= MAX_OFFSET:
                raise ValueError(f"{key}: UTC offset {offset} out of range")
    return TaskRecord(
        external_id=external_id,
        name=clean_text(name),
        project_external_id=project_external_id,
        created_at=created_at,
        modified_at=modified_at,
        parent_external_id=parent_external_id,
        assignee_email=clean_text(assignee_email or "").strip().lower(),
        section=clean_text(section or ""),
        started_on=started_on,
        due_on=due_on,
        due_at=due_at,
        completed_at=completed_at,
    )


class TimeEntryRecord(Record):
    external_id: str
    user_email: str = ""
    task_external_id: str | None = None
    project_external_id: str | None = None
    started_at: dt.datetime
    hours: float
    description: str = ""

    @field_validator("description", "user_email")
    @classmethod
    def no_nul(cls, value: str) -> str:
        return clean_text(value)

    @field_validator("external_id", "task_external_id", "project_external_id")
    @classmethod
    def an_id(cls, value: str | None) -> str | None:
        if value is not None and not (0 < len(value) <= 64 and value.isprintable()):
            raise ValueError("not an id of 1 to 64 printable characters")
        return value

    @field_validator("started_at")
    @classmethod
    def aware(cls, value: dt.datetime) -> dt.datetime:
        offset = value.utcoffset()
        if offset is None or not -MAX_OFFSET <= offset <= MAX_OFFSET:
            raise ValueError("a datetime with a time zone Postgres takes")
        return value

    @field_validator("hours")
    @classmethod
    def not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError("negative duration")
        return value


# --- the provider interface the runner drives ---------------------------------------------------


class Provider(Protocol):
    label: str

    def projects(self) -> Iterator[ProjectRecord]: ...

    def task_pages(self, project_id: str, modified_since: dt.datetime | None) -> Iterator[list[dict]]: ...

    def parse_task(self, raw: dict, project_id: str) -> TaskRecord: ...

    def subtask_pages(self, parent_ids: list[str], modified_since: dt.datetime | None) -> Iterator[list[dict]]: ...

    def time_entry_pages(
        self, start: dt.datetime, end: dt.datetime, task_ids: list[str]
    ) -> Iterator[list[dict] | SkippedTask]:
        """Time entries logged from `start` to `end` (ClickUp), or on the given tasks (Asana, whose
        entries are read per task); may raise FeatureUnavailable."""
        ...

    def parse_time_entry(self, raw: dict) -> TimeEntryRecord: ...

    def has_subtasks(self, raw: dict) -> bool: ...

    def close(self) -> None: ...


@dataclasses.dataclass(frozen=True)
class SkippedTask:
    """In a stream of pages: a task whose entries could not be read (it went in the meantime)."""

    external_id: str
    message: str


def from_ms(value: str | int | None) -> dt.datetime | None:
    """ClickUp sends epoch milliseconds as strings (int64; the spec's int32 is wrong)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("not epoch milliseconds")
    try:
        return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.UTC)
    except (OverflowError, OSError) as error:  # beyond what a datetime holds: a bad record, not a crash
        raise ValueError(f"epoch milliseconds out of range: {error}") from None


def to_ms(value: dt.datetime) -> int:
    return int(value.timestamp() * 1000)
