"""God-view benchmark: median server time and query count of the page and each partial at 20,
200 and 2,000 clients, and the nightly rollup at the large profile. Budgets (DESIGN):
page ≤ 150 ms median and ≤ 20 queries (the same count at every size), partial ≤ 60 ms,
rollup ≤ 60 s.

    python -m bench.large_profile --clients 20 --database gv_bench_20     # and 200, and 2000 → gv_bench
    python -m bench.dashboard                                              # writes bench/RESULTS-dashboard.md

Each size runs in its own process (one database per process); requests go through Django's test
client in-process, signed in as leadership (who sees every client), DEBUG off.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = os.environ.get("BENCH_DB_PREFIX", "gv_bench")  # own databases for a branch's measurements
SIZES = {20: f"{PREFIX}_20", 200: f"{PREFIX}_200", 2000: PREFIX}
WIDGETS = ("warnings", "risk", "heatmap", "pods", "people", "performers", "freshness")
PAGE_BUDGET_MS, PARTIAL_BUDGET_MS, QUERY_BUDGET, ROLLUP_BUDGET_S = 150, 60, 20, 60
SCREEN_BUDGET_MS = 200  # every other screen


def measure(client, url: str, iterations: int, cold: bool = False, after_warm: bool = False, **headers) -> dict:
    """Median time and query count. `cold` empties the cache before each request (the first load
    after a rollup, nothing warmed); `after_warm` empties it and runs the nightly warm-up, as the
    nightly job does after its rollup. Otherwise snapshot-derived figures come from the cache as
    on a normal day."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from godview.warm import warm_leadership_caches

    times, queries = [], 0
    client.get(url, **headers)  # warm compiled templates
    for _ in range(iterations):
        if cold or after_warm:
            cache.clear()
        if after_warm:
            warm_leadership_caches()
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.get(url, **headers)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx)
    return {"median_ms": round(statistics.median(times), 1), "queries": queries}


def run_size(database: str, iterations: int, rollup: bool) -> dict:
    from bench._env import setup

    setup(database)
    from django.test import Client

    from accounts.models import Pod, User

    client = Client()
    client.force_login(User.objects.get(username="leader"))
    results = {"page": measure(client, "/", iterations)}
    results["page, cold cache"] = measure(client, "/", max(5, iterations // 3), cold=True)
    results["client list (/clients/)"] = measure(client, "/clients/", iterations)
    results["client list, by open warnings"] = measure(client, "/clients/?sort=warnings", iterations)
    hx = {"HTTP_HX_REQUEST": "true"}
    results["filters (body swap)"] = measure(client, "/?period=12w", iterations, **hx, HTTP_HX_TARGET="dashboard-body")
    for name in WIDGETS:
        results[name] = measure(client, f"/widgets/{name}/", iterations, **hx, HTTP_HX_TARGET=name)
    for name in ("pods", "people", "performers"):
        results[f"{name}, cold cache"] = measure(
            client, f"/widgets/{name}/", max(5, iterations // 3), cold=True, **hx, HTTP_HX_TARGET=name
        )
    pod = Pod.objects.order_by("pk").first()
    for name in ("pods", "people", "performers"):  # a filter the warm-up did not compute: one pod
        results[f"{name}, one pod, after the nightly warm-up"] = measure(
            client, f"/widgets/{name}/?pod={pod.pk}", max(5, iterations // 3), after_warm=True, **hx,
            HTTP_HX_TARGET=name,
        )  # fmt: skip
    out = {"requests": results}
    if rollup:
        from core.weeks import today
        from godview.rollup import rollup_day

        began = time.monotonic()
        result = rollup_day(today())
        out["rollup_s"] = round(time.monotonic() - began, 1)
        out["rollup_snapshots"] = result.snapshots
    return out


def write_results(results: dict) -> Path:
    sizes = sorted(int(s) for s in results)
    names = list(results[str(sizes[0])]["requests"])
    lines = [
        "# God-view benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this machine (2 shared cores),"
        " Postgres, DEBUG off,",
        "Django's test client in-process signed in as leadership; median of many requests after a warm-up.",
        "Data: `bench/large_profile.py` (2,000 clients, 250 people, 40 pods, 2,000,000 tasks, 200,000 weekly goals,",
        "60,000 risk assessments, three years of history; the 20- and 200-client profiles scale it down).",
        "",
        f"Budgets: page ≤ {PAGE_BUDGET_MS} ms median and ≤ {QUERY_BUDGET} queries, the same count at every size;"
        f" each partial ≤ {PARTIAL_BUDGET_MS} ms; nightly rollup ≤ {ROLLUP_BUDGET_S} s.",
        "",
        "| request | " + " | ".join(f"{s} clients: ms / queries" for s in sizes) + " | budget | met |",
        "|---|" + "---|" * len(sizes) + "---|---|",
    ]
    for name in names:
        cells = [results[str(s)]["requests"][name] for s in sizes]
        # The filter swap re-renders the page's content (KPI strip and widget shells) in one response.
        budget = (
            SCREEN_BUDGET_MS
            if name.startswith("client list")
            else PAGE_BUDGET_MS
            if name.startswith(("page", "filters"))
            else PARTIAL_BUDGET_MS
        )
        flat = len({c["queries"] for c in cells}) == 1
        met = (
            cells[-1]["median_ms"] <= budget
            and flat
            and (not name.startswith("page") or cells[-1]["queries"] <= QUERY_BUDGET)
        )
        lines.append(
            f"| {name} | " + " | ".join(f"{c['median_ms']} / {c['queries']}" for c in cells)
            + f" | ≤ {budget} ms | {'yes' if met else 'NO'} |"
        )  # fmt: skip
    lines += [
        "",
        "Snapshot-derived figures (previous-period stocks, task flows, overdue stock, leaderboard sums, the",
        "top-performer comparison, NRR a period ago) are cached until the next rollup bumps a version key;",
        "the plain rows are a normal day (warm), the *cold cache* rows the first load after a rollup with",
        "nothing warmed (an emptied cache), the *after the nightly warm-up* rows the first load of a filter",
        "the nightly job's warm-up did not compute (it computes leadership's default view, and the",
        "per-client figures every filter's boards and top-performer comparison sum).",
    ]
    large = results[str(sizes[-1])]
    if "rollup_s" in large:
        met = "yes" if large["rollup_s"] <= ROLLUP_BUDGET_S else "NO"
        lines += [
            "",
            f"Nightly rollup (`rollup_day`, {large['rollup_snapshots']} snapshots and their early warnings) at "
            f"{sizes[-1]} clients: **{large['rollup_s']} s** (budget ≤ {ROLLUP_BUDGET_S} s: {met}).",
        ]
    path = ROOT / "bench" / "RESULTS-dashboard.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def prepare_database(size: int, database: str) -> None:
    """Build a missing profile (bench/large_profile.py, minutes at 2,000 clients); migrate an existing
    one, so it has the schema of the code being measured."""
    import psycopg2

    from bench import large_profile

    conn = psycopg2.connect(f"{large_profile.SERVER}/postgres")
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        exists = cur.fetchone() is not None
    conn.close()
    if exists:
        large_profile.migrate(database)
    else:
        print(f"{database}: not there yet, building the {size}-client profile", flush=True)
        large_profile.main(["--clients", str(size), "--database", database])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="God-view dashboard benchmark")
    parser.add_argument("--iterations", type=int, default=25)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one database in this process
    parser.add_argument("--rollup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    if args.one:
        result = run_size(args.one, args.iterations, args.rollup)
        print("RESULT " + json.dumps(result))
        return result
    results = {}
    for size, database in SIZES.items():
        prepare_database(size, database)
        command = [sys.executable, "-m", "bench.dashboard", "--one", database, "--iterations", str(args.iterations)]
        if size == max(SIZES):
            command.append("--rollup")
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=os.environ.copy())
        line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if line is None:
            raise SystemExit(
                f"{database}: benchmark failed (build it with bench/large_profile.py?)\n{done.stderr[-3000:]}"
            )
        results[str(size)] = json.loads(line.removeprefix("RESULT "))
        print(size, json.dumps(results[str(size)]), flush=True)
    print(f"wrote {write_results(results)}")
    return results


if __name__ == "__main__":
    main()
