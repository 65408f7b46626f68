"""The run lock, the command and the jobs: one code path, one run per source at a time."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.tests.factories import ClientFactory
from tasks import jobs
from tasks.models import SyncRun, Task
from tasks.services import external_project_set_client, sync_run_create, task_link_parents
from tasks.sync import runner
from tasks.sync.fakes import asana_task
from tasks.tests.factories import ExternalProjectFactory, SourceFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_a_source_has_at_most_one_queued_or_running_run():
    source = SourceFactory()

    first, created = sync_run_create(source=source)
    second, created_again = sync_run_create(source=source)

    assert created
    assert not created_again
    assert first == second
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRun.objects.create(source=source, status=SyncRun.Status.RUNNING)


def test_a_run_abandoned_by_a_dead_worker_does_not_block_the_source_forever():
    source = SourceFactory()
    stale = SyncRun.objects.create(
        source=source, status=SyncRun.Status.RUNNING, queued_at=timezone.now() - dt.timedelta(hours=3)
    )

    run, created = sync_run_create(source=source)

    stale.refresh_from_db()
    assert created
    assert run != stale
    assert stale.status == SyncRun.Status.FAILED
    assert "Abandoned" in stale.error_message


def test_a_redelivered_job_for_a_finished_run_does_nothing():
    run = SyncRun.objects.create(source=SourceFactory(), status=SyncRun.Status.SUCCEEDED, fetched=3)

    assert runner.execute_run(run.pk) is None
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.fetched == 3


def test_an_unexpected_error_fails_the_run_and_is_re_raised(monkeypatch):
    run, _ = sync_run_create(source=SourceFactory(token_env_var="SOME_TOKEN"))
    monkeypatch.setenv("SOME_TOKEN", "x")
    monkeypatch.setattr(runner.Runner, "execute", lambda self: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        runner.execute_run(run.pk)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert "ZeroDivisionError" in run.error_message


def test_mapping_a_project_moves_its_tasks_and_their_subtasks_to_the_client():
    project = ExternalProjectFactory(client=None)
    parent = TaskFactory(source=project.source, project=project, client=None, external_id="p1")
    child = TaskFactory(source=project.source, project=None, client=None, external_id="c1", parent_external_id="p1")
    task_link_parents(source=project.source)
    client = ClientFactory()

    external_project_set_client(project=project, client=client)

    parent.refresh_from_db()
    child.refresh_from_db()
    assert parent.client == client
    assert child.client == client
    assert child.parent == parent


def test_the_nightly_job_queues_one_run_per_enabled_source_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    enabled, _disabled = SourceFactory(), SourceFactory(enabled=False)
    dispatched = []
    monkeypatch.setattr("tasks.jobs.sync_source.apply_async", lambda args, **options: dispatched.append(args[0]))

    with django_capture_on_commit_callbacks(execute=True):
        jobs.sync_all_sources.apply()

    assert dispatched == [SyncRun.objects.get(source=enabled).pk]


def test_the_command_syncs_prints_a_summary_and_succeeds(fake_asana, asana_source):
    ExternalProjectFactory(source=asana_source, external_id="101", name="Проект")
    fake_asana.add_project("101", "Проект")
    fake_asana.put(asana_task("1", "Задача 🎯", ["101"], modified_at=timezone.now()))
    out = io.StringIO()

    call_command("sync_tasks", "--source", asana_source.name, stdout=out)

    assert "created 1" in out.getvalue()
    assert "Succeeded" in out.getvalue()
    assert Task.objects.get(source=asana_source).name == "Задача 🎯"


def test_the_command_syncs_only_the_sources_it_is_given(fake_asana, asana_source, clickup_source):
    SourceFactory(name="Seeded, without a token", token_env_var="NOT_SET_ANYWHERE")
    out = io.StringIO()

    call_command("sync_tasks", "--source", asana_source.name, "--source", clickup_source.name, stdout=out)

    assert out.getvalue().count("Succeeded") == 2
    assert "Seeded" not in out.getvalue()
    with pytest.raises(CommandError, match="'Typo'"):
        call_command("sync_tasks", "--source", asana_source.name, "--source", "Typo")


def test_the_command_fails_loudly_when_a_run_fails(fake_asana, asana_source, monkeypatch):
    monkeypatch.setenv("ASANA_TEST_TOKEN", "wrong")
    out = io.StringIO()

    with pytest.raises(CommandError, match="Sync failed for: Asana"):
        call_command("sync_tasks", "--full", stdout=out)

    assert "401" in out.getvalue()


def test_the_command_names_the_sources_when_given_an_unknown_one():
    SourceFactory(name="Real one")

    with pytest.raises(CommandError, match="Real one"):
        call_command("sync_tasks", "--source", "Typo")


def queued_minutes_ago(minutes: float, **fields) -> SyncRun:
    """A queued run whose Celery message never arrived (e.g. Redis restarted right after)."""
    return SyncRun.objects.create(
        status=SyncRun.Status.QUEUED, queued_at=timezone.now() - dt.timedelta(minutes=minutes), **fields
    )


def test_a_queued_run_whose_job_was_lost_is_failed_when_the_next_run_is_requested():
    source = SourceFactory()
    lost = queued_minutes_ago(6, source=source)

    run, created = sync_run_create(source=source)

    lost.refresh_from_db()
    assert created
    assert run != lost
    assert lost.status == SyncRun.Status.FAILED
    assert lost.finished_at is not None
    assert "no worker picked it up within 5 minutes" in lost.error_message
    assert "Redis restarted" in lost.error_message


def test_a_queued_run_is_given_a_few_minutes_before_it_counts_as_lost():
    source = SourceFactory()
    waiting = queued_minutes_ago(2, source=source)

    run, created = sync_run_create(source=source)

    assert (run, created) == (waiting, False)


def test_a_queued_run_waiting_its_turn_behind_a_busy_worker_is_not_lost():
    source = SourceFactory()
    waiting = queued_minutes_ago(30, source=source)
    SyncRun.objects.create(  # another source's long run keeps the only worker busy
        source=SourceFactory(),
        status=SyncRun.Status.RUNNING,
        queued_at=timezone.now() - dt.timedelta(minutes=31),
        started_at=timezone.now() - dt.timedelta(minutes=31),
    )

    run, created = sync_run_create(source=source)

    assert (run, created) == (waiting, False)


def test_the_periodic_job_fails_every_sources_lost_runs_and_a_late_job_then_does_nothing():
    lost = [queued_minutes_ago(8, source=SourceFactory()), queued_minutes_ago(20, source=SourceFactory())]
    fresh = queued_minutes_ago(1, source=SourceFactory())

    assert jobs.fail_lost_sync_runs.apply().get() == 2

    assert {r.status for r in SyncRun.objects.filter(pk__in=[r.pk for r in lost])} == {SyncRun.Status.FAILED}
    fresh.refresh_from_db()
    assert fresh.status == SyncRun.Status.QUEUED
    assert runner.execute_run(lost[0].pk) is None  # the message turned up after all: nothing happens


def test_the_lost_run_sweep_is_on_the_beat_schedule_every_few_minutes():
    from django.conf import settings

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "tasks.jobs.fail_lost_sync_runs")

    assert entry["schedule"].minute == set(range(0, 60, 5))
    assert jobs.fail_lost_sync_runs.name == entry["task"]
