"""The health lab's backtest at the network profile's size, pure Python (no database): 10,000
clients, 12 signals, a run of 1-20 firing days every 5-120 days over 27 months, 12% churn.
Budget (DESIGN): the backtest for the network profile ≤ 10 s.

Also the what-if's own work after its query: a rule's firing days at another threshold arrive as
runs (the database joins consecutive days), and one signal is backtested beside the stored one.

With a Postgres `DATABASE_URL` (or --database-url) it also times the what-if's query on a
temporary table of the network profile's daily rows.

Run: python bench/lab.py [--clients N] [--repeat 3] [--no-write]; `bench/run.py` runs it too."""

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from godview.lab import ANY, Period, Run, backtest  # noqa: E402

SIGNALS = [f"s{i}" for i in range(12)]
RESULTS = ROOT / "bench" / "RESULTS-lab.md"
BUDGET_SECONDS = 10.0
WORK_MEM = "64MB"  # what godview.lab_whatif.WORK_MEM sets for the query (importing it needs Django)


def world(clients: int, seed: int = 1) -> tuple[list[Run], list[tuple[int, dt.date]], Period]:
    rng = random.Random(seed)
    period = Period(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    runs, churns = [], []
    for pk in range(clients):
        end = period.end
        if rng.random() < 0.12:
            end = period.start + dt.timedelta(days=rng.randint(0, 729))
            churns.append((pk, end))
        for signal in SIGNALS:
            day = period.start - dt.timedelta(days=rng.randint(0, 90))
            while day < end:
                last = min(day + dt.timedelta(days=rng.randint(0, 19)), end - dt.timedelta(days=1))
                runs.append(Run(pk, signal, day, last))
                day = last + dt.timedelta(days=rng.randint(5, 120))
    return runs, churns, period


def timed(call) -> tuple[float, float]:
    """Wall and CPU seconds: on a shared machine the CPU time is the steadier of the two."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def summary(times: list[tuple[float, float]]) -> dict:
    walls, cpus = [w for w, _c in times], [c for _w, c in times]
    return {
        "wall_s": round(statistics.median(walls), 2),
        "wall_range": (round(min(walls), 2), round(max(walls), 2)),
        "cpu_s": round(statistics.median(cpus), 2),
    }


WHATIF_SQL = """
SELECT client_id, MIN(date), MAX(date) FROM (
  SELECT client_id, date, date - (ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY date))::int AS island
  FROM lab_bench_snapshot
  WHERE is_active AND date BETWEEN %(reach)s AND %(end)s
    AND overdue_tasks > 0 AND (overdue_tasks >= %(t)s OR max_days_overdue > 7)
) AS numbered GROUP BY client_id, island ORDER BY client_id, MIN(date)
"""


def whatif_query(url: str, clients: int) -> dict:
    """The what-if's query (the rule's firing days joined into runs by Postgres, as
    godview/lab_whatif.py writes it) over a temporary table shaped like the snapshots' columns it
    reads: `clients` × 820 days (two years and the 90 days before), overdue counts that change
    every week or so. Nothing is left behind (a TEMP table)."""
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE lab_bench_snapshot AS SELECT c AS client_id, d::date AS date, true AS is_active, "
                "mod(hashint4(c * 7919 + (d::date - '2023-01-01'::date) / 9) & 7, 6) AS overdue_tasks, "
                "(hashint4(c * 104729 + (d::date - '2023-01-01'::date) / 13) & 15) AS max_days_overdue "
                "FROM generate_series(1, %s) AS c, "
                "generate_series('2023-10-03'::date, '2025-12-31'::date, '1 day') AS d",
                [clients],
            )
            cursor.execute("CREATE UNIQUE INDEX ON lab_bench_snapshot (client_id, date)")  # as the real table
            cursor.execute("ANALYZE lab_bench_snapshot")
            cursor.execute("SELECT COUNT(*) FROM lab_bench_snapshot")
            rows = cursor.fetchone()[0]
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
            times, cpus = [], []
            cursor.execute(f"SET work_mem = '{WORK_MEM}'")  # as the what-if sets it for its query
            for threshold in (3, 2, 3):
                began, cpu = time.perf_counter(), backend_cpu(backend)
                span = {"reach": dt.date(2023, 10, 3), "end": dt.date(2025, 12, 31)}
                cursor.execute(WHATIF_SQL, {**span, "t": threshold})
                runs = cursor.fetchall()
                times.append(time.perf_counter() - began)
                if cpu is not None:
                    cpus.append(backend_cpu(backend) - cpu)
    finally:
        connection.close()
    return {
        "rows": rows,
        "runs": len(runs),
        "seconds": round(statistics.median(times), 2),
        "cpu_seconds": round(statistics.median(cpus), 2) if cpus else None,
    }


def backend_cpu(pid: int) -> float | None:
    """CPU seconds the Postgres backend has used, when it runs on this machine (/proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Health lab backtest benchmark (pure Python)")
    parser.add_argument("--clients", type=int, default=10_000, help="10,000 is DESIGN's network profile")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help=f"Do not update {RESULTS.name}.")
    parser.add_argument("--query-only", action="store_true", help="Only the what-if's query (needs a database)")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", ""), help="Postgres for the what-if's query"
    )
    args = parser.parse_args(argv if argv is not None else [])
    if args.query_only:
        print(f"what-if query: {whatif_query(args.database_url, args.clients)}")
        return {}
    runs, churns, period = world(args.clients)
    rows = sorted((r.client_id, r.signal, r.first_day, r.last_day) for r in runs)  # as the lab's query orders them
    full = summary([timed(lambda: backtest(rows, churns, period, [*SIGNALS, ANY])) for _ in range(args.repeat)])
    one = [r for r in rows if r[1] == "s0"]
    rule = summary(
        [timed(lambda: [backtest(one, churns, period, ["s0"]) for _twice in "ab"]) for _ in range(args.repeat)]
    )
    result = {"clients": args.clients, "runs": len(runs), "churns": len(churns), "backtest": full, "whatif": rule}
    if args.database_url:
        result["whatif_query"] = whatif_query(args.database_url, args.clients)
        print(f"what-if query: {result['whatif_query']}")
    print(
        f"health lab backtest: {args.clients} clients, {len(runs):,} runs, {len(churns)} churns: "
        f"{full['wall_s']:.2f} s median of {args.repeat} ({full['wall_range'][0]:.2f}–{full['wall_range'][1]:.2f}), "
        f"{full['cpu_s']:.2f} s CPU; what-if's two backtests of one rule: {rule['wall_s']:.2f} s"
    )
    if not args.no_write:
        write(result, args.repeat)
    return result


def write(result: dict, repeat: int) -> None:
    full, rule = result["backtest"], result["whatif"]
    low, high = full["wall_range"]
    RESULTS.write_text(
        "# Health lab backtest\n\n"
        f"`python bench/lab.py` on {dt.date.today()}, Python {platform.python_version()}: the backtest in pure "
        f"Python, the what-if's query on Postgres (a temporary table); medians of {repeat} rounds; CPU time "
        "beside wall time, as the machine is shared.\n\n"
        "| what | wall | CPU | budget |\n|---|---|---|---|\n"
        f'| backtest, every signal and "any", {result["clients"]:,} clients, {result["runs"]:,} runs, '
        f"{result['churns']:,} churns | {full['wall_s']} s ({low}–{high}) | {full['cpu_s']} s "
        f"| ≤ {BUDGET_SECONDS:g} s |\n"
        f"| what-if: one rule backtested twice (stored and tried) | {rule['wall_s']} s | {rule['cpu_s']} s "
        "| within the same 10 s, with its query |\n"
        + (
            f"| what-if's query (Postgres joins a rule's firing days into runs), {result['whatif_query']['rows']:,} "
            f"daily rows → {result['whatif_query']['runs']:,} runs (once a try; twice if the threshold changed) | "
            f"{result['whatif_query']['seconds']} s | {result['whatif_query']['cpu_seconds']} s (Postgres) "
            "| with the backtests ≤ 10 s |\n"
            if "whatif_query" in result
            else ""
        )
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
