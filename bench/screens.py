"""Every screen's server time at one profile: the God-view page and each widget, and every list
screen, warm (a normal day: snapshot figures cached) and with an emptied cache (the first load
after a rollup, nothing warmed), with the query count and whether any query reads the task table.

    make bench-network     # = python -m bench.screens --clients 10000 --database gv_bench_10k

builds the network profile when it is missing (bench/large_profile.py, about 6 minutes here),
migrates it when it exists, then writes bench/RESULTS-screens.md.

Requests go through Django's test client in-process, signed in as leadership (who sees every
client), DEBUG off, the database cache (no Redis: the database is measured, not the network).
"""

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# DESIGN "Performance budgets", (warm, emptied cache) in ms: the page, each partial, every other screen.
PAGE_MS, WIDGET_MS, SCREEN_MS, PAGE_QUERIES = (100, 150), (60, 60), (200, 200), 20
WIDGETS = ("warnings", "risk", "heatmap", "pods", "people", "performers", "freshness")
SCREENS = (
    "/clients/",
    "/goals/",
    "/tasks/?kind=overdue",
    "/tasks/?kind=on_time",
    "/retention/",
    "/review-queue/",
    "/actions/",
    "/objectives/",
    "/next-week/",
    "/revenue/",
    "/capacity/",
    "/churn/",
    "/training/",
    "/training/results/",
    "/sync/",
    "/lab/",
    "/onboarding/",
    "/service/",
    "/voice/?problem=no_contact",
    "/my/",
)


def timed(client, url: str, iterations: int, cold: bool) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # compiled templates, connection
    times, queries, cached, tasks = [], 0, 0, False
    for _ in range(iterations):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        # The database cache's own queries (the bench's cache; production's Redis makes none).
        cached = sum('"godview_cache"' in q["sql"] for q in ctx.captured_queries)
        queries = len(ctx) - cached
        tasks = any('"tasks_task"' in q["sql"] for q in ctx.captured_queries)
    return {
        "ms": round(statistics.median(times)),
        "low": round(min(times)),
        "queries": queries,
        "cache_queries": cached,
        "tasks": tasks,
    }


def requests(client) -> list[tuple[str, str, tuple[int, int]]]:
    """(label, url, budget in ms warm and emptied) for the page, each widget, a pod page and every list screen."""
    from accounts.models import Pod

    pod = Pod.objects.order_by("pk").first()
    rows = [("God-view page", "/", PAGE_MS)]
    rows += [(f"widget: {name}", f"/widgets/{name}/", WIDGET_MS) for name in WIDGETS]
    rows += [("widget: training", "/training/panel/", WIDGET_MS)]  # the page's training panel, from its own app
    rows += [("a pod page", f"/pods/{pod.pk}/", SCREEN_MS)]
    rows += [(url, url, SCREEN_MS) for url in SCREENS]
    return rows


def run(database: str, iterations: int, out: Path | None = None) -> list[dict]:
    from bench._env import setup

    setup(database)
    from django.db import connection
    from django.test import Client as TestClient

    from accounts.models import Role, User
    from clients.models import Client

    client = TestClient()
    client.force_login(User.objects.filter(role=Role.LEADERSHIP).order_by("pk").first())
    clients = Client.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'tasks_task'")
        tasks = cursor.fetchone()[0]
    rows = []
    for label, url, budget in requests(client):
        warm = timed(client, url, iterations, cold=False)
        cold = timed(client, url, max(3, iterations // 2), cold=True)
        rows.append({"label": label, "url": url, "budget": budget, "warm": warm, "cold": cold})
        print(
            f"{label:28} warm {warm['ms']:>5} ms  cold {cold['ms']:>5} ms  {warm['queries']} queries"
            f" (+{warm['cache_queries']} cache)",
            flush=True,
        )
    write(database, clients, tasks, iterations, rows, out or ROOT / "bench" / "RESULTS-screens.md")
    return rows


def write(database: str, clients: int, tasks: int, iterations: int, rows: list[dict], path: Path) -> Path:
    load = os.getloadavg()[0]
    lines = [
        "# Every screen at one profile",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on `{database}`: {clients:,} clients,"
        f" about {tasks:,} tasks; load average {load:.1f} on 2 cores. Django's test client in-process, signed"
        f" in as leadership, DEBUG off, the database cache. Median of {iterations} requests after one"
        " warm-up (lowest in brackets); *emptied cache* clears the cache before each request. Queries"
        " are the screen's own; the database cache's reads and writes are counted apart (+N), as"
        " production's Redis makes none. Met: both medians within DESIGN's budgets (and the page's"
        f" queries ≤ {PAGE_QUERIES}).",
        "",
        "| request | warm ms | emptied cache ms | queries (warm / emptied) | reads tasks | budget ms | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        warm, cold = r["warm"], r["cold"]
        (warm_budget, cold_budget) = r["budget"]
        met = warm["ms"] <= warm_budget and cold["ms"] <= cold_budget
        met = met and (r["label"] != "God-view page" or max(warm["queries"], cold["queries"]) <= PAGE_QUERIES)
        lines.append(
            f"| {r['label']} | {warm['ms']} ({warm['low']}) | {cold['ms']} ({cold['low']}) |"
            f" {warm['queries']} (+{warm['cache_queries']}) / {cold['queries']} (+{cold['cache_queries']}) |"
            f" {'yes' if warm['tasks'] or cold['tasks'] else 'no'} | ≤ {warm_budget} / {cold_budget} |"
            f" {'yes' if met else '**no**'} |"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10000)
    parser.add_argument("--database", default="gv_bench_10k")
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--out", type=Path, help="where to write the results (default bench/RESULTS-screens.md)")
    args = parser.parse_args(argv)
    from bench.dashboard import prepare_database

    prepare_database(args.clients, args.database)
    return run(args.database, args.iterations, args.out)


if __name__ == "__main__":
    main()
