"""Payloads of the fake Asana and ClickUp servers, in the shapes of the vendors' OpenAPI specs
(`../shared/specs/`; a test validates them): TaskResponse, TimeTrackingEntryCompact, Task9, Datum1."""

from __future__ import annotations

import datetime as dt


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ms(value: dt.datetime) -> str:
    return str(int(value.timestamp() * 1000))


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def asana_task(
    gid: str,
    name: str,
    projects: list[str],
    *,
    modified_at: dt.datetime,
    created_at: dt.datetime | None = None,
    assignee: tuple[str, str] | None = None,
    due_on: str | None = None,
    due_at: str | None = None,
    start_on: str | None = None,
    completed_at: dt.datetime | None = None,
    section: str = "To do",
    parent: str | None = None,
    num_subtasks: int = 0,
) -> dict:
    return {
        "gid": gid,
        "resource_type": "task",
        "resource_subtype": "default_task",
        "name": name,
        "assignee": {"gid": assignee[0], "resource_type": "user", "email": assignee[1]} if assignee else None,
        "completed": completed_at is not None,
        "completed_at": iso(completed_at) if completed_at else None,
        "created_at": iso(created_at or modified_at - dt.timedelta(days=10)),
        "modified_at": iso(modified_at),
        "due_on": due_on,
        "due_at": due_at,
        "start_on": start_on,
        "memberships": [
            {
                "project": {"gid": p, "resource_type": "project"},
                "section": {"gid": f"{p}0{index}", "resource_type": "section", "name": section},
            }
            for index, p in enumerate(projects)
        ],
        "projects": [{"gid": p, "resource_type": "project"} for p in projects],
        "parent": {"gid": parent, "resource_type": "task", "resource_subtype": "default_task"} if parent else None,
        "num_subtasks": num_subtasks,
    }


def asana_time_entry(
    gid: str,
    *,
    minutes: int,
    entered_on: str,
    user: tuple[str, str] | None = None,
    project: tuple[str, str] | None = None,
) -> dict:
    """A TimeTrackingEntryCompact, as `GET /tasks/{task_gid}/time_tracking_entries` lists it;
    `user` and `project` are (gid, name)."""
    entry = {
        "gid": gid,
        "resource_type": "time_tracking_entry",
        "duration_minutes": minutes,
        "entered_on": entered_on,
        "categories": [],
    }
    if user:
        entry["created_by"] = {"gid": user[0], "resource_type": "user", "name": user[1]}
    if project:
        entry["attributable_to"] = {"gid": project[0], "resource_type": "project", "name": project[1]}
    return entry


def clickup_task(
    task_id: str,
    name: str,
    list_id: str,
    *,
    updated: dt.datetime,
    created: dt.datetime | None = None,
    assignee: tuple[int, str, str] | None = None,
    due: dt.datetime | None = None,
    due_has_time: bool = False,
    start: dt.datetime | None = None,
    done: dt.datetime | None = None,
    status: str | None = None,
    parent: str | None = None,
) -> dict:
    closed = done is not None
    return {
        "id": task_id,
        "custom_item_id": None,
        "name": name,
        "status": {
            "status": status or ("complete" if closed else "in progress"),
            "color": "#6bc950" if closed else "#d3d3d3",
            "orderindex": 2 if closed else 1,
            "type": "closed" if closed else "custom",
        },
        "orderindex": "1.00000000000000000000000000000000",
        "date_created": ms(created or updated - dt.timedelta(days=10)),
        "date_updated": ms(updated),
        "date_closed": ms(done) if done else None,
        "date_done": ms(done) if done else None,
        "creator": {"id": 183, "username": "Fake Admin", "color": "#827718", "profilePicture": ""},
        # Real ClickUp sends user objects here (the spec's `string` items are an erratum).
        "assignees": [
            {"id": assignee[0], "username": assignee[1], "email": assignee[2], "color": "#7b68ee", "initials": "AM"}
        ]
        if assignee
        else [],
        "watchers": [],
        "checklists": [],
        "tags": [],
        "parent": parent,
        "priority": None,
        "due_date": ms(due) if due else None,
        "due_date_time": due_has_time,
        "start_date": ms(start) if start else None,
        "points": 1,
        "time_estimate": None,
        "list": {"id": list_id},
        "folder": {"id": "90100"},
        "space": {"id": "90010"},
        "url": f"https://app.clickup.com/t/{task_id}",
    }


def clickup_time_entry(
    entry_id: str, *, task_id: str, list_id: str, user: tuple[int, str, str], start: dt.datetime, hours: float
) -> dict:
    duration = int(hours * 3_600_000)
    return {
        "id": entry_id,
        "task": {
            "id": task_id,
            "custom_id": "",
            "name": "",
            "status": {"status": "in progress", "color": "#d3d3d3", "type": "custom", "orderindex": 1},
            "custom_type": None,
        },
        "wid": "9001",
        "user": {
            "id": user[0],
            "username": user[1],
            "email": user[2],
            "color": "#7b68ee",
            "initials": "AM",
            "profilePicture": "",
        },
        "billable": True,
        "start": ms(start),
        "end": ms(start + dt.timedelta(milliseconds=duration)),
        "duration": str(duration),
        "description": "",
        "tags": [],
        "source": "clickup",
        "at": ms(start + dt.timedelta(milliseconds=duration)),
        "task_location": {
            "list_id": int(list_id),
            "folder_id": 90100,
            "space_id": 90010,
            "list_name": "",
            "folder_name": "Clients",
            "space_name": "Delivery",
        },
        "task_tags": [],
        "task_url": f"https://app.clickup.com/t/{task_id}",
    }
