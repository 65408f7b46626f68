"""The Asana sync against a fake Asana on a real socket, through the official client."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from clients.tests.factories import ClientFactory
from tasks.models import ExternalProject, SyncRun, Task
from tasks.sync.fakes import asana_task, asana_time_entry
from tasks.tests.conftest import TOKEN
from tasks.tests.factories import ExternalProjectFactory

pytestmark = pytest.mark.django_db

ARABIC, RUSSIAN, EMOJI = "حملة الربيع", "Редизайн сайта", "🚀 Запуск launch"


def recent(minutes: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=2) + dt.timedelta(minutes=minutes)


@pytest.fixture
def world(fake_asana, asana_source):
    """Two mapped projects, one unmapped; an AM known by email; the awkward cases of the contract."""
    am = UserFactory(username="amira", email="Amira@Agency.test")
    client_a, client_b = ClientFactory(name="Client A", account_manager=am), ClientFactory(name="Client B")
    ExternalProjectFactory(source=asana_source, external_id="101", name=ARABIC, client=client_a)
    ExternalProjectFactory(source=asana_source, external_id="102", name=RUSSIAN, client=client_b)
    fake_asana.add_project("101", ARABIC)
    fake_asana.add_project("102", RUSSIAN)
    fake_asana.add_project("103", EMOJI)
    fake_asana.add_user("9001", "Amira", "amira@agency.test")
    amira = ("9001", "amira@agency.test")
    fake_asana.put(
        asana_task("1", ARABIC + " — مهمة", ["101"], modified_at=recent(), due_on="2026-12-01", assignee=amira)
    )
    fake_asana.put(
        asana_task(
            "2", "Созвон 📞", ["101"], modified_at=recent(), due_on="2026-12-02", due_at="2026-12-02T15:30:00.000Z"
        )
    )
    fake_asana.put(asana_task("3", "No due date", ["101"], modified_at=recent()))
    fake_asana.put(asana_task("4", "Shared brief", ["102", "101"], modified_at=recent()))  # home: 102
    fake_asana.put(asana_task("5", "Parent", ["101"], modified_at=recent(), num_subtasks=1))
    fake_asana.put(asana_task("6", "Subtask", [], modified_at=recent(), parent="5"))
    fake_asana.put(
        asana_task("7", "Freelancer work", ["102"], modified_at=recent(), assignee=("9002", "x@freelance.test"))
    )
    fake_asana.put(asana_task("8", "Unmapped project task", ["103"], modified_at=recent()))
    # Hours tracked in Asana: 90 minutes by Amira on task 1, 45 by a freelancer on the subtask.
    entered = (timezone.now() - dt.timedelta(days=2)).date().isoformat()
    fake_asana.time_entries["1"] = [
        asana_time_entry("t1", minutes=90, entered_on=entered, user=("9001", "Amira"), project=("101", ARABIC))
    ]
    fake_asana.time_entries["6"] = [asana_time_entry("t6", minutes=45, entered_on=entered, user=("9002", "Freelancer"))]
    return {"am": am, "client_a": client_a, "client_b": client_b}


def test_a_first_sync_stores_each_task_once_with_its_home_projects_client(world, asana_source, sync):
    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    tasks = {t.external_id: t for t in Task.objects.filter(source=asana_source)}
    assert set(tasks) == {"1", "2", "3", "4", "5", "6", "7"}  # the unmapped project's task is not pulled
    assert tasks["4"].client == world["client_b"]  # listed in 101 and 102, home is 102
    assert tasks["6"].parent == tasks["5"]
    assert tasks["6"].client == world["client_a"]
    assert tasks["1"].name == ARABIC + " — مهمة"
    assert tasks["2"].name == "Созвон 📞"
    assert tasks["1"].assignee == world["am"]  # matched by email, whatever its case
    assert tasks["7"].assignee is None
    assert tasks["7"].assignee_email == "x@freelance.test"
    asana_source.refresh_from_db()
    assert asana_source.unknown_assignees == [["x@freelance.test", 1, 1]]  # counted at the run's end
    assert (run.created, run.updated, run.unchanged, run.skipped) == (7, 0, 0, 0)
    assert run.fetched == 7  # task 4 came twice (both projects) and counted once


def test_due_on_and_due_at_are_kept_apart_and_a_missing_due_date_stays_empty(world, asana_source, sync):
    sync(asana_source)

    day_only, timed, none = (Task.objects.get(source=asana_source, external_id=i) for i in ("1", "2", "3"))
    assert day_only.due_on == dt.date(2026, 12, 1)
    assert day_only.due_at is None
    assert timed.due_on == dt.date(2026, 12, 2)
    assert timed.due_at == dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC)
    assert none.due_on is None
    assert none.due_at is None


def test_unmapped_projects_are_listed_with_their_unicode_names(world, asana_source, sync):
    sync(asana_source)

    unmapped = ExternalProject.objects.filter(source=asana_source, client__isnull=True)
    assert list(unmapped.values_list("name", flat=True)) == [EMOJI]


def row_versions() -> dict[str, str]:
    """Each task's xmin: Postgres gives a row a new one whenever it is written."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT external_id, xmin::text FROM tasks_task")
        return dict(cursor.fetchall())


def test_a_rerun_with_nothing_changed_writes_no_task(world, asana_source, sync):
    sync(asana_source)
    before = row_versions()

    run = sync(asana_source, mode=SyncRun.Mode.FULL)

    assert row_versions() == before
    assert (run.created, run.updated, run.unchanged, run.deleted) == (0, 0, 7, 0)


def test_an_incremental_run_asks_only_for_what_changed_since_the_cursor_minus_the_overlap(
    world, fake_asana, asana_source, sync
):
    sync(asana_source)
    cursor = asana_source.cursor
    fake_asana.put(asana_task("3", "Now with a name change", ["101"], modified_at=timezone.now()))
    fake_asana.requests.clear()

    run = sync(asana_source)

    assert any("modified_since=" in r for r in fake_asana.requests)
    assert (run.fetched, run.updated, run.created) == (1, 1, 0)
    assert Task.objects.get(source=asana_source, external_id="3").name == "Now with a name change"
    assert asana_source.cursor > cursor
    assert run.cursor_before == cursor


def test_pagination_follows_the_offset_across_many_pages(fake_asana, asana_source, sync):
    ExternalProjectFactory(source=asana_source, external_id="101", name="Big")
    fake_asana.add_project("101", "Big")
    for i in range(1, 231):
        fake_asana.put(asana_task(str(1000 + i), f"Task {i}", ["101"], modified_at=recent(i)))

    run = sync(asana_source)

    assert run.created == 230
    assert Task.objects.filter(source=asana_source).count() == 230
    assert sum("/tasks?" in r and "offset=" in r for r in fake_asana.requests) == 4  # 5 pages of 50


def test_a_429_waits_as_long_as_retry_after_says_then_carries_on(world, fake_asana, asana_source, sync, sleeps):
    fake_asana.fail_next(status=429, headers={"Retry-After": "7"}, path_contains="/tasks")

    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert sleeps == [7.0]
    assert any(e["kind"] == "retry" and "429" in e["message"] for e in run.errors)
    assert Task.objects.filter(source=asana_source).count() == 7


def test_a_500_is_retried_with_backoff_and_the_run_succeeds(world, fake_asana, asana_source, sync, sleeps):
    fake_asana.fail_next(status=500, path_contains="/tasks")
    fake_asana.fail_next(status=503, path_contains="/tasks")

    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert len(sleeps) == 2
    assert sleeps[1] > 0
    assert run.created == 7


def test_a_timeout_is_retried(world, fake_asana, asana_source, sync, sleeps):
    fake_asana.fail_next(status=None, delay=1.0, path_contains="/tasks")

    run = sync(asana_source, timeout=(1.0, 0.3))

    assert run.status == SyncRun.Status.SUCCEEDED
    assert any("did not answer in time" in e["message"] for e in run.errors if e["kind"] == "retry")


def test_an_api_that_hangs_fails_the_run_cleanly_after_the_retries_and_loses_nothing(
    world, fake_asana, asana_source, sync, sleeps
):
    sync(asana_source)
    cursor = asana_source.cursor
    fake_asana.fail_next(status=None, delay=1.0, path_contains="/tasks", times=1_000)  # never answers in time

    run = sync(asana_source, timeout=(1.0, 0.2))

    assert run.status == SyncRun.Status.FAILED
    assert "did not answer in time" in run.error_message
    assert run.finished_at is not None
    assert Task.objects.filter(source=asana_source, deleted_at__isnull=True).count() == 7
    asana_source.refresh_from_db()
    assert asana_source.cursor == cursor


def test_a_refused_token_fails_the_run_clearly_and_loses_nothing(world, asana_source, sync, monkeypatch):
    sync(asana_source)
    cursor = asana_source.cursor
    monkeypatch.setenv("ASANA_TEST_TOKEN", "revoked")

    run = sync(asana_source)

    assert run.status == SyncRun.Status.FAILED
    assert "401" in run.error_message
    assert "token" in run.error_message
    assert "revoked" not in run.error_message
    assert TOKEN not in str(run.errors)
    assert Task.objects.filter(source=asana_source, deleted_at__isnull=True).count() == 7
    assert asana_source.cursor == cursor


def test_a_missing_token_variable_fails_with_its_name(world, asana_source, sync, monkeypatch):
    monkeypatch.delenv("ASANA_TEST_TOKEN")

    run = sync(asana_source)

    assert run.status == SyncRun.Status.FAILED
    assert "ASANA_TEST_TOKEN" in run.error_message


def test_malformed_records_are_skipped_counted_and_reported(world, fake_asana, asana_source, sync):
    broken = asana_task("90", "Broken date", ["101"], modified_at=recent())
    broken["created_at"] = "yesterday-ish"
    nameless = asana_task("91", "x", ["101"], modified_at=recent())
    del nameless["name"]
    fake_asana.put(broken)
    fake_asana.put(nameless)

    run = sync(asana_source)

    assert run.status == SyncRun.Status.PARTIAL
    assert (run.skipped, run.created) == (2, 7)
    assert {e["external_id"] for e in run.errors if e["kind"] == "skipped"} == {"90", "91"}


def test_an_interrupted_run_keeps_its_pages_and_a_rerun_completes_without_duplicates(fake_asana, asana_source, sync):
    ExternalProjectFactory(source=asana_source, external_id="101", name="Big")
    fake_asana.add_project("101", "Big")
    for i in range(1, 121):
        fake_asana.put(asana_task(str(1000 + i), f"Task {i}", ["101"], modified_at=recent(i)))
    # Page 1 answers; page 2 keeps failing until the policy gives up.
    fake_asana.fail_next(status=502, path_contains="/tasks", after=1, times=3)

    interrupted = sync(asana_source, attempts=3)

    assert interrupted.status == SyncRun.Status.FAILED
    assert "gave up" in interrupted.error_message
    assert Task.objects.filter(source=asana_source).count() == 50  # page 1 was committed
    assert asana_source.cursor is None  # ...but the cursor did not move past uncommitted data

    rerun = sync(asana_source)

    assert rerun.status == SyncRun.Status.SUCCEEDED
    assert Task.objects.filter(source=asana_source).count() == 120
    assert (rerun.created, rerun.unchanged) == (70, 50)
    assert asana_source.cursor == rerun.cursor_after


def test_a_full_reconciliation_marks_tasks_deleted_at_the_source(world, fake_asana, asana_source, sync):
    sync(asana_source)
    del fake_asana.tasks["3"]

    incremental = sync(asana_source)
    assert incremental.deleted == 0  # an incremental listing cannot tell deleted from unchanged

    full = sync(asana_source, mode=SyncRun.Mode.FULL)

    assert full.deleted == 1
    assert Task.objects.get(source=asana_source, external_id="3").deleted_at is not None
    assert Task.objects.live().filter(source=asana_source).count() == 6


def test_a_project_mapped_later_gets_its_whole_history_on_the_next_incremental_run(
    world, fake_asana, asana_source, sync
):
    sync(asana_source)
    project = ExternalProject.objects.get(source=asana_source, external_id="103")
    project.client = world["client_a"]
    project.save()

    run = sync(asana_source)

    assert run.created == 1
    assert Task.objects.get(source=asana_source, external_id="8").client == world["client_a"]


def test_a_project_mapped_later_brings_its_old_subtasks_and_theirs_too(world, fake_asana, asana_source, sync):
    """Its subtasks were last modified long before the cursor: only a full listing finds them."""
    long_ago = timezone.now() - dt.timedelta(days=40)
    fake_asana.put(asana_task("8", "Unmapped project task", ["103"], modified_at=long_ago, num_subtasks=1))
    fake_asana.put(asana_task("81", "Old subtask", [], modified_at=long_ago, parent="8", num_subtasks=1))
    fake_asana.put(asana_task("811", "Old sub-subtask", [], modified_at=long_ago, parent="81"))
    sync(asana_source)
    assert not Task.objects.filter(source=asana_source, external_id__in=["8", "81", "811"]).exists()
    project = ExternalProject.objects.get(source=asana_source, external_id="103")
    project.client = world["client_a"]
    project.save()

    run = sync(asana_source)

    assert run.mode == SyncRun.Mode.INCREMENTAL
    assert run.created == 3, run.errors
    tasks = {t.external_id: t for t in Task.objects.filter(source=asana_source, external_id__in=["8", "81", "811"])}
    assert tasks["81"].parent == tasks["8"]
    assert tasks["811"].parent == tasks["81"]
    assert {t.client for t in tasks.values()} == {world["client_a"]}


def test_an_expired_offset_restarts_the_listing_without_duplicates(fake_asana, asana_source, sync):
    ExternalProjectFactory(source=asana_source, external_id="101", name="Big")
    fake_asana.add_project("101", "Big")
    for i in range(1, 121):
        fake_asana.put(asana_task(str(1000 + i), f"Task {i}", ["101"], modified_at=recent(i)))
    expired = {"errors": [{"message": "offset: Your pagination token has expired."}]}
    fake_asana.fail_next(status=400, path_contains="offset=", body=expired)

    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.created, run.fetched) == (120, 120)
    assert Task.objects.filter(source=asana_source).count() == 120


def test_an_assignee_without_a_visible_email_is_matched_through_the_workspace_users(
    world, fake_asana, asana_source, sync
):
    hidden = asana_task("50", "Hidden email", ["101"], modified_at=recent(), assignee=("9001", ""))
    hidden["assignee"].pop("email")
    fake_asana.put(hidden)

    sync(asana_source)

    assert Task.objects.get(source=asana_source, external_id="50").assignee == world["am"]


def test_names_longer_than_any_old_column_are_kept_whole(world, fake_asana, asana_source, sync):
    long_name = "Квартальный отчёт 📈 " * 120  # about 2,400 characters
    fake_asana.put(asana_task("60", long_name, ["101"], modified_at=recent(), section="Этап " * 80))
    fake_asana.projects[0]["name"] = "حملة " * 100

    run = sync(asana_source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    task = Task.objects.get(source=asana_source, external_id="60")
    assert task.name == long_name
    assert task.section == "Этап " * 80
    assert ExternalProject.objects.get(source=asana_source, external_id="101").name == "حملة " * 100
