"""The embedded default's cache is shared by every process: a rollup run in another terminal is
seen by a web process that was already serving figures, without a restart."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def embedded_env(tmp_path: Path) -> dict[str, str]:
    """No REDIS_URL (the embedded default) on a SQLite file of the test's own."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_NAME")}
    return env | {"DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}", "DEBUG": "true"}


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# A long-lived "web process": it serves a snapshot figure, another process runs `manage.py rollup`,
# then it serves the figure again.
WEB_PROCESS = """
import subprocess, sys
import django
django.setup()
from django.conf import settings
from core.cache import snapshot_cached

print(settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1])
print(snapshot_cached("probe", None, {}, lambda: "before the rollup"))
print(snapshot_cached("probe", None, {}, lambda: "recomputed without a rollup"))
subprocess.run([sys.executable, "manage.py", "rollup"], check=True, capture_output=True)
print(snapshot_cached("probe", None, {}, lambda: "after the rollup"))
"""


@pytest.mark.slow
def test_a_rollup_in_another_process_is_seen_by_a_running_web_process_without_redis(tmp_path):
    env = embedded_env(tmp_path)
    run(env, sys.executable, "manage.py", "migrate", "--no-input")
    out = run(env | {"DJANGO_SETTINGS_MODULE": "godview.settings"}, sys.executable, "-c", WEB_PROCESS)
    assert out.splitlines()[-4:] == [
        "DatabaseCache",
        "before the rollup",
        "before the rollup",  # cached until the next rollup
        "after the rollup",  # the other process's bump is seen
    ]


@pytest.mark.slow
def test_migrate_creates_the_cache_table_of_the_embedded_default(tmp_path):
    env = embedded_env(tmp_path)
    run(env, sys.executable, "manage.py", "migrate", "--no-input")
    tables = run(
        env | {"DJANGO_SETTINGS_MODULE": "godview.settings"},
        sys.executable,
        "-c",
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "print(connection.introspection.table_names())",
    )
    assert "godview_cache" in tables


def test_a_lost_version_key_never_serves_a_figure_from_before(settings):
    """A cache may evict the version key (the database cache culls in key order, and the version's
    key sorts first) while the figures stay: the version starts afresh instead of at 0."""
    from django.core.cache import cache

    from core.cache import VERSION_KEY, bump_rollup_version, snapshot_cached

    cache.clear()
    try:
        assert snapshot_cached("probe", None, {}, lambda: "first") == "first"
        bump_rollup_version()
        assert snapshot_cached("probe", None, {}, lambda: "second") == "second"
        cache.delete(VERSION_KEY)
        assert snapshot_cached("probe", None, {}, lambda: "third") == "third"
    finally:
        cache.clear()
