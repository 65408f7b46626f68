"""Fake Asana and ClickUp servers on real sockets, sources pointing at them, a sync helper."""

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from tasks.models import Source, SyncRun
from tasks.services import sync_run_create
from tasks.sync.base import RetryPolicy
from tasks.sync.fakes import FakeAsana, FakeClickUp
from tasks.sync.runner import execute_run
from tasks.tests.factories import SourceFactory

TOKEN = "fake-token-never-logged"
T0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def fake_asana(monkeypatch) -> Iterator[FakeAsana]:
    monkeypatch.setenv("ASANA_TEST_TOKEN", TOKEN)
    with FakeAsana(token=TOKEN, page_size=50) as server:
        yield server


@pytest.fixture
def fake_clickup(monkeypatch) -> Iterator[FakeClickUp]:
    monkeypatch.setenv("CLICKUP_TEST_TOKEN", TOKEN)
    with FakeClickUp(token=TOKEN, page_size=50) as server:
        yield server


@pytest.fixture
def asana_source(fake_asana) -> Source:
    return SourceFactory(
        name="Asana (fake)",
        kind=Source.Kind.ASANA,
        base_url=fake_asana.url,
        workspace_id=fake_asana.workspace,
        token_env_var="ASANA_TEST_TOKEN",
    )


@pytest.fixture
def clickup_source(fake_clickup) -> Source:
    return SourceFactory(
        name="ClickUp (fake)",
        kind=Source.Kind.CLICKUP,
        base_url=fake_clickup.url,
        workspace_id=fake_clickup.team,
        token_env_var="CLICKUP_TEST_TOKEN",
    )


class Sleeps(list):
    """Records the waits the retry policy asked for instead of waiting."""


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def sync(sleeps):
    """Run one sync of `source` through the real code path; returns the refreshed SyncRun."""

    def run(source: Source, *, mode: str = SyncRun.Mode.INCREMENTAL, timeout=None, attempts: int = 6) -> SyncRun:
        policy = RetryPolicy(sleep=sleeps.append, base_delay=0.01, attempts=attempts, clock=time.time)
        options = {"timeout": timeout} if timeout is not None else {}
        queued, _ = sync_run_create(source=source, mode=mode)
        execute_run(queued.pk, policy=policy, provider_options=options)
        queued.refresh_from_db()
        source.refresh_from_db()
        return queued

    return run
