"""Fixed deadlines for the tools' tasks: the first due date God-view saw stays on the task, every
later move is a due-date change, and the on-time rate holds tasks to their original due date."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from clients.models import DailySnapshot
from clients.tests.factories import ClientFactory
from core.weeks import agency_tz, today
from godview.rollup import day_bounds, rollup_day
from tasks import services
from tasks.models import DueDateChange, SyncRun, Task
from tasks.selectors import Slips, slips_by_client
from tasks.sync.base import task_record
from tasks.sync.fakes import asana_task
from tasks.tests.factories import ExternalProjectFactory, SourceFactory, TaskFactory

pytestmark = pytest.mark.django_db


def later(minutes: int) -> dt.datetime:
    """A modification time after the previous run's cursor, so the next incremental run lists it."""
    return timezone.now() + dt.timedelta(minutes=minutes)


@pytest.fixture
def project(fake_asana, asana_source):
    client = ClientFactory(name="Fixed deadlines")
    ExternalProjectFactory(source=asana_source, external_id="101", name="Launch", client=client)
    fake_asana.add_project("101", "Launch")
    return client


def put(fake_asana, gid: str, due_on: str | None, minutes: int, **extra) -> None:
    fake_asana.put(
        asana_task(gid, extra.pop("name", f"Task {gid}"), ["101"], modified_at=later(minutes), due_on=due_on, **extra)
    )


def changes(gid: str) -> list[tuple]:
    return list(
        DueDateChange.objects.filter(task__external_id=gid)
        .order_by("seen_at", "pk")
        .values_list("old_due_on", "new_due_on")
    )


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def test_every_move_of_a_due_date_is_kept_and_the_first_one_stays_the_original(project, fake_asana, asana_source, sync):
    put(fake_asana, "1", "2026-12-01", 0)
    put(fake_asana, "2", None, 0)  # no due date yet
    put(fake_asana, "3", "2026-12-01", 0)
    first = sync(asana_source)
    assert (first.created, first.due_date_changes, DueDateChange.objects.count()) == (3, 0, 0)

    put(fake_asana, "1", "2026-12-05", 10)  # moved later: a slip
    put(fake_asana, "2", "2026-12-20", 10)  # a first due date: the original, not a change
    put(fake_asana, "3", "2026-12-01", 10, name="Renamed")  # written, but its due date did not move
    moved = sync(asana_source)

    assert (moved.updated, moved.due_date_changes) == (3, 1)
    task = Task.objects.get(source=asana_source, external_id="1")
    assert (task.due_on, task.original_due_on, task.original_due_date, task.slipped) == (d(5), d(1), d(1), True)
    assert changes("1") == [(d(1), d(5))]
    two = Task.objects.get(source=asana_source, external_id="2")
    assert (two.original_due_on, two.original_due_date, changes("2")) == (None, d(20), [])
    assert changes("3") == []

    for minutes, due in ((20, "2026-12-03"), (30, None), (40, "2026-12-09")):  # earlier, taken away, back
        put(fake_asana, "1", due, minutes)
        assert sync(asana_source).due_date_changes == 1

    assert changes("1") == [(d(1), d(5)), (d(5), d(3)), (d(3), None), (None, d(9))]
    assert [c.is_slip for c in DueDateChange.objects.filter(task__external_id="1").order_by("seen_at", "pk")] == [
        True,
        False,
        True,  # taking a deadline away pushes it back indefinitely
        False,
    ]
    task.refresh_from_db()
    assert (task.due_on, task.original_due_on, task.slipped) == (d(9), d(1), True)


def test_an_unchanged_rerun_writes_no_task_and_no_change(project, fake_asana, asana_source, sync):
    for n in range(5):
        put(fake_asana, str(n), "2026-12-01", n)
    sync(asana_source)
    put(fake_asana, "1", "2026-12-08", 10)
    sync(asana_source)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(xmin::text::bigint) FROM tasks_task")
        before = cursor.fetchone()

    rerun = sync(asana_source, mode=SyncRun.Mode.FULL)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(xmin::text::bigint) FROM tasks_task")
        assert cursor.fetchone() == before
    assert (rerun.updated, rerun.due_date_changes, DueDateChange.objects.count()) == (0, 0, 1)


def test_a_subtasks_due_date_moves_are_kept_too(project, fake_asana, asana_source, sync):
    put(fake_asana, "5", "2026-12-01", 0, num_subtasks=1)
    fake_asana.put(asana_task("6", "Sub", [], modified_at=later(0), parent="5", due_on="2026-12-02"))
    sync(asana_source)
    put(fake_asana, "5", "2026-12-01", 10, num_subtasks=1)  # Asana lists subtasks of changed parents
    fake_asana.put(asana_task("6", "Sub", [], modified_at=later(10), parent="5", due_on="2026-12-04"))

    run = sync(asana_source)

    assert run.due_date_changes == 1
    assert changes("6") == [(d(2), d(4))]
    assert Task.objects.get(source=asana_source, external_id="6").original_due_on == d(2)


def record(gid: str, due_on: dt.date | None, name: str = "Task"):
    now = timezone.now()
    return task_record(
        external_id=gid, name=name, project_external_id="101", created_at=now, modified_at=now, due_on=due_on
    )


@pytest.mark.parametrize("path", ["copy", "orm"])
def test_both_upsert_paths_keep_the_same_history(path):
    """Postgres COPY + INSERT … ON CONFLICT, and the ORM path the embedded SQLite default uses."""
    source = SourceFactory()
    ExternalProjectFactory(source=source, external_id="101", client=ClientFactory())
    ctx = services.SyncContext.load(source)
    upsert = services._prepare_in_postgres if path == "copy" else services._task_upsert_with_orm
    counts = []
    for batch in (
        [record("a", d(1)), record("b", None), record("c", d(1))],
        [record("a", d(5)), record("b", d(7)), record("c", d(1), name="Renamed")],
        [record("a", None), record("b", d(8)), record("c", d(1), name="Renamed")],
        [record("a", d(2)), record("b", d(8)), record("c", d(1), name="Renamed")],
    ):
        result = upsert(ctx, batch)
        counts.append((result() if path == "copy" else result).due_date_changes)

    assert counts == [0, 1, 2, 1]
    assert changes("a") == [(d(1), d(5)), (d(5), None), (None, d(2))]
    assert changes("b") == [(d(7), d(8))]
    assert changes("c") == []
    originals = dict(Task.objects.filter(source=source).values_list("external_id", "original_due_on"))
    assert originals == {"a": d(1), "b": d(7), "c": None}


def test_the_on_time_rate_holds_a_task_to_its_original_due_date(am):
    client = ClientFactory(account_manager=am)
    day = today() - dt.timedelta(days=10)
    start, _end = day_bounds(day)
    # Rescheduled from `day` to `day + 5`, then done on `day + 3`: late, whatever the tool says now.
    TaskFactory(
        client=client,
        due_on=day + dt.timedelta(days=5),
        original_due_on=day,
        completed_at=start + dt.timedelta(days=3, hours=10),
    )
    TaskFactory(client=client, due_on=day, completed_at=start + dt.timedelta(hours=10))  # never moved, on time

    rollup_day(day)
    rollup_day(day + dt.timedelta(days=5))

    snapshots = {s.date: s for s in DailySnapshot.objects.filter(client=client)}
    assert (snapshots[day].tasks_due, snapshots[day].tasks_on_time) == (2, 1)
    assert snapshots[day + dt.timedelta(days=5)].tasks_due == 0


def moved(task: Task, old: dt.date | None, new: dt.date | None, days_ago: float) -> DueDateChange:
    return DueDateChange.objects.create(
        task=task, old_due_on=old, new_due_on=new, seen_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_slips_per_client_in_a_period_count_only_dates_moved_later_of_live_tasks(am):
    ours, theirs = ClientFactory(account_manager=am), ClientFactory(account_manager=am)
    twice, once, earlier, gone = (TaskFactory(client=ours) for _ in range(4))
    moved(twice, d(1), d(4), days_ago=3)
    moved(twice, d(4), None, days_ago=2)  # taken away: a slip too
    moved(once, d(1), d(9), days_ago=5)
    moved(once, d(9), d(2), days_ago=4)  # moved earlier: not a slip
    moved(earlier, d(5), d(3), days_ago=1)
    moved(TaskFactory(client=ours), d(1), d(2), days_ago=40)  # before the period
    moved(gone, d(1), d(2), days_ago=1)
    gone.deleted_at = timezone.now()
    gone.save()
    moved(TaskFactory(client=theirs), d(1), d(3), days_ago=1)
    start, end = today() - dt.timedelta(days=28), today() + dt.timedelta(days=1)

    assert slips_by_client([ours.pk], start, end) == {ours.pk: Slips(slips=3, tasks=2)}
    assert slips_by_client(type(ours).objects.all(), start, end) == {
        ours.pk: Slips(slips=3, tasks=2),
        theirs.pk: Slips(slips=1, tasks=1),
    }
    assert slips_by_client([ours.pk], today() - dt.timedelta(days=60), today() - dt.timedelta(days=30)) == {
        ours.pk: Slips(slips=1, tasks=1)
    }


def test_the_daily_snapshot_counts_the_tasks_that_slipped_in_the_last_28_days(am):
    client = ClientFactory(account_manager=am)
    again, once = TaskFactory(client=client), TaskFactory(client=client)
    moved(again, d(1), d(4), days_ago=3)
    moved(again, d(4), d(6), days_ago=2)
    moved(once, d(1), d(9), days_ago=20)
    moved(TaskFactory(client=client), d(9), d(2), days_ago=1)  # earlier: not a slip
    moved(TaskFactory(client=client), d(1), d(2), days_ago=35)  # too long ago
    yesterday = timezone.now().astimezone(agency_tz()).date() - dt.timedelta(days=1)

    rollup_day(yesterday)

    assert DailySnapshot.objects.get(client=client, date=yesterday).slipped_tasks == 2
