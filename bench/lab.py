"""The health lab's backtest at the network profile's size, pure Python (no database): 10,000
clients, 12 signals, a run of 1-20 firing days every 5-120 days over 27 months, 12% churn.
Budget (DESIGN): the backtest for the network profile ≤ 10 s. Run: python bench/lab.py"""

import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from godview.lab import ANY, Period, Run, backtest  # noqa: E402

SIGNALS = [f"s{i}" for i in range(12)]


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


def main(clients: int = 10_000) -> None:
    runs, churns, period = world(clients)
    began = time.perf_counter()
    backtest(runs, churns, period, [*SIGNALS, ANY])
    seconds = time.perf_counter() - began
    print(f"health lab backtest: {clients} clients, {len(runs):,} runs, {len(churns)} churns: {seconds:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
