"""The sync page's main path in Chromium: see the sources, press "Sync now", watch the run."""

import pytest

from tasks.models import SyncRun
from tasks.tests.factories import SourceFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_leader_presses_sync_now_and_sees_the_run_queued_then_its_progress(page, login, leader, monkeypatch):
    source = SourceFactory(name="Asana — Агентство")
    monkeypatch.setattr("tasks.jobs.sync_source.delay", lambda run_id: None)  # no worker: we play it
    login(page, "leader")

    page.goto("/sync/")
    card = page.get_by_role("article").filter(has_text="Asana — Агентство")
    card.get_by_role("button", name="Sync now").click()

    card = page.get_by_role("article").filter(has_text="Asana — Агентство")
    card.get_by_role("button", name="Syncing…").wait_for()
    assert card.get_by_role("button", name="Syncing…").is_disabled()
    # The card says what the run is doing (no flash banner that outlives the run).
    assert "Queued" in card.locator(".sync-state").inner_text()

    # The worker reports progress; the card polls every 2 s and shows it without a reload.
    SyncRun.objects.filter(source=source).update(status="running", progress="Project 1 of 2: Редизайн", fetched=120)
    page.get_by_text("Project 1 of 2: Редизайн").wait_for(timeout=6000)
    SyncRun.objects.filter(source=source).update(status="succeeded", progress="Done", created=120)
    card.get_by_role("button", name="Sync now").wait_for(timeout=6000)
    assert "Succeeded" in card.locator(".sync-state").inner_text()
    page.locator("#sync-history").get_by_text("Succeeded").wait_for(timeout=6000)
