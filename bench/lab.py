"""The health lab's backtest at the network profile's size, pure Python (no database): 10,000
clients, 12 signals, a run of 1-20 firing days every 5-120 days over 27 months, 12% churn.
Budget (DESIGN): the backtest for the network profile ≤ 10 s.

Also the what-if's own work after its query: a rule's firing days at another threshold arrive as
runs (the database joins consecutive days), and one signal is backtested beside the stored one.

Run: python bench/lab.py [--clients N] [--repeat 3] [--no-write]; `bench/run.py` runs it too."""

import argparse
import datetime as dt
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


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Health lab backtest benchmark (pure Python)")
    parser.add_argument("--clients", type=int, default=10_000, help="10,000 is DESIGN's network profile")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help=f"Do not update {RESULTS.name}.")
    args = parser.parse_args(argv if argv is not None else [])
    runs, churns, period = world(args.clients)
    rows = sorted((r.client_id, r.signal, r.first_day, r.last_day) for r in runs)  # as the lab's query orders them
    full = summary([timed(lambda: backtest(rows, churns, period, [*SIGNALS, ANY])) for _ in range(args.repeat)])
    one = [r for r in rows if r[1] == "s0"]
    rule = summary(
        [timed(lambda: [backtest(one, churns, period, ["s0"]) for _twice in "ab"]) for _ in range(args.repeat)]
    )
    result = {"clients": args.clients, "runs": len(runs), "churns": len(churns), "backtest": full, "whatif": rule}
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
        f"`python bench/lab.py` on {dt.date.today()}, Python {platform.python_version()}, pure Python "
        f"(no database), median of {repeat} rounds; CPU time beside wall time (a shared machine).\n\n"
        "| what | wall | CPU | budget |\n|---|---|---|---|\n"
        f'| backtest, every signal and "any", {result["clients"]:,} clients, {result["runs"]:,} runs, '
        f"{result['churns']:,} churns | {full['wall_s']} s ({low}–{high}) | {full['cpu_s']} s "
        f"| ≤ {BUDGET_SECONDS:g} s |\n"
        f"| what-if: one rule backtested twice (current and tried) | {rule['wall_s']} s | {rule['cpu_s']} s "
        "| within the same 10 s, with its query |\n"
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
