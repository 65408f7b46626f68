"""Issue 18 part 5 in Chromium: Sync now on the demo's offline sources runs to the end, live."""

import pytest

from accounts.models import User
from clients.tests.factories import ClientFactory
from tasks.management.commands.fake_sources import ASANA_ENV, TOKEN, Command
from tasks.models import Source, SyncRun
from tasks.sync.fakes import FakeAsana, FakeClickUp, populate_demo
from tasks.tests.factories import SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_sources(leader, am, settings, monkeypatch):
    """What `make run` sets up: the fake workspaces, their sources (fake_sources --configure) and
    the token in the server's environment; no Redis, so the web process runs the job in a thread."""
    for n in range(6):
        ClientFactory(name=f"Demo client {n}", account_manager=am)
    asana, clickup = FakeAsana(token=TOKEN), FakeClickUp(token=TOKEN)
    populate_demo(asana, clickup, list(User.objects.values_list("email", flat=True)), tasks=30)
    Command().configure(asana, clickup)
    asana.start()
    clickup.start()
    monkeypatch.setenv(ASANA_ENV, TOKEN)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SYNC_JOBS_IN_BACKGROUND_THREAD = True
    yield asana
    asana.stop()
    clickup.stop()


def test_sync_now_on_the_offline_demo_source_shows_the_run_live_to_the_end(page, login, demo_sources):
    # Slow three answers down so the run is seen running, as a real workspace would be.
    demo_sources.fail_next(status=None, delay=1.5, path_contains="/tasks", times=3)
    page.set_default_timeout(30_000)  # a run of real sync code on a shared, busy machine
    login(page, "leader")
    page.goto("/sync/")
    card = page.get_by_role("article").filter(has_text="Asana (offline demo)")
    card.get_by_role("button", name="Sync now").click()

    card = page.get_by_role("article").filter(has_text="Asana (offline demo)")
    busy = card.get_by_role("button", name="Syncing…")
    busy.wait_for()
    assert busy.is_disabled()
    state = card.locator(".sync-state")
    state.filter(has_text="Running").wait_for(timeout=8000)  # the poll shows the run as it goes
    assert "fetched" in state.inner_text()
    assert card.get_by_role("button", name="Syncing…").is_disabled()

    card.locator(".sync-state", has_text="Succeeded").wait_for(timeout=20000)
    run = SyncRun.objects.get(source__name="Asana (offline demo)")
    assert run.status == SyncRun.Status.SUCCEEDED and run.fetched > 0
    assert f"{run.fetched} fetched" in card.locator(".sync-state").inner_text()
    assert card.get_by_role("button", name="Sync now").is_enabled()
    assert "queued" not in page.locator("#sync-sources").inner_text().lower()  # no stale banner
    page.locator("#sync-history").get_by_text("Succeeded").first.wait_for(timeout=6000)


def test_sync_now_on_a_source_whose_token_is_not_set_explains_instead_of_failing(page, login, leader, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    SourceFactory(name="Asana · Brightpath workspace", token_env_var="NO_SUCH_TOKEN_VAR")
    login(page, "leader")
    page.goto("/sync/")
    card = page.get_by_role("article").filter(has_text="Brightpath")
    assert "NO_SUCH_TOKEN_VAR is not set" in card.inner_text()
    assert card.get_by_role("button", name="Sync now").is_disabled()
    assert not SyncRun.objects.filter(source__in=Source.objects.all()).exists()
