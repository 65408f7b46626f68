"""The ClickUp sync against a fake ClickUp on a real socket."""

import datetime as dt
import time
import urllib.parse

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from clients.tests.factories import ClientFactory
from tasks.models import SyncRun, Task, TimeEntry
from tasks.sync.fakes import clickup_task, clickup_time_entry
from tasks.tests.factories import ExternalProjectFactory

pytestmark = pytest.mark.django_db


def ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def world(fake_clickup, clickup_source):
    am = UserFactory(username="olga", email="olga@agency.test")
    client = ClientFactory(name="Клиент", account_manager=am)
    ExternalProjectFactory(source=clickup_source, external_id="501", name="Контент-план", client=client)
    fake_clickup.add_list("501", "Контент-план")
    fake_clickup.add_list("502", "🎨 Design backlog", folder=None)
    olga = (77, "Olga", "olga@agency.test")
    fake_clickup.add_member(*olga)
    fake_clickup.add_member(78, "Sam", "sam@contractor.test")
    fake_clickup.put(clickup_task("a1", "Статья про SEO", "501", updated=ago(3), due=ago(-5), assignee=olga))
    fake_clickup.put(
        clickup_task(
            "a2",
            "Call at 15:00",
            "501",
            updated=ago(3),
            due=dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC),
            due_has_time=True,
        )
    )
    fake_clickup.put(clickup_task("a3", "Done already ✅", "501", updated=ago(2), done=ago(2)))
    fake_clickup.put(clickup_task("a4", "Subtask of a1", "501", updated=ago(3), parent="a1"))
    fake_clickup.time_entries.append(
        clickup_time_entry("te1", task_id="a1", list_id="501", user=olga, start=ago(1), hours=1.5)
    )
    fake_clickup.time_entries.append(
        clickup_time_entry(
            "te2", task_id="a1", list_id="501", user=(78, "Sam", "sam@contractor.test"), start=ago(2), hours=2
        )
    )
    return {"am": am, "client": client}


def test_a_clickup_sync_stores_tasks_closed_ones_and_subtasks_with_the_lists_client(world, clickup_source, sync):
    run = sync(clickup_source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    tasks = {t.external_id: t for t in Task.objects.filter(source=clickup_source)}
    assert set(tasks) == {"a1", "a2", "a3", "a4"}
    assert tasks["a3"].completed_at is not None
    assert tasks["a1"].completed_at is None
    assert tasks["a4"].parent == tasks["a1"]
    assert tasks["a4"].client == world["client"]
    assert tasks["a1"].assignee == world["am"]
    assert tasks["a1"].name == "Статья про SEO"


def test_a_due_date_without_a_time_is_a_day_and_with_a_time_is_a_moment(world, clickup_source, sync):
    sync(clickup_source)

    timed = Task.objects.get(source=clickup_source, external_id="a2")
    day = Task.objects.get(source=clickup_source, external_id="a1")
    assert timed.due_at == dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC)
    assert timed.due_on == dt.date(2026, 12, 3)
    assert day.due_at is None
    assert day.due_on is not None


def test_the_task_listing_asks_for_closed_tasks_and_subtasks_and_pages_to_the_last(
    world, fake_clickup, clickup_source, sync
):
    for i in range(120):
        fake_clickup.put(clickup_task(f"b{i:03}", f"Bulk {i}", "501", updated=ago(4)))

    run = sync(clickup_source)

    assert run.created == 124
    listing = [urllib.parse.urlsplit(r) for r in fake_clickup.requests if "/list/501/task" in r]
    queries = [urllib.parse.parse_qs(u.query) for u in listing]
    assert [q["page"] for q in queries] == [["0"], ["1"], ["2"]]
    assert all(q["include_closed"] == ["true"] and q["subtasks"] == ["true"] for q in queries)


def test_time_entries_are_fetched_for_every_member_over_explicit_millisecond_dates(
    world, fake_clickup, clickup_source, sync
):
    run = sync(clickup_source)

    calls = [
        urllib.parse.parse_qs(urllib.parse.urlsplit(r).query) for r in fake_clickup.requests if "time_entries" in r
    ]
    assert calls
    assert all(q["assignee"] == ["77,78"] for q in calls)
    assert all(int(q["start_date"][0]) > 2**31 and int(q["end_date"][0]) > 2**31 for q in calls)  # int64 ms
    entries = {e.external_id: e for e in TimeEntry.objects.filter(source=clickup_source)}
    assert set(entries) == {"te1", "te2"}
    assert run.time_entries == 2
    assert entries["te1"].user == world["am"]
    assert str(entries["te1"].hours) == "1.50"
    assert entries["te2"].user is None
    assert entries["te2"].client == world["client"]


def test_an_incremental_clickup_run_filters_by_date_updated_and_writes_nothing_new(
    world, fake_clickup, clickup_source, sync
):
    sync(clickup_source)
    fake_clickup.requests.clear()

    run = sync(clickup_source)

    listing = [r for r in fake_clickup.requests if "/list/501/task" in r]
    assert listing
    assert all("date_updated_gt=" in r for r in listing)
    assert (run.created, run.updated, run.time_entries) == (0, 0, 0)


def test_a_429_waits_until_the_rate_limit_reset_time(world, fake_clickup, clickup_source, sync, sleeps):
    fake_clickup.fail_next(status=429, headers={"X-RateLimit-Reset": str(int(time.time()) + 30)}, path_contains="/task")

    run = sync(clickup_source)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert len(sleeps) == 1
    assert 28 <= sleeps[0] <= 30


def test_a_refused_clickup_token_fails_the_run_with_a_clear_message(world, clickup_source, sync, monkeypatch):
    monkeypatch.setenv("CLICKUP_TEST_TOKEN", "pk_wrong")

    run = sync(clickup_source)

    assert run.status == SyncRun.Status.FAILED
    assert run.error_message.startswith("ClickUp refused the token (401")
    assert Task.objects.filter(source=clickup_source).count() == 0


def test_a_wrong_team_id_is_a_404_that_fails_the_run(world, clickup_source, sync):
    clickup_source.workspace_id = "404404"
    clickup_source.save()

    run = sync(clickup_source)

    assert run.status == SyncRun.Status.FAILED
    assert "404" in run.error_message


def test_a_bad_clickup_record_is_skipped_not_fatal(world, fake_clickup, clickup_source, sync):
    bad = clickup_task("zz", "Bad", "501", updated=ago(1))
    bad["date_updated"] = "not-a-number"
    fake_clickup.put(bad)

    run = sync(clickup_source)

    assert run.status == SyncRun.Status.PARTIAL
    assert run.skipped == 1
    assert run.created == 4


def test_a_record_postgres_would_refuse_is_skipped_alone(world, fake_clickup, clickup_source, sync):
    fake_clickup.put(clickup_task("x" * 80, "Id far too long", "501", updated=ago(1)))
    fake_clickup.put(clickup_task("nul1", "Name with a NUL \x00 inside", "501", updated=ago(1)))

    run = sync(clickup_source)

    assert run.skipped == 1
    assert run.created == 5
    assert Task.objects.get(source=clickup_source, external_id="nul1").name == "Name with a NUL  inside"


def test_a_long_status_name_and_time_entry_description_are_kept_whole(world, fake_clickup, clickup_source, sync):
    fake_clickup.put(clickup_task("long1", "Статья " * 200, "501", updated=ago(1), status="ждёт клиента " * 30))
    fake_clickup.time_entries[0]["description"] = "Созвон с клиентом, " * 60

    run = sync(clickup_source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    task = Task.objects.get(source=clickup_source, external_id="long1")
    assert (task.name, task.section) == ("Статья " * 200, "ждёт клиента " * 30)
    assert TimeEntry.objects.get(source=clickup_source, external_id="te1").description == "Созвон с клиентом, " * 60
