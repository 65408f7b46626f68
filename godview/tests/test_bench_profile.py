"""The benchmark's data builder writes raw SQL against the schema: build its smallest profile here,
so a new NOT NULL column breaks this test rather than the next `make bench`."""

import subprocess
import sys

import pytest

from bench import large_profile, screens

pytestmark = pytest.mark.slow

DATABASE = "test_gv_bench_profile"


def test_the_large_profile_builds_at_its_smallest_size_and_every_screen_of_the_bench_answers(tmp_path):
    results = tmp_path / "screens.md"
    try:
        counts = large_profile.main(["--clients", "20", "--database", DATABASE])
        # bench.screens sets Django up on the profile's database: its own process.
        done = subprocess.run(
            [sys.executable, "-m", "bench.screens", "--clients", "20", "--database", DATABASE, "--iterations", "1",
             "--out", str(results)],
            cwd=large_profile.ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    finally:
        import psycopg2

        conn = psycopg2.connect(f"{large_profile.SERVER}/postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.close()

    assert counts["clients_client"] == 20
    assert counts["tasks_task"] == 20 * large_profile.PER_CLIENT["tasks"]
    assert counts["clients_dailysnapshot"] > 0
    assert counts["clients_dailysnapshot"] / 7 <= counts["clients_weeklysnapshot"] < counts["clients_dailysnapshot"] / 6
    assert counts["tasks_weeklyhours"] > 0 and counts["tasks_personload"] > 0  # /capacity/'s rollups

    assert done.returncode == 0, done.stderr[-3000:]  # every request answered 200
    table = results.read_text()
    assert "20 clients" in table
    widgets = [*(f"widget: {w}" for w in screens.WIDGETS), "widget: training"]
    labels = ["God-view page", *widgets, "a pod page", *screens.SCREENS]
    assert [label for label in labels if f"| {label} |" not in table] == []
