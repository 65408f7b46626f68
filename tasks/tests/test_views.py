"""The sync page: who sees it, what it shows, its partials, its query counts, "Sync now"."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from tasks import services
from tasks.models import ExternalProject, SyncRun
from tasks.sync.base import ProjectRecord
from tasks.tests.factories import ExternalProjectFactory, SourceFactory, TaskFactory

pytestmark = pytest.mark.django_db
URL = "/sync/"


def make_sources(n: int, runs_each: int = 3) -> None:
    for i in range(n):
        source = SourceFactory(name=f"Source {i} ✨", kind="clickup" if i % 2 else "asana")
        for r in range(runs_each):
            SyncRun.objects.create(
                source=source,
                status=SyncRun.Status.FAILED if r == 0 else SyncRun.Status.SUCCEEDED,
                queued_at=timezone.now() - dt.timedelta(days=r),
                started_at=timezone.now() - dt.timedelta(days=r),
                finished_at=timezone.now() - dt.timedelta(days=r) + dt.timedelta(seconds=40),
                fetched=100,
                error_message="Asana refused the token (401 Unauthorized)" if r == 0 else "",
            )
        ExternalProjectFactory(source=source, name=f"Unmapped {i}", client=None)
        TaskFactory(source=source, assignee_email=f"ghost{i}@example.net")
        services.source_count_unknown_assignees(source)  # what the end of a run counts
        source.save(update_fields=["unknown_assignees"])


@pytest.mark.parametrize("persona", ["leader", "admin"])
def test_leadership_and_admins_see_the_sync_page(client, personas, persona):
    make_sources(1)
    client.force_login(personas[persona])

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Source 0 ✨" in html
    assert "Sync now" in html
    assert "Unmapped 0" in html
    assert "ghost0@example.net" in html
    assert "401 Unauthorized" in html


@pytest.mark.parametrize("persona", ["am", "other_am", "pod_lead", "designer"])
def test_everyone_else_gets_a_404_for_the_page_the_partials_the_exports_and_sync_now(client, personas, persona):
    source = SourceFactory()
    client.force_login(personas[persona])

    assert client.get(URL).status_code == 404
    assert client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sync-sources").status_code == 404
    assert client.get(reverse("sync_export", args=["runs"])).status_code == 404
    assert client.post(reverse("sync_now", args=[source.pk])).status_code == 404
    assert not SyncRun.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize("target", ["sync-sources", "sync-history"])
def test_htmx_gets_just_the_region_it_targets(client, leader, target):
    make_sources(2)
    client.force_login(leader)

    response = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target)

    html = response.content.decode()
    assert "<html" not in html
    assert f'id="{target}"' in html


def test_polling_the_sources_tells_the_history_to_refresh(client, leader):
    make_sources(1)
    client.force_login(leader)

    response = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sync-sources")

    assert response["HX-Trigger"] == "sync-changed"


def test_an_active_run_makes_the_sources_region_poll_and_show_progress(client, leader):
    source = SourceFactory(name="Busy")
    SyncRun.objects.create(
        source=source, status=SyncRun.Status.RUNNING, progress="Project 2 of 5: Редизайн", fetched=40
    )
    client.force_login(leader)

    html = client.get(URL).content.decode()

    assert 'hx-trigger="every 2s"' in html
    assert "Project 2 of 5: Редизайн" in html
    assert "Syncing…" in html


def test_an_idle_page_does_not_poll(client, leader):
    make_sources(1)
    client.force_login(leader)

    assert "every 2s" not in client.get(URL).content.decode()


def test_the_page_costs_the_same_queries_for_one_source_and_for_many(client, leader, django_assert_num_queries):
    client.force_login(leader)
    # session, user; sources annotated (latest run id, counts, unknown assignees); those runs by id;
    # run count; run page; unmapped projects with their stored suggestions; the top bar's open actions.
    make_sources(1, runs_each=2)
    with django_assert_num_queries(8):
        client.get(URL)
    make_sources(6, runs_each=8)
    with CaptureQueriesContext(connection) as seen:
        client.get(URL)
    assert len(seen) == 8
    assert not [q["sql"] for q in seen if "tasks_task" in q["sql"]]  # no request reads the task table


def test_the_polled_sources_region_costs_a_fixed_number_of_queries(client, leader, django_assert_num_queries):
    client.force_login(leader)
    make_sources(1)
    # session, user; sources annotated (latest run id, counts); those runs by id.
    with django_assert_num_queries(4):
        client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sync-sources")
    make_sources(5)
    with django_assert_num_queries(4):
        client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sync-sources")


def test_run_history_is_paginated(client, leader):
    make_sources(1, runs_each=20)
    client.force_login(leader)

    first = client.get(URL).content.decode()
    second = client.get(URL + "?page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sync-history").content.decode()

    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    assert client.get(URL + "?page=banana").status_code == 200  # a bad page number is page 1, not a 500


def test_sync_now_queues_a_run_and_hands_it_to_celery_after_commit(
    client, leader, monkeypatch, django_capture_on_commit_callbacks
):
    source = SourceFactory()
    dispatched = []
    monkeypatch.setattr("tasks.jobs.sync_source.apply_async", lambda args, **options: dispatched.append(args[0]))
    client.force_login(leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sync_now", args=[source.pk]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sync-sources"
        )

    run = SyncRun.objects.get(source=source)
    assert dispatched == [run.pk]
    assert run.status == SyncRun.Status.QUEUED
    assert run.requested_by == leader
    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-trigger="every 2s"' in html
    assert "Queued" in html  # the card shows the run's state, queued


def test_sync_now_twice_does_not_queue_a_second_run(client, leader, monkeypatch):
    source = SourceFactory()
    monkeypatch.setattr("tasks.jobs.sync_source.apply_async", lambda args, **options: None)
    client.force_login(leader)

    client.post(reverse("sync_now", args=[source.pk]))
    response = client.post(reverse("sync_now", args=[source.pk]), follow=True)

    assert SyncRun.objects.filter(source=source).count() == 1
    assert "already syncing" in response.content.decode()


def test_sync_now_is_not_blocked_by_a_run_whose_job_redis_lost(
    client, leader, monkeypatch, django_capture_on_commit_callbacks
):
    source = SourceFactory()
    dispatched = []
    monkeypatch.setattr("tasks.jobs.sync_source.apply_async", lambda args, **options: dispatched.append(args[0]))
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sync_now", args=[source.pk]))
    lost = SyncRun.objects.get(source=source)
    dispatched.clear()  # Redis restarted: that message is gone, the run stays queued
    SyncRun.objects.filter(pk=lost.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=6))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sync_now", args=[source.pk]), follow=True)

    lost.refresh_from_db()
    assert lost.status == SyncRun.Status.FAILED
    assert "queued" in response.content.decode()
    assert "already syncing" not in response.content.decode()
    assert dispatched == [SyncRun.objects.get(source=source, status=SyncRun.Status.QUEUED).pk]


def test_sync_now_only_answers_post(client, leader):
    client.force_login(leader)

    assert client.get(reverse("sync_now", args=[SourceFactory().pk])).status_code == 405


def test_unmapped_projects_come_with_the_client_the_sync_suggested_by_name(client, leader):
    nile = ClientFactory(name="Nile Dates Co.")
    source = SourceFactory()
    listing = [ProjectRecord(external_id="1", name="NILE DATES — Ramadan campaign"),
               ProjectRecord(external_id="2", name="Agency website")]  # fmt: skip
    services.external_project_bulk_upsert(source=source, records=listing)  # first seen: the guess is stored
    assert dict(ExternalProject.objects.values_list("external_id", "suggested_client")) == {"1": nile.pk, "2": None}
    client.force_login(leader)

    html = client.get(URL).content.decode()

    assert "NILE DATES — Ramadan campaign" in html
    assert "Nile Dates Co." in html
    # A rename is seen again; an unchanged name is not matched again (no query for the clients).
    ClientFactory(name="Agency")
    services.external_project_bulk_upsert(source=source, records=[ProjectRecord(external_id="1", name="Agency site")])
    assert ExternalProject.objects.get(external_id="1").suggested_client.name == "Agency"
    assert ExternalProject.objects.get(external_id="2").suggested_client is None


def test_the_unknown_assignees_are_the_last_runs_count(client, leader):
    source = SourceFactory()
    TaskFactory(source=source, assignee_email="freelancer@studio.example")
    TaskFactory(source=source, assignee_email="freelancer@studio.example", completed_at=timezone.now())
    client.force_login(leader)
    assert "freelancer@studio.example" not in client.get(URL).content.decode()  # not counted yet
    services.source_count_unknown_assignees(source)
    source.save(update_fields=["unknown_assignees"])
    html = client.get(URL).content.decode()
    assert "freelancer@studio.example" in html
    rows = b"".join(client.get(reverse("sync_export", args=["assignees"])).streaming_content).decode("utf-8-sig")
    assert rows.splitlines()[1] == "freelancer@studio.example,2,1"


@pytest.mark.parametrize("table", ["runs", "unmapped", "assignees"])
def test_every_table_exports_as_csv(client, leader, table):
    make_sources(2)
    client.force_login(leader)

    response = client.get(reverse("sync_export", args=[table]))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert len(body.strip().splitlines()) >= 3


def test_an_unknown_export_is_a_404(client, leader):
    client.force_login(leader)

    assert client.get("/sync/export/passwords.csv").status_code == 404
