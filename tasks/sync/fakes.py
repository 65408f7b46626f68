"""Fake Asana and ClickUp workspaces over real HTTP, for tests and the offline try-it.

Threaded `http.server` on 127.0.0.1. Payloads follow the OpenAPI specs in `../shared/specs/`
(a test validates them). Faults are scriptable: `server.fail_next(status=429, headers=...)`,
`server.fail_next(status=None, delay=2)` for a timeout; each fault answers one matching request
(`times=` more). `server.fail_next(status=200, mode="html")` answers something that is not the
API's JSON, as proxies, portals and broken connections do: see `ANSWER_MODES`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import threading
import time
import urllib.parse
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tasks.sync.fake_payloads import (  # the payload builders, importable from here as before
    asana_task,
    asana_time_entry,
    clickup_task,
    clickup_time_entry,
    iso,
    ms,
    parse_time,
)

__all__ = [
    "ANSWER_MODES",
    "FakeAsana",
    "FakeClickUp",
    "FakeServer",
    "asana_task",
    "asana_time_entry",
    "clickup_task",
    "clickup_time_entry",
    "iso",
    "ms",
    "parse_time",
    "populate_demo",
]

ASANA_PREFIX = "/api/1.0"
CLICKUP_PREFIX = "/api/v2"


@dataclasses.dataclass
class Fault:
    status: int | None = 500  # None: answer normally, after `delay` (a timeout when it is long)
    headers: dict = dataclasses.field(default_factory=dict)
    delay: float = 0.0
    path_contains: str = ""
    body: dict | None = None
    times: int = 1  # how many matching requests get this answer
    after: int = 0  # how many matching requests pass untouched first
    mode: str = ""  # one of ANSWER_MODES: the answer is not the API's JSON (with `status`, often 200)


# Answers that are not the API's JSON, each as something between us and the API sends it.
ANSWER_MODES = {
    "html": "an HTML page (a proxy's or a portal's sign-in page)",
    "empty": "an empty body labelled JSON",
    "truncated": "the real JSON cut in half, with a Content-Length that matches the cut",
    "cut": "a Content-Length for the whole JSON, half of it, then the connection closes",
    "wrong_content_type": "the real JSON, labelled text/plain",
    "not_an_object": "JSON, but a list where the API sends an object",
}
FAKE_HTML = (
    "<!DOCTYPE html><html><head><title>Sign in · Corporate proxy</title></head>"
    "<body><h1>Please sign in to continue</h1></body></html>"
)


# --- the HTTP machinery ----------------------------------------------------------------------


class FakeServer:
    """One fake API on a free (or given) port; `url` is its base URL for a Source."""

    prefix = ""

    def __init__(self, *, token: str = "fake-token", port: int = 0, page_size: int = 100) -> None:
        self.token = token
        self.page_size = page_size
        self.faults: deque[Fault] = deque()
        self.requests: list[str] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.prefix}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def fail_next(self, **kwargs) -> None:
        self.faults.append(Fault(**kwargs))

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            fault = next((f for f in self.faults if f.path_contains in path), None)
            if fault is None:
                return None
            if fault.after > 0:
                fault.after -= 1
                return None
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            return fault

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        self.requests.append(handler.path)
        try:
            fault = self._take_fault(handler.path)  # path and query: a fault can target `offset=`
            if fault is not None:
                time.sleep(fault.delay)
                if fault.mode:
                    _status, body = self.route(parsed.path.removeprefix(self.prefix), query)
                    return self._send_mangled(handler, fault.status or 200, body, fault.mode)
                if fault.status is not None:
                    return self._send(handler, fault.status, fault.body or self.error_body(fault.status), fault.headers)
            if not self.authorised(handler.headers.get("Authorization", "")):
                return self._send(handler, 401, self.error_body(401))
            path = parsed.path.removeprefix(self.prefix)
            status, body = self.route(path, query)
            self._send(handler, status, body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and hung up, as the test intended

    def _send_mangled(self, handler: BaseHTTPRequestHandler, status: int, body: dict, mode: str) -> None:
        data = json.dumps(body).encode("utf-8")
        content_type, length = "application/json; charset=UTF-8", None
        if mode == "html":
            data, content_type = FAKE_HTML.encode(), "text/html; charset=utf-8"
        elif mode == "empty":
            data = b""
        elif mode == "truncated":
            data = data[: len(data) // 2]
        elif mode == "cut":
            data, length = data[: len(data) // 2], len(data)
        elif mode == "wrong_content_type":
            content_type = "text/plain; charset=utf-8"
        elif mode == "not_an_object":
            data = json.dumps([body]).encode()
        else:
            raise ValueError(f"unknown answer mode {mode!r}: one of {', '.join(ANSWER_MODES)}")
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(length or len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        if length:
            handler.close_connection = True

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: dict, headers: dict | None = None) -> None:
        try:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (a malformed record): JSON escapes it, as the APIs do
            data = json.dumps(body).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, str(value))
        handler.end_headers()
        handler.wfile.write(data)

    def authorised(self, header: str) -> bool:
        raise NotImplementedError

    def error_body(self, status: int) -> dict:
        raise NotImplementedError

    def route(self, path: str, query: dict) -> tuple[int, dict]:
        raise NotImplementedError


class FakeAsana(FakeServer):
    prefix = ASANA_PREFIX

    def __init__(self, *, workspace: str = "1200000000000001", time_tracking: int | None = None, **kwargs) -> None:
        """`time_tracking=402` (or 403) answers the time tracking endpoint as a plan without it does."""
        super().__init__(**kwargs)
        self.workspace = workspace
        self.time_tracking = time_tracking
        self.time_entries: dict[str, list[dict]] = {}  # task gid -> TimeTrackingEntryCompact dicts
        self.projects: list[dict] = []
        self.users: list[dict] = []
        self.tasks: dict[str, dict] = {}  # gid -> TaskResponse dict (subtasks included, via `parent`)
        # Where each task is listed, kept apart from its payload so a malformed one is still served.
        self.listed_in: dict[str, list[str]] = {}
        self.parent_of: dict[str, str | None] = {}

    def add_project(self, gid: str, name: str, *, archived: bool = False) -> None:
        self.projects.append({"gid": gid, "resource_type": "project", "name": name, "archived": archived})

    def add_user(self, gid: str, name: str, email: str) -> None:
        self.users.append({"gid": gid, "resource_type": "user", "name": name, "email": email})

    def put(self, task: dict) -> None:
        self.tasks[task["gid"]] = task
        self.listed_in[task["gid"]] = [p["gid"] for p in task.get("projects") or []]
        self.parent_of[task["gid"]] = (task.get("parent") or {}).get("gid")

    def put_raw(self, gid: str, payload: object) -> None:
        """Serve `payload` (malformed, perhaps) where task `gid` was listed."""
        self.tasks[gid] = payload

    def authorised(self, header: str) -> bool:
        return header == f"Bearer {self.token}"

    def error_body(self, status: int) -> dict:
        messages = {
            401: "Not Authorized",
            402: "Payment Required: time tracking is not available on this workspace's plan",
            403: "Forbidden",
            404: "Not Found",
            429: "Rate limit exceeded",
        }
        return {"errors": [{"message": messages.get(status, "Server Error"), "help": "fake"}]}

    def route(self, path: str, query: dict) -> tuple[int, dict]:
        parts = [p for p in path.split("/") if p]
        if parts == ["workspaces", self.workspace, "projects"]:
            return 200, self._page(self.projects, query, path)
        if parts == ["users"] and query.get("workspace") == self.workspace:
            return 200, self._page(self.users, query, path)
        if parts == ["tasks"] and "project" in query:
            since = parse_time(query["modified_since"]) if query.get("modified_since") else None
            rows = [
                t
                for gid, t in sorted(self.tasks.items())
                if query["project"] in self.listed_in.get(gid, []) and (since is None or _modified_after(t, since))
            ]
            return 200, self._page(rows, query, path)
        if len(parts) == 3 and parts[0] == "tasks" and parts[2] == "subtasks":
            if parts[1] not in self.tasks:
                return 404, self.error_body(404)
            rows = [t for gid, t in sorted(self.tasks.items()) if self.parent_of.get(gid) == parts[1]]
            return 200, self._page(rows, query, path)
        if len(parts) == 3 and parts[0] == "tasks" and parts[2] == "time_tracking_entries":
            if self.time_tracking is not None:
                return self.time_tracking, self.error_body(self.time_tracking)
            if parts[1] not in self.tasks:
                return 404, self.error_body(404)
            return 200, self._page(self.time_entries.get(parts[1], []), query, path)
        return 404, self.error_body(404)

    def _page(self, rows: list[dict], query: dict, path: str) -> dict:
        limit = min(int(query.get("limit") or self.page_size), self.page_size)
        start = int(base64.urlsafe_b64decode(query["offset"]).decode()) if query.get("offset") else 0
        end = start + limit
        next_page = None
        if end < len(rows):
            offset = base64.urlsafe_b64encode(str(end).encode()).decode()
            next_page = {
                "offset": offset,
                "path": f"{path}?limit={limit}&offset={offset}",
                "uri": f"{self.url}{path}?offset={offset}",
            }
        return {"data": rows[start:end], "next_page": next_page}


class FakeClickUp(FakeServer):
    prefix = CLICKUP_PREFIX

    def __init__(self, *, team: str = "9001", **kwargs) -> None:
        super().__init__(**kwargs)
        self.team = team
        self.members: list[dict] = []
        self.lists: dict[str, dict] = {}  # id -> list payload
        self.tasks: dict[str, dict] = {}
        self.list_of: dict[str, str] = {}  # task id -> list id, apart from the payload (see put_raw)
        self.time_entries: list[dict] = []

    def add_member(self, user_id: int, username: str, email: str) -> None:
        self.members.append(
            {
                "user": {
                    "id": user_id,
                    "username": username,
                    "email": email,
                    "color": "#7b68ee",
                    "profilePicture": "",
                    "initials": username[:2].upper(),
                }
            }
        )

    def add_list(self, list_id: str, name: str, *, folder: str | None = "90100") -> None:
        self.lists[list_id] = {
            "id": list_id,
            "name": name,
            "orderindex": len(self.lists),
            "content": "",
            "status": None,
            "priority": None,
            "assignee": None,
            "task_count": None,
            "due_date": None,
            "start_date": None,
            "folder": {"id": folder or "", "name": "Clients", "hidden": folder is None, "access": True},
            "space": {"id": "90010", "name": "Delivery", "access": True},
            "archived": False,
            "override_statuses": False,
            "permission_level": "read",
            "_folder": folder,
        }

    def put(self, task: dict) -> None:
        self.tasks[task["id"]] = task
        self.list_of[task["id"]] = task["list"]["id"]

    def put_raw(self, task_id: str, payload: object) -> None:
        """Serve `payload` (malformed, perhaps) where task `task_id` was listed."""
        self.tasks[task_id] = payload

    def authorised(self, header: str) -> bool:
        return header == self.token

    def error_body(self, status: int) -> dict:
        codes = {401: ("Token invalid", "OAUTH_025"), 404: ("Not found", "ITEM_015"), 429: ("Rate limit", "APP_002")}
        err, code = codes.get(status, ("Internal error", "ISE_001"))
        return {"err": err, "ECODE": code}

    def route(self, path: str, query: dict) -> tuple[int, dict]:
        parts = [p for p in path.split("/") if p]
        if parts == ["team"]:
            team = {
                "id": self.team,
                "name": "Fake agency 🌍",
                "color": "#7b68ee",
                "avatar": "",
                "members": self.members,
            }
            return 200, {"teams": [team]}
        if parts == ["team", self.team, "space"]:
            return 200, {"spaces": [self._space()]}
        if parts == ["space", "90010", "folder"]:
            folder = {
                "id": "90100",
                "name": "Clients",
                "orderindex": 0,
                "override_statuses": False,
                "hidden": False,
                "space": {"id": "90010", "name": "Delivery", "access": True},
                "task_count": str(len(self.tasks)),
                "lists": [],
            }
            return 200, {"folders": [folder]}
        if parts == ["folder", "90100", "list"]:
            return 200, {"lists": self._lists("90100")}
        if parts == ["space", "90010", "list"]:
            return 200, {"lists": self._lists(None)}
        if len(parts) == 3 and parts[0] == "list" and parts[2] == "task":
            if parts[1] not in self.lists:
                return 404, self.error_body(404)
            return 200, self._task_page(parts[1], query)
        if parts == ["team", self.team, "time_entries"]:
            return 200, {"data": self._time_entries(query)}
        return 404, self.error_body(404)

    def _space(self) -> dict:
        feature = {"enabled": True}
        return {
            "id": "90010",
            "name": "Delivery",
            "private": False,
            "statuses": [],
            "multiple_assignees": True,
            "features": {
                "due_dates": {
                    "enabled": True,
                    "start_date": True,
                    "remap_due_dates": False,
                    "remap_closed_due_date": False,
                },
                "time_tracking": feature,
                "tags": feature,
                "time_estimates": feature,
                "checklists": feature,
            },
        }

    def _lists(self, folder: str | None) -> list[dict]:
        return [
            {k: v for k, v in lst.items() if k != "_folder"} for lst in self.lists.values() if lst["_folder"] == folder
        ]

    def _task_page(self, list_id: str, query: dict) -> dict:
        since = int(query["date_updated_gt"]) if query.get("date_updated_gt") else None
        rows = [
            t
            for task_id, t in sorted(self.tasks.items())
            if self.list_of.get(task_id) == list_id
            and (since is None or _updated_after(t, since))
            and (query.get("subtasks") == "true" or not _field(t, "parent"))
            and (query.get("include_closed") == "true" or _field(_field(t, "status"), "type") != "closed")
        ]
        page = int(query.get("page") or 0)
        chunk = rows[page * self.page_size : (page + 1) * self.page_size]
        return {"tasks": chunk, "last_page": (page + 1) * self.page_size >= len(rows)}

    def _time_entries(self, query: dict) -> list[dict]:
        start, end = int(query.get("start_date", 0)), int(query.get("end_date", 2**62))
        wanted = set(query.get("assignee", "").split(",")) if query.get("assignee") else None
        return [
            e
            for e in self.time_entries
            if start <= int(e["start"]) <= end and (wanted is None or str(e["user"]["id"]) in wanted)
        ]


def _field(payload: object, key: str) -> object:
    return payload.get(key) if isinstance(payload, dict) else None


def _modified_after(task: object, since: dt.datetime) -> bool:
    """Filters on a payload's own dates, which may be malformed: such a record is served."""
    try:
        return parse_time(_field(task, "modified_at")) > since
    except (AttributeError, TypeError, ValueError):
        return True


def _updated_after(task: object, since_ms: int) -> bool:
    try:
        return int(_field(task, "date_updated")) > since_ms
    except (TypeError, ValueError):
        return True


# --- a deterministic demo agency, for `manage.py fake_sources` and the benchmarks ---------------

DEMO_ASANA_PROJECTS = [
    ("120100", "حملة الربيع — Spring campaign"),
    ("120200", "Редизайн сайта"),
    ("120300", "🚀 Product launch"),
    ("120400", "Internal: hiring plan"),
]
DEMO_CLICKUP_LISTS = [("901001", "Контент-план"), ("901002", "SEO sprint ✨"), ("901003", "تقارير شهرية")]
DEMO_TASK_WORDS = [
    "Brief",
    "Draft",
    "Review",
    "Landing page",
    "Отчёт",
    "Созвон",
    "مراجعة",
    "تصميم",
    "📈 Analytics",
    "QA",
]
CONTRACTOR = ("freelance.writer@example.net", "Freelance writer")


def populate_demo(asana: FakeAsana, clickup: FakeClickUp, emails: list[str], *, seed: int = 7, tasks: int = 40) -> None:
    """The same workspaces every time for the same inputs: Unicode names, due days and times,
    subtasks, a task in two projects, closed tasks, an assignee nobody knows, time entries in both."""
    import random

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    people = [(e, e.split("@")[0].title()) for e in emails[:6]] + [CONTRACTOR]
    for index, (email, name) in enumerate(people):
        asana.add_user(str(130000 + index), name, email)
        clickup.add_member(4000 + index, name, email)
    for gid, name in DEMO_ASANA_PROJECTS:
        asana.add_project(gid, name)
        for n in range(tasks):
            who = rng.choice(people)
            due = (now + dt.timedelta(days=rng.randint(-20, 25))).date()
            done = now - dt.timedelta(days=rng.randint(0, 15)) if rng.random() < 0.45 else None
            timed = rng.random() < 0.2
            asana.put(
                asana_task(
                    f"{gid}{n:04}",
                    f"{rng.choice(DEMO_TASK_WORDS)} #{n + 1}",
                    [gid] + (["120300"] if n == 3 and gid != "120300" else []),
                    modified_at=now - dt.timedelta(hours=rng.randint(1, 400)),
                    assignee=(f"{130000 + people.index(who)}", who[0]),
                    due_on=None if n % 9 == 0 else due.isoformat(),
                    due_at=f"{due.isoformat()}T14:00:00.000Z" if timed and n % 9 else None,
                    completed_at=done,
                    section=rng.choice(["To do", "In progress", "Waiting on client", "Done"]),
                    num_subtasks=1 if n % 10 == 5 else 0,
                )
            )
            if n % 10 == 5:
                asana.put(
                    asana_task(f"{gid}{n:04}1", f"↳ Sub-step of #{n + 1}", [], modified_at=now, parent=f"{gid}{n:04}")
                )
            if n % 4 == 0:  # hours tracked in Asana too (no draw from `rng`: the rest stays as it was)
                asana.time_entries[f"{gid}{n:04}"] = [
                    asana_time_entry(
                        f"{gid}{n:04}7",
                        minutes=30 * (1 + n % 5),
                        entered_on=(now - dt.timedelta(days=n % 12)).date().isoformat(),
                        user=(f"{130000 + people.index(who)}", who[1]),
                        project=(gid, name),
                    )
                ]
    for list_id, name in DEMO_CLICKUP_LISTS:
        clickup.add_list(list_id, name)
        for n in range(tasks):
            who = rng.choice(people)
            member = (4000 + people.index(who), who[1], who[0])
            due = now + dt.timedelta(days=rng.randint(-20, 25))
            done = now - dt.timedelta(days=rng.randint(0, 15)) if rng.random() < 0.45 else None
            task_id = f"cu{list_id[-1]}{n:03}"
            clickup.put(
                clickup_task(
                    task_id,
                    f"{rng.choice(DEMO_TASK_WORDS)} · {name} {n + 1}",
                    list_id,
                    updated=now - dt.timedelta(hours=rng.randint(1, 400)),
                    assignee=member,
                    due=None if n % 8 == 0 else due,
                    due_has_time=n % 5 == 0,
                    done=done,
                    parent=f"cu{list_id[-1]}{n - 1:03}" if n % 12 == 11 else None,
                )
            )
            if n % 3 == 0:
                clickup.time_entries.append(
                    clickup_time_entry(
                        f"te{list_id}{n:03}",
                        task_id=task_id,
                        list_id=list_id,
                        user=member,
                        start=now - dt.timedelta(days=rng.randint(0, 12), hours=rng.randint(0, 8)),
                        hours=rng.choice([0.5, 1, 1.5, 2, 3]),
                    )
                )
