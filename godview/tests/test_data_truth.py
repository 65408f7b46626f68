"""Data truth: what the screens show per client equals what the tools hold, end to end.

A fake Asana workspace with subtasks, a task in two projects, completions (on time and late),
moved due dates, a deletion, a project mapped after the first run, an unmapped project and a
record that cannot be read is synced (full, incremental, full), rolled up, and rendered. The
expected figures come from the fake's own payloads through `Truth`, a model of the contract
(DESIGN: "Sync contract", "On-time task rate", "Overdue task") written here without the code
under test; then they are compared with the client page, the client list and the selectors the
God-view reads.
"""

import datetime as dt
import html
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from clients.models import Client, DailySnapshot, WeeklySnapshot
from clients.tests.factories import ClientFactory
from godview import selectors
from godview.forms import Filters
from godview.rollup import rollup_range
from tasks.models import ExternalProject, SyncRun
from tasks.selectors import slips_by_client
from tasks.services import external_project_set_client
from tasks.sync.fakes import asana_task
from tasks.tests.conftest import asana_source, fake_asana, sleeps, sync  # noqa: F401 (fixtures)
from tasks.tests.factories import ExternalProjectFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo(settings.TIME_ZONE)
TODAY = timezone.now().astimezone(TZ).date()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def at_noon(offset: int) -> dt.datetime:
    return dt.datetime.combine(day(offset), dt.time(12), tzinfo=TZ)


class Truth:
    """The contract, applied to the fake's payloads after each run: what God-view holds of each
    task (its last readable version; a task gone from the tool until a full run notices), which
    client it belongs to, its first due date seen, its moves, and every figure they make."""

    def __init__(self, fake, clients_by_project: dict[str, Client]) -> None:
        self.fake, self.clients_by_project = fake, clients_by_project
        self.known: dict[str, dict] = {}
        self.first_due: dict[str, dt.date | None] = {}
        self.slips: Counter = Counter()

    def client_of(self, task: dict) -> Client | None:
        if task.get("parent"):
            parent = self.known.get(task["parent"]["gid"]) or self.fake.tasks[task["parent"]["gid"]]
            return self.client_of(parent)  # subtasks: the parent's client
        return self.clients_by_project.get(task["projects"][0]["gid"])  # the home project's client

    @staticmethod
    def due(task: dict) -> dt.date | None:
        return dt.date.fromisoformat(task["due_on"]) if task["due_on"] else None

    @staticmethod
    def readable(task: dict) -> bool:
        try:
            Truth.due(task)
        except ValueError:
            return False
        return True

    def observe(self, *, full: bool) -> None:
        """After a run: what it brought, the first due dates seen, each due date that moved."""
        for gid, task in self.fake.tasks.items():
            if not self.readable(task) or self.client_of(task) is None:
                continue  # never read, or not mapped: God-view keeps what it had
            due, before = self.due(task), self.known.get(gid)
            if before is not None and self.due(before) is not None and (due is None or due > self.due(before)):
                self.slips[self.client_of(task).pk] += 1
            if self.first_due.get(gid) is None:
                self.first_due[gid] = due
            self.known[gid] = task
        if full:  # only a full listing tells a deleted task from an unchanged one
            self.known = {gid: task for gid, task in self.known.items() if gid in self.fake.tasks}

    def live(self) -> list[dict]:
        return list(self.known.values())

    def figures(self, client: Client) -> dict:
        mine = [t for t in self.live() if self.client_of(t) == client]
        done = [t for t in mine if t["completed"]]
        late = [t for t in done if self.first_due[t["gid"]] and self.done_on(t) > self.first_due[t["gid"]]]
        still_open = [t for t in mine if not t["completed"]]
        return {
            "tasks": len(mine),
            "open": len(still_open),
            "overdue": sum(1 for t in still_open if self.due(t) and self.due(t) < TODAY),
            "on time": len(done) - len(late),
            "late": len(late),
        }

    def on_time_rate(self, client: Client, start: dt.date, end: dt.date) -> tuple[int, int]:
        """(on time, due): tasks whose original due date is in [start, end), done by its end."""
        mine = [t for t in self.live() if self.client_of(t) == client]
        counted = [t for t in mine if start <= (self.first_due[t["gid"]] or end) < end]
        on_time = [t for t in counted if t["completed"] and self.done_on(t) <= self.first_due[t["gid"]]]
        return len(on_time), len(counted)

    @staticmethod
    def done_on(task: dict) -> dt.date:
        return dt.datetime.fromisoformat(task["completed_at"].replace("Z", "+00:00")).astimezone(TZ).date()


def put(fake, gid: str, name: str, projects: list[str], *, due: int | None, done: int | None = None, **extra) -> None:
    fake.put(
        asana_task(
            gid,
            name,
            projects,
            modified_at=extra.pop("modified_at", timezone.now() + dt.timedelta(minutes=1)),
            due_on=day(due).isoformat() if due is not None else None,
            completed_at=at_noon(done) if done is not None else None,
            **extra,
        )
    )


def rendered_tasks(page: str) -> dict:
    """The client page's task table, counted by the state each row shows."""
    section = re.search(r'<section class="card" id="tasks">(.*?)</section>', page, re.DOTALL).group(1)
    states = Counter(
        html.unescape(state)
        for state in re.findall(r'<tr><th scope="row">.*?<span class="badge[^"]*">(.*?)</span>', section, re.DOTALL)
    )
    return {
        "tasks": sum(states.values()),
        "open": states["Open"] + states["Overdue"],
        "overdue": states["Overdue"],
        "on time": states["Done"],
        "late": states["Done late"],
    }


def listed_overdue(page: str, client: Client) -> int:
    row = re.search(rf'<a href="/clients/{client.pk}/">.*?</tr>', page, re.DOTALL).group(0)
    return int(re.findall(r'<td class="num">(\d+)</td>', row)[-1])


def test_what_the_screens_show_per_client_is_what_the_tools_hold(client, leader, fake_asana, asana_source, sync):  # noqa: F811
    alpha = ClientFactory(name="Alpha")
    beta = ClientFactory(name="Beta")
    for gid, name, owner in (
        ("P1", "Alpha site", alpha),
        ("P2", "Beta ads", beta),
        ("P3", "Alpha later", None),
        ("P4", "Nobody's", None),
    ):
        fake_asana.add_project(gid, name)
        ExternalProjectFactory(source=asana_source, external_id=gid, name=name, client=owner)
    truth = Truth(fake_asana, {"P1": alpha, "P2": beta})
    long_ago = timezone.now() - dt.timedelta(days=60)

    put(fake_asana, "a1", "Done in time", ["P1"], due=-5, done=-6)
    put(fake_asana, "a2", "Done late, later", ["P1"], due=-5)
    put(fake_asana, "a3", "Overdue", ["P1"], due=-3)
    put(fake_asana, "a4", "Open", ["P1"], due=5)
    put(fake_asana, "a5", "Moved, then done", ["P1"], due=-4)
    put(fake_asana, "a6", "Moved, still open", ["P1"], due=-2)
    put(fake_asana, "a7", "Parent", ["P1"], due=2, num_subtasks=1)
    put(fake_asana, "a7s", "Overdue subtask", [], due=-1, parent="a7")
    put(fake_asana, "a8", "Deleted at the source", ["P1"], due=-1)
    put(fake_asana, "b1", "Done on the day", ["P2"], due=-1, done=-1)
    put(fake_asana, "b2", "In two projects", ["P2", "P1"], due=-2)
    put(fake_asana, "b3", "No due date", ["P2"], due=None)
    put(fake_asana, "c1", "Old, mapped late", ["P3"], due=-8, done=-7, num_subtasks=1, modified_at=long_ago)
    put(fake_asana, "c1s", "Old subtask", [], due=-8, done=-9, parent="c1", modified_at=long_ago)
    put(fake_asana, "d1", "Unmapped", ["P4"], due=-3)

    first = sync(asana_source)
    truth.observe(full=True)
    assert first.status == SyncRun.Status.SUCCEEDED, first.errors

    put(fake_asana, "a2", "Done late, later", ["P1"], due=-5, done=-2)
    put(fake_asana, "a5", "Moved, then done", ["P1"], due=10, done=-1)
    put(fake_asana, "a6", "Moved, still open", ["P1"], due=3)
    del fake_asana.tasks["a8"]
    broken = asana_task("a4", "Open", ["P1"], modified_at=timezone.now() + dt.timedelta(minutes=1))
    fake_asana.put(dict(broken, due_on="2026-13-45"))  # was readable: God-view keeps what it had
    never = asana_task("bad", "Never readable", ["P1"], modified_at=timezone.now() + dt.timedelta(minutes=1))
    fake_asana.put(dict(never, due_on="2026-02-30"))
    external_project_set_client(
        project=ExternalProject.objects.get(source=asana_source, external_id="P3"), client=alpha
    )
    truth.clients_by_project["P3"] = alpha
    client.force_login(leader)

    second = sync(asana_source)
    truth.observe(full=False)

    assert (second.mode, second.skipped) == (SyncRun.Mode.INCREMENTAL, 2)
    for customer in (alpha, beta):  # the deleted task is still there: an incremental run cannot tell
        assert rendered_tasks(client.get(f"/clients/{customer.pk}/").content.decode()) == truth.figures(customer)

    third = sync(asana_source, mode=SyncRun.Mode.FULL)
    truth.observe(full=True)
    assert (third.skipped, third.deleted) == (2, 1)

    filters = Filters()
    rollup_range(end=TODAY, days=(TODAY - filters.start).days + 1)
    listing = client.get("/clients/").content.decode()

    for customer in (alpha, beta):
        expected = truth.figures(customer)
        page = client.get(f"/clients/{customer.pk}/").content.decode()
        assert rendered_tasks(page) == expected, customer.name
        overdue_factor = f"{expected['overdue']} overdue tasks" if expected["overdue"] else "No overdue tasks"
        assert overdue_factor in page
        assert listed_overdue(listing, customer) == expected["overdue"]
        flows = selectors.snapshot_flows(WeeklySnapshot.objects.filter(client=customer), filters)
        assert (flows["on_time_now"], flows["due_now"]) == truth.on_time_rate(customer, filters.start, filters.end)
        slips = slips_by_client([customer.pk], day(-27), day(1))
        assert (slips[customer.pk].slips if slips else 0) == truth.slips[customer.pk]
        assert DailySnapshot.objects.get(client=customer, date=TODAY).slipped_tasks == truth.slips[customer.pk]

    # The scenario is what it says: each case is in the figures.
    assert truth.figures(alpha) == {"tasks": 10, "open": 5, "overdue": 2, "on time": 2, "late": 3}
    assert truth.figures(beta) == {"tasks": 3, "open": 2, "overdue": 1, "on time": 1, "late": 0}
    assert truth.slips[alpha.pk] == 2
