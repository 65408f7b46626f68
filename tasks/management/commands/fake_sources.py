"""`manage.py fake_sources [--configure]`: fake Asana and ClickUp workspaces on localhost.

For trying the sync end to end without accounts; the payloads follow the vendors' OpenAPI specs.
"""

import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import User
from clients.models import Client
from tasks.models import ExternalProject, Source
from tasks.sync.fakes import DEMO_ASANA_PROJECTS, DEMO_CLICKUP_LISTS, FakeAsana, FakeClickUp, populate_demo

TOKEN = "offline-demo-token"
ASANA_ENV, CLICKUP_ENV = "FAKE_ASANA_TOKEN", "FAKE_CLICKUP_TOKEN"


class Command(BaseCommand):
    help = "Serve fake Asana and ClickUp workspaces on 127.0.0.1 until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--asana-port", type=int, default=8190)
        parser.add_argument("--clickup-port", type=int, default=8191)
        parser.add_argument("--tasks", type=int, default=40, help="Tasks per project/list (default 40).")
        parser.add_argument(
            "--configure",
            action="store_true",
            help="Create or update two sources pointing here and map the demo projects to existing clients.",
        )

    def handle(self, *args, asana_port: int, clickup_port: int, tasks: int, configure: bool, **options) -> None:
        emails = list(
            User.objects.filter(is_active=True).exclude(email="").order_by("pk").values_list("email", flat=True)
        )
        asana = FakeAsana(token=TOKEN, port=asana_port)
        clickup = FakeClickUp(token=TOKEN, port=clickup_port)
        populate_demo(asana, clickup, emails, tasks=tasks)
        if configure:
            self.configure(asana, clickup)
        asana.start()
        clickup.start()
        self.stdout.write(self.instructions(asana, clickup, configure))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            self.stdout.write("Stopping the fake workspaces.")
        finally:
            asana.stop()
            clickup.stop()

    @transaction.atomic
    def configure(self, asana: FakeAsana, clickup: FakeClickUp) -> None:
        pairs = [
            ("Asana (offline demo)", Source.Kind.ASANA, asana.url, asana.workspace, ASANA_ENV, DEMO_ASANA_PROJECTS),
            ("ClickUp (offline demo)", Source.Kind.CLICKUP, clickup.url, clickup.team, CLICKUP_ENV, DEMO_CLICKUP_LISTS),
        ]
        clients = list(Client.objects.active().order_by("pk")[:6])
        for name, kind, url, workspace, env, projects in pairs:
            source, _ = Source.objects.update_or_create(
                name=name, defaults={"kind": kind, "base_url": url, "workspace_id": workspace, "token_env_var": env}
            )
            # Map all but the last project, so the sync page has an unmapped one to show.
            for index, (external_id, project_name) in enumerate(projects[:-1]):
                if index < len(clients):
                    ExternalProject.objects.update_or_create(
                        source=source,
                        external_id=external_id,
                        defaults={"name": project_name, "client": clients[(index + len(projects)) % len(clients)]},
                    )

    def instructions(self, asana: FakeAsana, clickup: FakeClickUp, configured: bool) -> str:
        lines = [
            "",
            "Fake workspaces are up:",
            f"  Asana    {asana.url}   workspace id {asana.workspace}",
            f"  ClickUp  {clickup.url}   team id {clickup.team}",
            "",
        ]
        if configured:
            lines.append("Sources 'Asana (offline demo)' and 'ClickUp (offline demo)' point here.")
        else:
            lines += [
                "In admin (Tasks and sync → Sources) add two sources with those base URLs and ids,",
                f"token variables {ASANA_ENV} and {CLICKUP_ENV} (or rerun with --configure).",
            ]
        lines += [
            "In another terminal, with the same settings:",
            f"  export {ASANA_ENV}={TOKEN} {CLICKUP_ENV}={TOKEN}",
            '  python manage.py sync_tasks --source "Asana (offline demo)" --source "ClickUp (offline demo)"',
            "(plain sync_tasks syncs every enabled source, the demo data's own two as well, whose tokens",
            "you do not have: they fail, saying which variable is missing). Then open /sync/.",
            "The worker that runs 'Sync now' needs the same two variables.",
            "Ctrl-C stops the fake workspaces.",
        ]
        return "\n".join(lines)
