"""A record that cannot be read is skipped and counted, never taken for a deletion.

Each field the sync reads, for a top-level task and for a subtask of both tools, is given a
malformed value (the wrong type, an impossible date, text Postgres refuses, a missing key…) and a
full reconciliation runs: no task may be marked deleted and the run may not fail. One example
malforms every field at once, each on its own task, so a handful of examples cover each field a
handful of times in as many runs. Derandomized: the same examples on every run.
"""

import copy
import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clients.tests.factories import ClientFactory
from tasks.models import SyncRun, Task
from tasks.sync.fakes import asana_task, clickup_task
from tasks.tests.factories import ExternalProjectFactory

pytestmark = pytest.mark.django_db

MISSING = object()  # the key is left out altogether
FUZZ = settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.one_of(st.integers(), st.text(max_size=3)), max_size=3),
    st.dictionaries(st.text(max_size=4), st.one_of(st.none(), st.integers(), st.text(max_size=4)), max_size=2),
    st.just(MISSING),
)
bad_dates = st.sampled_from(["2026-13-45", "2026-02-30", "0000-01-01", "2026-1-1", "", "10000-01-01", "\ud800"])
bad_datetimes = st.sampled_from(
    [
        "2026-13-45T00:00:00Z",
        "2026-01-01T25:00:00Z",
        "2026-01-01T00:00:00+23:59",  # Python takes it, Postgres would refuse it
        "2026-01-01T00:00:00",  # no time zone
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-10:00",
        "yesterday-ish",
        "",
    ]
)
bad_milliseconds = st.sampled_from(["not-a-number", "1.5e3", str(2**70), "-99999999999999999", -(2**63), 10**20, ""])
bad_text = st.one_of(
    st.sampled_from(["\ud800 lone surrogate", "NUL \x00 inside", "\x1b[31m", "x" * 3000, "", " "]),
    st.text(st.characters(categories=["Cs", "Cc", "Zs", "Lo", "So"]), max_size=12),
)
# Not a readable id: any other string is some other task's id, a fact and not a malformed value.
bad_ids = st.sampled_from([MISSING, None, "", 17, True, 1.5, [], {}, ["1"], {"gid": "1"}])


def malformed(*specific: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(*specific, junk)


ASANA_FIELDS = {
    "gid": bad_ids,
    "name": malformed(bad_text),
    "assignee": junk,
    "assignee.email": malformed(bad_text),
    "completed": junk,
    "completed_at": malformed(bad_datetimes),
    "created_at": malformed(bad_datetimes),
    "modified_at": malformed(bad_datetimes),
    "due_on": malformed(bad_dates),
    "due_at": malformed(bad_datetimes),
    "start_on": malformed(bad_dates),
    "memberships": junk,
    "memberships.0.section": junk,
    "projects": junk,
    "projects.0.gid": malformed(bad_ids),
    "parent": junk,
    "num_subtasks": junk,
}
CLICKUP_FIELDS = {
    "id": bad_ids.filter(lambda v: not isinstance(v, int | float)),  # numbers are ids there (coerced to text)
    "name": malformed(bad_text),
    "status": junk,
    "status.type": junk,
    "status.status": malformed(bad_text),
    "date_created": malformed(bad_milliseconds),
    "date_updated": malformed(bad_milliseconds),
    "date_closed": malformed(bad_milliseconds),
    "date_done": malformed(bad_milliseconds),
    "due_date": malformed(bad_milliseconds),
    "due_date_time": junk,
    "start_date": malformed(bad_milliseconds),
    "assignees": junk,
    "assignees.0.email": malformed(bad_text),
    "parent": junk,
    "list": junk,
    "list.id": junk,
}


def with_value(payload: dict, path: str, value) -> dict:
    """A deep copy of `payload` with `path` (dotted; digits index lists) set to `value`; as it was
    when the path is not in it (a subtask lists no projects)."""
    result = copy.deepcopy(payload)
    *parents, last = path.split(".")
    node = result
    for part in parents:
        try:
            node = node[int(part)] if part.isdigit() else node[part]
        except (IndexError, KeyError, TypeError):
            return result
    key = int(last) if last.isdigit() else last
    if value is MISSING:
        del node[key]
    else:
        node[key] = value
    return result


def fields_strategy(fields: dict) -> st.SearchStrategy:
    return st.fixed_dictionaries(fields)


def assert_nothing_deleted(run: SyncRun, source, stored: int) -> None:
    assert run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL), run.error_message
    gone = list(Task.objects.filter(source=source, deleted_at__isnull=False).values_list("name", flat=True))
    assert gone == [], f"taken for deletions: {gone}"
    assert run.deleted == 0
    assert Task.objects.live().filter(source=source).count() == stored


# --- Asana ------------------------------------------------------------------------------------


@pytest.fixture
def asana_targets(fake_asana, asana_source, sync):
    """Per field, a task and a subtask (under one parent) to malform; all stored by a first run."""
    ExternalProjectFactory(source=asana_source, external_id="301", name="Fuzz", client=ClientFactory())
    fake_asana.add_project("301", "Fuzz")
    recent = timezone.now() - dt.timedelta(days=1)
    amira = ("9001", "amira@agency.test")
    fake_asana.put(asana_task("39999", "Parent", ["301"], modified_at=recent, num_subtasks=len(ASANA_FIELDS)))
    targets = {}
    for n, field in enumerate(ASANA_FIELDS):
        for kind, gid, projects, parent in (("task", f"30{n:02}", ["301"], None), ("sub", f"31{n:02}", [], "39999")):
            payload = asana_task(
                gid,
                f"{kind} {field}",
                projects,
                modified_at=recent,
                assignee=amira,
                due_on="2026-12-10",
                due_at="2026-12-10T15:00:00.000Z",
                start_on="2026-12-01",
                completed_at=recent if n % 2 else None,
                parent=parent,
            )
            fake_asana.put(payload)
            targets[(kind, field)] = (gid, payload)
    first = sync(asana_source)
    assert (first.created, first.skipped) == (len(targets) + 1, 0), first.errors
    return targets


@FUZZ
@given(task_values=fields_strategy(ASANA_FIELDS), sub_values=fields_strategy(ASANA_FIELDS))
@example(  # the report that started this: an impossible due date
    task_values={**dict.fromkeys(ASANA_FIELDS, MISSING), "due_on": "2026-13-45", "gid": None},
    sub_values={**dict.fromkeys(ASANA_FIELDS, MISSING), "due_on": "2026-13-45", "name": "\ud800"},
)
def test_a_malformed_asana_record_is_never_taken_for_a_deleted_task(
    asana_targets, fake_asana, asana_source, sync, task_values, sub_values
):
    Task.objects.filter(source=asana_source).update(deleted_at=None)
    for kind, values in (("task", task_values), ("sub", sub_values)):
        for field, value in values.items():
            gid, payload = asana_targets[(kind, field)]
            fake_asana.put_raw(gid, with_value(payload, field, value))

    run = sync(asana_source, mode=SyncRun.Mode.FULL)

    assert_nothing_deleted(run, asana_source, stored=len(asana_targets) + 1)


def test_a_record_that_fails_validation_is_skipped_counted_and_still_seen(
    asana_targets, fake_asana, asana_source, sync
):
    gid, payload = asana_targets[("task", "due_on")]
    fake_asana.put_raw(gid, with_value(payload, "due_on", "2026-13-45"))

    run = sync(asana_source, mode=SyncRun.Mode.FULL)

    assert (run.status, run.skipped, run.deleted) == (SyncRun.Status.PARTIAL, 1, 0)
    assert run.skipped_errors[0]["external_id"] == gid
    assert Task.objects.get(source=asana_source, external_id=gid).deleted_at is None


def test_a_record_without_a_readable_id_holds_back_its_projects_deletions_and_says_so(
    asana_targets, fake_asana, asana_source, sync
):
    gid, payload = asana_targets[("task", "gid")]
    fake_asana.put_raw(gid, with_value(payload, "gid", MISSING))
    del fake_asana.tasks[asana_targets[("task", "name")][0]]  # really deleted at the source

    held_back = sync(asana_source, mode=SyncRun.Mode.FULL)

    assert (held_back.skipped, held_back.deleted) == (1, 0)
    assert any(e["kind"] == "note" and "Fuzz" in e["message"] for e in held_back.errors)
    fake_asana.put(payload)

    readable = sync(asana_source, mode=SyncRun.Mode.FULL)

    assert readable.deleted == 1  # once the listing reads whole, the real deletion is found


# --- ClickUp ----------------------------------------------------------------------------------


@pytest.fixture
def clickup_targets(fake_clickup, clickup_source, sync):
    ExternalProjectFactory(source=clickup_source, external_id="701", name="Fuzz", client=ClientFactory())
    fake_clickup.add_list("701", "Fuzz")
    recent = timezone.now() - dt.timedelta(days=1)
    olga = (77, "Olga", "olga@agency.test")
    fake_clickup.put(clickup_task("p-parent", "Parent", "701", updated=recent))
    targets = {}
    for n, field in enumerate(CLICKUP_FIELDS):
        for kind, task_id, parent in (("task", f"t{n:02}", None), ("sub", f"s{n:02}", "p-parent")):
            payload = clickup_task(
                task_id,
                f"{kind} {field}",
                "701",
                updated=recent,
                assignee=olga,
                due=recent + dt.timedelta(days=3),
                start=recent,
                done=recent if n % 2 else None,
                parent=parent,
            )
            fake_clickup.put(payload)
            targets[(kind, field)] = (task_id, payload)
    first = sync(clickup_source)
    assert (first.created, first.skipped) == (len(targets) + 1, 0), first.errors
    return targets


@FUZZ
@given(task_values=fields_strategy(CLICKUP_FIELDS), sub_values=fields_strategy(CLICKUP_FIELDS))
@example(
    task_values={**dict.fromkeys(CLICKUP_FIELDS, MISSING), "due_date": str(2**70), "id": None},
    sub_values={**dict.fromkeys(CLICKUP_FIELDS, MISSING), "date_updated": "-99999999999999999"},
)
def test_a_malformed_clickup_record_is_never_taken_for_a_deleted_task(
    clickup_targets, fake_clickup, clickup_source, sync, task_values, sub_values
):
    Task.objects.filter(source=clickup_source).update(deleted_at=None)
    for kind, values in (("task", task_values), ("sub", sub_values)):
        for field, value in values.items():
            task_id, payload = clickup_targets[(kind, field)]
            fake_clickup.put_raw(task_id, with_value(payload, field, value))

    run = sync(clickup_source, mode=SyncRun.Mode.FULL)

    assert_nothing_deleted(run, clickup_source, stored=len(clickup_targets) + 1)
