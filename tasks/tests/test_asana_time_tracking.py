"""Hours tracked in Asana: each listed task's time tracking entries, read with the tasks' retries,
skip-and-count and upsert rules; a plan without time tracking is recorded, never fatal."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.weeks import agency_tz, today
from tasks.models import SyncRun, TimeEntry
from tasks.sync.fakes import asana_task, asana_time_entry
from tasks.tests.test_sync_asana import world as asana_world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(asana_world):  # noqa: F811 (the Asana world of test_sync_asana, with its time entries)
    return asana_world


def time_requests(fake) -> list[str]:
    return sorted(r.split("/tasks/")[1].split("/")[0] for r in fake.requests if "/time_tracking_entries" in r)


def entered(days_ago: int) -> str:
    return (timezone.now() - dt.timedelta(days=days_ago)).date().isoformat()


def test_a_first_run_reads_every_tasks_entries_with_the_tasks_client_and_the_authors_email(
    world, fake_asana, asana_source, sync
):
    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert time_requests(fake_asana) == ["1", "2", "3", "4", "5", "6", "7"]  # each stored task once
    entries = {e.external_id: e for e in TimeEntry.objects.filter(source=asana_source).select_related("task")}
    assert set(entries) == {"t1", "t6"}
    assert run.time_entries == 2
    amira = entries["t1"]
    assert (amira.user, amira.client, amira.task.external_id, amira.hours) == (
        world["am"],
        world["client_a"],
        "1",
        Decimal("1.50"),
    )
    assert amira.started_at == dt.datetime.combine(dt.date.fromisoformat(entered(2)), dt.time.min, tzinfo=agency_tz())
    assert (entries["t6"].user, entries["t6"].client) == (
        None,
        world["client_a"],
    )  # the subtask's parent's client


def test_an_incremental_run_reads_the_changed_tasks_entries_only_and_a_rerun_writes_none(
    world, fake_asana, asana_source, sync
):
    sync(asana_source)
    fake_asana.put(asana_task("3", "Changed", ["101"], modified_at=timezone.now()))
    fake_asana.time_entries["3"] = [asana_time_entry("t3", minutes=30, entered_on=entered(0))]
    fake_asana.time_entries["1"][0]["duration_minutes"] = 120  # on a task that did not change
    fake_asana.requests.clear()

    incremental = sync(asana_source)

    assert time_requests(fake_asana) == ["3"]
    assert incremental.time_entries == 1
    assert TimeEntry.objects.get(external_id="t1").hours == Decimal("1.50")  # read again on the full run

    full = sync(asana_source, mode=SyncRun.Mode.FULL)

    assert full.time_entries == 1  # t1 updated; t3 and t6 unchanged, not written
    assert TimeEntry.objects.get(external_id="t1").hours == Decimal("2.00")
    assert TimeEntry.objects.filter(source=asana_source).count() == 3
    assert sync(asana_source, mode=SyncRun.Mode.FULL).time_entries == 0


@pytest.mark.parametrize("status", [402, 403])
def test_a_plan_without_time_tracking_is_recorded_once_and_the_run_carries_on(
    world, fake_asana, asana_source, sync, status
):
    fake_asana.time_tracking = status

    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert run.created == 7
    assert len(time_requests(fake_asana)) == 1  # asked once, not once per task
    asana_source.refresh_from_db()
    assert asana_source.time_tracking_unavailable_since == today()
    notes = [e["message"] for e in run.errors if e["kind"] == "note"]
    assert len(notes) == 1
    assert "time tracking is not available" in notes[0]
    assert str(status) in notes[0]

    asana_source.time_tracking_unavailable_since = today() - dt.timedelta(days=9)
    asana_source.save()
    again = sync(asana_source, mode=SyncRun.Mode.FULL)

    asana_source.refresh_from_db()
    assert asana_source.time_tracking_unavailable_since == today() - dt.timedelta(days=9)  # the first day stays
    note = next(e["message"] for e in again.errors if e["kind"] == "note")
    assert (today() - dt.timedelta(days=9)).isoformat() in note

    fake_asana.time_tracking = None  # the agency upgraded
    upgraded = sync(asana_source, mode=SyncRun.Mode.FULL)

    asana_source.refresh_from_db()
    assert asana_source.time_tracking_unavailable_since is None
    assert upgraded.time_entries == 2
    assert not [e for e in upgraded.errors if e["kind"] == "note"]


def test_a_bad_entry_is_skipped_and_counted_and_the_others_are_kept(world, fake_asana, asana_source, sync):
    fake_asana.time_entries["2"] = [
        asana_time_entry("bad", minutes=30, entered_on="2026-13-45"),
        asana_time_entry("negative", minutes=-30, entered_on=entered(1)),
        asana_time_entry("x" * 80, minutes=30, entered_on=entered(1)),
        asana_time_entry("good", minutes=30, entered_on=entered(1)),
    ]

    run = sync(asana_source)

    assert run.status == SyncRun.Status.PARTIAL
    assert run.skipped == 3
    assert set(TimeEntry.objects.values_list("external_id", flat=True)) == {"t1", "t6", "good"}


def test_a_task_gone_before_its_entries_were_read_is_skipped_and_the_rest_carries_on(
    world, fake_asana, asana_source, sync
):
    fake_asana.fail_next(status=404, path_contains="/tasks/1/time_tracking_entries")

    run = sync(asana_source)

    assert (run.status, run.skipped) == (SyncRun.Status.PARTIAL, 1)
    assert run.skipped_errors[0]["external_id"] == "1"
    assert list(TimeEntry.objects.values_list("external_id", flat=True)) == ["t6"]


def test_a_rate_limited_entries_page_waits_and_is_retried(world, fake_asana, asana_source, sync, sleeps):
    fake_asana.fail_next(status=429, headers={"Retry-After": "3"}, path_contains="/time_tracking_entries")

    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert sleeps == [3.0]
    assert run.time_entries == 2


def test_entries_of_tasks_done_and_untouched_for_90_days_are_not_asked_for_on_a_full_run(
    world, fake_asana, asana_source, sync
):
    long_ago = timezone.now() - dt.timedelta(days=200)
    fake_asana.put(asana_task("9", "Done long ago", ["101"], modified_at=long_ago, completed_at=long_ago))
    fake_asana.put(asana_task("10", "Open for ages", ["101"], modified_at=long_ago))

    sync(asana_source, mode=SyncRun.Mode.FULL)

    assert "10" in time_requests(fake_asana)
    assert "9" not in time_requests(fake_asana)


def test_the_command_prints_the_runs_notes(world, fake_asana, asana_source):
    fake_asana.time_tracking = 402
    out = io.StringIO()

    call_command("sync_tasks", "--source", asana_source.name, stdout=out)

    assert "note: Asana time tracking is not available" in out.getvalue()
    assert "due dates moved 0" in out.getvalue()
