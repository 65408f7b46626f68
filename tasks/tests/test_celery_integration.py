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


@pytest.fixture
def celery_worker():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: without it Celery runs jobs in-process")
    from godview.celery import app

    app.control.purge()  # nothing left over from an earlier run; never purge after we enqueue
    celery = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(
        [
            str(celery),
            "-A",
            "godview",
            "worker",
            "--pool=solo",
            "-Q",
            "celery",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any("ready." in line for line in output) and time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("the Celery worker exited:\n" + "".join(output[-50:]))
            time.sleep(0.2)
        process.output = output
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_a_queued_sync_is_run_by_a_real_worker_into_postgres(celery_worker, fake_asana, asana_source):
    ExternalProjectFactory(source=asana_source, external_id="101", name="Интеграция")
    fake_asana.add_project("101", "Интеграция")
    for i in range(1, 76):
        fake_asana.put(asana_task(str(i), f"Задача {i} ✅", ["101"], modified_at=timezone.now()))

    run, created = sync_run_enqueue(source=asana_source)  # committed at once: the worker sees it

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            break
        time.sleep(0.5)
    if run.is_active:
        pytest.fail("the worker did not finish the run in time:\n" + "".join(celery_worker.output[-60:]))
    assert created
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert run.created == 75
    assert Task.objects.filter(source=asana_source).count() == 75
