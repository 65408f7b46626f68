"""Run every benchmark: the God-view's, the health lab's backtest at the network profile's size
(pure Python, no database), then the sync's if that area has written it."""

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    from bench import dashboard, lab

    dashboard.main([])
    lab.main([])
    try:
        sync = importlib.import_module("bench.sync")
    except ModuleNotFoundError:
        print("bench.sync is not there yet: skipped")
        return
    sync.main()


if __name__ == "__main__":
    main()
