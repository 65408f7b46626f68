"""The fake servers' payloads validate against the vendors' OpenAPI specs in ../shared/specs/.

Asana's spec is OpenAPI 3.0 (`nullable`), converted to JSON Schema here; ClickUp's is 3.1. Where a
spec contradicts the live API the erratum is listed below, explicitly, and nothing else is relaxed.
"""

import copy
import functools
import json
import urllib.request
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tasks.sync.fakes import FakeAsana, FakeClickUp, populate_demo
from tasks.tests.conftest import TOKEN
from tasks.tests.test_sync_asana import world as asana_world  # noqa: F401 (fixture)
from tasks.tests.test_sync_clickup import world as clickup_world  # noqa: F401 (fixture)

SPECS = Path(settings.BASE_DIR).parent / "shared" / "specs"
if not SPECS.exists():
    SPECS = Path("/work/shared/specs")

pytestmark = pytest.mark.django_db


def nullable_to_json_schema(node):
    """OpenAPI 3.0 `nullable: true` → JSON Schema's `null` type, including `allOf` + nullable."""
    if isinstance(node, list):
        return [nullable_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    # `allOf: [$ref, {nullable: true}]` means "that object, or null".
    nullable_all_of = any(isinstance(p, dict) and p.get("nullable") for p in node.get("allOf", []))
    node = {str(k): nullable_to_json_schema(v) for k, v in node.items()}  # YAML gives int status keys
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        else:
            return {"anyOf": [{"type": "null"}, node]}
    if nullable_all_of:
        return {"anyOf": [{"type": "null"}, node]}
    return node


def one_of_with_anything_is_any_of(node):
    """ClickUp's `oneOf: [object, string|null, {}]`: `{}` matches everything, so no value could
    ever match exactly one branch. The intent is plainly `anyOf`."""
    if isinstance(node, list):
        return [one_of_with_anything_is_any_of(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: one_of_with_anything_is_any_of(v) for k, v in node.items()}
    if "oneOf" in node and {} in node["oneOf"]:
        node["anyOf"] = node.pop("oneOf")
    return node


@functools.cache
def asana_spec() -> dict:
    with open(SPECS / "asana_oas.yaml", encoding="utf-8") as handle:
        return nullable_to_json_schema(yaml.load(handle, Loader=yaml.CSafeLoader))


@functools.cache
def clickup_spec() -> dict:
    spec = json.loads((SPECS / "clickup_oas.json").read_text(encoding="utf-8"))
    spec = one_of_with_anything_is_any_of(copy.deepcopy(spec))  # erratum 3, see the function
    paths = spec["paths"]
    # Erratum 1: the live API sends assignee user objects ({id, username, email, …}), not strings.
    task = paths["/v2/list/{list_id}/task"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    task["properties"]["tasks"]["items"]["properties"]["assignees"]["items"] = {"type": ["object", "string"]}
    # Erratum 2: `folders` is an array of folders (as the spec's own example shows), not one folder.
    folders = paths["/v2/space/{space_id}/folder"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    folders["properties"]["folders"] = {"type": "array", "items": folders["properties"]["folders"]}
    return spec


@functools.cache
def validator(spec_name: str, uri: str, pointer: str) -> jsonschema.Draft202012Validator:
    spec = asana_spec() if spec_name == "asana" else clickup_spec()
    registry = Registry().with_resource(uri, Resource.from_contents(spec, default_specification=DRAFT202012))
    return jsonschema.Draft202012Validator({"$ref": f"{uri}#{pointer}"}, registry=registry)


def response_pointer(path: str, status="200") -> str:
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"/paths/{escaped}/get/responses/{status}/content/application~1json/schema"


def fetch(server, path: str, auth: str) -> dict:
    request = urllib.request.Request(server.url + path, headers={"Authorization": auth})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def assert_valid(spec_validator, payload) -> None:
    errors = sorted(spec_validator.iter_errors(payload), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize(
    ("path", "spec_path", "status"),
    [
        ("/workspaces/1200000000000001/projects?limit=50", "/workspaces/{workspace_gid}/projects", 200),
        ("/users?workspace=1200000000000001&limit=50", "/users", 200),
        ("/tasks?project=101&limit=5", "/tasks", 200),
        ("/tasks/5/subtasks?limit=50", "/tasks/{task_gid}/subtasks", 200),
        ("/tasks/1/time_tracking_entries?limit=50", "/tasks/{task_gid}/time_tracking_entries", 200),
    ],
)
def test_fake_asana_pages_follow_the_asana_spec(asana_world, fake_asana: FakeAsana, path, spec_path, status):  # noqa: F811
    payload = fetch(fake_asana, path, f"Bearer {TOKEN}")

    assert payload["data"], "an empty page proves nothing"
    assert_valid(validator("asana", "urn:asana", response_pointer(spec_path, status)), payload)


def test_every_fake_asana_task_follows_the_full_task_response_schema(asana_world, fake_asana):  # noqa: F811
    task_schema = validator("asana", "urn:asana", "/components/schemas/TaskResponse")
    for task in fake_asana.tasks.values():
        assert_valid(task_schema, task)


def test_the_asana_spec_check_rejects_a_wrong_payload(asana_world, fake_asana):  # noqa: F811
    task = dict(next(iter(fake_asana.tasks.values())), completed="yes", num_subtasks="two")

    errors = list(validator("asana", "urn:asana", "/components/schemas/TaskResponse").iter_errors(task))

    assert {e.path[-1] for e in errors} >= {"completed", "num_subtasks"}


@pytest.mark.parametrize("status", [401, 402, 403, 404, 429, 500])
def test_the_asana_error_body_follows_the_spec(fake_asana: FakeAsana, status):
    assert_valid(validator("asana", "urn:asana", "/components/schemas/ErrorResponse"), fake_asana.error_body(status))


def test_every_fake_asana_time_entry_follows_the_time_tracking_entry_schema(asana_world, fake_asana):  # noqa: F811
    entry_schema = validator("asana", "urn:asana", "/components/schemas/TimeTrackingEntryCompact")
    entries = [entry for listed in fake_asana.time_entries.values() for entry in listed]
    assert entries
    for entry in entries:
        assert_valid(entry_schema, entry)


def test_the_time_entry_spec_check_rejects_a_wrong_payload(asana_world, fake_asana):  # noqa: F811
    entry = dict(fake_asana.time_entries["1"][0], duration_minutes="ninety", entered_on=20260101)

    errors = list(validator("asana", "urn:asana", "/components/schemas/TimeTrackingEntryCompact").iter_errors(entry))

    assert {e.path[-1] for e in errors} >= {"duration_minutes"}


@pytest.mark.parametrize(
    ("path", "spec_path"),
    [
        ("/team", "/v2/team"),
        ("/team/9001/space?archived=false", "/v2/team/{team_id}/space"),
        ("/space/90010/folder?archived=false", "/v2/space/{space_id}/folder"),
        ("/folder/90100/list?archived=false", "/v2/folder/{folder_id}/list"),
        ("/space/90010/list?archived=false", "/v2/space/{space_id}/list"),
        ("/list/501/task?include_closed=true&subtasks=true&page=0", "/v2/list/{list_id}/task"),
        ("/team/9001/time_entries?start_date=0&end_date=99999999999999", "/v2/team/{team_Id}/time_entries"),
    ],
)
def test_fake_clickup_answers_follow_the_clickup_spec(clickup_world, fake_clickup: FakeClickUp, path, spec_path):  # noqa: F811
    payload = fetch(fake_clickup, path, TOKEN)

    assert any(payload.values()), "an empty answer proves nothing"
    assert_valid(validator("clickup", "urn:clickup", response_pointer(spec_path)), payload)


def test_the_clickup_spec_check_rejects_a_wrong_payload(clickup_world, fake_clickup):  # noqa: F811
    task = dict(next(iter(fake_clickup.tasks.values())), date_updated=1567780450202, status="open")
    spec_validator = validator("clickup", "urn:clickup", response_pointer("/v2/list/{list_id}/task"))

    errors = list(spec_validator.iter_errors({"tasks": [task], "last_page": True}))

    assert {e.path[-1] for e in errors} >= {"date_updated", "status"}


def test_the_offline_demo_workspaces_follow_the_specs_too():
    with FakeAsana(token=TOKEN) as asana, FakeClickUp(token=TOKEN) as clickup:
        populate_demo(asana, clickup, ["amira@agency.test", "oleg@agency.test"], tasks=12)
        tasks_page = fetch(asana, "/tasks?project=120100&limit=100", f"Bearer {TOKEN}")
        list_page = fetch(clickup, "/list/901001/task?include_closed=true&subtasks=true&page=0", TOKEN)
        entries = fetch(clickup, "/team/9001/time_entries?start_date=0&end_date=99999999999999", TOKEN)
        asana_entries = fetch(asana, "/tasks/1201000000/time_tracking_entries?limit=100", f"Bearer {TOKEN}")

    assert_valid(validator("asana", "urn:asana", response_pointer("/tasks", 200)), tasks_page)
    assert asana_entries["data"]
    assert_valid(
        validator("asana", "urn:asana", response_pointer("/tasks/{task_gid}/time_tracking_entries", 200)), asana_entries
    )
    task_schema = validator("asana", "urn:asana", "/components/schemas/TaskResponse")
    for task in tasks_page["data"]:
        assert_valid(task_schema, task)
    assert_valid(validator("clickup", "urn:clickup", response_pointer("/v2/list/{list_id}/task")), list_page)
    assert_valid(validator("clickup", "urn:clickup", response_pointer("/v2/team/{team_Id}/time_entries")), entries)
    assert any("حملة" in t["name"] or "Отчёт" in t["name"] or "📈" in t["name"] for t in tasks_page["data"])


def test_the_offline_demo_is_the_same_every_time():
    snapshots = []
    for _ in range(2):
        asana, clickup = FakeAsana(token=TOKEN), FakeClickUp(token=TOKEN)
        populate_demo(asana, clickup, ["amira@agency.test"], tasks=10)
        snapshots.append(({k: v["name"] for k, v in asana.tasks.items()}, sorted(clickup.tasks)))
        asana.httpd.server_close()
        clickup.httpd.server_close()

    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][0]) > 40
