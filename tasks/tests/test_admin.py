"""Admin for the sync: mapping with suggestions moves tasks; synced rows are read-only."""

import datetime as dt

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from tasks import services
from tasks.models import DueDateChange, ExternalProject, Task
from tasks.tests.factories import ExternalProjectFactory, SourceFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_the_project_list_suggests_a_client_by_name(client, admin_user):
    ClientFactory(name="Blue Fjord Travel")
    services.external_project_suggest([ExternalProjectFactory(name="Blue Fjord Travel — Q1 ads", client=None)])
    client.force_login(admin_user)

    html = client.get(reverse("admin:tasks_externalproject_changelist") + "?mapped=no").content.decode()

    assert "Blue Fjord Travel — Q1 ads" in html
    assert html.count("Blue Fjord Travel") >= 2


def test_the_suggestion_action_maps_projects_and_moves_their_tasks(client, admin_user):
    fjord = ClientFactory(name="Blue Fjord Travel")
    project = ExternalProjectFactory(name="BLUE FJORD travel: SEO", client=None)
    services.external_project_suggest([project])  # as the sync stores it when it first sees the project
    task = TaskFactory(source=project.source, project=project, client=None)
    client.force_login(admin_user)

    client.post(
        reverse("admin:tasks_externalproject_changelist"),
        {"action": "apply_suggestions", "_selected_action": [project.pk]},
    )

    assert ExternalProject.objects.get(pk=project.pk).client == fjord
    assert Task.objects.get(pk=task.pk).client == fjord


def test_sources_show_the_token_variable_and_synced_rows_cannot_be_edited(client, admin_user):
    SourceFactory(name="Asana", token_env_var="ASANA_TOKEN")
    task = TaskFactory()
    client.force_login(admin_user)

    assert "ASANA_TOKEN" in client.get(reverse("admin:tasks_source_changelist")).content.decode()
    assert client.get(reverse("admin:tasks_task_changelist") + "?q=Task").status_code == 200
    assert client.post(reverse("admin:tasks_task_change", args=[task.pk]), {"name": "hacked"}).status_code == 403
    assert Task.objects.get(pk=task.pk).name != "hacked"


def test_due_date_changes_are_listed_and_read_only(client, admin_user):
    task = TaskFactory(name="Launch page")
    change = DueDateChange.objects.create(task=task, old_due_on=dt.date(2026, 12, 1), new_due_on=dt.date(2026, 12, 8))
    client.force_login(admin_user)

    listing = client.get(reverse("admin:tasks_duedatechange_changelist")).content.decode()

    assert "Launch page" in listing
    response = client.post(reverse("admin:tasks_duedatechange_change", args=[change.pk]), {"new_due_on": "2026-12-02"})
    assert response.status_code == 403
    assert DueDateChange.objects.get(pk=change.pk).new_due_on == dt.date(2026, 12, 8)
