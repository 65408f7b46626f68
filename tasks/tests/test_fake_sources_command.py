"""`fake_sources --configure` points two sources at the fake workspaces and maps demo projects."""

import pytest

from clients.tests.factories import ClientFactory
from tasks.management.commands.fake_sources import Command
from tasks.models import ExternalProject, Source
from tasks.sync.fakes import FakeAsana, FakeClickUp

pytestmark = pytest.mark.django_db


def test_configure_creates_two_sources_and_leaves_one_project_per_source_unmapped():
    for i in range(4):
        ClientFactory(name=f"Client {i}")
    asana, clickup = FakeAsana(), FakeClickUp()
    try:
        Command().configure(asana, clickup)
        Command().configure(asana, clickup)  # twice: still two sources, no duplicate mapping
    finally:
        asana.httpd.server_close()
        clickup.httpd.server_close()

    sources = {s.name: s for s in Source.objects.all()}
    assert set(sources) == {"Asana (offline demo)", "ClickUp (offline demo)"}
    assert sources["Asana (offline demo)"].api_base_url == asana.url
    assert sources["ClickUp (offline demo)"].token_env_var == "FAKE_CLICKUP_TOKEN"
    assert ExternalProject.objects.filter(source=sources["Asana (offline demo)"], client__isnull=False).count() == 3
    assert ExternalProject.objects.filter(source=sources["ClickUp (offline demo)"], client__isnull=False).count() == 2
