"""Sync throughput on Postgres, network excluded: pre-built API payloads through validate + upsert.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/godview .venv/bin/python bench/sync.py [--tasks 100000] [--repeat 3]

Creates a throwaway database (TEST_DATABASE_NAME, default `bench_gv_sync`), drops it afterwards,
and prints (and writes to bench/RESULTS-sync.md) the median of --repeat rounds, each from an
empty table, for:
  1. first load: every task new;
  2. incremental run with 1% changed (what `modified_since` returns), half of them with a moved
     due date (kept as due-date changes);
  3. full reconciliation with nothing changed (every id listed, compared, none written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "godview.settings")
os.environ.setdefault("TEST_DATABASE_NAME", "bench_gv_sync")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")

PAGE = 100  # Asana's largest page


class PayloadProvider:
    """Serves pre-built pages of Asana TaskResponse dicts; parsing is the real Asana code."""

    label = "Asana (bench)"

    def __init__(self, pages: dict[str, list[dict]]) -> None:
        self.pages = pages

    def projects(self):
        from tasks.sync.base import ProjectRecord

        return [ProjectRecord(external_id=p, name=f"Project {p}") for p in self.pages]

    def task_pages(self, project_id: str, modified_since) -> Iterator[list[dict]]:
        rows = self.pages.get(project_id, [])
        for start in range(0, len(rows), PAGE):
            yield rows[start : start + PAGE]

    def parse_task(self, raw: dict, project_id: str):
        from tasks.sync.asana import AsanaTask

        return AsanaTask.model_validate(raw).to_record()

    def has_subtasks(self, raw: dict) -> bool:
        return False

    def subtask_pages(self, parent_ids, modified_since):
        return iter(())

    def time_entry_pages(self, start, end, task_ids):
        return iter(())

    def parse_time_entry(self, raw):
        raise NotImplementedError

    def close(self) -> None:
        pass


def build_payloads(n: int, projects: list[str], emails: list[str], *, changed_every: int = 0, version: int = 0):
    from tasks.sync.fakes import asana_task

    base = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    pages: dict[str, list[dict]] = {p: [] for p in projects}
    for i in range(n):
        if changed_every and i % changed_every:
            continue
        project = projects[i % len(projects)]
        email = emails[i % len(emails)]
        pages[project].append(
            asana_task(
                str(10_000_000 + i),
                f"Task {i} — {'мёд' if i % 3 else 'حملة'}{' v2' if version else ''}",
                [project],
                modified_at=base + dt.timedelta(minutes=i % 5000 + version * 10_000),
                assignee=(str(9000 + i % len(emails)), email),
                # The changed version moves every other changed task's due date: the history's cost.
                due_on=(base + dt.timedelta(days=i % 90 + (3 if version and i % 200 == 0 else 0))).date().isoformat()
                if i % 7
                else None,
                completed_at=base + dt.timedelta(days=i % 30) if i % 2 else None,
            )
        )
    return pages


def run_once(source, pages, mode):
    from tasks.models import SyncRun
    from tasks.services import sync_run_create
    from tasks.sync.runner import Runner, claim

    queued, _ = sync_run_create(source=source, mode=mode)
    run = claim(queued.pk)
    started = time.perf_counter()
    Runner(run, PayloadProvider(pages)).execute()
    elapsed = time.perf_counter() - started
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    return run, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="Rounds from an empty table; medians are reported.")
    parser.add_argument("--no-write", action="store_true", help="Do not update bench/RESULTS-sync.md.")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from clients.tests.factories import ClientFactory
    from tasks.models import ExternalProject, Source, SyncRun, Task

    verbosity = 0
    old_name = connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, keepdb=False)
    timings: dict[str, list[float]] = {"parse": [], "first": [], "incremental": [], "reconcile": []}
    try:
        # Users without a password hash: PBKDF2 would dominate the set-up on a small machine.
        users = User.objects.bulk_create(
            [User(username=f"bench{i}", email=f"bench{i}@agency.test", password="!") for i in range(50)]
        )
        source = Source.objects.create(name="bench", kind="asana", workspace_id="1", token_env_var="BENCH_TOKEN")
        projects = [str(500_000 + i) for i in range(args.projects)]
        for index, project in enumerate(projects):
            ExternalProject.objects.create(
                source=source,
                external_id=project,
                name=f"Project {project}",
                client=ClientFactory(account_manager=users[index % 50]),
            )
        emails = [u.email for u in users] + ["stranger@example.net"]
        first_pages = build_payloads(args.tasks, projects, emails)
        changed_pages = build_payloads(args.tasks, projects, emails, changed_every=100, version=1)
        changed = sum(len(p) for p in changed_pages.values())
        moved = sum(1 for i in range(0, args.tasks, 200) if i % 7)
        # The full listing carries the 1% changed versions: after the incremental run, nothing to write.
        full_pages = build_payloads(args.tasks, projects, emails)
        for project, rows in changed_pages.items():
            by_id = {r["gid"]: r for r in rows}
            full_pages[project] = [by_id.get(r["gid"], r) for r in full_pages[project]]
        # Out of the garbage collector's sight: 300,000 pre-built payloads (millions of dicts and
        # lists) that a real run would receive a page at a time would otherwise be scanned by every
        # full collection, a cost of this bench, not of the sync.
        gc.freeze()

        for _ in range(args.repeat):
            with connection.cursor() as cursor:
                # CASCADE: the tables that point at tasks (goals' tasks) are empty here, and stay so.
                cursor.execute("TRUNCATE tasks_task, tasks_duedatechange, tasks_timeentry, tasks_syncrun CASCADE")
            Source.objects.filter(pk=source.pk).update(cursor=None, last_full_sync_at=None)
            ExternalProject.objects.update(first_synced_at=None)
            source.refresh_from_db()

            provider = PayloadProvider(first_pages)
            started = time.perf_counter()
            for rows in first_pages.values():
                for raw in rows:
                    provider.parse_task(raw, "")
            timings["parse"].append(time.perf_counter() - started)

            run, seconds = run_once(source, first_pages, SyncRun.Mode.FULL)
            assert run.created == args.tasks
            timings["first"].append(seconds)

            run, seconds = run_once(source, changed_pages, SyncRun.Mode.INCREMENTAL)
            assert run.updated == changed, (run.updated, changed)
            assert run.due_date_changes == moved, (run.due_date_changes, moved)
            timings["incremental"].append(seconds)

            run, seconds = run_once(source, full_pages, SyncRun.Mode.FULL)
            assert (run.updated, run.created, run.deleted) == (0, 0, 0), (run.updated, run.created, run.deleted)
            assert Task.objects.filter(source=source).count() == args.tasks
            timings["reconcile"].append(seconds)
        timings |= reference_loads(connection, Task, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=verbosity)

    rows = [
        ("Validation only (pydantic, no database)", args.tasks, timings["parse"]),
        ("First load (all new)", args.tasks, timings["first"]),
        (f"Incremental, 1% changed ({changed:,} tasks, {moved:,} due dates moved)", changed, timings["incremental"]),
        ("Full reconciliation, nothing to write", args.tasks, timings["reconcile"]),
        ("Reference: plain COPY of the same rows into the table", args.tasks, timings["copy"]),
        ("Reference: COPY into a stage, one INSERT … ON CONFLICT DO UPDATE", args.tasks, timings["upsert"]),
    ]
    ratio = statistics.median(timings["upsert"]) / statistics.median(timings["first"])
    report = render(rows, args, ratio)
    print(report)
    if not args.no_write:
        (ROOT / "bench" / "RESULTS-sync.md").write_text(report, encoding="utf-8")
    return 0 if args.tasks / statistics.median(timings["first"]) >= 20_000 else 1


def reference_loads(connection, Task, repeat: int) -> dict[str, list[float]]:
    """The same rows the sync stored, written the plainest ways Postgres offers, into the same table
    (its indexes, its deferred foreign keys checked at commit): a COPY, and a COPY into a temporary
    stage then one INSERT … ON CONFLICT (source, external id) DO UPDATE. DESIGN's budget is the
    sync's first load at 0.8× or better of the second."""
    import io

    from django.db import transaction

    columns = [f.column for f in Task._meta.concrete_fields if not f.primary_key]
    names = ", ".join(f'"{c}"' for c in columns)
    updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c not in ("source_id", "external_id"))
    data = io.StringIO()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY (SELECT {names} FROM tasks_task) TO STDOUT WITH CSV", data)
    timings: dict[str, list[float]] = {"copy": [], "upsert": []}
    for _ in range(repeat):
        for kind in ("copy", "upsert"):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE tasks_task, tasks_duedatechange CASCADE")
            data.seek(0)
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:  # one transaction, checked at commit
                if kind == "copy":
                    cursor.cursor.copy_expert(f"COPY tasks_task ({names}) FROM STDIN WITH CSV", data)
                else:
                    cursor.execute(
                        f"CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT {names} FROM tasks_task WITH NO DATA"
                    )
                    cursor.cursor.copy_expert(f"COPY stage ({names}) FROM STDIN WITH CSV", data)
                    cursor.execute(
                        f"INSERT INTO tasks_task ({names}) SELECT {names} FROM stage "
                        f"ON CONFLICT (source_id, external_id) DO UPDATE SET {updates}"
                    )
            timings[kind].append(time.perf_counter() - started)
    return timings


NOTES = [
    "Notes",
    "- A shared 2-core VM: two CPU-bound processes side by side get about 1.4 cores between them, and",
    "  the same run varies by ±15% from one minute to the next (see the range). Treat it as a floor.",
    "- Where the first load's time goes (100,000 tasks): Python validates and formats the rows (pydantic",
    "  ~1.2 s, records and CSV ~1.1 s) while a writer thread has Postgres store the previous batch",
    "  (COPY + INSERT ~1.2 s, foreign-key checks at commit ~1.2 s); the two overlap.",
    "- How it got here from 1,300 tasks/s: one transaction per 5,000 records, committed asynchronously",
    "  (the cursor's commit is synchronous); COPY (CSV, formatted in C) into a temporary stage and one",
    "  INSERT … ON CONFLICT … DO UPDATE … WHERE row IS DISTINCT FROM (Postgres compares, unchanged rows",
    "  are neither read back nor written); one pydantic pass per record into a slotted dataclass; a",
    "  writer thread on its own connection, so validation and storage use both cores (13.8k → 24k tasks/s",
    "  on the first load); no redundant single-column indexes, the parent index only where a parent is set.",
    "- The bench's 300,000 pre-built payloads are frozen out of the garbage collector (a real run holds",
    "  one page at a time); left in its sight, every full collection scanned them and halved throughput.",
    "- Due-date history costs only the tasks that move: the upsert finds moves among the rows it writes",
    "  (a data-modifying CTE in the same statement), so the first load and the reconciliation write",
    "  nothing more; the incremental round moves the due date of every other changed task.",
]


def render(rows, args, ratio: float) -> str:
    lines = [
        "# Sync benchmark",
        "",
        f"`bench/sync.py --tasks {args.tasks} --repeat {args.repeat}` on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}), Postgres on localhost, "
        f"{args.projects} mapped projects, pages of {PAGE}.",
        "Network excluded: pre-built Asana TaskResponse payloads go through the real pydantic validation, "
        "the compare-then-upsert and the runner's batched transactions, cursor and reconciliation.",
        "Each round starts from an empty table; the table gives the median round, with the range.",
        "Target (DESIGN): ≥ 20,000 tasks/s parse-and-upsert, and at least 0.8× a plain COPY → INSERT … ON CONFLICT of"
        " the same rows on the same machine; an incremental run costs in proportion to what changed.",
        "",
        "| run | tasks | seconds (median) | throughput (median) | throughput (range) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, n, seconds in rows:
        median = statistics.median(seconds)
        lines.append(
            f"| {name} | {n:,} | {median:.2f} | {n / median:,.0f} tasks/s "
            f"| {n / max(seconds):,.0f}–{n / min(seconds):,.0f} |"
        )
    lines += [
        "",
        f"First load against COPY → ON CONFLICT of the same rows: **{ratio:.2f}×** (medians; the budget 0.8×).",
    ]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load:
        lines += ["", f"Load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)."]
    lines += ["", *NOTES]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
