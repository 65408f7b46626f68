"""The benchmark's data builder writes raw SQL against the schema: build its smallest profile here,
so a new NOT NULL column breaks this test rather than the next `make bench`."""

import pytest

from bench import large_profile

pytestmark = pytest.mark.slow

DATABASE = "test_gv_bench_profile"


def test_the_large_profile_builds_at_its_smallest_size():
    try:
        counts = large_profile.main(["--clients", "20", "--database", DATABASE])
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
