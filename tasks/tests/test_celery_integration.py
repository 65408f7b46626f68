"""A real Celery worker (subprocess) against Redis runs a queued sync into the test database."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tasks.models import SyncRun, Task
from tasks.services import sync_run_enqueue
from tasks.sync.fakes import asana_task
from tasks.tests.conftest import TOKEN
from tasks.tests.factories import ExternalProjectFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def worker_env() -> dict:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": url,  # the test database, which this test's transactions commit to
        "TEST_DATABASE_NAME": db["NAME"],
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": "celery-integration-test",
        "DEBUG": "false",
        "ASANA_TEST_TOKEN": TOKEN,
        "DJANGO_SETTINGS_MODULE": "godview.settings",
    }


def start_worker(**env) -> subprocess.Popen:
    """A solo Celery worker subprocess on the test database; waits until it is ready."""
    celery = Path(sys.executable).with_name("celery")
    quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(
        [str(celery), "-A", "godview", "worker", "--pool=solo", "-Q", "celery", "--loglevel=INFO", *quiet],
        cwd=settings.BASE_DIR,
        env={**worker_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(iter(process.stdout.readline, "")), daemon=True).start()
    process.output = output
    deadline = time.monotonic() + 60
    while not any("ready." in line for line in output) and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the Celery worker exited:\n" + "".join(output[-50:]))
        time.sleep(0.2)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture
def celery_app():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: without it Celery runs jobs in-process")
    from godview.celery import app

    app.control.purge()  # nothing left over from an earlier run; never purge after we enqueue
    return app


@pytest.fixture
def celery_worker(celery_app):
    process = start_worker()
    try:
        yield process
    finally:
        stop(process)


def wait_until_finished(run: SyncRun, seconds: float, output: list[str]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            return
        time.sleep(0.5)
    pytest.fail("the worker did not finish the run in time:\n" + "".join(output[-60:]))


def test_a_queued_sync_is_run_by_a_real_worker_into_postgres(celery_worker, fake_asana, asana_source):
    ExternalProjectFactory(source=asana_source, external_id="101", name="Интеграция")
    fake_asana.add_project("101", "Интеграция")
    for i in range(1, 76):
        fake_asana.put(asana_task(str(i), f"Задача {i} ✅", ["101"], modified_at=timezone.now()))

    run, created = sync_run_enqueue(source=asana_source)  # committed at once: the worker sees it

    wait_until_finished(run, 90, celery_worker.output)
    assert created
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert run.created == 75
    assert Task.objects.filter(source=asana_source).count() == 75


def test_a_worker_killed_mid_sync_is_redelivered_and_the_rerun_leaves_no_duplicates(
    celery_app, fake_asana, asana_source
):
    """acks_late: the job is acknowledged only when done, so SIGKILL leaves it on the queue;
    after the visibility timeout another worker takes it, and claim() resumes the same run."""
    ExternalProjectFactory(source=asana_source, external_id="101", name="Client project")
    fake_asana.add_project("101", "Client project")
    fake_asana.page_size = 50
    total = 600
    for i in range(1, total + 1):
        fake_asana.put(asana_task(str(i), f"Task {i}", ["101"], modified_at=timezone.now()))
    # Each page of tasks takes 0.3 s, so the run lasts seconds: long enough to kill it.
    fake_asana.fail_next(status=None, delay=0.3, path_contains="/tasks?", times=10_000)

    first = start_worker(CELERY_VISIBILITY_TIMEOUT_SECONDS="3")
    try:
        run, _created = sync_run_enqueue(source=asana_source)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status == SyncRun.Status.RUNNING:
                break
            time.sleep(0.1)
        time.sleep(1.5)  # a few pages in
        first.kill()  # SIGKILL: no warm shutdown, no acknowledgement, no cleanup
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            stop(first)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.RUNNING  # killed mid-way
    # A worker looks for expired unacknowledged jobs when it starts polling (then every 100 s):
    # start the next one once the job's visibility timeout is surely over.
    time.sleep(4)

    second = start_worker(CELERY_VISIBILITY_TIMEOUT_SECONDS="3")
    try:
        wait_until_finished(run, 90, second.output)
    finally:
        stop(second)
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert SyncRun.objects.filter(source=asana_source).count() == 1  # the same run, resumed
    assert Task.objects.filter(source=asana_source).count() == total
    assert Task.objects.filter(source=asana_source).values("external_id").distinct().count() == total
    asana_source.refresh_from_db()
    assert asana_source.cursor == run.cursor_after
