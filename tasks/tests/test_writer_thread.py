"""The writer thread: outside a transaction, on Postgres, batches are stored on a second
connection while the next ones are validated. Same results, same guarantees, nothing left hanging.

These tests commit for real (transaction=True): the writer's own connection must see the source
and projects the test created.
"""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError
from django.utils import timezone

from tasks import services
from tasks.models import SyncRun, Task
from tasks.sync import runner
from tasks.sync.fakes import asana_task
from tasks.sync.runner import BackgroundWriter
from tasks.tests.factories import ExternalProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def recent(minutes: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=2) + dt.timedelta(minutes=minutes)


@pytest.fixture
def writer_threads(monkeypatch) -> list[str]:
    """Small batches (several per run), and the name of the thread each batch was stored on."""
    monkeypatch.setattr(runner, "FLUSH_EVERY", 50)
    names: list[str] = []
    write = runner.Runner._write

    def spy(self, upsert):
        names.append(threading.current_thread().name)
        return write(self, upsert)

    monkeypatch.setattr(runner.Runner, "_write", spy)
    return names


@pytest.fixture
def big_project(fake_asana, asana_source):
    ExternalProjectFactory(source=asana_source, external_id="101", name="Big")
    fake_asana.add_project("101", "Big")
    for i in range(1, 181):
        fake_asana.put(asana_task(str(1000 + i), f"Task {i} — мёд", ["101"], modified_at=recent(i)))
    fake_asana.put(asana_task("2000", "Parent", ["101"], modified_at=recent(), num_subtasks=1))
    fake_asana.put(asana_task("2001", "Subtask", [], modified_at=recent(), parent="2000"))


def no_writer_left() -> bool:
    return not any(t.name == "sync-writer" for t in threading.enumerate())


def test_a_run_outside_a_transaction_stores_every_batch_on_the_writer_thread(
    big_project, asana_source, sync, writer_threads
):
    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert set(writer_threads) == {"sync-writer"} and len(writer_threads) >= 4
    assert (run.fetched, run.created, run.updated, run.unchanged) == (182, 182, 0, 0)
    assert Task.objects.filter(source=asana_source).count() == 182
    subtask = Task.objects.get(external_id="2001")
    assert subtask.parent.external_id == "2000" and subtask.client_id == subtask.parent.client_id
    assert asana_source.cursor == run.cursor_after
    assert no_writer_left()

    rerun = sync(asana_source, mode=SyncRun.Mode.FULL)

    assert (rerun.created, rerun.updated, rerun.unchanged) == (0, 0, 182)


def test_an_interrupted_run_keeps_what_the_writer_committed_and_the_cursor_stays(
    big_project, fake_asana, asana_source, sync, writer_threads
):
    # Pages of 50: the first two answer, the third keeps failing until the policy gives up.
    fake_asana.fail_next(status=502, path_contains="/tasks", after=2, times=3)

    interrupted = sync(asana_source, attempts=3)

    assert interrupted.status == SyncRun.Status.FAILED
    assert "gave up" in interrupted.error_message
    assert Task.objects.filter(source=asana_source).count() == interrupted.created == 100
    assert asana_source.cursor is None
    assert no_writer_left()

    rerun = sync(asana_source)

    assert rerun.status == SyncRun.Status.SUCCEEDED
    assert (rerun.created, rerun.unchanged) == (82, 100)
    assert Task.objects.filter(source=asana_source).count() == 182


def test_a_database_error_on_the_writer_fails_the_run_keeps_earlier_batches_and_leaves_no_thread(
    big_project, asana_source, sync, writer_threads, monkeypatch
):
    copy_upsert, calls = services._copy_upsert, []

    def second_batch_fails(*args):
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("disk full (simulated)")
        return copy_upsert(*args)

    monkeypatch.setattr(services, "_copy_upsert", second_batch_fails)

    with pytest.raises(DatabaseError, match="disk full"):
        sync(asana_source)

    run = SyncRun.objects.get(source=asana_source)
    assert run.status == SyncRun.Status.FAILED
    assert "disk full" in run.error_message
    assert Task.objects.filter(source=asana_source).count() == 50  # the first batch, committed
    asana_source.refresh_from_db()
    assert asana_source.cursor is None
    assert no_writer_left()


def test_the_writer_keeps_order_and_raises_its_first_error_in_the_caller(transactional_db):
    done: list[int] = []

    def write(n: int) -> None:
        if n == 3:
            raise ValueError("batch 3 is bad")
        done.append(n)

    writer = BackgroundWriter(write)

    def submit_all_then_close() -> None:  # raised by a submit after the failure, or else by close
        for n in range(1, 10):
            writer.submit(n)
        writer.close()

    with pytest.raises(ValueError, match="batch 3"):
        submit_all_then_close()
    with pytest.raises(ValueError, match="batch 3"):
        writer.close()  # again: no wait, the same error
    assert done == [1, 2]
    assert no_writer_left()
